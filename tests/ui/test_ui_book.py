"""Pilot tests of the book screen: filter, sort, quick filters, opening an account."""

from __future__ import annotations

from conftest import AppFactory, settle

from csm_tui.models.book import QuickFilter, SortKey
from csm_tui.store.connection import Store
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.book import BookScreen
from csm_tui.ui.widgets.account_table import AccountTable

SIZE = (120, 30)


def names(app: object) -> list[str]:
    table = app.screen.query_one(AccountTable)  # type: ignore[attr-defined]
    return [row.name for row in table.rows]


async def test_opens_on_book_sorted_by_renewal(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BookScreen)
        # renewal ascending: the one 5 days overdue first, the 330-day one last
        assert names(app)[0] == "カブシキガイシャ・ミライ"
        assert names(app)[-1] == "Globex Logistics"
        assert app.sub_title.startswith("Aoi Tanaka <aoi.tanaka@example.com>")


async def test_filter_as_you_type(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "g", "l", "o")
        assert names(app) == ["Globex Logistics"]
        await pilot.press("backspace", "backspace", "backspace")
        assert len(names(app)) == 8
        # two words must both match: segment and tag
        await pilot.press(*"smb vip")
        assert names(app) == ["東京ロボティクス"]


async def test_filter_japanese_width_and_kana(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        filter_input = app.screen.query_one("#filter")
        filter_input.value = "さくら"  # hiragana finds the katakana サクラ
        await pilot.pause()
        assert names(app) == ["株式会社サクラ精機"]
        filter_input.value = "ＡＣＭＥ"  # full-width letters find Acme
        await pilot.pause()
        assert names(app) == ["Acme Analytics"]
        filter_input.value = "製造業"  # a Japanese tag
        await pilot.pause()
        assert len(names(app)) == 4
        filter_input.value = "no such account"
        await pilot.pause()
        assert names(app) == []


async def test_escape_returns_to_table_then_clears(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"initech")
        assert names(app) == ["Initech"]
        await pilot.press("escape")
        assert isinstance(app.focused, AccountTable)
        assert names(app) == ["Initech"]  # leaving the box keeps the filter
        await pilot.press("escape")
        assert len(names(app)) == 8
        assert app.screen.query_one("#filter").value == ""


async def test_quick_filters(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o")
        assert len(names(app)) == 5
        await pilot.press("c")  # "I cover" replaces "I own"
        assert sorted(names(app)) == ["Umbrella Health", "ヤマト食品ホールディングス"]
        await pilot.press("c", "r")  # off again; renewal within 120 days, overdue included
        assert names(app) == [
            "カブシキガイシャ・ミライ",
            "Initech",
            "ヤマト食品ホールディングス",
            "株式会社サクラ精機",
            "Umbrella Health",
        ]
        await pilot.press("r", "h")  # health down 5+ in 30 days
        assert sorted(names(app)) == sorted(
            ["Umbrella Health", "ヤマト食品ホールディングス", "株式会社サクラ精機"]
        )
        await pilot.press("o")  # and I own
        assert names(app) == ["株式会社サクラ精機"]
        await pilot.press("escape")
        assert len(names(app)) == 8


async def test_sort_keys_and_reverse(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, BookScreen)
        screen.sort_by(SortKey.HEALTH)
        await pilot.pause()
        assert names(app)[0] == "Umbrella Health"  # 38, the lowest
        await pilot.press("S")
        assert names(app)[0] == "Initech"  # 91, the highest
        screen.sort_by(SortKey.NAME)
        await pilot.pause()
        assert names(app)[0] == "Acme Analytics"
        await pilot.press("s")  # next column: segment
        assert screen.book_query.sort is SortKey.SEGMENT
        assert names(app)[:2] == ["Acme Analytics", "株式会社サクラ精機"]


async def test_click_header_sorts(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(AccountTable)
        await pilot.click(AccountTable, offset=(2, 0))  # the "Account" title
        assert table.sort_key is SortKey.NAME
        assert names(app)[0] == "Acme Analytics"
        await pilot.click(AccountTable, offset=(2, 0))
        assert table.descending


async def test_enter_opens_account_and_escape_returns(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"yamato")
        assert names(app) == []
        await pilot.press(*["backspace"] * 6, *"ヤマト")
        await pilot.press("enter")  # from the filter to the table
        await pilot.press("enter")  # open
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.overview.account.name == "ヤマト食品ホールディングス"
        await pilot.press("escape")
        assert isinstance(app.screen, BookScreen)
        assert names(app) == ["ヤマト食品ホールディングス"]


async def test_cursor_keys_move_and_open(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(AccountTable)
        await pilot.press("down", "down")
        assert table.cursor == 2
        await pilot.press("end")
        assert table.cursor == 7
        await pilot.press("up", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.overview.account.name == "Acme Analytics"


async def test_help_lists_keys(book_store: Store, make_app: AppFactory) -> None:
    from csm_tui.ui.screens.help import HelpScreen

    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, BookScreen)


async def test_fast_typing_after_slash_is_not_lost(book_store: Store, make_app: AppFactory) -> None:
    """Keys arrive faster than bindings run: "/init" Enter Enter must open Initech."""
    from textual import events

    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        keys = [("slash", "/"), *[(c, c) for c in "init"], ("enter", "\r"), ("enter", "\r")]
        for key, character in keys:  # posted back to back, as a terminal delivers them
            app.post_message(events.Key(key, character))
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.overview.account.name == "Initech"
        await pilot.pause(0.2)  # let the account screen finish mounting before the app closes


async def test_paste_on_table_filters(book_store: Store, make_app: AppFactory) -> None:
    from textual import events

    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(AccountTable).post_message(events.Paste("  Globex \n"))
        await pilot.pause(0.2)
        assert names(app) == ["Globex Logistics"]
        assert app.screen.query_one("#filter").has_focus


async def test_empty_states_say_what_to_do(
    book_store: Store, empty_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"zzzz")
        line = app.screen.query_one(AccountTable).render_line(2).text
        assert "No account matches" in line
    from csm_tui.services.identity import set_me

    set_me(empty_store, "Aoi", "aoi@example.com")
    app = make_app(empty_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        line = app.screen.query_one(AccountTable).render_line(2).text
        assert "csm-tui import accounts" in line


async def test_keys_after_leaving_the_filter_reach_the_table(
    book_store: Store, make_app: AppFactory
) -> None:
    """ "/ヤマト" Enter then "c" at once: the filter holds ヤマト and "I cover" is on."""
    from textual import events

    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        keys = [("slash", "/"), *[(c, c) for c in "ヤマト"], ("enter", "\r"), ("c", "c")]
        for key, character in keys:
            app.post_message(events.Key(key, character))
        await settle(pilot, lambda: bool(app.screen.book_query.quick))
        screen = app.screen
        assert isinstance(screen, BookScreen)
        assert screen.book_query.text == "ヤマト"
        assert QuickFilter.I_COVER in screen.book_query.quick
        assert names(app) == ["ヤマト食品ホールディングス"]


async def test_reload_shows_an_import_made_meanwhile(
    book_store: Store, make_app: AppFactory
) -> None:
    from csm_tui.models.account import Account
    from csm_tui.services.accounts import create_account

    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: len(names(app)) == 8)
        create_account(book_store, Account(name="Zeta Imported KK"))
        await pilot.press("ctrl+r")
        await settle(pilot, lambda: len(names(app)) == 9)
        assert "Zeta Imported KK" in names(app)


def test_days_to_renewal_read_the_same_as_today_once_passed() -> None:
    from csm_tui.i18n import set_language
    from csm_tui.ui import format as fmt

    assert [fmt.days(n) for n in (None, 0, 41, -5)] == ["—", "0 d", "41 d", "5 d late"]
    set_language("ja")
    try:
        assert [fmt.days(n) for n in (41, -5)] == ["41 日", "5 日超過"]
    finally:
        set_language("en")
