"""Rates over time: month-by-month queries for the Trends view and `report trends`.

`month_figures` is what the view reads. A local month [b_i, b_i+1) is its UTC month
[U_i, U_i+1) (U: the UTC midnight of the local 1st) corrected by the hours between each local
midnight and that UTC midnight (none in UTC, up to 14 on each bound elsewhere):

    local_i = utc_i + E_i - E_i+1,   E_j = +raw[b_j, U_j) when b_j < U_j, else -raw[U_j, b_j)

A UTC month's counts and minutes (all, proactive, one-to-many) are the per-day rollup's
(`effort_days`, store/effort_rollup.py) whole days; its outcomes and its minutes by account
segment are read from the index `activities_trends`, whose first column is the UTC month
(`substr(occurred_at, 1, 7)`): grouped by month, author and account in the index's own order
(no sort), each month's few thousand account rows then meet the accounts table. The edge hours
are read from the activities with their accounts. Nothing is rounded, nothing approximated: a
test checks the figures equal the straightforward per-month queries below
(`activities_per_month`, `segment_minutes`) on a randomized book.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
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


# -- the view's path: UTC months from the rollup and the month-first index, plus the edges ------

# the first column of the index `activities_trends` (migrations.py); not named with INDEXED BY (a
# first download drops it for a while: the query then scans the table, still right)
MONTH_KEY = "substr(occurred_at, 1, 7)"


def utc_midnight(day: str) -> str:
    """An ISO date's UTC midnight as the activities store their times."""
    return f"{day}T00:00:00+00:00"


@dataclass
class _Figures:
    """One month's (or one edge's) sums, added up from the parts."""

    count: int = 0
    minutes: int = 0
    proactive: int = 0
    many: int = 0

    def add(self, sign: int, count: int, minutes: int, proactive: int, many: int) -> None:
        self.count += sign * count
        self.minutes += sign * minutes
        self.proactive += sign * proactive
        self.many += sign * many


