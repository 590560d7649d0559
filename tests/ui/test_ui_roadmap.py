"""The Roadmap tab and the Checklist screen, driven with keys as a CSM would."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ME, AppFactory, settle
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from csm_tui.models.account import Stage
from csm_tui.store import checklist as queries
from csm_tui.store.accounts import get_account
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.checklist import ChecklistScreen, DueTable
from csm_tui.ui.screens.checklist_forms import DueForm, ItemForm
from csm_tui.ui.screens.confirm import ConfirmScreen
from csm_tui.ui.widgets.roadmap_tab import RoadmapList

ACME = "acct00"  # Acme Analytics: adoption, 0 of 5 adoption items done
GLOBEX = "acct02"  # Globex Logistics: onboarding, 2 of 7 done, 4 overdue

SIZE = (120, 34)


async def book_ready(pilot: Pilot[None], app: CsmApp) -> None:
    """The book is up and its table has the focus (until then, letters go to the filter)."""
    await settle(pilot, lambda: type(app.screen.focused).__name__ == "AccountTable")


async def open_roadmap(pilot: Pilot[None], app: CsmApp, account_id: str) -> RoadmapList:
    await book_ready(pilot, app)
    app.open_account(account_id)
    await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
    await pilot.press("3")
    roadmap = app.screen.query_one(RoadmapList)
    await settle(pilot, lambda: app.screen.focused is roadmap)
    return roadmap


def items(store: Store, account_id: str, stage: Stage) -> list:  # type: ignore[type-arg]
    return [item for item in queries.items_of(store, account_id) if item.stage == stage]


async def test_space_ticks_and_unticks_with_who_and_when(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        roadmap = await open_roadmap(pilot, app, ACME)
        first = items(book_store, ACME, Stage.ADOPTION)[0]
        assert roadmap.current_id() == first.id  # the first open item of the current stage
        await pilot.press("space")
        ticked = queries.get_item(book_store, first.id)
        assert ticked is not None and ticked.done and ticked.done_by == ME
        assert ticked.done_at is not None
        assert roadmap.current_id() == first.id  # the highlight stays on the item
        await pilot.press("space")
        unticked = queries.get_item(book_store, first.id)
        assert unticked is not None and not unticked.done and unticked.done_by is None
        operations = book_store.query(
            "SELECT operation FROM journal WHERE table_name = 'checklist_items' AND row_id = ?",
            (first.id,),
        )
        assert [row[0] for row in operations][-2:] == ["update", "update"]


async def test_add_a_custom_item_then_remove_and_undo(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        roadmap = await open_roadmap(pilot, app, ACME)
        before = len(items(book_store, ACME, Stage.ADOPTION))
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, ItemForm))
        form = app.screen
        await pilot.press("enter")  # no title yet
        assert isinstance(app.screen, ItemForm)
        assert "title" in str(form.query_one("#title-error").render()).lower()
        form.query_one("#item-title", Input).value = "導入研修の日程を決める"
        form.query_one("#item-due", Input).value = "someday"
        form.query_one("#item-title", Input).focus()
        await pilot.press("enter")
        assert isinstance(app.screen, ItemForm)  # a bad date keeps the form open
        assert "2026-12-15" in str(form.query_one("#due-error").render())
        form.query_one("#item-due", Input).value = "+3"
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen.focused is roadmap)
        added = [item for item in items(book_store, ACME, Stage.ADOPTION) if item.custom]
        assert len(added) == 1 and len(items(book_store, ACME, Stage.ADOPTION)) == before + 1
        assert added[0].title == "導入研修の日程を決める"
        assert str(added[0].due_date) == "2026-11-30"
        assert roadmap.current_id() == added[0].id
        await pilot.press("x")
        assert queries.get_item(book_store, added[0].id) is None
        await pilot.press("u")
        restored = queries.get_item(book_store, added[0].id)
        assert restored is not None and restored.title == "導入研修の日程を決める"


async def test_template_items_cannot_be_removed(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        roadmap = await open_roadmap(pilot, app, ACME)
        item_id = roadmap.current_id()
        await pilot.press("x")
        assert item_id is not None and queries.get_item(book_store, item_id) is not None
        await pilot.press("u")  # nothing to undo: a warning, no crash
        assert isinstance(app.screen, AccountScreen)


async def test_edit_wording_and_note_on_a_tick(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        roadmap = await open_roadmap(pilot, app, ACME)
        item_id = roadmap.current_id()
        assert item_id is not None
        await pilot.press("space", "e")
        await settle(pilot, lambda: isinstance(app.screen, ItemForm))
        form = app.screen
        form.query_one("#item-description", TextArea).text = "経営層の目標を再確認"
        form.query_one("#item-note", Input).value = "CFOと確認済み"
        form.query_one("#item-note", Input).focus()
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen.focused is roadmap)
        item = queries.get_item(book_store, item_id)
        assert item is not None and item.done
        assert item.description == "経営層の目標を再確認" and item.done_note == "CFOと確認済み"


async def test_escape_on_a_typed_form_asks_and_the_draft_survives(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_roadmap(pilot, app, ACME)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, ItemForm))
        for key in "QBR":
            await pilot.press(key)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # keep editing
        await settle(pilot, lambda: isinstance(app.screen, ItemForm))
    # the app is gone as if killed: the next form for this account brings the text back
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_roadmap(pilot, app, ACME)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, ItemForm))
        assert app.screen.query_one("#item-title", Input).value == "QBR"
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")  # discard
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert book_store.get_setting("draft:checklist-item") is None


async def test_due_date_by_hand_and_back_to_the_rule(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        roadmap = await open_roadmap(pilot, app, ACME)
        item_id = roadmap.current_id()
        assert item_id is not None
        rule_date = queries.get_item(book_store, item_id).due_date  # type: ignore[union-attr]
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(app.screen, DueForm))
        app.screen.query_one("#due", Input).value = "2026-02-30"
        await pilot.press("enter")
        assert isinstance(app.screen, DueForm)
        assert "no such date" in str(app.screen.query_one("#due-error").render())
        app.screen.query_one("#due", Input).value = "12/24"
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen.focused is roadmap)
        assert str(queries.get_item(book_store, item_id).due_date) == "2026-12-24"  # type: ignore[union-attr]
        await pilot.press("d")
        await settle(pilot, lambda: isinstance(app.screen, DueForm))
        app.screen.query_one("#due", Input).value = ""
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen.focused is roadmap)
        assert queries.get_item(book_store, item_id).due_date == rule_date  # type: ignore[union-attr]


async def test_moving_stage_with_open_items_asks_first(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_roadmap(pilot, app, ACME)
        await pilot.press("greater_than_sign")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "5 items" in str(app.screen.question)
        await pilot.press("n")  # stay
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert get_account(book_store, ACME).stage is Stage.ADOPTION  # type: ignore[union-attr]
        await pilot.press("greater_than_sign")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await pilot.pause(0.1)
        assert get_account(book_store, ACME).stage is Stage.RENEWAL  # type: ignore[union-attr]
        assert queries.stage_started_on(book_store, ACME) == book_store.clock.today()
        assert "Renewal" in str(app.screen.query_one("#account-title").render())
        await pilot.press("greater_than_sign")  # the last stage: a warning, nothing else
        assert isinstance(app.screen, AccountScreen)
        await pilot.press("escape")  # back to the book, whose roadmap column follows
        await settle(pilot, lambda: not isinstance(app.screen, AccountScreen))
        await settle(pilot, lambda: app.session.book.row(ACME).stage == "renewal")  # type: ignore[union-attr]


async def test_moving_a_completed_stage_on_does_not_ask(
    book_store: Store, make_app: AppFactory
) -> None:
    from csm_tui.services import checklist

    for item in items(book_store, ACME, Stage.ADOPTION):
        checklist.tick(book_store, item.id, True)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_roadmap(pilot, app, ACME)
        await pilot.press("greater_than_sign")
        await pilot.pause(0.1)
        assert isinstance(app.screen, AccountScreen)
        assert get_account(book_store, ACME).stage is Stage.RENEWAL  # type: ignore[union-attr]


async def test_checklist_screen_filters_and_jumps_to_the_item(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(pilot, app)
        await pilot.press("C")
        await settle(pilot, lambda: isinstance(app.screen, ChecklistScreen))
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        everything = list(screen.rows)
        dues = [row.due_date for row in everything]
        assert dues == sorted(dues) and dues[0] < book_store.clock.today()  # overdue first
        await pilot.press("s")  # onboarding only
        await settle(pilot, lambda: all(row.stage == "onboarding" for row in screen.rows))
        assert 0 < len(screen.rows) < len(everything)
        await pilot.press("m")  # and moments of truth only
        await settle(pilot, lambda: all(row.moment_of_truth for row in screen.rows))
        assert screen.moments_only
        await pilot.press("g", "g")  # segments in name order: Enterprise, then Mid-Market
        await settle(pilot, lambda: screen.segment == "Mid-Market")
        assert all(row.segment == "Mid-Market" for row in screen.rows)
        bar = str(screen.query_one("#checklist-filters").render())
        assert "Onboarding" in bar and "Mid-Market" in bar and "on" in bar
        assert screen.rows, "Globex is Mid-Market, onboarding, with an open kickoff"
        wanted = screen.rows[0]
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        roadmap = app.screen.query_one(RoadmapList)
        await settle(pilot, lambda: roadmap.current_id() == wanted.item_id)
        await pilot.press("space")  # tick it right there
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ChecklistScreen))
        await settle(pilot, lambda: wanted.item_id not in {row.item_id for row in screen.rows})


async def test_checklist_screen_ticks_and_shows_an_empty_state(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(pilot, app)
        await pilot.press("C")
        await settle(pilot, lambda: isinstance(app.screen, ChecklistScreen))
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        first = screen.rows[0]
        await pilot.press("space")
        item = queries.get_item(book_store, first.item_id)
        assert item is not None and item.done
        assert first.item_id not in {row.item_id for row in screen.rows}
        # both Enterprise accounts finished onboarding long ago: nothing is left there
        screen.set_filters(stage="onboarding", segment="Enterprise")
        await settle(pilot, lambda: not screen.rows)
        assert "No open items" in str(screen.query_one("#checklist-count").render())
        screen.query_one(DueTable).focus()
        await pilot.press("enter", "space")  # nothing to open or tick: no error
        assert isinstance(app.screen, ChecklistScreen)


async def test_switching_language_on_a_screen_above_the_account_keeps_its_tab(
    book_store: Store, make_app: AppFactory
) -> None:
    """F2 on the Covering screen rebuilds the account screen under it (it crashed doing so)."""
    from csm_tui.i18n import set_language
    from csm_tui.ui.screens.covering import CoveringScreen

    app = make_app(book_store)
    try:
        async with app.run_test(size=SIZE) as pilot:
            roadmap = await open_roadmap(pilot, app, GLOBEX)
            await pilot.press("down", "down")
            item = roadmap.current_id()
            await pilot.press("V")
            await settle(pilot, lambda: isinstance(app.screen, CoveringScreen))
            await pilot.press("f2", "f2", "f2")  # three rebuilds queued at once
            await pilot.pause(0.2)
            await pilot.press("escape")
            await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
            screen = app.screen
            assert isinstance(screen, AccountScreen)
            await settle(pilot, lambda: screen.focused is screen.query_one(RoadmapList))
            assert screen.query_one(RoadmapList).current_id() == item
            assert "ロードマップ" in str(screen.query_one("Tab#--content-tab-roadmap").label)
    finally:
        set_language("en")


async def test_a_broken_user_template_is_named_and_the_app_still_starts(
    book_store: Store, make_app: AppFactory, tmp_path: Path
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "broken.toml").write_text("key = 'broken'\n[[stages]\n", encoding="utf-8")
    app = make_app(book_store)
    notes: list[str] = []
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot, lambda: any("broken.toml" in n.message for n in app._notifications))
        notes = [n.message for n in app._notifications]
        await open_roadmap(pilot, app, ACME)  # the default template still works
    assert any("broken.toml" in note for note in notes)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_roadmap_tab_snapshot(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    app = make_app(book_store, language=language)

    async def show(pilot: Pilot[None]) -> None:
        await open_roadmap(pilot, app, GLOBEX)
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=show, terminal_size=(120, 40))


@pytest.mark.parametrize("language", ["en", "ja"])
def test_checklist_screen_snapshot(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    app = make_app(book_store, language=language)

    async def show(pilot: Pilot[None]) -> None:
        await book_ready(pilot, app)
        await pilot.press("C")
        await settle(pilot, lambda: isinstance(app.screen, ChecklistScreen))
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=show, terminal_size=SIZE)


async def test_closing_the_account_while_it_rebuilds(
    book_store: Store, make_app: AppFactory
) -> None:
    """Escape right after a change (the screen rebuilds itself): no error on the way out."""
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_roadmap(pilot, app, ACME)
        screen = app.screen
        assert isinstance(screen, AccountScreen)
        screen.refresh_data()
        screen.refresh_data()
        app.pop_screen()
        await pilot.pause(0.3)
        assert app.return_code is None
        assert type(app.screen).__name__ == "BookScreen"
