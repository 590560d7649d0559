"""The log form: l, the minutes, Enter; errors beside the fields; drafts that survive a kill."""

from __future__ import annotations

from conftest import AppFactory, settle

from csm_tui.store.activities import activities_of
from csm_tui.store.connection import Store
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.book import BookScreen
from csm_tui.ui.screens.confirm import ConfirmScreen
from csm_tui.ui.screens.log_activity import LogActivityScreen
from csm_tui.ui.widgets.account_table import AccountTable

SIZE = (120, 34)
FIRST = "acct07"  # カブシキガイシャ・ミライ: first row, renewal 5 days overdue


async def test_three_keys_log_an_activity(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: len(app.screen.query_one(AccountTable).rows) == 8)
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        await pilot.press("4", "5", "enter")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        [logged] = [a for a in activities_of(book_store, FIRST) if a.minutes == 45]
        assert logged.occurred_at == book_store.clock.now()
        assert logged.type.value == "call" and not logged.proactive
        await settle(
            pilot, lambda: app.screen.query_one(AccountTable).rows[0].last_activity == "2026-11-27"
        )
    assert book_store.get_setting("draft:activity") is None


async def test_bad_minutes_are_shown_and_nothing_is_saved(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        await pilot.press("0", "enter")
        assert isinstance(app.screen, LogActivityScreen)
        assert "at least one minute" in str(app.screen.query_one("#minutes-error").render())
        await pilot.press("backspace", *"2h", "tab")
        app.screen.query_one("#when").value = "soon"
        await pilot.press("ctrl+s")
        assert "A time like" in str(app.screen.query_one("#when-error").render())
        assert len(activities_of(book_store, FIRST)) == 1  # only the fixture's one


async def test_escape_asks_before_discarding(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        await pilot.press("3", "0", "escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, LogActivityScreen)
        assert app.screen.query_one("#minutes").value == "30"
        await pilot.press("escape", "y")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
    assert book_store.get_setting("draft:activity") is None
    assert len(activities_of(book_store, FIRST)) == 1


async def test_empty_form_closes_without_asking(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))


async def test_draft_survives_a_kill_and_is_offered_again(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        await pilot.press("2", "0")
        app.screen.query_one("#note").text = "電話でSSOの設定を案内\n次回: 研修日程"
        await pilot.pause()
        # the app goes away without saving (as if killed): the draft is already in the database
    assert book_store.get_setting("draft:activity") is not None

    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(
            pilot,
            lambda: (
                isinstance(app.screen, LogActivityScreen) and bool(app.screen.query("#minutes"))
            ),
        )
        form = app.screen
        assert form.query_one("#minutes").value == "20"
        assert form.query_one("#note").text == "電話でSSOの設定を案内\n次回: 研修日程"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not isinstance(app.screen, LogActivityScreen))
    notes = [a.note for a in activities_of(book_store, FIRST)]
    assert "電話でSSOの設定を案内\n次回: 研修日程" in notes
    assert book_store.get_setting("draft:activity") is None


async def test_log_from_the_account_screen(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        account_id = app.screen.account_id
        await pilot.press("l", "1", "h", "enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        newest = activities_of(book_store, account_id, limit=1)[0]
        assert newest.minutes == 60
        assert app.screen.overview.last_activity is not None
        assert app.screen.overview.last_activity.startswith("2026-11-27")
