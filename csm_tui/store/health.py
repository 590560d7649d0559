"""Health over time across the book, in SQL: each account's score against a month and a year
ago, the averages per segment, and the monthly trends the sparklines draw.

"A month ago" is the rule the book table uses: the latest snapshot on or before 30 days ago,
however old. "A year ago" is the latest on or before 365 days ago; a history that starts a little
later (up to `YEAR_SLACK` days) uses its first snapshot instead, so a book with exactly twelve
monthly snapshots still has a year-over-year figure.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, NamedTuple

from csm_tui.store.connection import Store, translate_errors

MONTH_DAYS = 30
YEAR_DAYS = 365
YEAR_SLACK = 31


class HealthRow(NamedTuple):
    """One account's health now, a month and a year ago; the averages of its segment."""

    id: str
    name: str
    segment: str
    score: int | None
    month_ago: int | None
    year_ago: int | None
    segment_accounts: int
    segment_score: float | None  # the average score of the segment's accounts with one
    segment_mom: float | None  # the average change of those with both scores
    segment_yoy: float | None

    @property
    def mom(self) -> int | None:
        """The change against a month ago (month over month)."""
        return None if self.score is None or self.month_ago is None else self.score - self.month_ago

    @property
    def yoy(self) -> int | None:
        """The change against a year ago (year over year)."""
        return None if self.score is None or self.year_ago is None else self.score - self.year_ago


_PAST = (
    "(SELECT h.score FROM health_snapshots AS h WHERE h.account_id = a.id AND h.date <= :{name} "
    "ORDER BY h.date DESC LIMIT 1)"
)


def health_rows(store: Store, today: date, account_ids: list[str] | None = None) -> list[HealthRow]:
    """Every account (or those of `account_ids`) with its scores and its segment's averages.

    Three index lookups per account and one window pass: the segment averages come with the
    rows, so the screen needs no second query.
    """
    params: dict[str, Any] = {
        "month": (today - timedelta(days=MONTH_DAYS)).isoformat(),
        "year": (today - timedelta(days=YEAR_DAYS)).isoformat(),
        "year_late": (today - timedelta(days=YEAR_DAYS - YEAR_SLACK)).isoformat(),
    }
    where = "WHERE a.archived_on IS NULL"  # archived: hidden from every list (issue 14)
    if account_ids is not None:
        where += " AND a.id IN (SELECT value FROM json_each(:ids))"
        params["ids"] = json.dumps(account_ids)
    first_after = (
        "(SELECT h.score FROM health_snapshots AS h WHERE h.account_id = a.id "
        "AND h.date > :year AND h.date <= :year_late ORDER BY h.date LIMIT 1)"
    )
    rows = store.query(
        "WITH base AS ("
        "  SELECT a.id, a.name, a.segment, a.health_score AS score, "
        f"   {_PAST.format(name='month')} AS month_ago, "
        f"   coalesce({_PAST.format(name='year')}, {first_after}) AS year_ago "
        f"  FROM accounts AS a {where}"
        ") SELECT id, name, segment, score, month_ago, year_ago, "
        "  count(*) OVER seg, avg(score) OVER seg, "
        "  avg(score - month_ago) OVER seg, avg(score - year_ago) OVER seg "
        "FROM base WINDOW seg AS (PARTITION BY segment) "
        "ORDER BY name COLLATE NOCASE, id",
        params,
    )
    return [HealthRow(*row) for row in rows]


def month_starts(today: date, months: int) -> list[date]:
    """The first day of each of the last `months` months, oldest first, ending with this one."""
    index = today.year * 12 + today.month - 1
    return [
        date((index - back) // 12, (index - back) % 12 + 1, 1) for back in range(months - 1, -1, -1)
    ]


def monthly_scores(
    store: Store, today: date, months: int, account_ids: list[str] | None = None
) -> dict[str, list[int | None]]:
    """Each account's score at the end of each of the last `months` months (its last snapshot
    in the month; None for a month without one), oldest first.

    A plain range scan in table order, the month's last snapshot picked here: a GROUP BY on the
    month would sort every snapshot of the year first (three times slower on 5,000 accounts).
    """
    starts = month_starts(today, months)
    slot = {day.isoformat()[:7]: index for index, day in enumerate(starts)}
    params: dict[str, Any] = {"since": starts[0].isoformat(), "until": today.isoformat()}
    where = ""
    if account_ids is not None:
        where = "AND account_id IN (SELECT value FROM json_each(:ids))"
        params["ids"] = json.dumps(account_ids)
    with translate_errors(store.path):
        cursor = store.conn.cursor()
        cursor.row_factory = None  # plain tuples: a Row object per snapshot costs more here
        rows = cursor.execute(
            "SELECT account_id, date, score FROM health_snapshots "
            f"WHERE date >= :since AND date <= :until {where}",
            params,
        ).fetchall()
    found: dict[str, list[int | None]] = {}
    latest: dict[tuple[str, int], str] = {}
    for account_id, day, score in rows:
        index = slot[day[:7]]
        if latest.setdefault((account_id, index), day) > day:
            continue  # an earlier snapshot of a month already seen later
        latest[(account_id, index)] = day
        series = found.get(account_id)
        if series is None:
            series = found[account_id] = [None] * months
        series[index] = score
    return found


def segment_trends(
    rows: list[HealthRow], trends: dict[str, list[int | None]], months: int
) -> dict[str, list[float | None]]:
    """Each segment's average month-end score per month (accounts with a score that month)."""
    sums: dict[str, list[float]] = {}
    counts: dict[str, list[int]] = {}
    for row in rows:
        series = trends.get(row.id)
        if series is None:
            continue
        total = sums.setdefault(row.segment, [0.0] * months)
        count = counts.setdefault(row.segment, [0] * months)
        for index, score in enumerate(series):
            if score is not None:
                total[index] += score
                count[index] += 1
    return {
        segment: [t / n if n else None for t, n in zip(total, counts[segment], strict=True)]
        for segment, total in sums.items()
    }


@dataclass(frozen=True)
class ComponentSnapshot:
    date: date
    score: int
    components: dict[str, int]


def snapshot_on_or_before(store: Store, account_id: str, day: date) -> ComponentSnapshot | None:
    """The account's latest snapshot on or before `day`, with its components."""
    row = store.query_one(
        "SELECT date, score, components FROM health_snapshots WHERE account_id = ? AND date <= ? "
        "ORDER BY date DESC LIMIT 1",
        (account_id, day.isoformat()),
    )
    if row is None:
        return None
    return ComponentSnapshot(date.fromisoformat(row[0]), int(row[1]), _components(row[2]))


def _components(text: str) -> dict[str, int]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): int(v) for k, v in value.items() if isinstance(v, int | float)}


def accounts_without_segment(store: Store) -> list[tuple[str, float | None, str, list[str]]]:
    """(id, contract value, currency, tags) of the accounts whose segment is blank: the ones the
    segment rules may place."""
    rows = store.query(
        "SELECT id, contract_value, currency, tags FROM accounts WHERE trim(segment) = ''"
    )
    return [(row[0], row[1], row[2], list(json.loads(row[3] or "[]"))) for row in rows]
