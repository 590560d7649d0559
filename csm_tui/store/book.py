"""The book-of-business table, computed once into a TEMP table and then filtered per keystroke.

The derived columns (30-day health change, my role, last activity) cost a scan of the activity and
health tables, so they are computed when the book is (re)loaded, not on each keystroke.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from csm_tui.models.book import (
    HEALTH_DROP_POINTS,
    RENEWAL_SOON_DAYS,
    BookQuery,
    BookRow,
    QuickFilter,
    SortKey,
)
from csm_tui.store.connection import Store, translate_errors
from csm_tui.store.search import fold, terms

_BUILD = """
CREATE TEMP TABLE book AS
WITH last_activity AS (
    SELECT account_id, max(occurred_at) AS at FROM activities GROUP BY account_id
),
past_health AS (
    SELECT h.account_id, h.score
    FROM health_snapshots AS h
    JOIN (
        SELECT account_id, max(date) AS date FROM health_snapshots
        WHERE date <= :past GROUP BY account_id
    ) AS latest ON latest.account_id = h.account_id AND latest.date = h.date
),
mine AS (
    SELECT account_id, role FROM owners WHERE user_email = :me
)
SELECT
    a.id, a.name, a.segment, a.stage, a.health_score AS health,
    a.health_score - p.score AS health_change,
    a.contract_value, a.currency, a.renewal_date,
    CAST(julianday(a.renewal_date) - julianday(:today) AS INTEGER) AS days_to_renewal,
    m.role AS my_role,
    substr(l.at, 1, 10) AS last_activity,
    fold(
        a.name || ' ' || a.segment || ' ' || coalesce(a.external_id, '') || ' '
        || coalesce((SELECT group_concat(value, ' ') FROM json_each(a.tags)), '')
    ) AS search
FROM accounts AS a
LEFT JOIN last_activity AS l ON l.account_id = a.id
LEFT JOIN past_health AS p ON p.account_id = a.id
LEFT JOIN mine AS m ON m.account_id = a.id
"""

_STAGE_ORDER = "CASE stage WHEN 'onboarding' THEN 0 WHEN 'adoption' THEN 1 ELSE 2 END"
_ROLE_ORDER = "CASE my_role WHEN 'primary' THEN 0 WHEN 'secondary' THEN 1 END"

# Empty values sort last in both directions; the name breaks ties so the order is stable.
_SORT_SQL: dict[SortKey, str] = {
    SortKey.NAME: "name COLLATE NOCASE",
    SortKey.SEGMENT: "NULLIF(segment, '') COLLATE NOCASE",
    SortKey.STAGE: _STAGE_ORDER,
    SortKey.HEALTH: "health",
    SortKey.VALUE: "contract_value",
    SortKey.RENEWAL: "days_to_renewal",
    SortKey.ROLE: _ROLE_ORDER,
    SortKey.LAST_ACTIVITY: "last_activity",
}

_QUICK_SQL: dict[QuickFilter, str] = {
    QuickFilter.I_OWN: "my_role = 'primary'",
    QuickFilter.I_COVER: "my_role = 'secondary'",
    # an overdue renewal (date passed, not renewed) is the most urgent of all
    QuickFilter.RENEWAL_SOON: f"days_to_renewal <= {RENEWAL_SOON_DAYS}",
    QuickFilter.HEALTH_DROPPING: f"health_change <= -{HEALTH_DROP_POINTS}",
}

_COLUMNS = (
    "id, name, segment, stage, health, health_change, contract_value, currency, renewal_date, "
    "days_to_renewal, my_role, last_activity"
)


def build_book(store: Store, me: str | None, today: date) -> int:
    """(Re)compute the TEMP book table; returns the number of accounts."""
    conn = store.conn
    with translate_errors(store.path):
        conn.create_function("fold", 1, fold, deterministic=True)
        conn.execute("DROP TABLE IF EXISTS temp.book")
        conn.execute(
            _BUILD,
            {
                "me": me or "",
                "today": today.isoformat(),
                "past": (today - timedelta(days=30)).isoformat(),
            },
        )
        return int(conn.execute("SELECT count(*) FROM temp.book").fetchone()[0])


def query_book(store: Store, query: BookQuery) -> list[BookRow]:
    """The rows matching the query, sorted; `build_book` must have run on this connection."""
    where: list[str] = []
    params: list[Any] = []
    for term in terms(query.text):
        where.append("instr(search, ?) > 0")
        params.append(term)
    where.extend(_QUICK_SQL[quick] for quick in sorted(query.quick))
    direction = "DESC" if query.descending else "ASC"
    order = _SORT_SQL[query.sort]
    sql = (
        f"SELECT {_COLUMNS} FROM temp.book"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + f" ORDER BY ({order}) IS NULL, {order} {direction}, name COLLATE NOCASE, id"
    )
    with translate_errors(store.path):
        cursor = store.conn.execute(sql, params)
        cursor.row_factory = None  # plain tuples are the cheapest
        return [BookRow._make(row) for row in cursor]


def book_row(store: Store, account_id: str) -> BookRow | None:
    with translate_errors(store.path):
        cursor = store.conn.execute(f"SELECT {_COLUMNS} FROM temp.book WHERE id = ?", (account_id,))
        cursor.row_factory = None
        row = cursor.fetchone()
    return None if row is None else BookRow._make(row)
