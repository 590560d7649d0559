"""The Activities tab: newest first, totals, delete and undo, and the tab kept on refresh."""

from __future__ import annotations

from datetime import timedelta

from conftest import NOW, AppFactory, settle
from textual.pilot import Pilot

from csm_tui.services.activities import log_activity
from csm_tui.store.activities import activities_of
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.widgets.activity_timeline import ActivityTable

SIZE = (120, 34)
ACCOUNT = "acct04"  # Initech; the fixture logged one 30-minute call 7 days ago


def add(store: Store, minutes: int, days_ago: int, note: str = "") -> None:
    log_activity(store, ACCOUNT, minutes, NOW - timedelta(days=days_ago), note=note)


def table_of(app: CsmApp) -> ActivityTable:
    return app.screen.query_one(ActivityTable)


async def open_activities(app: CsmApp, pilot: Pilot[None]) -> None:
    await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
    app.open_account(ACCOUNT)
    await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
    await pilot.press("2")
    await settle(pilot, lambda: bool(app.screen.query(ActivityTable)))


async def test_timeline_newest_first_with_totals(book_store: Store, make_app: AppFactory) -> None:
    add(book_store, 45, 0, "最新: 研修の日程調整\n詳細は議事録")
    add(book_store, 90, 40, "old")
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_activities(app, pilot)
        table = table_of(app)
        assert table.row_count == 3
        first = table.get_row_at(0)
        assert first[1:3] == ["Call", "45 min"]
        assert first[-1] == "最新: 研修の日程調整 …"  # the note: its first line, … for more
        totals = str(app.screen.query_one("#activity-totals").render())
        # Friday 2026-11-27: today's call is this week, the one 7 days ago is not
        assert "This week: 1 activity, 45 min" in totals
        assert "All: 3 activities, 2 h 45 min" in totals


async def test_delete_and_undo_stay_on_the_tab(book_store: Store, make_app: AppFactory) -> None:
    add(book_store, 45, 0)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_activities(app, pilot)
        await pilot.press("x")
        await settle(pilot, lambda: table_of(app).row_count == 1)
        assert len(activities_of(book_store, ACCOUNT)) == 1
        assert app.screen.query_one("TabbedContent").active == "activities"
        await settle(pilot, lambda: isinstance(app.focused, ActivityTable))
        await pilot.press("u")
        await settle(pilot, lambda: table_of(app).row_count == 2)
        assert [a.minutes for a in activities_of(book_store, ACCOUNT)] == [45, 30]


async def test_edit_from_the_tab(book_store: Store, make_app: AppFactory) -> None:
    from csm_tui.ui.screens.log_activity import LogActivityScreen

    add(book_store, 45, 0, "電話")
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_activities(app, pilot)
        await pilot.press("e")
        await settle(pilot, lambda: bool(app.screen.query("#minutes")))
        assert isinstance(app.screen, LogActivityScreen)
        minutes = app.screen.query_one("#minutes")
        assert minutes.value == "45"
        minutes.value = "50"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await settle(pilot, lambda: bool(app.screen.query(ActivityTable)))
    newest = activities_of(book_store, ACCOUNT, limit=1)[0]
    assert (newest.minutes, newest.note) == (50, "電話")
    assert len(activities_of(book_store, ACCOUNT)) == 2  # changed, not added
