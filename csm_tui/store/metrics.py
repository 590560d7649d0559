"""Queries over `usage_metrics`: what an import matches against, and the signals read back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from csm_tui.models.metrics import MEASURES, USAGE
from csm_tui.store.connection import Store

_COLUMNS = ", ".join(MEASURES)
_USAGE = ", ".join(USAGE)


@dataclass(frozen=True)
class AccountKeys:
    """How a metrics file may name an account: id, external id, or exact name."""

    ids: frozenset[str]
    by_external_id: dict[str, str]
    by_name: dict[str, list[str]]  # a name two accounts share cannot name either


def account_keys(store: Store) -> AccountKeys:
    rows = store.query("SELECT id, external_id, name FROM accounts")
    by_name: dict[str, list[str]] = {}
    for row in rows:
        by_name.setdefault(row[2], []).append(row[0])
    return AccountKeys(
        frozenset(row[0] for row in rows),
        {row[1]: row[0] for row in rows if row[1]},
        by_name,
    )


def stored_rows(
    store: Store, period: str, starts: set[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The stored rows of `period` starting on any of `starts`, by (account_id, start).

    One range read of the period index per start: a year of weekly rows is 52 lookups.
    """
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for start in sorted(starts):
        for row in store.query(
            f"SELECT id, account_id, period_start, {_COLUMNS} FROM usage_metrics "
            "WHERE period = ? AND period_start = ?",
            (period, start),
        ):
            found[(row["account_id"], row["period_start"])] = dict(row)
    return found


def latest_active_users(store: Store) -> dict[str, int]:
    """Each account's active users in its latest week that reports them (the segments' size)."""
    rows = store.query(
        "SELECT account_id, active_users, max(period_start) FROM usage_metrics "
        "WHERE period = 'week' AND active_users IS NOT NULL GROUP BY account_id"
    )
    return {row[0]: int(row[1]) for row in rows}


@dataclass(frozen=True)
class WeekUsage:
    """One account's usage in one ISO week (None: not reported)."""

    start: date
    logins: int | None
    active_users: int | None
    key_feature_uses: int | None
    inquiries: int | None
    new_users: int | None


def weekly_usage(store: Store, account_id: str, since: date) -> list[WeekUsage]:
    """An account's weekly rows from `since` on, oldest first."""
    rows = store.query(
        f"SELECT period_start, {_USAGE} FROM usage_metrics "
        "WHERE account_id = ? AND period = 'week' AND period_start >= ? ORDER BY period_start",
        (account_id, since.isoformat()),
    )
    return [WeekUsage(date.fromisoformat(row[0]), *row[1:]) for row in rows]


def latest_week(store: Store) -> date | None:
    """The newest week any account has metrics for."""
    row = store.query_one("SELECT max(period_start) FROM usage_metrics WHERE period = 'week'")
    return None if row is None or row[0] is None else date.fromisoformat(row[0])
