"""Effort analytics over the activity log: GROUP BY queries for the Effort screen.

Every query takes a `Scope`: a time range [lo, hi) as UTC ISO-8601 text, which is how
`activities.occurred_at` is stored (so text order is time order), and optionally one author.
Only aggregates leave SQLite; no activity row is read into Python.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from csm_tui.store.connection import Store
from csm_tui.store.effort_rollup import midnight, split

# Migration 7's covering index holds every column these queries read: a time range is answered
# from the index alone, without a lookup per row (SQLite has no range statistics, so it is named).
SOURCE = "activities INDEXED BY activities_effort"


@dataclass(frozen=True)
class Scope:
    """Which activities: occurred_at in [lo, hi), by `author` (None: by anyone)."""

    lo: str
    hi: str
    author: str | None = None


@dataclass(frozen=True)
class Mix:
    """Activities of one type with one pair of flags."""

    type: str
    proactive: bool
    recurring: bool
    count: int
    minutes: int
    many: bool = False  # one-to-many work (issue 16): for a segment, several accounts or none


@dataclass(frozen=True)
class AccountMinutes:
    account_id: str
    name: str
    count: int
    minutes: int


@dataclass(frozen=True)
class Repeat:
    """Reactive work of one type for one account: `flagged` of them were marked recurring."""

    account_id: str
    name: str
    type: str
    count: int
    minutes: int
    flagged: int


def _where(scope: Scope, tag: str = "") -> tuple[str, dict[str, Any]]:
    """The WHERE clause for `scope`; `tag` tells apart the ranges of several in one statement."""
    sql = f"occurred_at >= :lo{tag} AND occurred_at < :hi{tag}"
    params: dict[str, Any] = {f"lo{tag}": scope.lo, f"hi{tag}": scope.hi}
    if scope.author is not None:
        sql += " AND author_email = :author"
        params["author"] = scope.author
    return sql, params


def _rolled(scope: Scope, tag: str, raw: str, rolled: str) -> tuple[str, dict[str, Any]]:
    """SELECTs (UNION ALL) whose rows together are the activities in `scope`: its whole UTC
    days from the per-day rollup (store/effort_rollup.py, issue 17), the hours around them that
    its local midnights cut off from the activities. `raw` and `rolled` name the same columns
    from each (`n` and `m`: how many, and minutes)."""
    days = split(scope.lo, scope.hi)
    if days is None:
        where, only = _where(scope, tag)
        return f"SELECT {raw} FROM {SOURCE} WHERE {where}", only
    params: dict[str, Any] = {f"d0{tag}": days[0], f"d1{tag}": days[1]}
    parts = [f"SELECT {rolled} FROM effort_days WHERE day >= :d0{tag} AND day < :d1{tag}"]
    if scope.author is not None:
        parts[0] += " AND author_email = :author"
        params["author"] = scope.author
    for edge, lo, hi in (("a", scope.lo, midnight(days[0])), ("b", midnight(days[1]), scope.hi)):
        if lo < hi:
            where, edge_params = _where(Scope(lo, hi, scope.author), tag + edge)
            parts.append(f"SELECT {raw} FROM {SOURCE} WHERE {where}")
            params.update(edge_params)
    return " UNION ALL ".join(parts), params


def mix(store: Store, scope: Scope) -> list[Mix]:
    """Count and minutes for each type × reactive/proactive × one-off/recurring × one-to-one or
    one-to-many (up to 64 rows); one-to-many work is the work on no account. Whole days come
    from the per-day rollup: grouping 100,000 activities was mostly a sort."""
    rows_sql, params = _rolled(
        scope,
        "",
        "type, proactive, recurring, 1 AS n, minutes AS m, account_id IS NULL AS many",
        "type, proactive, recurring, n, minutes AS m, many",
    )
    rows = store.query(
        f"SELECT type, proactive, recurring, sum(n), sum(m), many FROM ({rows_sql}) "
        "GROUP BY type, proactive, recurring, many",
        params,
    )
    return [Mix(r[0], bool(r[1]), bool(r[2]), int(r[3]), int(r[4]), bool(r[5])) for r in rows]


def skill_minutes(store: Store, scope: Scope) -> list[tuple[str, int, int]]:
    """(skill, activities, minutes) of the activities in scope that named skills (issue 16);
    an activity with two skills counts for both. Most minutes first."""
    where, params = _where(scope)
    rows = store.query(
        "SELECT s.value, count(*), sum(x.minutes) "
        f"FROM activities AS x INDEXED BY activities_effort, json_each(x.skills) AS s "
        f"WHERE {where} "  # its columns are not json_each's: no ambiguity
        "AND x.skills <> '[]' GROUP BY s.value ORDER BY 3 DESC, 1",
        params,
    )
    return [(str(r[0]), int(r[1]), int(r[2])) for r in rows]


def top_accounts(store: Store, scope: Scope, limit: int) -> tuple[list[AccountMinutes], int]:
    """The `limit` accounts with the most minutes (ties by name), and how many had any work."""
    where, params = _where(scope)
    rows = store.query(
        "SELECT g.account_id, a.name, g.n, g.m, count(*) OVER () FROM ("
        f"  SELECT account_id, count(*) AS n, sum(minutes) AS m "
        f"  FROM {SOURCE} WHERE {where} GROUP BY account_id"
        ") AS g JOIN accounts AS a ON a.id = g.account_id "
        "ORDER BY g.m DESC, a.name, g.account_id LIMIT :limit",
        {**params, "limit": limit},
    )
    accounts = [AccountMinutes(r[0], r[1], int(r[2]), int(r[3])) for r in rows]
    return accounts, int(rows[0][4]) if rows else 0


def repeated_reactive(
    store: Store, scope: Scope, *, repeats: int, limit: int
) -> tuple[list[Repeat], int]:
    """Reactive work of one type for one account that recurs: flagged recurring at least once,
    or done `repeats` times or more. Most minutes first; also how many there are in all.
    """
    where, params = _where(scope)
    rows = store.query(
        "SELECT g.account_id, a.name, g.type, g.n, g.m, g.flagged, count(*) OVER () FROM ("
        "  SELECT account_id, type, count(*) AS n, sum(minutes) AS m, sum(recurring) AS flagged "
        f"  FROM {SOURCE} WHERE {where} AND proactive = 0 "
        "  GROUP BY account_id, type HAVING flagged > 0 OR n >= :repeats"
        ") AS g JOIN accounts AS a ON a.id = g.account_id "
        "ORDER BY g.m DESC, g.n DESC, a.name, g.type LIMIT :limit",
        {**params, "repeats": repeats, "limit": limit},
    )
    found = [Repeat(r[0], r[1], r[2], int(r[3]), int(r[4]), int(r[5])) for r in rows]
    return found, int(rows[0][6]) if rows else 0


def per_bucket(store: Store, bounds: list[str], author: str | None) -> list[tuple[int, int]]:
    """(count, minutes) in each [bounds[i], bounds[i + 1]), e.g. the weeks of a trend."""
    if len(bounds) < 2:
        return []
    # per bucket: its whole days from the rollup, the hours around them through the index
    parts, params = [], {}
    for i, (lo, hi) in enumerate(itertools.pairwise(bounds)):
        part, part_params = _rolled(
            Scope(lo, hi, author),
            str(i),
            f"{i} AS b, 1 AS n, minutes AS m",
            f"{i} AS b, n, minutes AS m",
        )
        parts.append(part)
        params.update(part_params)
    rows = store.query(
        f"SELECT b, sum(n), coalesce(sum(m), 0) FROM ({' UNION ALL '.join(parts)}) GROUP BY b",
        params,
    )
    totals = [(0, 0)] * (len(bounds) - 1)
    for row in rows:
        totals[int(row[0])] = (int(row[1]), int(row[2]))
    return totals
