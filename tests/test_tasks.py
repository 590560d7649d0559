"""Tasks on a real SQLite file: add by hand, complete (with the work logged in the same step),
reopen, list by due date; every change journaled; bad input refused with a clear sentence."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.models.account import Account
from csm_tui.services import tasks as ts
from csm_tui.services.accounts import create_account
from csm_tui.services.identity import set_me
from csm_tui.services.tasks import TaskService, WorkLog
from csm_tui.store.connection import Store
from tests.conftest import ME_EMAIL, NOW

TODAY = NOW.date()
KEN = "ken.sato@example.com"


@pytest.fixture
def acme(store: Store, me: tuple[str, str]) -> Account:
    return create_account(store, Account(name="Acme"), primary_owner=ME_EMAIL)


def journal(store: Store, table: str = "tasks") -> list[tuple[str, dict[str, object]]]:
    rows = store.query(
        "SELECT operation, payload FROM journal WHERE table_name = ? ORDER BY seq", (table,)
    )
    return [(row[0], json.loads(row[1])) for row in rows]


def test_add_task_is_mine_and_journaled(store: Store, acme: Account) -> None:
    task = ts.add_task(store, acme.id, "  Call   the champion ", due_date=TODAY)
    assert task.title == "Call the champion" and task.assignee_email == ME_EMAIL
    [(operation, payload)] = journal(store)
    assert operation == "insert"
    assert payload["title"] == "Call the champion" and payload["due_date"] == "2026-11-27"
    assert payload["source"] == "manual" and payload["done"] == 0


@pytest.mark.parametrize(
    ("title", "message"),
    [("", "Give the task a title."), ("   ", "Give the task a title."), ("x" * 501, "under 501")],
)
def test_bad_titles_are_refused(store: Store, acme: Account, title: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ts.add_task(store, acme.id, title)
    assert journal(store) == []


def test_unknown_account_and_foreign_item_are_refused(store: Store, acme: Account) -> None:
    other = create_account(store, Account(name="Other"))
    with store.transaction() as tx:
        tx.insert(
            "checklist_items",
            {
                "id": "item-of-other",
                "account_id": other.id,
                "stage": "onboarding",
                "title": "Kickoff",
                "created_at": tx.now,
                "updated_at": tx.now,
            },
        )
    with pytest.raises(NotFoundError, match="No account with id nope"):
        ts.add_task(store, "nope", "Call")
    with pytest.raises(ValidationError, match="not one of this account's items"):
        ts.add_task(store, acme.id, "Call", checklist_item_id="item-of-other")
    assert journal(store) == []


def test_add_task_needs_to_know_who_i_am(store: Store) -> None:
    acme = create_account(store, Account(name="Acme"))
    with pytest.raises(ValidationError, match="who you are"):
        ts.add_task(store, acme.id, "Call")


def test_complete_and_reopen(store: Store, acme: Account) -> None:
    task = ts.add_task(store, acme.id, "Call")
    done = ts.complete_task(store, task.id)
    assert done.done == 1 and done.done_at == NOW.isoformat(timespec="seconds")
    assert ts.complete_task(store, task.id) == done  # again: nothing changes
    reopened = ts.reopen_task(store, task.id)
    assert reopened.done == 0 and reopened.done_at is None
    operations = [(op, sorted(payload)) for op, payload in journal(store)]
    assert operations[1:] == [
        ("update", ["done", "done_at", "done_by", "updated_at"]),
        ("update", ["done", "done_at", "done_by", "updated_at"]),
    ]
    [(_, done_payload), (_, open_payload)] = journal(store)[1:]
    assert done_payload["done_by"] == ME_EMAIL and open_payload["done_by"] is None
    with pytest.raises(NotFoundError, match="No task with id gone"):
        ts.complete_task(store, "gone")


def test_complete_logs_the_work_in_the_same_step(store: Store, acme: Account) -> None:
    task = ts.add_task(store, acme.id, "Call")
    at = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    ts.complete_task(store, task.id, log=WorkLog(30, at, {"note": "Called", "proactive": True}))
    row = store.query_one("SELECT minutes, note, proactive FROM activities")
    assert row is not None and tuple(row) == (30, "Called", 1)
    assert ts.TaskService(store, store.clock).get(task.id).done == 1


def test_a_bad_work_log_leaves_the_task_open(store: Store, acme: Account) -> None:
    """One transaction: the activity is refused, so the task is not marked done either."""
    task = ts.add_task(store, acme.id, "Call")
    with pytest.raises(ValidationError):
        ts.complete_task(store, task.id, log=WorkLog(0, NOW, {}))
    assert ts.TaskService(store, store.clock).get(task.id).done == 0
    assert store.query_one("SELECT count(*) FROM activities")[0] == 0  # type: ignore[index]


def test_open_tasks_by_due_date_overdue_first_reminders_later(store: Store, acme: Account) -> None:
    service = TaskService(store, store.clock)
    service.add(acme.id, "Undated")
    service.add(acme.id, "Next week", due_date=TODAY + timedelta(days=7))
    service.add(acme.id, "Late", due_date=TODAY - timedelta(days=2))
    service.add(acme.id, "Today", due_date=TODAY)
    service.add(
        acme.id, "Remind later", due_date=TODAY + timedelta(1), remind_on=TODAY + timedelta(1)
    )
    service.add(acme.id, "Remind now", due_date=TODAY + timedelta(3), remind_on=TODAY)
    done = service.add(acme.id, "Done", due_date=TODAY - timedelta(days=9))
    service.complete(done.id)
    rows = service.open()
    assert [service.title(row) for row in rows] == [
        "Late",
        "Today",
        "Remind now",
        "Next week",
        "Undated",
    ]
    assert [row.overdue(TODAY) for row in rows] == [True, False, False, False, False]
    due = ts.my_open_tasks(store, TODAY, within_days=0)
    assert [row.title for row in due] == ["Late", "Today"]
    store.clock.at += timedelta(days=1)  # type: ignore[attr-defined]
    assert "Remind later" in [row.title for row in service.open()]


def test_only_my_tasks_are_listed(store: Store, acme: Account) -> None:
    ts.add_task(store, acme.id, "Mine")
    set_me(store, "Ken Sato", KEN)
    ts.add_task(store, acme.id, "Ken's")
    assert [row.title for row in ts.my_open_tasks(store, TODAY)] == ["Ken's"]
    set_me(store, "Aoi Tanaka", ME_EMAIL)
    assert [row.title for row in ts.my_open_tasks(store, TODAY)] == ["Mine"]


def test_title_follows_the_language(store: Store, acme: Account) -> None:
    task = ts.add_task(store, acme.id, "Call")
    with store.transaction() as tx:
        tx.update("tasks", task.id, {"title_ja": "電話する"})
    row = TaskService(store, store.clock).get(task.id)
    assert ts.task_title(row, "en") == "Call" and ts.task_title(row, "ja") == "電話する"


def test_deleting_the_account_deletes_its_tasks(store: Store, acme: Account) -> None:
    ts.add_task(store, acme.id, "Call", due_date=date(2026, 12, 1))
    with store.transaction() as tx:
        tx.delete("accounts", acme.id)
    assert ts.my_open_tasks(store, TODAY) == []
