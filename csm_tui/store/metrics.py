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


# -- communication signals (issue 16) ------------------------------------------------------------


@dataclass(frozen=True)
class SignalMonth:
    """One account's communication in one calendar month: the sums of its rows that start in it
    (a week in the month of its Monday), and the rates in percent (None: nothing to divide by).

    A rate counts only the rows that give both of its counts, so a row with answers but no sent
    count neither lowers nor raises it."""

    account_id: str
    month: date  # its first day
    answer_rate: float | None  # 100 × answered ÷ sent
    attendance_rate: float | None  # 100 × attended ÷ invited
    sent: int
    answered: int
    invited: int
    attended: int
    nps: float | None  # the average of the month's NPS values, weighted by answers when known
    feedback: int


SIGNAL_MONTHS = """
SELECT account_id, substr(period_start, 1, 7) AS month,
    100.0 * sum(CASE WHEN surveys_sent IS NOT NULL THEN surveys_answered END)
        / nullif(sum(CASE WHEN surveys_answered IS NOT NULL THEN surveys_sent END), 0),
    100.0 * sum(CASE WHEN events_invited IS NOT NULL THEN events_attended END)
        / nullif(sum(CASE WHEN events_attended IS NOT NULL THEN events_invited END), 0),
    coalesce(sum(CASE WHEN surveys_answered IS NOT NULL THEN surveys_sent END), 0),
    coalesce(sum(CASE WHEN surveys_sent IS NOT NULL THEN surveys_answered END), 0),
    coalesce(sum(CASE WHEN events_attended IS NOT NULL THEN events_invited END), 0),
    coalesce(sum(CASE WHEN events_invited IS NOT NULL THEN events_attended END), 0),
    1.0 * sum(nps * coalesce(nullif(surveys_answered, 0), 1))
        / sum(CASE WHEN nps IS NOT NULL THEN coalesce(nullif(surveys_answered, 0), 1) END),
    coalesce(sum(feedback_items), 0)
FROM usage_metrics
WHERE period_start >= :since AND period_start < :until {account}
    AND (surveys_sent IS NOT NULL OR surveys_answered IS NOT NULL OR nps IS NOT NULL
        OR feedback_items IS NOT NULL OR events_invited IS NOT NULL
        OR events_attended IS NOT NULL)
GROUP BY account_id, month
ORDER BY account_id, month
"""
"""The WHERE repeats the partial index usage_metrics_signals' condition term for term: SQLite
uses a partial index only for a query whose WHERE implies it."""


def signal_months(
    store: Store, since: date, until: date, account_id: str | None = None
) -> list[SignalMonth]:
    """Each account's months from `since` to before `until` that carry a signal, oldest first;
    one account's when `account_id` is given."""
    sql = SIGNAL_MONTHS.format(account="AND account_id = :account" if account_id else "")
    rows = store.query(
        sql, {"since": since.isoformat(), "until": until.isoformat(), "account": account_id}
    )
    return [
        SignalMonth(
            row[0],
            date.fromisoformat(row[1] + "-01"),
            row[2],
            row[3],
            int(row[4]),
            int(row[5]),
            int(row[6]),
            int(row[7]),
            None if row[8] is None else float(row[8]),
            int(row[9]),
        )
        for row in rows
    ]
