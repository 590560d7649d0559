"""The fuzzy account picker: l from the book without a selection; the ranking on its own."""

from __future__ import annotations

from conftest import ME, AppFactory, settle
from textual.pilot import Pilot
from textual.widgets import OptionList

from csm_tui.services.identity import set_me
from csm_tui.store.activities import activities_of
from csm_tui.store.connection import Store
from csm_tui.store.search import fold
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account_picker import AccountPickerScreen, Candidate, rank
from csm_tui.ui.screens.book import BookScreen
from csm_tui.ui.screens.log_activity import LogActivityScreen
from csm_tui.ui.widgets.account_table import AccountTable

SIZE = (120, 34)


def pool(*names: str) -> list[Candidate]:
    """Candidates as the picker builds them, folded like the book filter folds."""
    return [Candidate(f"id{n}", name, "", fold(name)) for n, name in enumerate(sorted(names))]


def names(query: str, candidates: list[Candidate]) -> list[str]:
    matches, _total = rank(fold(query), candidates)
    return [match.candidate.name for match in matches]


def test_prefix_then_word_start_then_anywhere_then_scattered() -> None:
    candidates = pool("Glass Acme", "Acme Analytics", "Macmed", "Big Acme Co", "Arc Mesh", "Zeta")
    assert names("acme", candidates) == [
        "Acme Analytics",  # starts with it
        "Big Acme Co",  # a word starts with it (earlier first)
        "Glass Acme",
        "Macmed",  # inside a word
        "Arc Mesh",  # the letters in order, scattered
    ]
    assert names("zz", candidates) == []


def test_kana_width_and_case_do_not_matter() -> None:
    candidates = pool("株式会社サクラ精機", "ヤマト食品ホールディングス", "ACME")
    assert names("さくら", candidates) == ["株式会社サクラ精機"]
    assert names("ｻｸﾗ", candidates) == ["株式会社サクラ精機"]  # half-width katakana
    assert names("ａｃｍｅ", candidates) == ["ACME"]  # full-width letters
    assert names("やまと", candidates) == ["ヤマト食品ホールディングス"]


def test_highlights_the_matched_letters() -> None:
    matches, total = rank("sk", pool("Sakura Seiki"))
    assert total == 1
    offsets = list(matches[0].offsets)
    assert len(offsets) == 2 and all("Sakura Seiki".lower()[i] in "sk" for i in offsets)


def test_empty_query_lists_everything_by_name_up_to_the_limit() -> None:
    candidates = pool(*(f"Account {n:04d}" for n in range(120)))
    matches, total = rank("", candidates, limit=50)
    assert total == 120 and len(matches) == 50
    assert matches[0].candidate.name == "Account 0000"


def test_many_repeated_letters_stay_fast_and_correct() -> None:
    # Textual's fuzzy search would try every way the a's fit; the picker skips that score
    # (millions of ways for 8 a's among 30): there the picker ranks by the tightest span
    candidates = pool("a" * 60, "b" + "a" * 59, "ab" * 30, "Alpha")
    found = names("a a a a a a a a", candidates)
    assert found == ["a" * 60, "b" + "a" * 59, "ab" * 30]


async def no_rows(app: CsmApp, pilot: Pilot[None]) -> None:
    await settle(pilot, lambda: len(app.screen.query_one(AccountTable).rows) == 8)
    await pilot.press("slash", *"zzzz", "enter")  # the filter matches nothing
    await settle(pilot, lambda: not app.screen.query_one(AccountTable).rows)


async def test_l_without_a_row_picks_then_logs(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await no_rows(app, pilot)
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, AccountPickerScreen))
        picker = app.screen
        assert "8 of 8 accounts" in str(picker.query_one("#picker-status").render())
        await pilot.press(*"さくら")
        await settle(pilot, lambda: picker.query_one(OptionList).option_count == 1)
        await pilot.press("enter")
        await settle(pilot, lambda: bool(app.screen.query("#minutes")))
        assert isinstance(app.screen, LogActivityScreen)
        assert app.screen.values()["account_id"] == "acct01"  # 株式会社サクラ精機
        await pilot.press("1", "5", "enter")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
    assert [a.minutes for a in activities_of(book_store, "acct01")] == [15, 30]


async def test_arrows_choose_among_the_matches(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await no_rows(app, pilot)
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, AccountPickerScreen))
        picker = app.screen
        assert isinstance(picker, AccountPickerScreen)
        await pilot.press(*"ic")  # Acme Analytics, Initech, ロボティクス, ... in some order
        await settle(pilot, lambda: picker.query_one(OptionList).option_count >= 2)
        second = picker.shown[1].candidate
        await pilot.press("down", "enter")
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        assert isinstance(app.screen, LogActivityScreen)
        assert app.screen.values()["account_id"] == second.id


async def test_escape_and_letters_that_match_nothing(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await no_rows(app, pilot)
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, AccountPickerScreen))
        picker = app.screen
        await pilot.press(*"qqq")
        await settle(pilot, lambda: picker.query_one(OptionList).option_count == 0)
        assert "No account name has these letters" in str(
            picker.query_one("#picker-status").render()
        )
        await pilot.press("enter")  # nothing to choose: stays
        assert app.screen is picker
        await pilot.press("escape")  # back in the log form, which asks who the work was for
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
    assert book_store.get_setting("draft:activity") is None


async def test_an_empty_book_says_so(empty_store: Store, make_app: AppFactory) -> None:
    set_me(empty_store, "Aoi Tanaka", ME)
    app = make_app(empty_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, AccountPickerScreen))
        status = str(app.screen.query_one("#picker-status").render())
        assert "No accounts yet" in status
        await pilot.press("enter", "escape")
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
