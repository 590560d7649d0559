"""Changing a task after the fact (issue 14): its title, due date and linked checklist item, or
snoozing it to a later day; journaled like every write, so the change syncs."""

from __future__ import annotations

from datetime import date
from typing import Any

from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.i18n import _
from csm_tui.store import tasks as queries
from csm_tui.store.connection import Store
from csm_tui.store.tasks import TaskRow

CLEAR = "-"
"""What `--due` or `--item` take to remove the due date or the link."""


def task(store: Store, task_id: str) -> TaskRow:
    """The task with this id, or the only one whose id starts so (as `tasks` prints them)."""
    wanted = task_id.strip()
    row = queries.task_row(store, wanted) if wanted else None
    if row is not None:
        return row
    found = store.query("SELECT id FROM tasks WHERE id LIKE ? LIMIT 2", (wanted + "%",))
    if wanted and len(found) == 1:
        row = queries.task_row(store, found[0][0])
        if row is not None:
            return row
    raise NotFoundError(_("No task with id {id}; csm-tui tasks lists them.").format(id=wanted))


def edit(
    store: Store,
    row: TaskRow,
    *,
    title: str | None = None,
    due: date | None = None,
    clear_due: bool = False,
    item: str | None = None,
) -> TaskRow:
    """Change the title, the due date (`clear_due`: none) and the linked checklist item
    (`CLEAR`: no link); None leaves a field as it is."""
    changes: dict[str, Any] = {}
    if title is not None:
        text = " ".join(title.split())
        if not text:
            raise ValidationError(_("A task needs a title."))
        if len(text) > 500:
            raise ValidationError(_("A task's title is at most 500 characters."))
        changes["title"] = text
        changes["title_ja"] = ""  # a playbook's Japanese title would hide the new one
    if due is not None or clear_due:
        changes["due_date"] = due.isoformat() if due is not None else None
    if item is not None:
        if item == CLEAR:
            changes["checklist_item_id"] = None
        elif not queries.item_belongs_to(store, item, row.account_id):
            raise ValidationError(_("The checklist item is not one of this account's items."))
        else:
            changes["checklist_item_id"] = item
    changes = {key: value for key, value in changes.items() if getattr(row, key) != value}
    if not changes:
        return row
    with store.transaction() as tx:
        tx.update("tasks", row.id, {**changes, "updated_at": tx.now})
    return task(store, row.id)


def snooze(store: Store, row: TaskRow, until: date) -> TaskRow:
    """Move the task to `until` (its due date, and its reminder if it has one)."""
    if until < store.clock.today():
        raise ValidationError(_("A task is snoozed to a later day, not {day}.").format(day=until))
    changes: dict[str, Any] = {"due_date": until.isoformat()}
    if row.remind_on is not None:
        changes["remind_on"] = until.isoformat()
    with store.transaction() as tx:
        tx.update("tasks", row.id, {**changes, "updated_at": tx.now})
    return task(store, row.id)


def delete(store: Store, row: TaskRow) -> dict[str, Any]:
    """Delete the task; returns the stored row, which `restore` puts back (the app's undo)."""
    stored = store.query_one("SELECT * FROM tasks WHERE id = ?", (row.id,))
    if stored is None:
        raise NotFoundError(_("No task with id {id}; csm-tui tasks lists them.").format(id=row.id))
    with store.transaction() as tx:
        tx.delete("tasks", row.id)
    return dict(stored)


def restore(store: Store, removed: dict[str, Any]) -> None:
    """Undo a deletion: the same row comes back (journaled as an insert)."""
    with store.transaction() as tx:
        tx.insert("tasks", dict(removed))


def put_back(store: Store, before: TaskRow) -> None:
    """Undo a snooze or an edit: the task's title, due date, reminder and link as `before`
    had them."""
    fields = ("title", "title_ja", "due_date", "remind_on", "checklist_item_id")
    with store.transaction() as tx:
        tx.update(
            "tasks", before.id, {**{f: getattr(before, f) for f in fields}, "updated_at": tx.now}
        )
