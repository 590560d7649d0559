"""An archived account (issue 14) is hidden from every list of accounts: Today's tasks and
coverage, `csm-tui tasks`, Health, the week report, the checklist's due items, Covering, the
playbooks; restoring it brings it back everywhere. One test per list, each against an account
that is not archived, so a list that shows nothing at all would fail."""

from __future__ import annotations

from datetime import timedelta

import pytest

from csm_tui.clock import FixedClock
from csm_tui.models.account import Account
from csm_tui.services import tasks as ts
from csm_tui.services.accounts import create_account
from csm_tui.services.archive import archive, restore
from csm_tui.services.coverage import assign_secondary, covering
from csm_tui.services.health import health_report, weights_from_config
from csm_tui.services.playbook_rules import built_in_rules
from csm_tui.services.playbooks import run_playbooks
from csm_tui.services.week_report import week_report
from csm_tui.store.accounts import get_account
from csm_tui.store.checklist import open_due_items
from csm_tui.store.connection import Store
from csm_tui.store.tasks import open_tasks
from tests.conftest import ME_EMAIL, NOW
from tests.test_playbooks import snapshot

TODAY = NOW.date()
MONDAY = TODAY - timedelta(days=TODAY.weekday())


@pytest.fixture
def two(store: Store, me: tuple[str, str]) -> tuple[str, str]:
    """Two accounts of mine alike (renewal in 30 days, health down 20, an overdue task and
    item); the second is archived."""
    ids = []
    for name in ("Kept Co", "Gone Co"):
        account = Account(name=name, renewal_date=TODAY + timedelta(days=30), health_score=40)
        account_id = create_account(store, account, primary_owner=ME_EMAIL).id
        snapshot(store, account_id, TODAY - timedelta(days=30), 60)
        snapshot(store, account_id, TODAY, 40)
        ts.add_task(store, account_id, "Call", due_date=TODAY - timedelta(days=2))
        with store.transaction() as tx:
            tx.insert(
                "checklist_items",
                {
                    "id": f"item-{name}",
                    "account_id": account_id,
                    "stage": "onboarding",
                    "title": "Kickoff",
                    "due_date": TODAY - timedelta(days=3),
                    "position": 0,
                    "created_at": tx.now,
                    "updated_at": tx.now,
                },
            )
        ids.append(account_id)
    _archive(store, ids[1])
    return ids[0], ids[1]


def _archive(store: Store, account_id: str) -> None:
    account = get_account(store, account_id)
    assert account is not None
    archive(store, account)


def _restore(store: Store, account_id: str) -> None:
    account = get_account(store, account_id)
    assert account is not None
    restore(store, account)


def test_tasks(store: Store, two: tuple[str, str]) -> None:
    kept, gone = two
    assert {t.account_id for t in open_tasks(store, ME_EMAIL, TODAY)} == {kept}
    _restore(store, gone)
    assert {t.account_id for t in open_tasks(store, ME_EMAIL, TODAY)} == {kept, gone}


def test_health(store: Store, clock: FixedClock, two: tuple[str, str]) -> None:
    kept, _gone = two
    report = health_report(store, clock, weights_from_config({}))
    assert {row.id for row in report.accounts} == {kept}
    assert {mover.row.id for mover in report.drops} == {kept}


def test_week_report(store: Store, clock: FixedClock, two: tuple[str, str]) -> None:
    kept, _gone = two
    report = week_report(store, MONDAY, clock)
    assert {r.account_id for r in report.renewals} == {kept}
    assert {t.account_id for t in report.tasks_overdue} == {kept}
    assert {m.account_id for m in report.drops} == {kept}


def test_checklist_due_items(store: Store, two: tuple[str, str]) -> None:
    kept, _gone = two
    assert {row.account_id for row in open_due_items(store)} == {kept}


def test_covering(store: Store, two: tuple[str, str]) -> None:
    kept, gone = two
    colleague = "ken.sato@example.com"
    for account_id in (kept, gone):
        assign_secondary(store, account_id, colleague, coverage_from=TODAY)
    assert {line.row.account_id for line in covering(store, colleague, TODAY)} == {kept}


def test_playbooks(store: Store, clock: FixedClock, two: tuple[str, str]) -> None:
    kept, _gone = two
    run_playbooks(store, clock, rules=built_in_rules())  # renewal in 30 days: they fire
    made = store.query("SELECT DISTINCT account_id FROM tasks WHERE source = 'playbook'")
    assert {row[0] for row in made} == {kept}


def test_today(store: Store, clock: FixedClock, two: tuple[str, str]) -> None:
    from csm_tui.config import TODAY_WEIGHTS
    from csm_tui.services.today import today_view

    kept, gone = two
    view = today_view(store, clock, TODAY_WEIGHTS)
    assert {row.id for row in view.priorities} == {kept}
    assert {task.account_id for task in view.tasks} == {kept}
    assert view.mine == 1
    _restore(store, gone)
    assert {row.id for row in today_view(store, clock, TODAY_WEIGHTS).priorities} == {kept, gone}


def test_todays_coverage_reminders(store: Store, two: tuple[str, str]) -> None:
    from csm_tui.store.today import coverage_reminders

    kept, gone = two
    colleague = "ken.sato@example.com"
    for account_id in (kept, gone):
        assign_secondary(store, account_id, colleague, coverage_from=TODAY)
        with store.transaction() as tx:
            tx.insert(
                "handoff_notes",
                {
                    "id": f"note-{account_id}",
                    "note_id": f"note-{account_id}",
                    "version": 1,
                    "account_id": account_id,
                    "author_email": ME_EMAIL,
                    "situation": "renewal talks",
                    "created_at": tx.now,
                },
            )
    assert {row.account_id for row in coverage_reminders(store, colleague, TODAY)} == {kept}
