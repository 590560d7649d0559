"""Rates over time: month-by-month GROUP BY queries for the Trends view and `report trends`.

Each query buckets rows into months with one CASE over the months' bounds (UTC ISO-8601 text for
`activities.occurred_at`, ISO dates for `tasks.due_date`), so SQLite returns a few aggregate rows
per month and no row of the log is read into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from csm_tui.store.connection import Store

# Who an activity was for: one account today. When activities carry an `audience` column (issue
# 16, "work for many": one account / a segment / several / none), this becomes that column and
# every query below already groups by it.
AUDIENCE = "'one'"
ONE_TO_ONE = "one"


@dataclass(frozen=True)
class ActivityMix:
    """Activities of one month with one proactive flag, audience and outcome."""

    month: int  # index into the bounds
    proactive: bool
    audience: str
    outcome: str
    count: int
    minutes: int


@dataclass(frozen=True)
class SegmentMinutes:
    month: int
    segment: str
    minutes: int


@dataclass(frozen=True)
class TaskStates:
    """Tasks due in one month, created by one rule ('' and `manual`: by hand)."""

    month: int
    source: str
    rule_id: str
    on_time: int
    late: int
    open: int


def _bucket(column: str, bounds: list[str], prefix: str) -> tuple[str, str, dict[str, Any]]:
    """(CASE giving the month's index, WHERE keeping [bounds[0], bounds[-1]), parameters)."""
    params = {f"{prefix}{i}": bound for i, bound in enumerate(bounds)}
    whens = " ".join(f"WHEN {column} < :{prefix}{i + 1} THEN {i}" for i in range(len(bounds) - 1))
    where = f"{column} >= :{prefix}0 AND {column} < :{prefix}{len(bounds) - 1}"
    return f"CASE {whens} END", where, params


def _author(author: str | None, column: str = "author_email") -> tuple[str, dict[str, Any]]:
    if author is None:
        return "", {}
    return f" AND {column} = :author", {"author": author}


def activity_mix(store: Store, bounds: list[str], author: str | None) -> list[ActivityMix]:
    """Count and minutes per month × proactive × audience × outcome (one range scan)."""
    if len(bounds) < 2:
        return []
    month, where, params = _bucket("occurred_at", bounds, "b")
    by, by_params = _author(author)
    rows = store.query(
        f"SELECT {month} AS month, proactive, {AUDIENCE} AS audience, outcome, "
        "count(*), sum(minutes) "
        f"FROM activities WHERE {where}{by} "
        "GROUP BY month, proactive, audience, outcome",
        {**params, **by_params},
    )
    return [ActivityMix(int(r[0]), bool(r[1]), str(r[2]), r[3], int(r[4]), int(r[5])) for r in rows]


def segment_minutes(store: Store, bounds: list[str], author: str | None) -> list[SegmentMinutes]:
    """Minutes per month and account segment: grouped by account from the covering index
    first, so only one row per account and month meets the accounts table."""
    if len(bounds) < 2:
        return []
    month, where, params = _bucket("occurred_at", bounds, "b")
    by, by_params = _author(author)
    rows = store.query(
        "SELECT g.month, a.segment, sum(g.m) FROM ("
        f"  SELECT {month} AS month, account_id, sum(minutes) AS m "
        f"  FROM activities INDEXED BY activities_effort WHERE {where}{by} "
        "  GROUP BY month, account_id"
        ") AS g JOIN accounts AS a ON a.id = g.account_id "
        "GROUP BY g.month, a.segment",
        {**params, **by_params},
    )
    return [SegmentMinutes(int(r[0]), r[1], int(r[2])) for r in rows]


def accounts_per_segment(store: Store) -> dict[str, int]:
    """How many accounts the book holds in each segment ('' for none)."""
    rows = store.query("SELECT segment, count(*) FROM accounts GROUP BY segment")
    return {r[0]: int(r[1]) for r in rows}


def task_states(
    store: Store, days: list[str], assignee: str | None, offset: str
) -> list[TaskStates]:
    """Tasks due in each month [days[i], days[i + 1]) by rule: done by their due date, done
    after it, still open. `offset` (like '+09:00') turns the UTC `done_at` into a local day."""
    if len(days) < 2:
        return []
    month, where, params = _bucket("due_date", days, "d")
    by, by_params = _author(assignee, "assignee_email")
    on_time = "done = 1 AND date(done_at, :offset) <= due_date"
    rows = store.query(
        f"SELECT {month} AS month, source, rule_id, "
        f"sum({on_time}), sum(done = 1 AND NOT ({on_time})), sum(done = 0) "
        f"FROM tasks WHERE due_date IS NOT NULL AND {where}{by} "
        "GROUP BY month, source, rule_id",
        {**params, **by_params, "offset": offset},
    )
    return [TaskStates(int(r[0]), r[1], r[2], int(r[3]), int(r[4]), int(r[5])) for r in rows]
