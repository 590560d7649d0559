"""Rates over time: month-by-month GROUP BY queries for the Trends view and `report trends`.

Each query buckets rows into months with one CASE over the months' bounds (UTC ISO-8601 text for
`activities.occurred_at`, ISO dates for `tasks.due_date`), so SQLite returns a few aggregate rows
per month and no row of the log is read into Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from csm_tui.store.connection import Store

# Migration 11's covering index holds every column these queries read (outcome included).
SOURCE = "activities INDEXED BY activities_effort"
# Work for many customers (issue 16: a segment, several accounts or none) is the work on no
# account: the covering index holds account_id, so the share needs no lookup per row.
ONE_TO_MANY = "account_id IS NULL"


@dataclass(frozen=True)
class MonthActivities:
    """One month's activities: how many, their minutes, the proactive and one-to-many minutes,
    and how many had each outcome (Outcome value → count; no outcome left out)."""

    month: int  # index into the bounds
    count: int
    minutes: int
    proactive_minutes: int
    one_to_many_minutes: int
    outcomes: dict[str, int]


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


def _per_month(
    bounds: list[str], author: str | None, select: str, group: str = ""
) -> tuple[str, dict[str, Any]]:
    """`select` (after the month's index) over each month's range of the covering index, one
    range read a month joined by UNION ALL: no GROUP BY over the whole year to sort."""
    by, params = _author(author)
    parts = []
    for i in range(len(bounds) - 1):
        params[f"lo{i}"], params[f"hi{i}"] = bounds[i], bounds[i + 1]
        parts.append(
            f"SELECT {i} AS month, {select} FROM {SOURCE} "
            f"WHERE occurred_at >= :lo{i} AND occurred_at < :hi{i}{by}{group}"
        )
    return " UNION ALL ".join(parts), params


def _author(author: str | None, column: str = "author_email") -> tuple[str, dict[str, Any]]:
    if author is None:
        return "", {}
    return f" AND {column} = :author", {"author": author}


def activities_per_month(
    store: Store, bounds: list[str], author: str | None, outcomes: tuple[str, ...]
) -> list[MonthActivities]:
    """Each month's counts and minutes, with the proactive and one-to-many minutes and the
    activities with each of `outcomes` (one range read of the covering index a month)."""
    if len(bounds) < 2:
        return []
    outcome_counts = "".join(
        f", count(*) FILTER (WHERE outcome = :outcome{n})" for n in range(len(outcomes))
    )
    sql, params = _per_month(
        bounds,
        author,
        "count(*), coalesce(sum(minutes), 0), "
        "coalesce(sum(minutes) FILTER (WHERE proactive), 0), "
        f"coalesce(sum(minutes) FILTER (WHERE {ONE_TO_MANY}), 0)" + outcome_counts,
    )
    params.update({f"outcome{n}": outcome for n, outcome in enumerate(outcomes)})
    return [
        MonthActivities(
            int(r[0]),
            int(r[1]),
            int(r[2]),
            int(r[3]),
            int(r[4]),
            dict(zip(outcomes, r[5:], strict=True)),
        )
        for r in store.query(sql, params)
    ]


def segment_minutes(store: Store, bounds: list[str], author: str | None) -> list[SegmentMinutes]:
    """Minutes per month and account segment: grouped by account within each month from the
    covering index first, so only one row per account and month meets the accounts table."""
    if len(bounds) < 2:
        return []
    sql, params = _per_month(
        bounds, author, "account_id, sum(minutes) AS m", group=" GROUP BY account_id"
    )
    rows = store.query(
        f"SELECT g.month, a.segment, sum(g.m) FROM ({sql}) AS g "
        "JOIN accounts AS a ON a.id = g.account_id GROUP BY g.month, a.segment",
        params,
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
