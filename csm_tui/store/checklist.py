"""Queries for roadmap checklists: one account's items, open items across the book, progress.

The across-the-book queries feed the Checklist screen and the book table on 5,000 accounts, so
each is a single indexed query (see the `checklist_open_*` indexes), never a query per account.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import Any

from csm_tui.models.checklist import ChecklistItem
from csm_tui.models.limits import stored
from csm_tui.store.connection import Store

_STAGE_ORDER = "CASE stage WHEN 'onboarding' THEN 0 WHEN 'adoption' THEN 1 ELSE 2 END"
_ITEM_COLUMNS = (
    "id",
    "account_id",
    "stage",
    "item_key",
    "title",
    "description",
    "moment_of_truth",
    "due_date",
    "due_rule",
    "position",
    "custom",
    "done",
    "done_by",
    "done_at",
    "done_note",
)
_SELECT_ITEM = "SELECT " + ", ".join(_ITEM_COLUMNS) + " FROM checklist_items"


def item_from_row(row: sqlite3.Row) -> ChecklistItem:
    return stored(ChecklistItem, {key: row[key] for key in _ITEM_COLUMNS})  # as kept


def get_item(store: Store, item_id: str) -> ChecklistItem | None:
    row = store.query_one(f"{_SELECT_ITEM} WHERE id = ?", (item_id,))
    return None if row is None else item_from_row(row)


def items_of(store: Store, account_id: str) -> list[ChecklistItem]:
    """An account's items in roadmap order: by stage, then position."""
    rows = store.query(
        f"{_SELECT_ITEM} WHERE account_id = ? ORDER BY {_STAGE_ORDER}, position, title",
        (account_id,),
    )
    return [item_from_row(row) for row in rows]


def next_position(store: Store, account_id: str, stage: str) -> int:
    row = store.query_one(
        "SELECT max(position) FROM checklist_items WHERE account_id = ? AND stage = ?",
        (account_id, stage),
    )
    return 0 if row is None or row[0] is None else int(row[0]) + 1


def stage_started_on(store: Store, account_id: str) -> date | None:
    row = store.query_one("SELECT stage_started_on FROM accounts WHERE id = ?", (account_id,))
    return None if row is None or row[0] is None else date.fromisoformat(row[0])


@dataclass(frozen=True)
class DueRow:
    """An open item with a due date, and what the Checklist screen shows of its account."""

    item_id: str
    account_id: str
    account_name: str
    segment: str
    stage: str
    title: str
    item_key: str
    moment_of_truth: bool
    due_date: date


def open_due_items(
    store: Store,
    *,
    until: date | None = None,
    stage: str | None = None,
    segment: str | None = None,
    moments_only: bool = False,
    limit: int | None = None,
) -> list[DueRow]:
    """Open items with a due date, earliest first (so overdue ones come first).

    Walks the partial index on `due_date WHERE done = 0` in order and stops at `limit`.
    """
    where = ["c.done = 0", "c.due_date IS NOT NULL", "a.archived_on IS NULL"]  # issue 14
    params: list[Any] = []
    if until is not None:
        where.append("c.due_date <= ?")
        params.append(until.isoformat())
    if stage:
        where.append("c.stage = ?")
        params.append(stage)
    if segment:
        where.append("a.segment = ?")
        params.append(segment)
    if moments_only:
        where.append("c.moment_of_truth = 1")
    sql = (
        "SELECT c.id, c.account_id, a.name, a.segment, c.stage, c.title, c.item_key, "
        "c.moment_of_truth, c.due_date FROM checklist_items AS c INDEXED BY checklist_open_due "
        "JOIN accounts AS a ON a.id = c.account_id "
        f"WHERE {' AND '.join(where)} ORDER BY c.due_date, a.name, c.position"
    )
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [
        DueRow(
            item_id=row[0],
            account_id=row[1],
            account_name=row[2],
            segment=row[3],
            stage=row[4],
            title=row[5],
            item_key=row[6],
            moment_of_truth=bool(row[7]),
            due_date=date.fromisoformat(row[8]),
        )
        for row in store.query(sql, tuple(params))
    ]


def count_open_due(store: Store, *, until: date | None = None) -> int:
    """How many open items have a due date (up to `until`): the Checklist screen's total."""
    sql = "SELECT count(*) FROM checklist_items WHERE done = 0 AND due_date IS NOT NULL"
    params: tuple[Any, ...] = ()
    if until is not None:
        sql += " AND due_date <= ?"
        params = (until.isoformat(),)
    row = store.query_one(sql, params)
    return 0 if row is None else int(row[0])


def stage_progress(store: Store, account_id: str) -> dict[str, tuple[int, int]]:
    """stage → (done, total) for one account."""
    rows = store.query(
        "SELECT stage, sum(done), count(*) FROM checklist_items WHERE account_id = ? "
        "GROUP BY stage",
        (account_id,),
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in rows}


def current_stage_progress(store: Store) -> dict[str, tuple[int, int]]:
    """account id → (done, total) of the items of its current stage, for the whole book."""
    rows = store.query(
        "SELECT c.account_id, sum(c.done), count(*) FROM checklist_items AS c "
        "JOIN accounts AS a ON a.id = c.account_id AND a.stage = c.stage GROUP BY c.account_id"
    )
    return {row[0]: (int(row[1]), int(row[2])) for row in rows}


def overdue_counts(store: Store, today: date) -> dict[str, int]:
    """account id → number of open items due before `today` (accounts with none are left out)."""
    rows = store.query(
        "SELECT account_id, count(*) FROM checklist_items INDEXED BY checklist_open_due "
        "WHERE done = 0 AND due_date < ? GROUP BY account_id",
        (today.isoformat(),),
    )
    return {row[0]: int(row[1]) for row in rows}


def accounts_without_items(store: Store) -> list[str]:
    """Ids of the accounts that have no checklist item yet (new from an import)."""
    rows = store.query(
        "SELECT id FROM accounts WHERE NOT EXISTS "
        "(SELECT 1 FROM checklist_items AS c WHERE c.account_id = accounts.id) ORDER BY id"
    )
    return [row[0] for row in rows]


def segments(store: Store) -> list[str]:
    """The book's segments, for the Checklist screen's filter (empty ones left out)."""
    rows = store.query(
        "SELECT DISTINCT segment FROM accounts WHERE segment != '' ORDER BY segment COLLATE NOCASE"
    )
    return [row[0] for row in rows]


def template_keys_by_account(store: Store) -> dict[str, tuple[str, set[str]]]:
    """Every account's segment and the template item keys it already has (one query)."""
    rows = store.query(
        "SELECT a.id, a.segment, c.item_key FROM accounts AS a "
        "LEFT JOIN checklist_items AS c ON c.account_id = a.id AND c.item_key != ''"
    )
    found: dict[str, tuple[str, set[str]]] = {}
    for account_id, segment, key in rows:
        keys = found.setdefault(account_id, (segment, set()))[1]
        if key:
            keys.add(key)
    return found
