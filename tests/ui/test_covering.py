"""V: the Covering screen, active coverage first, unread notes; Enter opens the Handoff tab."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import ME, TODAY, AppFactory, settle
from test_handoff_tab import YAMATO, add_notes
from textual.pilot import Pilot
from textual.widgets import Static, TabbedContent

from csm_tui.clock import FixedClock
from csm_tui.services.coverage import set_coverage
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.covering import CoveringScreen, CoveringTable
from csm_tui.ui.widgets.handoff_tab import NoteScreen, NoteTable

UMBRELLA = "acct06"  # Umbrella Health: Ken Sato primary, me secondary
SIZE = (120, 30)


def cover_later(store: Store) -> None:
    """Umbrella's period starts next week, so ヤマト食品 (covering now) comes first."""
    start = TODAY + timedelta(days=7)
    set_coverage(store, UMBRELLA, ME, start, start + timedelta(days=30), "sabbatical")


async def open_covering(pilot: Pilot[None], app: CsmApp) -> CoveringTable:
    await settle(pilot, lambda: type(app.screen.focused).__name__ == "AccountTable")
    await pilot.press("V")
    await settle(pilot, lambda: isinstance(app.screen, CoveringScreen))
    table = app.screen.query_one(CoveringTable)
    await settle(pilot, lambda: table.row_count > 0)
    return table


def cells(table: CoveringTable, row: int) -> list[str]:
    return [str(cell) for cell in table.get_row_at(row)]


async def test_accounts_i_cover_active_first_with_unread_counts(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    add_notes(book_store, clock)
    cover_later(book_store)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_covering(pilot, app)
        assert table.row_count == 2
        first, second = cells(table, 0), cells(table, 1)
        assert first == [
            "ヤマト食品ホールディ…",  # 120 columns: the widest cell gives way, with …
            "Now 11/27–12/11",
            "2",
            "40 d",
            "45 ▼16",
            "2 open · 4 overdue",  # 3 of 5 adoption items done; 4 renewal items overdue
            "Ken Sato",
            "parental leave",
        ]
        assert second[:3] == ["Umbrella Health", "Later 12/04–01/03", "·"]
        title = str(app.screen.query_one("#covering-title", Static).render())
        assert title == "Accounts I cover: 2, covering now: 1, unread notes: 2"


async def test_enter_opens_the_handoff_tab_and_reading_updates_the_count(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    add_notes(book_store, clock)
    cover_later(book_store)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_covering(pilot, app)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen.focused, NoteTable))
        assert isinstance(app.screen, AccountScreen) and app.screen.account_id == YAMATO
        assert app.screen.query_one(TabbedContent).active == "handoff"
        await pilot.press("enter")  # read the newest note
        await settle(pilot, lambda: isinstance(app.screen, NoteScreen))
        await pilot.press("escape", "escape")
        await settle(pilot, lambda: isinstance(app.screen, CoveringScreen))
        await settle(pilot, lambda: cells(table, 0)[2] == "1")
        await pilot.press("escape")
        await settle(pilot, lambda: type(app.screen).__name__ == "BookScreen")


async def test_switching_language_on_an_account_rebuilds_the_covering_screen_under_it(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    from csm_tui.i18n import set_language

    add_notes(book_store, clock)
    app = make_app(book_store)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await open_covering(pilot, app)
            await pilot.press("enter")
            await settle(pilot, lambda: isinstance(app.screen.focused, NoteTable))
            await pilot.press("f2")
            await pilot.pause(0.2)
            await pilot.press("escape")
            await settle(pilot, lambda: isinstance(app.screen, CoveringScreen))
            table = app.screen.query_one(CoveringTable)
            await settle(pilot, lambda: table.row_count > 0)
            assert str(table.columns["account"].label) == "顧客"
            assert cells(table, 0)[0].startswith("ヤマト食品ホール")  # cut with … to fit
    finally:
        set_language("en")


async def test_nothing_to_cover(book_store: Store, make_app: AppFactory) -> None:
    with book_store.transaction() as tx:
        for row in book_store.query("SELECT id FROM owners WHERE role = 'secondary'"):
            tx.delete("owners", row[0])
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: type(app.screen.focused).__name__ == "AccountTable")
        await pilot.press("V")
        await settle(pilot, lambda: isinstance(app.screen, CoveringScreen))
        empty = app.screen.query_one("#covering-empty", Static)
        assert "not a secondary owner of any account" in str(empty.render())
        await pilot.press("enter")  # nothing to open: nothing breaks
        assert isinstance(app.screen, CoveringScreen)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_covering_snapshot(
    snap_compare, book_store: Store, make_app: AppFactory, clock: FixedClock, language: str
) -> None:
    add_notes(book_store, clock)
    cover_later(book_store)
    app = make_app(book_store, language=language)

    async def open_it(pilot: Pilot[None]) -> None:
        await open_covering(pilot, app)
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=open_it, terminal_size=SIZE)
