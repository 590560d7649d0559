"""The book-of-business table, computed once into a TEMP table and then filtered per keystroke.

The derived columns (30-day health change, my role, last activity) cost a scan of the activity and
health tables, so they are computed when the book is (re)loaded, not on each keystroke.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from csm_tui.store.search import terms

# One index seek per account for each derived column (the indexes exist for exactly this),
# instead of scanning all activities and snapshots.
_BUILD = """
CREATE TEMP TABLE book AS
SELECT
    a.id, a.name, a.segment, a.stage, a.health_score AS health,
    a.health_score - (
        SELECT h.score FROM health_snapshots AS h
        WHERE h.account_id = a.id AND h.date <= :past ORDER BY h.date DESC LIMIT 1
    ) AS health_change,
    a.contract_value, a.currency, a.renewal_date,
    CAST(julianday(a.renewal_date) - julianday(:today) AS INTEGER) AS days_to_renewal,
    (SELECT o.role FROM owners AS o WHERE o.account_id = a.id AND o.user_email = :me) AS my_role,
    substr((SELECT max(x.occurred_at) FROM activities AS x WHERE x.account_id = a.id), 1, 10)
        AS last_activity,
    (SELECT count(*) FROM checklist_items AS c WHERE c.account_id = a.id AND c.stage = a.stage)
        AS stage_total,
    (SELECT count(*) FROM checklist_items AS c
        WHERE c.account_id = a.id AND c.stage = a.stage AND c.done = 1) AS stage_done,
    (SELECT count(*) FROM checklist_items AS c INDEXED BY checklist_open_account
        WHERE c.account_id = a.id AND c.done = 0 AND c.due_date < :today) AS overdue_items,
    (SELECT count(DISTINCT n.note_id) FROM handoff_notes AS n
        WHERE n.account_id = a.id
        AND n.version = (SELECT max(m.version) FROM handoff_notes AS m WHERE m.note_id = n.note_id)
        AND n.version > coalesce((SELECT r.read_version FROM handoff_reads AS r
            WHERE r.reader_email = :me AND r.note_id = n.note_id), 0)) AS unread_notes,
    {value_base} AS value_base,
    (SELECT r.outcome FROM renewals AS r WHERE r.account_id = a.id
        ORDER BY r.recorded_on DESC, r.created_at DESC, r.id DESC LIMIT 1) AS last_outcome,
    (SELECT max(r.recorded_on) FROM renewals AS r WHERE r.account_id = a.id) AS last_outcome_on,
    a.search
FROM accounts AS a
WHERE a.archived_on IS NULL
"""

# by stage along the roadmap, then by progress within it (the fraction stays below 1)
_STAGE_ORDER = (
    "(CASE stage WHEN 'onboarding' THEN 0 WHEN 'adoption' THEN 1 ELSE 2 END)"
    " + stage_done * 1.0 / (stage_total + 1)"
)
_ROLE_ORDER = "CASE my_role WHEN 'primary' THEN 0 WHEN 'secondary' THEN 1 END"

# Empty values sort last in both directions; the name breaks ties so the order is stable.
_SORT_SQL: dict[SortKey, str] = {
    SortKey.NAME: "name COLLATE NOCASE",
    SortKey.SEGMENT: "NULLIF(segment, '') COLLATE NOCASE",
    SortKey.STAGE: _STAGE_ORDER,
    SortKey.HEALTH: "health",
    # converted into one currency with `[segments] rates`: yen and dollars rank together
    SortKey.VALUE: "value_base",
    SortKey.RENEWAL: "days_to_renewal",
    SortKey.ROLE: _ROLE_ORDER,
    SortKey.LAST_ACTIVITY: "last_activity",
    SortKey.OUTCOME: "last_outcome_on",
}

_QUICK_SQL: dict[QuickFilter, str] = {
    QuickFilter.I_OWN: "my_role = 'primary'",
    QuickFilter.I_COVER: "my_role = 'secondary'",
    # an overdue renewal (date passed, not renewed) is the most urgent of all
    QuickFilter.RENEWAL_SOON: f"days_to_renewal <= {RENEWAL_SOON_DAYS}",
    QuickFilter.HEALTH_DROPPING: f"health_change <= -{HEALTH_DROP_POINTS}",
    QuickFilter.OVERDUE_ITEMS: "overdue_items > 0",
}

_COLUMNS = (
    "id, name, segment, stage, health, health_change, contract_value, currency, renewal_date, "
    "days_to_renewal, my_role, last_activity, stage_total, stage_done, overdue_items, "
    "unread_notes, last_outcome, last_outcome_on"
)


def _value_base(currency: str, rates: Mapping[str, float]) -> tuple[str, dict[str, Any]]:
    """SQL for the contract value in `currency`; NULL for a currency without a rate (it sorts
    with the empty values: a guess would rank it wrongly)."""
    params: dict[str, Any] = {"base": currency}
    cases = ["WHEN :base THEN 1.0"]
    for number, (code, rate) in enumerate(sorted(rates.items())):
        if code != currency and rate > 0:
            params[f"c{number}"], params[f"r{number}"] = code, float(rate)
            cases.append(f"WHEN :c{number} THEN 1.0 / :r{number}")
    return f"a.contract_value * (CASE a.currency {' '.join(cases)} END)", params


def build_book(
    store: Store,
    me: str | None,
    today: date,
    *,
    currency: str = "USD",
    rates: Mapping[str, float] | None = None,
) -> int:
    """(Re)compute the TEMP book table; returns the number of accounts.

    The contract values are also kept converted into `currency` (`rates`: units of each other
    currency per one `currency`, as `[segments] rates` gives them), for sorting by value;
    without `rates`, the values as they are.
    """
    conn = store.conn
    rate_params: dict[str, Any] = {}
    if rates is None:  # no settings: the values as they are
        value_base = "a.contract_value"
    else:
        value_base, rate_params = _value_base(currency, rates)
    with store.lock, translate_errors(store.path):
        conn.execute("DROP TABLE IF EXISTS temp.book")
        conn.execute(
            _BUILD.format(value_base=value_base),
            {
                "me": me or "",
                "today": today.isoformat(),
                "past": (today - timedelta(days=30)).isoformat(),
                **rate_params,
            },
        )
        return int(conn.execute("SELECT count(*) FROM temp.book").fetchone()[0])


_FIRST_PAGE = """
SELECT
    a.id, a.name, a.segment, a.stage, a.health_score,
    a.health_score - (
        SELECT h.score FROM health_snapshots AS h
        WHERE h.account_id = a.id AND h.date <= :past ORDER BY h.date DESC LIMIT 1
    ),
    a.contract_value, a.currency, a.renewal_date,
    CAST(julianday(a.renewal_date) - julianday(:today) AS INTEGER),
    (SELECT o.role FROM owners AS o WHERE o.account_id = a.id AND o.user_email = :me),
    substr((SELECT max(x.occurred_at) FROM activities AS x WHERE x.account_id = a.id), 1, 10),
    (SELECT count(*) FROM checklist_items AS c WHERE c.account_id = a.id AND c.stage = a.stage),
    (SELECT count(*) FROM checklist_items AS c
        WHERE c.account_id = a.id AND c.stage = a.stage AND c.done = 1),
    (SELECT count(*) FROM checklist_items AS c INDEXED BY checklist_open_account
        WHERE c.account_id = a.id AND c.done = 0 AND c.due_date < :today),
    (SELECT count(DISTINCT n.note_id) FROM handoff_notes AS n
        WHERE n.account_id = a.id
        AND n.version = (SELECT max(m.version) FROM handoff_notes AS m WHERE m.note_id = n.note_id)
        AND n.version > coalesce((SELECT r.read_version FROM handoff_reads AS r
            WHERE r.reader_email = :me AND r.note_id = n.note_id), 0)),
    (SELECT r.outcome FROM renewals AS r WHERE r.account_id = a.id
        ORDER BY r.recorded_on DESC, r.created_at DESC, r.id DESC LIMIT 1),
    (SELECT max(r.recorded_on) FROM renewals AS r WHERE r.account_id = a.id)
