"""A task linked to a checklist item follows the item's tick: done with it, open again with it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from csm_tui.clock import FixedClock
from csm_tui.models.account import Account
from csm_tui.services import checklist as cl
from csm_tui.services import tasks as ts
from csm_tui.services.accounts import create_account
from csm_tui.services.roadmap_templates import built_in_templates
from csm_tui.store import checklist as queries
from csm_tui.store.connection import Store
from tests.conftest import ME_EMAIL


@pytest.fixture
def account(store: Store, me: tuple[str, str]) -> Account:
    return create_account(store, Account(name="Acme"), primary_owner=ME_EMAIL)


def first_item(store: Store, account_id: str) -> str:
    cl.apply_template(store, account_id, built_in_templates()["default"])
    return queries.items_of(store, account_id)[0].id


def task_journal(store: Store) -> list[dict[str, object]]:
    rows = store.query(
        "SELECT payload FROM journal WHERE table_name = 'tasks' AND operation = 'update' "
        "ORDER BY seq"
    )
    return [json.loads(row[0]) for row in rows]


def test_ticking_the_item_completes_the_linked_task_and_unticking_reopens_it(
    store: Store, account: Account, clock: FixedClock
) -> None:
    item_id = first_item(store, account.id)
    task = ts.add_task(store, account.id, "Send the kickoff deck", checklist_item_id=item_id)
    other = ts.add_task(store, account.id, "Unrelated")

    ticked = cl.tick(store, item_id, True)
    row = ts.TaskService(store, clock).get(task.id)
    assert row.done and row.done_at == ticked.done_at.isoformat()  # type: ignore[union-attr]
    assert not ts.TaskService(store, clock).get(other.id).done
    assert [entry["done"] for entry in task_journal(store)] == [1]  # journaled: it syncs

    cl.tick(store, item_id, False)
    assert not ts.TaskService(store, clock).get(task.id).done
    assert [entry["done"] for entry in task_journal(store)] == [1, 0]
    assert task.id in {row.id for row in ts.my_open_tasks(store, clock.today())}


def test_untick_leaves_a_task_completed_on_its_own(
    store: Store, account: Account, clock: FixedClock
) -> None:
    item_id = first_item(store, account.id)
    task = ts.add_task(store, account.id, "Call", checklist_item_id=item_id)
    ts.complete_task(store, task.id)  # done by itself, before the item
    clock.at = clock.now() + timedelta(hours=1)
    cl.tick(store, item_id, True)
    cl.tick(store, item_id, False)
    assert ts.TaskService(store, clock).get(task.id).done
