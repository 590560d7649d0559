"""Linking an activity to a roadmap checklist item: offered in the form, saved, shown, checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import NOW, AppFactory, settle
from textual.pilot import Pilot
from textual.widgets import Input

from csm_tui.errors import ValidationError
from csm_tui.models.account import Account, Stage
from csm_tui.services import checklist
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import checklist_choices, edit_activity, log_activity
from csm_tui.services.roadmap_templates import built_in_templates
from csm_tui.store.activities import activities_of
from csm_tui.store.checklist import items_of
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.account_picker import PickerScreen
from csm_tui.ui.screens.log_activity import LinkField, LogActivityScreen
from csm_tui.ui.widgets.activity_timeline import ActivityTable

SIZE = (120, 34)
ACME = "acct00"  # Acme Analytics: Enterprise, adoption stage
GLOBEX = "acct02"  # Globex Logistics: onboarding stage


def roadmap(store: Store, account_id: str) -> None:
    """The default roadmap with its first onboarding item done (whatever the fixture had)."""
    checklist.apply_template(store, account_id, built_in_templates()["default"])
    first = items_of(store, account_id)[0]
    checklist.tick(store, first.id, True)


@pytest.fixture
def linked_store(book_store: Store) -> Store:
    roadmap(book_store, ACME)
    roadmap(book_store, GLOBEX)
    return book_store


# -- the service -----------------------------------------------------------------------------


def test_choices_current_stage_open_items_first(linked_store: Store) -> None:
    choices = checklist_choices(linked_store, ACME)
    items = {item.id: item for item in items_of(linked_store, ACME)}
    assert {choice.id for choice in choices} == set(items)
    groups = [(c.done, not c.current_stage) for c in choices]
    assert groups == sorted(groups)  # open current, open other stages, then done
    assert choices[0].stage is Stage.ADOPTION and not choices[0].done
    assert choices[-1].done
    # within a group, the roadmap's order
    current = [c.id for c in choices if c.current_stage and not c.done]
    assert current == [i.id for i in items.values() if i.stage is Stage.ADOPTION and not i.done]


def test_link_must_be_an_item_of_the_same_account(linked_store: Store) -> None:
    mine = checklist_choices(linked_store, ACME)[0].id
    theirs = checklist_choices(linked_store, GLOBEX)[0].id
    activity = log_activity(linked_store, ACME, 30, NOW, checklist_item_id=mine)
    assert activities_of(linked_store, ACME, 1)[0].checklist_item_id == mine
    for bad in (theirs, "no-such-item"):
        with pytest.raises(ValidationError, match="not one of this account's items"):
            log_activity(linked_store, ACME, 30, NOW, checklist_item_id=bad)
        with pytest.raises(ValidationError, match="not one of this account's items"):
            edit_activity(linked_store, activity.id, checklist_item_id=bad)
    edited = edit_activity(linked_store, activity.id, checklist_item_id=None)  # unlinking is fine
    assert edited.checklist_item_id is None
    assert activities_of(linked_store, ACME, 1)[0].checklist_item_id is None


def test_an_account_without_a_roadmap_has_no_choices(book_store: Store) -> None:
    create_account(book_store, Account(id="bare", name="Bare Co"))
    assert checklist_choices(book_store, "bare") == []


# -- the form and the Activities tab ---------------------------------------------------------


async def open_account_form(app: CsmApp, pilot: Pilot[None], account_id: str) -> LogActivityScreen:
    await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
    app.open_account(account_id)
    await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
    await pilot.press("l")
    await settle(
        pilot,
        lambda: isinstance(app.screen, LogActivityScreen) and bool(app.screen.query("#recurring")),
    )
    assert isinstance(app.screen, LogActivityScreen)
    return app.screen


async def test_choose_an_item_save_and_see_it(linked_store: Store, make_app: AppFactory) -> None:
    choices = checklist_choices(linked_store, ACME)
    app = make_app(linked_store)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_account_form(app, pilot, ACME)
        field = form.query_one("#checklist", LinkField)
        assert field.value is None  # "(none)" by default: l, minutes, Enter logs no link
        assert "(none)" in str(field.render())
        await pilot.press(*"20")
        form.set_focus(field)
        await pilot.press("enter")  # opens the list: (none), then the items
        await settle(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert isinstance(app.screen, PickerScreen)
        listed = [match.candidate.id for match in app.screen.shown]
        assert listed == ["none", *(choice.id for choice in choices)][: len(listed)]
        await pilot.press("down", "down", "enter")  # the second item
        await settle(pilot, lambda: field.value == choices[1].id)
        assert app.screen is form
        assert choices[1].title[:20] in str(field.render())
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        logged = activities_of(linked_store, ACME, 1)[0]
        assert (logged.minutes, logged.checklist_item_id) == (20, choices[1].id)

        await pilot.press("2")
        await settle(pilot, lambda: bool(app.screen.query(ActivityTable)))
        table = app.screen.query_one(ActivityTable)
        await settle(pilot, lambda: table.row_count == 2)
        shown = str(table.get_cell(logged.id, "checklist"))
        assert shown and choices[1].title.startswith(shown.rstrip("…"))

        await pilot.press("e")  # editing shows the link
        await settle(pilot, lambda: bool(app.screen.query("#checklist")))
        assert app.screen.query_one("#checklist", LinkField).value == choices[1].id


async def test_three_keys_still_log_without_a_link(
    linked_store: Store, make_app: AppFactory
) -> None:
    app = make_app(linked_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_account_form(app, pilot, ACME)
        await pilot.press("4", "5", "enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
    newest = activities_of(linked_store, ACME, 1)[0]
    assert (newest.minutes, newest.checklist_item_id) == (45, None)


async def test_typing_finds_the_item_and_the_draft_keeps_it(
    linked_store: Store, make_app: AppFactory
) -> None:
    wanted = checklist_choices(linked_store, ACME)[2]
    item = wanted.id
    app = make_app(linked_store)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_account_form(app, pilot, ACME)
        await pilot.press("1", "0")
        form.query_one(LinkField).action_choose()
        await settle(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press(*wanted.title[:14].upper(), "enter")  # case does not matter
        await settle(pilot, lambda: form.query_one(LinkField).value == item)
        await settle(
            pilot,
            lambda: '"checklist_item_id": "' in str(linked_store.get_setting("draft:activity")),
        )
        # killed here
    app = make_app(linked_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(
            pilot,
            lambda: (
                isinstance(app.screen, LogActivityScreen) and bool(app.screen.query("#minutes"))
            ),
        )
        assert app.screen.query_one(LinkField).value == item
        assert app.screen.query_one("#minutes", Input).value == "10"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not isinstance(app.screen, LogActivityScreen))
    assert activities_of(linked_store, ACME, 1)[0].checklist_item_id == item


async def test_no_field_without_a_roadmap_and_a_removed_item_unlinks(
    book_store: Store, make_app: AppFactory
) -> None:
    create_account(book_store, Account(id="bare", name="Bare Co"))
    roadmap(book_store, ACME)
    custom = checklist.add_custom_item(book_store, ACME, Stage.ADOPTION, "手順書を送付")
    log_activity(book_store, ACME, 30, NOW - timedelta(hours=1), checklist_item_id=custom.id)
    checklist.remove_custom_item(book_store, custom.id)
    assert activities_of(book_store, ACME, 1)[0].checklist_item_id is None  # unlinked with it
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_account_form(app, pilot, "bare")
        assert not form.query("#checklist")
        await pilot.press("5", "enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
    assert activities_of(book_store, "bare", 1)[0].minutes == 5


@pytest.mark.parametrize("language", ["en", "ja"])
def test_log_form_with_a_link_snapshot(
    snap_compare, linked_store: Store, make_app: AppFactory, language: str
) -> None:
    """The form on an account with a roadmap and its item list: current stage first, and
    Japanese titles whole (a drop-down would lose characters, textual#6357)."""
    app = make_app(linked_store, language=language)

    async def open_list(pilot) -> None:  # type: ignore[no-untyped-def]
        await open_account_form(app, pilot, ACME)
        await pilot.press("3", "0")
        app.screen.set_focus(app.screen.query_one("#checklist"))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=open_list, terminal_size=(120, 40))


def test_activities_tab_with_a_link_snapshot(
    snap_compare, linked_store: Store, make_app: AppFactory
) -> None:
    """The linked item's title in its own column, in Japanese, cut to fit."""
    choices = checklist_choices(linked_store, ACME)
    log_activity(
        linked_store,
        ACME,
        45,
        NOW - timedelta(hours=3),
        note="活用状況レビューの資料を準備",
        checklist_item_id=choices[0].id,
    )
    app = make_app(linked_store, language="ja")

    async def open_tab(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
        app.open_account(ACME)
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await pilot.press("2")
        await settle(pilot, lambda: bool(app.screen.query(ActivityTable)))
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=open_tab, terminal_size=(120, 24))
