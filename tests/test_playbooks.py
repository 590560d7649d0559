"""Playbook rules on a real SQLite file: each trigger at its boundaries, the accounts rules act
on, the tasks they create, and idempotency across runs, restarts and devices."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from csm_tui.clock import FixedClock
from csm_tui.models.account import Account
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.models.playbook import Rule, TaskAction, Trigger, TriggerKind
from csm_tui.services.accounts import add_owner, create_account
from csm_tui.services.identity import set_me
from csm_tui.services.playbook_rules import built_in_rules
from csm_tui.services.playbooks import occurrence_id, run_playbooks
from csm_tui.store.connection import Store, open_store
from tests.conftest import ME_EMAIL, ME_NAME, NOW

TODAY = NOW.date()  # a Friday
KEN = "ken.sato@example.com"
_ids = itertools.count()


def rule(kind: TriggerKind, *, actions: tuple[TaskAction, ...] = (), **fields: Any) -> Rule:
    """A rule of one trigger with one task due in 3 days (and whatever else is asked for)."""
    segments = tuple(fields.pop("segments", ()))
    stages = tuple(fields.pop("stages", ()))
    default = (TaskAction("do", "Do it", "やる", due_in_days=3),)
    return Rule(
        id=f"test-{kind.value}",
        name_en="Test",
        name_ja="テスト",
        trigger=Trigger(kind=kind, **fields),
        actions=actions or default,
        segments=segments,
        stages=stages,
        source="test.toml",
    )


def account(store: Store, name: str = "Acme", owner: str | None = ME_EMAIL, **fields: Any) -> str:
    return create_account(store, Account(name=name, **fields), primary_owner=owner).id


def activity(store: Store, account_id: str, days_ago: int, kind: str = "call") -> None:
    at = (NOW - timedelta(days=days_ago)).isoformat()
    with store.transaction() as tx:
        tx.insert(
            "activities",
            {
                "id": f"act{next(_ids)}",
                "account_id": account_id,
                "author_email": ME_EMAIL,
                "type": kind,
                "minutes": 30,
                "occurred_at": at,
                "created_at": at,
                "updated_at": at,
            },
        )


def snapshot(store: Store, account_id: str, day: date, score: int) -> None:
    with store.transaction() as tx:
        tx.insert(
            "health_snapshots",
            {"id": f"h{next(_ids)}", "account_id": account_id, "date": day, "score": score},
        )


def metric(store: Store, account_id: str, start: date, period: str = "week", **counts: int) -> None:
    with store.transaction() as tx:
        tx.insert(
            "usage_metrics",
            {
                "id": f"m{next(_ids)}",
                "account_id": account_id,
                "period": period,
                "period_start": start,
                "created_at": NOW.isoformat(),
                **counts,
            },
        )


def item(store: Store, account_id: str, key: str, **fields: Any) -> str:
    item_id = f"item{next(_ids)}"
    with store.transaction() as tx:
        tx.insert(
            "checklist_items",
            {
                "id": item_id,
                "account_id": account_id,
                "stage": fields.pop("stage", "adoption"),
                "item_key": key,
                "title": key,
                "created_at": tx.now,
                "updated_at": tx.now,
                **fields,
            },
        )
    return item_id


def fired(store: Store, the_rule: Rule, clock: FixedClock | None = None) -> list[str]:
    """Run one rule; the names of the accounts it fired for this time, in order."""
    query = (
        "SELECT f.id, a.name FROM playbook_firings AS f "
        "JOIN accounts AS a ON a.id = f.account_id ORDER BY a.name"
    )
    before = {row[0] for row in store.query(query)}
    run = run_playbooks(store, clock or store.clock, rules=[the_rule])  # type: ignore[arg-type]
    assert run.problems == []
    names = [row[1] for row in store.query(query) if row[0] not in before]
    assert len(names) == run.fired
    return names


@pytest.fixture
def book(store: Store, me: tuple[str, str]) -> Store:
    return store


# -- renewal within N days without an activity of type T since M days ---------------------------


def test_renewal_without_activity_boundaries(book: Store) -> None:
    the_rule = rule(
        TriggerKind.RENEWAL_WITHOUT_ACTIVITY,
        within_days=120,
        since_days=30,
        activity_types=("call", "meeting"),
    )
    account(book, "At 120 days", renewal_date=TODAY + timedelta(days=120))
    account(book, "At 121 days", renewal_date=TODAY + timedelta(days=121))
    account(book, "Today", renewal_date=TODAY)
    account(book, "Passed", renewal_date=TODAY - timedelta(days=1))
    account(book, "No date")
    called = account(book, "Called 29 days ago", renewal_date=TODAY + timedelta(days=60))
    activity(book, called, 29)
    old_call = account(book, "Called 31 days ago", renewal_date=TODAY + timedelta(days=60))
    activity(book, old_call, 31)
    mailed = account(book, "Only an e-mail", renewal_date=TODAY + timedelta(days=60))
    activity(book, mailed, 1, "email")
    assert fired(book, the_rule) == ["At 120 days", "Called 31 days ago", "Only an e-mail", "Today"]


def test_each_renewal_fires_once_a_new_renewal_date_again(book: Store) -> None:
    the_rule = rule(
        TriggerKind.RENEWAL_WITHOUT_ACTIVITY,
        within_days=90,
        since_days=30,
        activity_types=("call",),
    )
    acme = account(book, renewal_date=TODAY + timedelta(days=80))
    assert fired(book, the_rule) == ["Acme"]
    assert fired(book, the_rule) == []
    with book.transaction() as tx:  # renewed: the next term's date
        tx.update("accounts", acme, {"renewal_date": TODAY + timedelta(days=85)})
    assert fired(book, the_rule) == ["Acme"]
    occurrences = [row[0] for row in book.query("SELECT occurrence FROM tasks ORDER BY 1")]
    assert occurrences == ["renewal 2027-02-15", "renewal 2027-02-20"]


# -- health dropped by N points in D days --------------------------------------------------------


def test_health_drop_boundaries(book: Store) -> None:
    the_rule = rule(TriggerKind.HEALTH_DROP, points=10, days=30)
    past = TODAY - timedelta(days=30)
    for name, before, now in (("Down 10", 80, 70), ("Down 9", 80, 71), ("Up", 60, 75)):
        snapshot(book, account(book, name, health_score=now), past, before)
    too_recent = account(book, "Snapshot 29 days ago", health_score=50)
    snapshot(book, too_recent, TODAY - timedelta(days=29), 90)
    older = account(book, "Older snapshot counts", health_score=50)
    snapshot(book, older, TODAY - timedelta(days=45), 70)
    account(book, "No history", health_score=10)
    assert fired(book, the_rule) == ["Down 10", "Older snapshot counts"]


def test_health_drop_fires_once_per_window(book: Store, clock: FixedClock) -> None:
    the_rule = rule(TriggerKind.HEALTH_DROP, points=10, days=30)
    # windows of 30 days from 2000-01-03: TODAY is day 15 of one, so +1 day stays in it
    assert (TODAY - date(2000, 1, 3)).days % 30 == 15
    acme = account(book, health_score=50)
    snapshot(book, acme, TODAY - timedelta(days=60), 90)
    assert fired(book, the_rule, clock) == ["Acme"]
    clock.at += timedelta(days=1)
    assert fired(book, the_rule, clock) == []  # the same drop, the same window
    clock.at += timedelta(days=30)  # a later window: still 40 down on the snapshot before
    assert fired(book, the_rule, clock) == ["Acme"]


# -- logins dropped by N% week over week ---------------------------------------------------------


def test_logins_drop_week_over_week(book: Store) -> None:
    monday = TODAY - timedelta(days=TODAY.weekday())
    last, before = monday - timedelta(days=7), monday - timedelta(days=14)
    the_rule = rule(TriggerKind.LOGINS_DROP, percent=30, min_logins=20)
    for name, old, new in (
        ("Down 30%", 100, 70),
        ("Down 29%", 100, 71),
        ("Too few to tell", 19, 0),
        ("Up", 50, 80),
    ):
        acme = account(book, name)
        metric(book, acme, before, logins=old)
        metric(book, acme, last, logins=new)
    days = account(book, "Daily rows, down 50%")
    for offset in range(7):
        metric(book, days, before + timedelta(days=offset), "day", logins=10)
        metric(book, days, last + timedelta(days=offset), "day", logins=5)
    this_week = account(book, "Only this week is low")
    metric(book, this_week, last, logins=100)
    metric(book, this_week, monday, logins=1)
    missing = account(book, "Last week not reported")
    metric(book, missing, before, logins=100)
    assert fired(book, the_rule) == ["Daily rows, down 50%", "Down 30%"]
    occurrence = book.query_one("SELECT DISTINCT occurrence FROM tasks")
    assert occurrence is not None and occurrence[0] == f"logins {last.isoformat()}"


# -- a new user appeared -------------------------------------------------------------------------


def test_new_user_within_days_and_not_again_too_soon(book: Store, clock: FixedClock) -> None:
    the_rule = rule(TriggerKind.NEW_USER, within_days=7)
    fresh = account(book, "New user 7 days ago")
    metric(book, fresh, TODAY - timedelta(days=7), "day", new_users=1)
    stale = account(book, "New user 8 days ago")
    metric(book, stale, TODAY - timedelta(days=8), "day", new_users=2)
    none = account(book, "No new users")
    metric(book, none, TODAY - timedelta(days=1), "day", new_users=0, logins=5)
    assert fired(book, the_rule, clock) == ["New user 7 days ago"]
    # another new user two days later: the same change, most likely; not a new task
    metric(book, fresh, TODAY - timedelta(days=5), "day", new_users=1)
    assert fired(book, the_rule, clock) == []
    # eight days after the first: a new occurrence
    clock.at += timedelta(days=2)
    metric(book, fresh, TODAY + timedelta(days=1), "day", new_users=1)
    assert fired(book, the_rule, clock) == ["New user 7 days ago"]


# -- a key feature unused D days after go-live ---------------------------------------------------


def test_key_feature_unused_after_go_live(book: Store) -> None:
    the_rule = rule(TriggerKind.KEY_FEATURE_UNUSED, days=30)
    go_live = TODAY - timedelta(days=30)
    done = {"done": 1, "done_at": f"{go_live.isoformat()}T10:00:00+00:00", "stage": "onboarding"}
    unused = account(book, "Unused")
    item(book, unused, "go-live", **done)
    metric(book, unused, go_live, "day", key_feature_uses=0, logins=5)
    used = account(book, "Used once")
    item(book, used, "go-live", **done)
    metric(book, used, go_live + timedelta(days=3), "day", key_feature_uses=1)
    early = account(book, "Went live 29 days ago")
    item(book, early, "go-live", **{**done, "done_at": f"{go_live + timedelta(1)}T10:00:00Z"})
    metric(book, early, go_live + timedelta(days=1), "day", key_feature_uses=0)
    no_data = account(book, "No usage reported")
    item(book, no_data, "go-live", **done)
    not_live = account(book, "Not live yet")
    item(book, not_live, "go-live", stage="onboarding")
    metric(book, not_live, go_live, "day", key_feature_uses=0)
    assert fired(book, the_rule) == ["Unused"]


# -- a checklist item overdue --------------------------------------------------------------------


def test_checklist_overdue_links_the_item(book: Store) -> None:
    the_rule = rule(TriggerKind.CHECKLIST_OVERDUE, days_overdue=7, moments_of_truth_only=True)
    acme = account(book, "Acme")
    late = item(book, acme, "kickoff", due_date=TODAY - timedelta(days=7), moment_of_truth=1)
    item(book, acme, "review", due_date=TODAY - timedelta(days=6), moment_of_truth=1)
    item(book, acme, "minutes", due_date=TODAY - timedelta(days=30))  # not a moment of truth
    item(book, acme, "old", due_date=TODAY - timedelta(days=30), moment_of_truth=1, done=1)
    assert fired(book, the_rule) == ["Acme"]
    task = book.query_one("SELECT checklist_item_id, occurrence FROM tasks")
    assert task is not None and task[0] == late
    assert task[1] == f"item {late} {(TODAY - timedelta(days=7)).isoformat()}"
    with book.transaction() as tx:  # a new due date is a new occurrence
        tx.update("checklist_items", late, {"due_date": TODAY - timedelta(days=8)})
    assert fired(book, the_rule) == ["Acme"]


def test_a_task_about_an_overdue_item_names_it_in_both_languages(book: Store) -> None:
    """Two overdue items of one account fire two tasks: each title says which item it is."""
    from csm_tui.services.roadmap_templates import built_in_templates

    kickoff = built_in_templates()["default"].item("kickoff")
    assert kickoff is not None
    the_rule = rule(TriggerKind.CHECKLIST_OVERDUE, days_overdue=1)
    acme = account(book, "Acme")
    late = TODAY - timedelta(days=3)
    template_item = item(book, acme, "kickoff", due_date=late, title=kickoff.title_ja)
    own_item = item(book, acme, "", due_date=late, title="ROI資料を送る", custom=1)
    assert fired(book, the_rule) == ["Acme", "Acme"]
    titles = {
        row[0]: (row[1], row[2])
        for row in book.query("SELECT checklist_item_id, title, title_ja FROM tasks")
    }
    assert titles == {
        template_item: (f"{kickoff.title_en} — Do it", f"{kickoff.title_ja} — やる"),
        own_item: ("ROI資料を送る — Do it", "ROI資料を送る — やる"),
    }


def test_checklist_overdue_by_item_keys(book: Store) -> None:
    the_rule = rule(TriggerKind.CHECKLIST_OVERDUE, items=("kickoff",), days_overdue=1)
    acme = account(book, "Acme")
    item(book, acme, "kickoff", due_date=TODAY - timedelta(days=1))
    other = account(book, "Other")
    item(book, other, "minutes", due_date=TODAY - timedelta(days=5))
    assert fired(book, the_rule) == ["Acme"]


# -- a segment/stage condition -------------------------------------------------------------------


def test_segment_and_stage_once_per_entry(book: Store) -> None:
    the_rule = rule(
        TriggerKind.SEGMENT_STAGE,
        days_in_stage=10,
        segments=("tech touch",),
        stages=("onboarding",),
    )
    started = {"stage": "onboarding"}
    tech = account(book, "Tech", segment="Tech Touch", **started)
    account(book, "Enterprise", segment="Enterprise", **started)
    account(book, "Adoption", segment="Tech Touch", stage="adoption")
    recent = account(book, "Started 9 days ago", segment="Tech Touch", **started)
    with book.transaction() as tx:
        tx.update("accounts", tech, {"stage_started_on": TODAY - timedelta(days=10)})
        tx.update("accounts", recent, {"stage_started_on": TODAY - timedelta(days=9)})
    assert fired(book, the_rule) == ["Tech"]
    assert fired(book, the_rule) == []
    with book.transaction() as tx:  # back to onboarding, started again: a new entry
        tx.update("accounts", tech, {"stage_started_on": TODAY - timedelta(days=12)})
    assert fired(book, the_rule) == ["Tech"]


# -- whose accounts, what the tasks say, idempotency ---------------------------------------------


def test_rules_act_on_accounts_i_own_or_cover_now(book: Store) -> None:
    the_rule = rule(TriggerKind.SEGMENT_STAGE, stages=("onboarding",))
    account(book, "Mine")
    account(book, "Ken's", owner=KEN)
    periods = {
        "Covering now": (TODAY - timedelta(days=1), TODAY + timedelta(days=1)),
        "Covering later": (TODAY + timedelta(days=1), None),
        "Covering ended": (None, TODAY - timedelta(days=1)),
        "Backup only": (None, None),
    }
    for name, (start, end) in periods.items():
        account_id = account(book, name, owner=KEN)
        with book.transaction() as tx:
            add_owner(
                tx,
                OwnerAssignment(
                    account_id=account_id,
                    user_email=ME_EMAIL,
                    role=Role.SECONDARY,
                    coverage_from=start,
                    coverage_to=end,
                ),
            )
    assert fired(book, the_rule) == ["Covering now", "Mine"]
    assigned = {row[0] for row in book.query("SELECT assignee_email FROM tasks")}
    assert assigned == {ME_EMAIL}


def test_no_identity_no_run(store: Store) -> None:
    account(store, "Acme", owner=None)
    run = run_playbooks(
        store, store.clock, rules=[rule(TriggerKind.SEGMENT_STAGE, stages=("onboarding",))]
    )  # type: ignore[arg-type]
    assert (run.rules, run.fired, run.tasks) == (0, 0, 0)


def test_tasks_reminders_and_checklist_links(book: Store) -> None:
    actions = (
        TaskAction("call", "Call", "電話する", due_in_days=7, checklist_item="renewal-contact"),
        TaskAction("later", "Prepare", "準備する", due_in_days=30, reminder=True),
        TaskAction("undated", "Think", "考える", checklist_item="no-such-item"),
    )
    the_rule = rule(TriggerKind.SEGMENT_STAGE, stages=("renewal",), actions=actions)
    acme = account(book, "Acme", stage="renewal")
    contact_item = item(book, acme, "renewal-contact", stage="renewal")
    run = run_playbooks(book, book.clock, rules=[the_rule])
    assert (run.fired, run.tasks) == (1, 3)
    rows = {
        row["title"]: dict(row)
        for row in book.query(
            "SELECT title, title_ja, due_date, remind_on, checklist_item_id, source, rule_id "
            "FROM tasks"
        )
    }
    assert rows["Call"]["due_date"] == (TODAY + timedelta(days=7)).isoformat()
    assert rows["Call"]["checklist_item_id"] == contact_item
    assert rows["Call"]["title_ja"] == "電話する" and rows["Call"]["source"] == "playbook"
    assert rows["Prepare"]["remind_on"] == rows["Prepare"]["due_date"]
    assert rows["Think"]["due_date"] is None and rows["Think"]["checklist_item_id"] is None
    assert rows["Call"]["rule_id"] == "test-segment_stage"


def test_idempotent_across_restarts_and_journaled(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "restart.db"
    store = open_store(path, clock=clock)
    set_me(store, ME_NAME, ME_EMAIL)
    account(store, "Acme", renewal_date=TODAY + timedelta(days=30), health_score=40)
    first = run_playbooks(store, clock, rules=built_in_rules())
    assert first.tasks > 0
    store.close()
    store = open_store(path, clock=clock)  # the next start of the app
    second = run_playbooks(store, clock, rules=built_in_rules())
    assert (second.fired, second.tasks) == (0, 0)
    journaled = {
        row[0]: row[1]
        for row in store.query(
            "SELECT table_name, count(*) FROM journal WHERE table_name IN "
            "('tasks', 'playbook_firings') GROUP BY table_name"
        )
    }
    assert journaled == {"tasks": first.tasks, "playbook_firings": first.fired}
    store.close()


def test_two_devices_fire_the_same_rows(tmp_path: Path, clock: FixedClock) -> None:
    """Derived ids: the same occurrence on two devices makes the same firing and task ids."""
    ids = []
    for device in ("laptop", "desktop"):
        store = open_store(tmp_path / f"{device}.db", clock=clock)
        set_me(store, ME_NAME, ME_EMAIL)
        acme = create_account(
            store,
            Account(id="acme", name="Acme", renewal_date=TODAY + timedelta(days=30)),
            primary_owner=ME_EMAIL,
        )
        run_playbooks(store, clock, rules=built_in_rules())
        ids.append(sorted(row[0] for row in store.query("SELECT id FROM tasks")))
        store.close()
    assert ids[0] == ids[1] and ids[0]
    occurrence = f"renewal {(TODAY + timedelta(days=30)).isoformat()}"
    expected = occurrence_id("renewal-contact-120", acme.id, occurrence, "contact")
    assert expected in ids[0]


def test_a_synced_firing_stops_this_device_from_firing(book: Store) -> None:
    the_rule = rule(TriggerKind.SEGMENT_STAGE, stages=("onboarding",))
    acme = account(book, "Acme")
    occurrence = "stage onboarding "
    with book.transaction() as tx:  # as the sync would write what another device fired
        tx.insert(
            "playbook_firings",
            {
                "id": occurrence_id(the_rule.id, acme, occurrence),
                "rule_id": the_rule.id,
                "account_id": acme,
                "occurrence": occurrence,
                "fired_at": tx.now,
                "tasks": 1,
            },
        )
    assert fired(book, the_rule) == []


def test_a_rule_whose_query_fails_is_reported_and_the_others_run(book: Store) -> None:
    broken = rule(TriggerKind.KEY_FEATURE_UNUSED, days=30)
    account(book, "Acme")
    book.conn.execute("ALTER TABLE usage_metrics RENAME TO usage_metrics_gone")
    try:
        run = run_playbooks(
            book,
            book.clock,
            rules=[broken, rule(TriggerKind.SEGMENT_STAGE, stages=("onboarding",))],
        )
    finally:
        book.conn.execute("ALTER TABLE usage_metrics_gone RENAME TO usage_metrics")
    assert run.fired == 1
    [problem] = run.problems
    assert problem.startswith("test.toml: rule test-key_feature_unused: ")
