"""Queries for tasks: a user's open tasks by due date, one task, what playbooks already wrote.

Rows come back as plain tuples (`TaskRow`), not pydantic models: the Today screen reads them
while the app starts, and the tasks list may be long.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, NamedTuple

from csm_tui.store.connection import Store

_COLUMNS = (
    "t.id, t.account_id, a.name, t.title, t.title_ja, t.due_date, t.remind_on, "
    "t.checklist_item_id, t.source, t.rule_id, t.occurrence, t.done, t.done_at"
)
# a reminder stays out of the lists until its day
_VISIBLE = "(t.remind_on IS NULL OR t.remind_on <= :today)"


class TaskRow(NamedTuple):
    """A task as the lists show it, with its account's name."""

    id: str
    account_id: str
    account_name: str
    title: str
    title_ja: str
    due_date: str | None  # ISO date
    remind_on: str | None
    checklist_item_id: str | None
    source: str  # "manual" or "playbook"
    rule_id: str
    occurrence: str
    done: int
    done_at: str | None

    def overdue(self, today: date) -> bool:
        return not self.done and self.due_date is not None and self.due_date < today.isoformat()


def _rows(store: Store, sql: str, params: dict[str, Any]) -> list[TaskRow]:
    from csm_tui.store.today import all_rows  # in one step: see there

    rows = [TaskRow._make(row) for row in all_rows(store, sql, TaskRow._fields, params)]
    # the aggregate keeps the query's order in practice; the due dates' order is guaranteed
    rows.sort(key=lambda row: (row.due_date is None, row.due_date or ""))
    return rows


def open_tasks(
    store: Store,
    assignee: str,
    today: date,
    *,
    until: date | None = None,
    account_id: str | None = None,
    limit: int | None = None,
) -> list[TaskRow]:
    """`assignee`'s open tasks by due date (so overdue ones come first), undated ones last.

    Reminders whose day has not come are left out. `until` keeps the tasks due by that day.
    """
    # an archived account's tasks wait with it (issue 14): restoring it brings them back
    where = ["t.done = 0", "t.assignee_email = :me", _VISIBLE, "a.archived_on IS NULL"]
    params: dict[str, Any] = {"me": assignee, "today": today.isoformat()}
    if until is not None:
        where.append("t.due_date <= :until")
        params["until"] = until.isoformat()
    if account_id is not None:
        where.append("t.account_id = :account")
        params["account"] = account_id
    sql = (
        f"SELECT {_COLUMNS} FROM tasks AS t INDEXED BY tasks_open "
        "JOIN accounts AS a ON a.id = t.account_id "
        f"WHERE {' AND '.join(where)} "
        "ORDER BY t.due_date IS NULL, t.due_date, a.name COLLATE NOCASE, t.created_at, t.id"
    )
    if limit is not None:
        sql += " LIMIT :limit"
        params["limit"] = limit
    return _rows(store, sql, params)


def task_row(store: Store, task_id: str) -> TaskRow | None:
    rows = _rows(
        store,
        f"SELECT {_COLUMNS} FROM tasks AS t JOIN accounts AS a ON a.id = t.account_id "
        "WHERE t.id = :id",
        {"id": task_id},
    )
    return rows[0] if rows else None


def task_record(store: Store, task_id: str) -> dict[str, Any] | None:
    """Every stored column of a task (for validating a change with the model)."""
    row = store.query_one("SELECT * FROM tasks WHERE id = ?", (task_id,))
    return None if row is None else dict(row)


def existing_ids(store: Store, table: str, ids: list[str]) -> set[str]:
    """Which of `ids` are already rows of `table` (tasks or playbook_firings); one query."""
    assert table in ("tasks", "playbook_firings")
    rows = store.query(
        f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),)
    )
    return {row[0] for row in rows}


def checklist_item_ids(store: Store, item_key: str, account_ids: list[str]) -> dict[str, str]:
    """account id → id of its checklist item made from this template item, for the accounts
    given (keys are unique within a roadmap; should an account have two, the later one in its
    roadmap wins)."""
    rows = store.query(
        "SELECT account_id, id FROM checklist_items WHERE item_key = ? "
        "AND account_id IN (SELECT value FROM json_each(?)) ORDER BY position",
        (item_key, json.dumps(account_ids)),
    )
    return {row[0]: row[1] for row in rows}


def items_for_titles(store: Store, item_ids: list[str]) -> dict[str, tuple[str, str, bool, str]]:
    """item id → (item_key, title, custom, the account's segment), for naming items in tasks."""
    rows = store.query(
        "SELECT c.id, c.item_key, c.title, c.custom, a.segment FROM checklist_items AS c "
        "JOIN accounts AS a ON a.id = c.account_id "
        "WHERE c.id IN (SELECT value FROM json_each(?))",
        (json.dumps(item_ids),),
    )
    return {row[0]: (row[1], row[2], bool(row[3]), row[4]) for row in rows}


def item_belongs_to(store: Store, item_id: str, account_id: str) -> bool:
    row = store.query_one(
        "SELECT 1 FROM checklist_items WHERE id = ? AND account_id = ?", (item_id, account_id)
    )
    return row is not None


def account_name(store: Store, account_id: str) -> str | None:
    row = store.query_one("SELECT name FROM accounts WHERE id = ?", (account_id,))
    return None if row is None else str(row[0])
