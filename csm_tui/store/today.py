"""The Today screen's queries: the facts of my accounts that Today ranks them by, in one SQL
statement, and the accounts I cover this week with unread handoff notes.

Each account's facts come from one indexed lookup per fact (the same indexes the book uses); the
score over them is computed in one pass in `services/today.py` (in SQL it cost a window function
and a materialised table: twice the time of the facts themselves).
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any, NamedTuple

from csm_tui.store.connection import Store, translate_errors

# accounts I own, and those I cover while the coverage period runs
_MINE = """
    SELECT o.account_id, o.role FROM owners AS o
    WHERE o.user_email = :me AND (
        o.role = 'primary' OR (
            (o.coverage_from IS NOT NULL OR o.coverage_to IS NOT NULL)
            AND coalesce(o.coverage_from, '') <= :today
            AND coalesce(o.coverage_to, '9999-12-31') >= :today
        )
    )
"""

_FACTS = f"""
WITH mine AS ({_MINE})
SELECT
    a.id, a.name, a.segment, a.stage, a.health_score,
    a.health_score - (
        SELECT h.score FROM health_snapshots AS h
        WHERE h.account_id = a.id AND h.date <= :past ORDER BY h.date DESC LIMIT 1
    ),
    CAST(julianday(a.renewal_date) - julianday(:today) AS INTEGER),
    -- asked only of renewals near enough for the contact to be due (CASE does not run the rest)
    CASE WHEN a.renewal_date <= :contact_by THEN (
        EXISTS (SELECT 1 FROM checklist_items AS c WHERE c.account_id = a.id
            AND c.item_key = 'renewal-contact' AND c.done = 1)
        OR EXISTS (SELECT 1 FROM activities AS x WHERE x.account_id = a.id
            AND x.occurred_at >= date(a.renewal_date, :contact_window)
            AND x.type IN ('call', 'meeting', 'email'))
    ) ELSE 0 END,
    (SELECT count(*) FROM checklist_items AS c INDEXED BY checklist_open_account
        WHERE c.account_id = a.id AND c.done = 0 AND c.due_date < :today),
    CAST(julianday(:today) - julianday(substr((
        SELECT x.occurred_at FROM activities AS x
        WHERE x.account_id = a.id AND x.type != 'internal'
        ORDER BY x.occurred_at DESC LIMIT 1
    ), 1, 10)) AS INTEGER),
    (SELECT count(*) FROM tasks AS t INDEXED BY tasks_open_account
        WHERE t.account_id = a.id AND t.done = 0 AND t.assignee_email = :me
        AND (t.remind_on IS NULL OR t.remind_on <= :today)),
    (SELECT count(*) FROM tasks AS t INDEXED BY tasks_open_account
        WHERE t.account_id = a.id AND t.done = 0 AND t.assignee_email = :me
        AND t.due_date < :today),
    a.currency, a.contract_value, mine.role
FROM mine JOIN accounts AS a ON a.id = mine.account_id
WHERE a.archived_on IS NULL
"""


class AccountFacts(NamedTuple):
    """One of my accounts with the facts Today ranks it by."""

    id: str
    name: str
    segment: str
    stage: str
    health: int | None
    health_change: int | None  # against the last snapshot 30 or more days ago
    days_to_renewal: int | None
    renewal_contacted: int  # the renewal-contact item ticked, or a call/meeting/e-mail since
    overdue_items: int
    days_since_contact: int | None  # None: no contact logged
    open_tasks: int  # mine, reminders whose day has come included
    overdue_tasks: int
    currency: str
    contract_value: float | None
    role: str  # primary or secondary


class PriorityRow(NamedTuple):
    """An account on Today's list: its facts, where its value stands, and its score."""

    id: str
    name: str
    segment: str
    stage: str
    health: int | None
    health_change: int | None
    days_to_renewal: int | None
    renewal_contacted: int
    overdue_items: int
    days_since_contact: int | None
    open_tasks: int
    overdue_tasks: int
    currency: str
    contract_value: float | None
    role: str
    value_rank: float  # 0 to 1: contract value among my accounts of the same currency
    score: float
    # days since the champion was met, when that long is a reason (issue 16, services/
    # participation.py); None: never met; -1: not a reason
    champion_quiet: int | None = -1


