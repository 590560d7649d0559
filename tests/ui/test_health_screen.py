"""The Health screen (H): changes per account and segment, order and segment keys, the movers,
opening an account, settings warnings, and how it looks in English and Japanese."""

from __future__ import annotations

import io

import pytest
from conftest import AppFactory, settle
from rich.console import Console
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.health import HealthScreen, HealthTable, change_cell, trend

SIZE = (120, 40)
# health now - 30 days ago in the small book (conftest.ACCOUNTS: now, and a month ago)
MOM = {
    "Acme Analytics": 2,
    "株式会社サクラ精機": -16,
    "Globex Logistics": 0,
    "ヤマト食品ホールディングス": -16,
    "Initech": 6,
    "東京ロボティクス": 6,
    "Umbrella Health": -14,
    "カブシキガイシャ・ミライ": -2,
}


async def open_health(app: CsmApp, pilot: Pilot[None]) -> HealthScreen:
    await pilot.pause()
    await pilot.press("H")
    await settle(pilot, lambda: isinstance(app.screen, HealthScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, HealthScreen)
    return screen


def names(screen: HealthScreen) -> list[str]:
    return [row.name for row in screen.rows]


def text(screen: Screen[object], selector: str) -> str:
    """What a Static shows, tables included, as plain text."""
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(screen.query_one(selector, Static).content)
    return console.export_text()


async def test_accounts_by_change_with_segments_and_movers(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_health(app, pilot)
        assert {row.name: row.mom for row in screen.rows} == MOM
        # the biggest drops first, ties by name; accounts without a change by name at the end
        assert names(screen)[:4] == [
            "ヤマト食品ホールディングス",
            "株式会社サクラ精機",
            "Umbrella Health",
            "カブシキガイシャ・ミライ",
        ]
        # a year ago: the 2025-11-01 snapshot, `past` ± 11 (conftest's straight line)
        sakura = next(row for row in screen.rows if row.name == "株式会社サクラ精機")
        assert (sakura.year_ago, sakura.yoy) == (85, -27)
        segments = text(screen, "#health-segments")
        assert "Enterprise" in segments and "high touch" in segments and "tech touch" in segments
        drops = text(screen, "#health-drops")
        assert drops.index("ヤマト") < drops.index("サクラ") < drops.index("Umbrella")
        assert "usage ▼16" in drops  # what moved it: the usage component
        assert "Initech" in text(screen, "#health-rises")
        assert "8 accounts" in text(screen, "#health-summary")


async def test_order_segment_and_enter(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_health(app, pilot)
        await pilot.press("s")  # year over year
        yoy = [row.yoy for row in screen.rows]
        assert yoy == sorted(yoy, key=lambda v: 1_000 if v is None else v)
        await pilot.press("s")  # health, lowest first
        assert names(screen)[0] == "Umbrella Health"
        await pilot.press("s")  # name
        assert names(screen) == sorted(names(screen), key=lambda n: n)
        assert "name" in text(screen, "#health-filters")
        await pilot.press("s")  # back to month over month
        assert screen.sort == "mom"
        await pilot.press("g")  # the first segment, alphabetically
        assert screen.segment == "Enterprise"
        assert set(names(screen)) == {"Acme Analytics", "株式会社サクラ精機"}
        assert "Enterprise" in text(screen, "#health-filters")
        for _ in range(4):  # Mid-Market, SMB, Tech Touch, and back to all
            await pilot.press("g")
        assert screen.segment is None and len(screen.rows) == 8
        await pilot.press("down", "enter")  # the second-biggest drop
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        account = app.screen
        assert isinstance(account, AccountScreen) and account.account_id == "acct01"
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, HealthScreen))
        assert app.screen.query_one(HealthTable).cursor == 1
        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, HealthScreen))


async def test_bad_settings_are_reported_and_the_defaults_used(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    app.config.raw = {"health": {"weights": {"usage": -3}}, "segments": {"currency": "yen"}}
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_health(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("the weight of usage must be a number of 0 or more" in m for m in messages)
        assert any("currency must be a code like USD" in m for m in messages)
        assert "high touch" in text(screen, "#health-segments")  # the default segments


async def test_japanese(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store, language="ja")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_health(app, pilot)
        assert "セグメント" in text(screen, "#health-segments")
        assert "ハイタッチ" in text(screen, "#health-segments")
        await pilot.press("f2")
        await pilot.pause()
        assert "Segment" in text(screen, "#health-segments")


def test_sparkline_and_change_cells() -> None:
    assert trend([0, 50, 100, None, 12]) == "▁▄█·▁"
    assert change_cell(None) == ("—", "dim")
    assert change_cell(-5) == ("▼5", "bad")
    assert change_cell(4) == ("▲4", "")
    assert change_cell(0) == ("=", "")
    assert change_cell(-2.25) == ("▼2.2", "")
    assert change_cell(5.5) == ("▲5.5", "good")


@pytest.mark.parametrize("language", ["en", "ja"])
def test_health_snapshot(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    app = make_app(book_store, language=language)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_health(app, pilot)
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


async def test_the_overview_shows_components_with_change_and_weight(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    app.config.raw = {"health": {"weights": {"usage": 1, "relationship": 3}}}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_account("acct01")  # Sakura: usage 74 → 58, relationship 79 → 63 in 30 days
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await pilot.pause()
        lines = [line.split() for line in text(app.screen, "#components").splitlines()]
        assert lines == [
            ["usage", "58", "▼16", "weight", "25%"],
            ["relationship", "63", "▼16", "weight", "75%"],
        ]
