"""Checklist use cases on a real SQLite file: templates, ticks, custom items, stages, due lists."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from csm_tui.clock import FixedClock
from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.models.account import Account, Stage
from csm_tui.services import checklist as cl
from csm_tui.services.accounts import create_account
from csm_tui.services.roadmap_templates import Template, built_in_templates, parse_template
from csm_tui.services.roadmap_view import account_roadmap, display_title, resolve_account
from csm_tui.store import checklist as queries
from csm_tui.store.connection import Store

TODAY = date(2026, 11, 27)
RENEWAL = date(2027, 6, 1)


@pytest.fixture
def default() -> Template:
    return built_in_templates()["default"]


@pytest.fixture
def account(store: Store, me: tuple[str, str]) -> Account:
    return create_account(store, Account(name="Acme", segment="SMB", renewal_date=RENEWAL))


def journal(store: Store, table: str = "checklist_items") -> list[tuple[str, str, dict[str, Any]]]:
    rows = store.query(
        "SELECT row_id, operation, payload FROM journal WHERE table_name = ? ORDER BY seq", (table,)
    )
    return [(row[0], row[1], json.loads(row[2])) for row in rows]


def by_key(store: Store, account_id: str, key: str) -> Any:
    return next(item for item in queries.items_of(store, account_id) if item.item_key == key)


# -- applying templates ------------------------------------------------------------------------


def test_apply_creates_every_item_with_due_dates(
    store: Store, account: Account, default: Template
) -> None:
    added = cl.apply_template(store, account.id, default)
    assert len(added) == len(default.items)
    assert [i.item_key for i in added] == [i.key for i in default.items]
    assert queries.stage_started_on(store, account.id) == TODAY  # the roadmap starts today
    assert by_key(store, account.id, "handoff").due_date == TODAY + timedelta(days=2)
    assert by_key(store, account.id, "kickoff").due_date == TODAY + timedelta(days=14)
    assert by_key(store, account.id, "kickoff-minutes").due_date == TODAY + timedelta(days=16)
    assert by_key(store, account.id, "renewal-contact").due_date == RENEWAL - timedelta(days=120)
    assert by_key(store, account.id, "goals-changed").due_date is None  # a later stage
    assert by_key(store, account.id, "champion-change").due_date is None  # no rule
    inserts = [entry for entry in journal(store) if entry[1] == "insert"]
    assert len(inserts) == len(default.items)


def test_titles_follow_the_language(store: Store, account: Account, default: Template) -> None:
    cl.apply_template(store, account.id, default, language="ja")
    assert by_key(store, account.id, "kickoff").title == "キックオフを開催し、目標に合意する"


def test_reapplying_keeps_ticks_and_adds_new_items(
    store: Store, account: Account, default: Template
) -> None:
    cl.apply_template(store, account.id, default)
    handoff = by_key(store, account.id, "handoff")
    cl.tick(store, handoff.id, True, "read twice")
    assert cl.apply_template(store, account.id, default) == []  # nothing new, nothing reset
    kept = by_key(store, account.id, "handoff")
    assert kept.done and kept.done_note == "read twice"
    changed = parse_template(
        """
        key = "default"
        title_en = "Changed"
        title_ja = "変更"
        [[stages]]
        key = "onboarding"
        title_en = "Onboarding"
        title_ja = "導入期"
        [[items]]
        key = "welcome-pack"
        stage = "onboarding"
        title_en = "Send the welcome pack"
        title_ja = "ウェルカムパックを送る"
        days_after_stage_start = 1
        [[items]]
        key = "handoff"
        stage = "onboarding"
        title_en = "Handoff, reworded"
        title_ja = "引継ぎ"
        """,
        "changed.toml",
    )
    added = cl.apply_template(store, account.id, changed)
    assert [item.item_key for item in added] == ["welcome-pack"]
    assert added[0].due_date == TODAY + timedelta(days=1)
    items = queries.items_of(store, account.id)
    assert len(items) == len(default.items) + 1  # nothing removed
    handoff_now = by_key(store, account.id, "handoff")
    assert handoff_now.done and handoff_now.title == handoff.title  # not reset or renamed
    onboarding = [item.item_key for item in items if item.stage == Stage.ONBOARDING]
    assert onboarding[0] == "welcome-pack"  # the new template's order
    assert handoff_now.position == 1


def test_apply_to_a_missing_account(store: Store, default: Template) -> None:
    with pytest.raises(NotFoundError):
        cl.apply_template(store, "nope", default)


# -- ticking -----------------------------------------------------------------------------------


def test_tick_records_who_and_when_and_untick_clears(
    store: Store, account: Account, default: Template, clock: FixedClock, me: tuple[str, str]
) -> None:
    cl.apply_template(store, account.id, default)
    item = by_key(store, account.id, "handoff")
    done = cl.tick(store, item.id, True, "all clear")
    assert done.done and done.done_by == me[1] and done.done_note == "all clear"
    assert done.done_at == clock.now()
    again = cl.tick(store, item.id, True, "all clear")  # a set, not a toggle
    assert again.done and again.done_at == clock.now()
    undone = cl.tick(store, item.id, False)
    assert not undone.done and undone.done_by is None and undone.done_at is None
    assert undone.done_note == ""
    assert cl.tick(store, item.id, False) == undone  # unticking twice writes nothing
    updates = [entry for entry in journal(store) if entry[0] == item.id and entry[1] == "update"]
    assert len(updates) == 2
    assert updates[0][2]["done"] == 1 and updates[0][2]["done_by"] == me[1]
    assert updates[1][2]["done"] == 0 and updates[1][2]["done_by"] is None


def test_ticking_a_done_item_changes_only_its_note(
    store: Store, account: Account, default: Template, clock: FixedClock
) -> None:
    cl.apply_template(store, account.id, default)
    item = by_key(store, account.id, "handoff")
    first = cl.tick(store, item.id, True)
    clock.at += timedelta(days=1)
    second = cl.tick(store, item.id, True, "added later")
    assert second.done_at == first.done_at and second.done_note == "added later"


def test_ticking_the_kickoff_moves_what_counts_from_it(
    store: Store, account: Account, default: Template
) -> None:
    cl.apply_template(store, account.id, default)
    kickoff = by_key(store, account.id, "kickoff")
    cl.tick(store, kickoff.id, True)  # held today, earlier than planned
    assert by_key(store, account.id, "kickoff-minutes").due_date == TODAY + timedelta(days=2)
    assert by_key(store, account.id, "go-live").due_date == TODAY + timedelta(days=60)


def test_tick_a_missing_item(store: Store) -> None:
    with pytest.raises(NotFoundError):
        cl.tick(store, "nope", True)


# -- editing and due dates ---------------------------------------------------------------------


def test_edit_item(store: Store, account: Account, default: Template) -> None:
    cl.apply_template(store, account.id, default)
    item = by_key(store, account.id, "roi")
    edited = cl.edit_item(store, item.id, title="Show the ROI report", description="Q3 numbers")
    assert edited.title == "Show the ROI report" and edited.item_key == "roi"
    assert queries.get_item(store, item.id) == edited
    assert journal(store)[-1][2]["title"] == "Show the ROI report"
    with pytest.raises(ValidationError):
        cl.edit_item(store, item.id, title="   ")


def test_set_due_by_hand_and_back_to_the_rule(
    store: Store, account: Account, default: Template
) -> None:
    cl.apply_template(store, account.id, default)
    item = by_key(store, account.id, "roi")
    by_hand = cl.set_due(store, item.id, date(2027, 1, 15))
    assert by_hand.due_date == date(2027, 1, 15)
    assert by_hand.due_rule == "manual:days_before_renewal:90"
    cl.refresh_due_dates(store, account.id)  # a hand-set date ignores its rule
    assert queries.get_item(store, item.id).due_date == date(2027, 1, 15)  # type: ignore[union-attr]
    back = cl.set_due(store, item.id, None)
    assert back.due_rule == "days_before_renewal:90"
    assert back.due_date == RENEWAL - timedelta(days=90)


def test_renewal_change_moves_rule_dates(store: Store, account: Account, default: Template) -> None:
    from csm_tui.services.accounts import update_account

    cl.apply_template(store, account.id, default)
    update_account(store, account.id, renewal_date=date(2028, 2, 29))
    # the update moved them itself: the five renewal items count back from 29 February
    assert by_key(store, account.id, "renewal-contact").due_date == date(2027, 11, 1)
    assert cl.refresh_due_dates(store, account.id) == 0


def test_stage_change_by_update_starts_the_stage_today(
    store: Store, account: Account, default: Template
) -> None:
    from csm_tui.services.accounts import update_account

    cl.apply_template(store, account.id, default)
    store.clock = FixedClock(store.clock.now() + timedelta(days=30))
    update_account(store, account.id, stage=Stage.ADOPTION)
    assert queries.stage_started_on(store, account.id) == TODAY + timedelta(days=30)
    update_account(store, account.id, name="Acme Japan")  # not a stage change: start unchanged
    assert queries.stage_started_on(store, account.id) == TODAY + timedelta(days=30)


# -- custom items ------------------------------------------------------------------------------


def test_custom_items_add_remove_restore(store: Store, account: Account, default: Template) -> None:
    cl.apply_template(store, account.id, default)
    item = cl.add_custom_item(
        store, account.id, "adoption", "Invite to the user conference", due=date(2027, 3, 1)
    )
    assert item.custom and item.due_rule == "manual" and item.position >= cl.CUSTOM_POSITION
    adoption = [i for i in queries.items_of(store, account.id) if i.stage == Stage.ADOPTION]
    assert adoption[-1].id == item.id  # after the template's items
    cl.tick(store, item.id, True, "sent")
    data = cl.remove_custom_item(store, item.id)
    assert queries.get_item(store, item.id) is None
    assert journal(store)[-1][:2] == (item.id, "delete")
    restored = cl.restore_item(store, data)
    assert restored.id == item.id and restored.done and restored.done_note == "sent"
    assert queries.get_item(store, item.id) == restored
    assert journal(store)[-1][:2] == (item.id, "insert")
    with pytest.raises(ValidationError):
        cl.restore_item(store, data)  # already back


def test_removing_an_item_unlinks_its_activities_in_the_journal_and_undo_relinks(
    store: Store, account: Account
) -> None:
    from csm_tui.services.activities import log_activity
    from csm_tui.store.activities import get_activity

    item = cl.add_custom_item(store, account.id, "adoption", "Send the admin guide")
    now = store.clock.now()
    linked = log_activity(store, account.id, 20, now, checklist_item_id=item.id)
    other = log_activity(store, account.id, 10, now)
    data = cl.remove_custom_item(store, item.id)
    assert get_activity(store, linked.id).checklist_item_id is None  # type: ignore[union-attr]
    unlinked = [entry for entry in journal(store, "activities") if entry[1] == "update"]
    assert [(row_id, payload["checklist_item_id"]) for row_id, _op, payload in unlinked] == [
        (linked.id, None)
    ]
    cl.restore_item(store, data)
    assert get_activity(store, linked.id).checklist_item_id == item.id  # type: ignore[union-attr]
    assert get_activity(store, other.id).checklist_item_id is None  # type: ignore[union-attr]
    assert journal(store, "activities")[-1][:2] == (linked.id, "update")


def test_template_items_cannot_be_removed(
    store: Store, account: Account, default: Template
) -> None:
    cl.apply_template(store, account.id, default)
    with pytest.raises(ValidationError, match="from the roadmap"):
        cl.remove_custom_item(store, by_key(store, account.id, "kickoff").id)


def test_custom_item_validation(store: Store, account: Account) -> None:
    with pytest.raises(ValidationError, match="Unknown stage"):
        cl.add_custom_item(store, account.id, "launch", "Something")
    with pytest.raises(ValidationError):
        cl.add_custom_item(store, account.id, "adoption", "  ")
    with pytest.raises(NotFoundError):
        cl.add_custom_item(store, "nope", "adoption", "Something")


# -- stages ------------------------------------------------------------------------------------


def test_stage_change_with_open_items_needs_confirmation(
    store: Store, account: Account, default: Template, clock: FixedClock
) -> None:
    cl.apply_template(store, account.id, default)
    open_count = len([i for i in default.items if i.stage == Stage.ONBOARDING])
    with pytest.raises(cl.OpenItemsError) as caught:
        cl.change_stage(store, account.id, Stage.ADOPTION)
    assert caught.value.open_count == open_count and caught.value.stage == Stage.ONBOARDING
    assert f"{open_count} items are still open" in str(caught.value)
    clock.at += timedelta(days=10)
    moved = cl.change_stage(store, account.id, Stage.ADOPTION, confirm_open=True)
    assert moved.stage == Stage.ADOPTION
    assert queries.stage_started_on(store, account.id) == TODAY + timedelta(days=10)
    # the adoption items now count from the new stage start
    assert by_key(store, account.id, "goals-changed").due_date == TODAY + timedelta(days=40)
    # onboarding dates are history
    assert by_key(store, account.id, "handoff").due_date == TODAY + timedelta(days=2)
    payload = journal(store, "accounts")[-1][2]
    assert payload["stage"] == "adoption" and payload["stage_started_on"] == "2026-12-07"


def test_stage_change_without_open_items(store: Store, account: Account, default: Template) -> None:
    cl.apply_template(store, account.id, default)
    for item in queries.items_of(store, account.id):
        if item.stage == Stage.ONBOARDING:
            cl.tick(store, item.id, True)
    assert cl.change_stage(store, account.id, "adoption").stage == Stage.ADOPTION
    before = len(journal(store, "accounts"))
    cl.change_stage(store, account.id, "adoption")  # already there: nothing written
    assert len(journal(store, "accounts")) == before


# -- across the book ---------------------------------------------------------------------------


def test_due_items_order_and_filters(store: Store, me: tuple[str, str], default: Template) -> None:
    tech = built_in_templates()["tech-touch"]
    late = create_account(store, Account(name="Late Corp", segment="SMB", renewal_date=RENEWAL))
    small = create_account(
        store, Account(name="Small Co", segment="Tech Touch", renewal_date=date(2027, 4, 1))
    )
    cl.apply_template(store, late.id, default)
    cl.apply_template(store, small.id, tech)
    overdue = cl.add_custom_item(
        store, late.id, "onboarding", "Late task", due=TODAY - timedelta(days=3)
    )
    rows = cl.due_items(store, today=TODAY)
    assert rows[0].item_id == overdue.id and rows[0].account_name == "Late Corp"
    dues = [row.due_date for row in rows]
    assert dues == sorted(dues)
    assert all(row.due_date < TODAY for row in rows[:1])
    within = cl.due_items(store, today=TODAY, within_days=7)
    assert within and all(row.due_date <= TODAY + timedelta(days=7) for row in within)
    assert overdue.id in {row.item_id for row in within}  # overdue ones are "due within" too
    only_tech = cl.due_items(store, today=TODAY, segment="Tech Touch")
    assert only_tech and {row.account_id for row in only_tech} == {small.id}
    renewal = cl.due_items(store, today=TODAY, stage="renewal")
    assert renewal and {row.stage for row in renewal} == {"renewal"}
    moments = cl.due_items(store, today=TODAY, moments_only=True)
    assert moments and all(row.moment_of_truth for row in moments)
    assert len(cl.due_items(store, today=TODAY, limit=3)) == 3
    cl.tick(store, overdue.id, True)
    assert overdue.id not in {row.item_id for row in cl.due_items(store, today=TODAY)}
    with pytest.raises(ValidationError):
        cl.due_items(store, today=TODAY, within_days=-1)


def test_progress_and_overdue_counts(store: Store, account: Account, default: Template) -> None:
    cl.apply_template(store, account.id, default)
    handoff = by_key(store, account.id, "handoff")
    cl.tick(store, handoff.id, True)
    onboarding = len([i for i in default.items if i.stage == Stage.ONBOARDING])
    assert queries.current_stage_progress(store) == {account.id: (1, onboarding)}
    assert queries.stage_progress(store, account.id)["onboarding"] == (1, onboarding)
    assert queries.overdue_counts(store, TODAY) == {}
    later = TODAY + timedelta(days=6)  # the gaps item (due in 5 days) is overdue then
    assert queries.overdue_counts(store, later) == {account.id: 1}
    view = account_roadmap(store, account.id, later)
    assert view.overdue == 1 and view.stage_started_on == TODAY
    assert [s.stage for s in view.stages] == list(Stage)
    assert view.stages[0].current and view.stages[0].done == 1
    assert view.stages[0].title == "Onboarding"


def test_every_change_is_journaled(store: Store, account: Account, default: Template) -> None:
    """The journal holds a row change for each write, so the sync can replay the checklist."""
    cl.apply_template(store, account.id, default)
    item = by_key(store, account.id, "handoff")
    cl.tick(store, item.id, True)
    cl.edit_item(store, item.id, title="Read it")
    cl.set_due(store, item.id, TODAY)
    custom = cl.add_custom_item(store, account.id, "renewal", "Extra")
    cl.restore_item(store, cl.remove_custom_item(store, custom.id))
    journaled = {row[0] for row in store.query("SELECT id FROM checklist_items")}
    replay: dict[str, dict[str, Any]] = {}
    for row_id, operation, payload in journal(store):
        if operation == "delete":
            replay.pop(row_id)
        else:
            replay.setdefault(row_id, {}).update(payload)
    assert set(replay) == journaled
    for row in store.query("SELECT * FROM checklist_items"):
        current = dict(row)
        assert {key: replay[current["id"]][key] for key in current} == current


def test_resolve_account(store: Store, me: tuple[str, str]) -> None:
    acme = create_account(store, Account(name="Acme Tools", external_id="CRM-1"))
    create_account(store, Account(name="Acme Labs"))
    create_account(store, Account(name="Beta 100%"))
    assert resolve_account(store, acme.id).id == acme.id
    assert resolve_account(store, "CRM-1").id == acme.id
    assert resolve_account(store, "acme t").id == acme.id
    assert resolve_account(store, "Beta 100%").name == "Beta 100%"
    with pytest.raises(ValidationError, match="matches 2 accounts \\(Acme Labs, Acme Tools\\)"):
        resolve_account(store, "acme")
    with pytest.raises(NotFoundError):
        resolve_account(store, "Gamma")
    with pytest.raises(NotFoundError):
        resolve_account(store, "Beta_")  # LIKE wildcards are taken literally


def test_add_missing_roadmaps(store: Store, me: tuple[str, str], default: Template) -> None:
    done = create_account(store, Account(name="Has one", renewal_date=RENEWAL))
    cl.apply_template(store, done.id, default)
    fresh = create_account(store, Account(name="Fresh", segment="Tech Touch", renewal_date=RENEWAL))
    other = create_account(store, Account(name="Other", stage=Stage.RENEWAL, renewal_date=RENEWAL))
    before = len(queries.items_of(store, done.id))
    assert cl.add_missing_roadmaps(store) == 2
    assert cl.add_missing_roadmaps(store) == 0  # nothing left to add
    assert len(queries.items_of(store, done.id)) == before
    tech = built_in_templates()["tech-touch"]
    assert {i.item_key for i in queries.items_of(store, fresh.id)} == {i.key for i in tech.items}
    assert queries.stage_started_on(store, fresh.id) == TODAY
    assert by_key(store, fresh.id, "handoff").due_date == TODAY + timedelta(days=3)
    assert by_key(store, other.id, "renewal-contact").due_date == RENEWAL - timedelta(days=120)
    assert by_key(store, other.id, "handoff").due_date is None  # an earlier stage: no start
    inserts = [entry for entry in journal(store) if entry[1] == "insert"]
    assert len(inserts) == before + len(tech.items) + len(default.items)


def test_display_title_follows_the_language(
    store: Store, account: Account, default: Template
) -> None:
    cl.apply_template(store, account.id, default, language="en")
    kickoff = by_key(store, account.id, "kickoff")
    assert display_title(kickoff, default, "ja") == "キックオフを開催し、目標に合意する"
    assert display_title(kickoff, default, "en") == "Hold the kickoff and agree on goals"
    reworded = cl.edit_item(store, kickoff.id, title="Kickoff with the new team")
    assert display_title(reworded, default, "ja") == "Kickoff with the new team"
    custom = cl.add_custom_item(
        store, account.id, "adoption", "Hold the kickoff and agree on goals"
    )
    assert display_title(custom, default, "ja") == custom.title