def account_facts(store: Store, me: str, today: date, contact_days: int) -> list[AccountFacts]:
    """Every account I own or cover now, with its facts: one statement, one indexed lookup
    per fact and account. `contact_days`: how long before a renewal its contact is due."""
    params = {
        "me": me,
        "today": today.isoformat(),
        "past": (today - timedelta(days=30)).isoformat(),
        "contact_window": f"-{contact_days} days",
        "contact_by": (today + timedelta(days=contact_days)).isoformat(),
    }
    return [
        AccountFacts._make(row) for row in all_rows(store, _FACTS, AccountFacts._fields, params)
    ]


def all_rows(
    store: Store, sql: str, columns: tuple[str, ...], params: dict[str, Any]
) -> list[list[Any]]:
    """Every row of `sql` (whose columns are `columns`), fetched in one SQLite step.

    SQLite hands each row back to Python separately, and Python's sqlite3 gives up and takes
    back the interpreter lock for each: in a worker thread, while the UI thread is busy, every
    row then waits for the lock (a query of 4,000 rows took three times as long). Aggregated
    into one JSON array, the whole query runs in one step without the lock.
    """
    names = ", ".join(columns)
    wrapped = (
        f"WITH result({names}) AS ({sql}) SELECT json_group_array(json_array({names})) FROM result"
    )
    with translate_errors(store.path):
        row = store.conn.execute(wrapped, params).fetchone()
    rows: list[list[Any]] = json.loads(row[0])
    return rows


class CoverageRow(NamedTuple):
    """An account I cover this week, with the handoff notes I have not read."""

    account_id: str
    name: str
    coverage_from: str | None
    coverage_to: str | None
    primary_name: str | None
    unread: int


def coverage_reminders(store: Store, me: str, today: date) -> list[CoverageRow]:
    """Accounts where my coverage period overlaps this week (Monday to Sunday) and a handoff
    note's latest version is unread by me; the period ending soonest first."""
    monday = today - timedelta(days=today.weekday())
    params = {
        "me": me,
        "monday": monday.isoformat(),
        "sunday": (monday + timedelta(days=6)).isoformat(),
    }
    sql = """
        SELECT * FROM (
            SELECT a.id, a.name, o.coverage_from, o.coverage_to,
                coalesce(u.name, p.user_email) AS primary_name,
                (SELECT count(*) FROM (
                    SELECT n.note_id, max(n.version) AS version FROM handoff_notes AS n
                    WHERE n.account_id = a.id GROUP BY n.note_id
                ) AS latest LEFT JOIN handoff_reads AS r
                    ON r.note_id = latest.note_id AND r.reader_email = :me
                 WHERE coalesce(r.read_version, 0) < latest.version) AS unread
            FROM owners AS o JOIN accounts AS a ON a.id = o.account_id
            LEFT JOIN owners AS p ON p.account_id = a.id AND p.role = 'primary'
            LEFT JOIN users AS u ON u.email = p.user_email
            WHERE o.user_email = :me AND o.role = 'secondary' AND a.archived_on IS NULL
            AND (o.coverage_from IS NOT NULL OR o.coverage_to IS NOT NULL)
            AND coalesce(o.coverage_from, '') <= :sunday
            AND coalesce(o.coverage_to, '9999-12-31') >= :monday
        ) WHERE unread > 0
        ORDER BY coverage_to IS NULL, coverage_to, name COLLATE NOCASE, id
    """
    with translate_errors(store.path):
        cursor = store.conn.execute(sql, params)
        cursor.row_factory = None
        return [CoverageRow._make(row) for row in cursor]
