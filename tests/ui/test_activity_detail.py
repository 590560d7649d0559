"""Enter on the Activities tab reads an activity in full; the table cuts a note with `…`
(issue 13, item 8)."""

from __future__ import annotations

from datetime import timedelta

from conftest import NOW, AppFactory, settle
from rich.cells import cell_len
from textual.widgets import Static

from csm_tui.services.activities import log_activity
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.activity_detail import ActivityDetail
from csm_tui.ui.screens.log_activity import LogActivityScreen
from csm_tui.ui.widgets.activity_timeline import ActivityTable

INITECH = "acct04"
NOTE = (
    "SSO設定の問い合わせに回答。管理画面の権限の付け方を説明し、来週の定例で残りを確認する"
    "ことにした。情報システム部の山田さんにも共有済み。\nSecond line: the follow-up list."
)


async def open_activities(app: CsmApp, pilot) -> ActivityTable:  # type: ignore[no-untyped-def]
    await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
    app.open_account(INITECH)
    await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
    await pilot.press("2")
    await settle(pilot, lambda: isinstance(app.focused, ActivityTable))
    await pilot.pause()
    table = app.screen.query_one(ActivityTable)
    assert isinstance(table, ActivityTable)
    return table


async def test_enter_reads_the_whole_note(book_store: Store, make_app: AppFactory) -> None:
    log_activity(book_store, INITECH, 45, NOW - timedelta(hours=1), note=NOTE)
    app = make_app(book_store)
    async with app.run_test(size=(120, 34)) as pilot:
        table = await open_activities(app, pilot)
        shown = str(table.get_row_at(0)[-1])
        assert shown.endswith("…")
        widths = sum(column.get_render_width(table) for column in table.columns.values())
        assert widths <= table.size.width  # the note is cut by the table, not by the screen
        assert cell_len(shown) < cell_len(NOTE.splitlines()[0])
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, ActivityDetail))
        note = app.screen.query_one("#detail-note", Static)
        assert str(note.content) == NOTE
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        assert isinstance(app.screen, LogActivityScreen)


async def test_escape_closes_the_detail(book_store: Store, make_app: AppFactory) -> None:
    log_activity(book_store, INITECH, 45, NOW - timedelta(hours=1), note="short")
    app = make_app(book_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_activities(app, pilot)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, ActivityDetail))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert isinstance(app.screen, AccountScreen)
