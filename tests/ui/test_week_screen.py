"""The Week screen (W): this week's review, stepping through weeks, opening an account, and how
it looks in English and Japanese."""

from __future__ import annotations

import io

import pytest
from conftest import AppFactory, settle
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.week import WeekScreen
from csm_tui.ui.widgets.effort_charts import BarList

SIZE = (120, 40)


async def open_week(app: CsmApp, pilot: Pilot[None]) -> WeekScreen:
    await pilot.pause()
    await pilot.press("W")
    await settle(pilot, lambda: isinstance(app.screen, WeekScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, WeekScreen)
    return screen


async def press_and_load(app: CsmApp, pilot: Pilot[None], *keys: str) -> WeekScreen:
    await pilot.press(*keys)
    await settle(pilot, lambda: isinstance(app.screen, WeekScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, WeekScreen)
    return screen


def text(screen: WeekScreen, selector: str) -> str:
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(screen.query_one(selector, Static).content)
    return console.export_text()


async def test_this_week_and_the_weeks_before(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(app, pilot)
        report = screen.report
        assert report is not None and report.label == "2026-W48"
        # the fixture's calls on 11-24 (Acme) and 11-23 (サクラ), 30 minutes each, proactive
        assert text(screen, "#week-summary").startswith(
            "1 h in 2 activities on 2 accounts · 100% proactive"
        )
        assert "2026-W48 (2026-11-23 – 2026-11-29) · this week" in text(screen, "#week-bar")
        assert [row.label for row in screen.query_one("#week-accounts", BarList).rows] == [
            "Acme Analytics",
            "株式会社サクラ精機",
        ]
        # the roadmaps were ticked by me "now" in the fixture: this week
        items = text(screen, "#week-items").splitlines()
        assert items[0].split() == [
            "11/27",
            "Acme",
            "Analytics",
            "Read",
            "the",
            "handoff",
            "from",
            "sales",
        ]
        assert items[12].strip() == f"…and {len(report.items_done) - 12} more"
        movers = text(screen, "#week-movers")
        assert "▼16" in movers and "株式会社サクラ精機" in movers
        renewals = text(screen, "#week-renewals")
        assert "Initech" in renewals and "Acme" not in renewals  # 200 days: too far
        assert "Done: 0" in text(screen, "#week-tasks")

        screen = await press_and_load(app, pilot, "left_square_bracket")
        assert screen.report is not None and screen.report.label == "2026-W47"
        assert "this week" not in text(screen, "#week-bar")
        # 11-17 .. 11-22: the calls of accounts 2 to 7 (every call of the fixture is mine)
        assert screen.report.effort.total.count == 6
        screen = await press_and_load(app, pilot, "n")
        assert screen.report is not None and screen.report.label == "2026-W48"


async def test_enter_opens_the_account(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(app, pilot)
        assert isinstance(screen.focused, BarList)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        account = app.screen
        assert isinstance(account, AccountScreen) and account.account_id == "acct00"
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, WeekScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, WeekScreen))


async def test_language_switch(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store, language="ja")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_week(app, pilot)
        assert "今週" in text(screen, "#week-bar")
        await pilot.press("f2")
        await pilot.pause()
        assert "this week" in text(screen, "#week-bar")


@pytest.mark.parametrize("language", ["en", "ja"])
def test_week_snapshot(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    app = make_app(book_store, language=language)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_week(app, pilot)
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