FROM (
    SELECT id FROM accounts WHERE archived_on IS NULL
    ORDER BY renewal_date IS NULL, renewal_date, name COLLATE NOCASE, id LIMIT :limit
) AS page
JOIN accounts AS a ON a.id = page.id
ORDER BY a.renewal_date IS NULL, a.renewal_date, a.name COLLATE NOCASE, a.id
"""


def first_page(store: Store, me: str | None, today: date, limit: int) -> list[BookRow]:
    """The first rows in the default order (renewal soonest), without building the book.

    What the first frame shows while the whole book is computed in the background.
    """
    params = {
        "me": me or "",
        "today": today.isoformat(),
        "past": (today - timedelta(days=30)).isoformat(),
        "limit": limit,
    }
    with translate_errors(store.path):
        cursor = store.conn.execute(_FIRST_PAGE, params)
        cursor.row_factory = None
        return [BookRow._make(row) for row in cursor]


def count_book_accounts(store: Store) -> int:
    """How many accounts the book has (this module stays free of pydantic: start-up path)."""
    row = store.query_one("SELECT count(*) FROM accounts WHERE archived_on IS NULL")
    return 0 if row is None else int(row[0])


def load_book_rows(store: Store) -> dict[int, BookRow]:
    """Every row of the TEMP book table by rowid: read once per (re)load."""
    with translate_errors(store.path):
        cursor = store.conn.execute(f"SELECT rowid, {_COLUMNS} FROM temp.book")
        cursor.row_factory = None  # plain tuples are the cheapest
        return {row[0]: BookRow._make(row[1:]) for row in cursor}


def query_book_ids(store: Store, query: BookQuery) -> list[int]:
    """The rowids of the rows matching the query, in order: filtered and sorted in SQLite.

    Only integers cross into Python on each keystroke; the rows themselves come from
    `load_book_rows`.
    """
    where: list[str] = []
    params: list[Any] = []
    for term in terms(query.text):
        where.append("instr(search, ?) > 0")
        params.append(term)
    where.extend(_QUICK_SQL[quick] for quick in sorted(query.quick))
    direction = "DESC" if query.descending else "ASC"
    order = _SORT_SQL[query.sort]
    sql = (
        "SELECT rowid FROM temp.book"
        + (f" WHERE {' AND '.join(where)}" if where else "")
        + f" ORDER BY ({order}) IS NULL, {order} {direction}, name COLLATE NOCASE, id"
    )
    with translate_errors(store.path):
        cursor = store.conn.execute(sql, params)
        cursor.row_factory = None
        return [row[0] for row in cursor]


def query_book(store: Store, query: BookQuery) -> list[BookRow]:
    """The rows matching the query, sorted (for callers that do not keep the rows loaded)."""
    with store.lock:
        rows = load_book_rows(store)
        return [rows[rowid] for rowid in query_book_ids(store, query)]


def book_row(store: Store, account_id: str) -> BookRow | None:
    # under the lock: a worker may be dropping and rebuilding temp.book on this connection
    # ("database table is locked" there, "no such table" here)
    with store.lock, translate_errors(store.path):
        cursor = store.conn.execute(f"SELECT {_COLUMNS} FROM temp.book WHERE id = ?", (account_id,))
        cursor.row_factory = None
        row = cursor.fetchone()
    return None if row is None else BookRow._make(row)