def _rolled_months(
    store: Store, days: list[str], author: str | None
) -> list[tuple[int, int, int, int, int]]:
    """Per UTC month [days[i], days[i + 1]) of whole days: (i, count, minutes, proactive
    minutes, one-to-many minutes) from the per-day rollup, one range of its key a month."""
    by, params = _author(author)
    parts = []
    for i in range(len(days) - 1):
        params[f"u{i}"], params[f"v{i}"] = days[i], days[i + 1]
        parts.append(
            f"SELECT {i}, coalesce(sum(n), 0), coalesce(sum(minutes), 0), "
            "coalesce(sum(minutes) FILTER (WHERE proactive), 0), "
            "coalesce(sum(minutes) FILTER (WHERE many), 0) "
            f"FROM effort_days WHERE day >= :u{i} AND day < :v{i}{by}"
        )
    rows = store.query(" UNION ALL ".join(parts), params)
    return [(int(r[0]), int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]


def _indexed_months(
    store: Store, keys: list[tuple[int, str]], author: str | None, outcomes: tuple[str, ...]
) -> list[tuple[int, str | None, int, tuple[int, ...]]]:
    """Per UTC month (i, key like '2026-11') and account segment (None: no account, or one the
    book no longer holds): (i, segment, minutes, outcome counts).

    Each month is one range of the month-first index (the author's part of it when there is
    one), grouped by author and account in the index's order: no sort; only one row per
    author and account meets the accounts table."""
    if not keys:
        return []
    by, params = _author(author)
    params.update({f"outcome{n}": outcome for n, outcome in enumerate(outcomes)})
    counted = "".join(
        f", count(*) FILTER (WHERE outcome = :outcome{n}) AS o{n}" for n in range(len(outcomes))
    )
    summed = "".join(f", sum(g.o{n})" for n in range(len(outcomes)))
    parts = []
    for i, key in keys:
        params[f"k{i}"] = key
        parts.append(
            f"SELECT {i} AS month, account_id, sum(minutes) AS m{counted} FROM activities "
            f"WHERE {MONTH_KEY} = :k{i}{by} GROUP BY author_email, account_id"
        )
    rows = store.query(
        f"SELECT g.month, a.segment, sum(g.m){summed} FROM ({' UNION ALL '.join(parts)}) AS g "
        "LEFT JOIN accounts AS a ON a.id = g.account_id GROUP BY g.month, a.segment",
        params,
    )
    return [(int(r[0]), r[1], int(r[2]), tuple(int(n) for n in r[3:])) for r in rows]


def _edges(
    store: Store,
    edges: list[tuple[int, str, str]],
    author: str | None,
    outcomes: tuple[str, ...],
) -> list[tuple[int, str | None, tuple[int, ...]]]:
    """Per edge (j, lo, hi) and account segment (None: no account or a gone one): (j, segment,
    (count, minutes, proactive minutes, one-to-many minutes, outcome counts...)); read from
    the activities within [lo, hi), a few hours each."""
    if not edges:
        return []
    by, params = _author(author, "x.author_email")
    params.update({f"outcome{n}": outcome for n, outcome in enumerate(outcomes)})
    counted = "".join(
        f", count(*) FILTER (WHERE x.outcome = :outcome{n})" for n in range(len(outcomes))
    )
    many = ONE_TO_MANY.replace("account_id", "x.account_id")
    source = SOURCE.replace("activities", "activities AS x", 1)
    parts = []
    for j, lo, hi in edges:
        params[f"lo{j}"], params[f"hi{j}"] = lo, hi
        parts.append(
            f"SELECT {j}, a.segment, count(*), sum(x.minutes), "
            "coalesce(sum(x.minutes) FILTER (WHERE x.proactive), 0), "
            f"coalesce(sum(x.minutes) FILTER (WHERE {many}), 0){counted} FROM {source} "
            "LEFT JOIN accounts AS a ON a.id = x.account_id "
            f"WHERE x.occurred_at >= :lo{j} AND x.occurred_at < :hi{j}{by} GROUP BY a.segment"
        )
    rows = store.query(" UNION ALL ".join(parts), params)
    return [(int(r[0]), r[1], tuple(int(n) for n in r[2:])) for r in rows]


def _halves(rolled: list[tuple[int, int, int, int, int]]) -> int:
    """The month where the activities before it are about half of them (at least 1)."""
    total = sum(r[1] for r in rolled)
    seen = 0
    for i, count, *_ in rolled:
        seen += count
        if seen * 2 >= total:
            return max(1, min(i + 1, len(rolled) - 1))
    return max(1, len(rolled) // 2)


def month_figures(
    store: Store,
    bounds: list[str],
    days: list[str],
    author: str | None,
    outcomes: tuple[str, ...],
    helper: Store | None = None,
) -> tuple[list[MonthActivities], list[SegmentMinutes]]:
    """`activities_per_month` and `segment_minutes` at once, equal to them, for the local
    months [bounds[i], bounds[i + 1]) starting on the ISO dates `days[i]` (their local 1sts).

    `helper` (a second connection) reads the older half of the months meanwhile."""
    months = len(bounds) - 1
    if months < 1:
        return [], []
    keys = [(i, day[:7]) for i, day in enumerate(days[:-1])]
    rolled = _rolled_months(store, days, author)
    split = _halves(rolled) if helper is not None and months > 1 else months
    with ThreadPoolExecutor(1) as pool:
        early = (
            pool.submit(_indexed_months, helper, keys[:split], author, outcomes)
            if helper is not None and split < months
            else None
        )
        indexed = _indexed_months(store, keys[split if early else 0 :], author, outcomes)
        edges: list[tuple[int, str, str]] = []
        signs: dict[int, int] = {}
        for j, bound in enumerate(bounds):
            utc = utc_midnight(days[j])
            if bound != utc:
                signs[j] = 1 if bound < utc else -1
                edges.append((j, min(bound, utc), max(bound, utc)))
        edge_rows = _edges(store, edges, author, outcomes)
        if early is not None:
            indexed += early.result()
    return _combine(months, rolled, indexed, edge_rows, signs, outcomes)


def _combine(
    months: int,
    rolled: Iterable[tuple[int, int, int, int, int]],
    indexed: Iterable[tuple[int, str | None, int, tuple[int, ...]]],
    edge_rows: Iterable[tuple[int, str | None, tuple[int, ...]]],
    signs: dict[int, int],
    outcomes: tuple[str, ...],
) -> tuple[list[MonthActivities], list[SegmentMinutes]]:
    """local_i = utc_i + E_i - E_i+1 for every figure (module docstring)."""
    figures = [_Figures() for _ in range(months)]
    counts = [[0] * len(outcomes) for _ in range(months)]
    by_segment: dict[tuple[int, str], int] = {}

    def to_month(
        i: int, sign: int, segment: str | None, minutes: int, values: tuple[int, ...]
    ) -> None:
        for n, value in enumerate(values):
            counts[i][n] += sign * value
        if segment is not None:
            by_segment[(i, segment)] = by_segment.get((i, segment), 0) + sign * minutes

    for i, count, minutes, proactive, many in rolled:
        figures[i].add(1, count, minutes, proactive, many)
    for i, segment, minutes, outcome_counts in indexed:
        to_month(i, 1, segment, minutes, outcome_counts)
    for j, segment, values in edge_rows:
        count, minutes, proactive, many = values[:4]
        for i, sign in ((j, signs[j]), (j - 1, -signs[j])):  # E_j: + to month j, - to j - 1
            if 0 <= i < months:
                figures[i].add(sign, count, minutes, proactive, many)
                to_month(i, sign, segment, minutes, values[4:])
    activities = [
        MonthActivities(
            i, f.count, f.minutes, f.proactive, f.many, dict(zip(outcomes, counts[i], strict=True))
        )
        for i, f in enumerate(figures)
    ]
    segments = [SegmentMinutes(i, segment, m) for (i, segment), m in sorted(by_segment.items())]
    return activities, segments
