"""Tasks: add one by hand, complete it (logging the work in the same step if wanted), reopen it,
and list my open tasks by due date. Every change goes through the journal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from csm_tui.clock import Clock
from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.i18n import _, current_language
from csm_tui.services.identity import me_identity
from csm_tui.store import tasks as queries
from csm_tui.store.connection import Store
from csm_tui.store.tasks import TaskRow

if TYPE_CHECKING:
    from csm_tui.models.task import Task
    from csm_tui.store.journal import Transaction

TITLE_MAX = 500


def task_title(row: TaskRow, language: str | None = None) -> str:
    """The title in the app's language: a playbook task carries both English and Japanese."""
    if (language or current_language()) == "ja" and row.title_ja:
        return row.title_ja
    return row.title


def _me(store: Store) -> str:
    me = me_identity(store)
    if me is None:
        raise ValidationError(
            _("Tell csm-tui who you are first (the app asks on its first start).")
        )
    return me[1]


def _title(text: str) -> str:
    title = " ".join(text.split())
    if not title:
        raise ValidationError(_("Give the task a title."))
    if len(title) > TITLE_MAX:
        raise ValidationError(_("Keep the title under {n} characters.").format(n=TITLE_MAX + 1))
    return title


def add_task(
    store: Store,
    account_id: str,
    title: str,
    *,
    due_date: date | None = None,
    remind_on: date | None = None,
    checklist_item_id: str | None = None,
) -> Task:
    """A task of my own for an account (journaled); it is mine to do."""
    from csm_tui.models.task import Task

    if queries.account_name(store, account_id) is None:
        raise NotFoundError(_("No account with id {id}.").format(id=account_id))
    if checklist_item_id is not None and not queries.item_belongs_to(
        store, checklist_item_id, account_id
    ):
        raise ValidationError(_("The checklist item is not one of this account's items."))
    task = Task(
        account_id=account_id,
        title=_title(title),
        due_date=due_date,
        remind_on=remind_on,
        checklist_item_id=checklist_item_id,
        assignee_email=_me(store),
    )
    with store.transaction() as tx:
        tx.insert("tasks", {**task.model_dump(), "created_at": tx.now, "updated_at": tx.now})
    return task


@dataclass(frozen=True)
class WorkLog:
    """The activity to log while completing a task (see `complete_task`)."""

    minutes: int
    occurred_at: datetime
    fields: dict[str, Any]


def _open_row(store: Store, task_id: str) -> TaskRow:
    row = queries.task_row(store, task_id)
    if row is None:
        raise NotFoundError(_("No task with id {id}.").format(id=task_id))
    return row


def complete_task(store: Store, task_id: str, *, log: WorkLog | None = None) -> TaskRow:
    """Mark a task done by me, now; with `log`, the activity is logged in the same transaction
    (linked to the task's checklist item unless `log` names another). Completing a done task
    changes nothing."""
    row = _open_row(store, task_id)
    if row.done and log is None:
        return row
    me = _me(store)
    with store.transaction() as tx:
        if log is not None:
            from csm_tui.services.activities import log_activity

            fields = {"checklist_item_id": row.checklist_item_id, **log.fields}
            log_activity(store, row.account_id, log.minutes, log.occurred_at, **fields)
        if not row.done:
            tx.update(
                "tasks",
                task_id,
                {"done": True, "done_at": tx.now, "done_by": me, "updated_at": tx.now},
            )
    return _open_row(store, task_id)


def reopen_task(store: Store, task_id: str) -> TaskRow:
    """Undo a completion: the task is open again (who and when are cleared)."""
    row = _open_row(store, task_id)
    if row.done:
        with store.transaction() as tx:
            tx.update(
                "tasks",
                task_id,
                {"done": False, "done_at": None, "done_by": None, "updated_at": tx.now},
            )
    return _open_row(store, task_id)


# -- tasks linked to a checklist item follow its tick -----------------------------------------


def follow_item_tick_in(
    tx: Transaction, item_id: str, *, done: bool, done_at: datetime | None, done_by: str | None
) -> list[str]:
    """In the transaction ticking (or unticking) checklist item `item_id`, the linked tasks follow.

    A tick completes the open tasks linked to the item (the work would otherwise count twice),
    with the tick's who and when; an untick reopens the ones that tick completed (those done at
    the same moment), not a task someone completed on its own. Each change is journaled.
    Returns the ids of the tasks changed.
    """
    store = tx.store
    if done:
        rows = store.query(
            "SELECT id FROM tasks WHERE checklist_item_id = ? AND done = 0 ORDER BY id", (item_id,)
        )
        changes: dict[str, Any] = {"done": True, "done_at": done_at, "done_by": done_by}
    else:
        if done_at is None:
            return []
        rows = store.query(
            "SELECT id FROM tasks WHERE checklist_item_id = ? AND done = 1 AND done_at = ? "
            "ORDER BY id",
            (item_id, done_at.isoformat()),
        )
        changes = {"done": False, "done_at": None, "done_by": None}
    ids = [row[0] for row in rows]
    for task_id in ids:
        tx.update("tasks", task_id, {**changes, "updated_at": tx.now})
    return ids


def my_open_tasks(
    store: Store,
    today: date,
    *,
    within_days: int | None = None,
    account_id: str | None = None,
) -> list[TaskRow]:
    """My open tasks by due date, overdue first; `within_days=0` keeps those due by today."""
    me = me_identity(store)
    if me is None:
        return []
    until = None if within_days is None else today + timedelta(days=within_days)
    return queries.open_tasks(store, me[1], today, until=until, account_id=account_id)


class TaskService:
    """What the UI asks about tasks, for the current user and day."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def open(self, *, account_id: str | None = None) -> list[TaskRow]:
        return my_open_tasks(self.store, self.clock.today(), account_id=account_id)

    def get(self, task_id: str) -> TaskRow:
        return _open_row(self.store, task_id)

    def add(
        self,
        account_id: str,
        title: str,
        due_date: date | None = None,
        remind_on: date | None = None,
        checklist_item_id: str | None = None,
    ) -> Task:
        return add_task(
            self.store,
            account_id,
            title,
            due_date=due_date,
            remind_on=remind_on,
            checklist_item_id=checklist_item_id,
        )

    def complete(self, task_id: str, log: WorkLog | None = None) -> TaskRow:
        return complete_task(self.store, task_id, log=log)

    def reopen(self, task_id: str) -> TaskRow:
        return reopen_task(self.store, task_id)

    def title(self, row: TaskRow) -> str:
        return task_title(row)
