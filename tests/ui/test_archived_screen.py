"""The archived accounts (issue 14): `A` on the book lists them, Enter or `r` restores one into
the book at any later time (not only with `u` right after archiving)."""

from __future__ import annotations

from conftest import AppFactory, settle
from test_records_accounts import book_ready, rows, toasts
from textual.widgets import DataTable, Static

from csm_tui.services.archive import archived_accounts
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.archived import ArchivedScreen
from csm_tui.ui.screens.book import BookScreen

SIZE = (80, 24)


def listed(app: CsmApp) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_archived_accounts_are_listed_and_come_back_later(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        first, second = rows(app)[:2]
        await pilot.press("x")
        await settle(pilot, lambda: first not in rows(app))
        await pilot.press("x")
        await settle(pilot, lambda: second not in rows(app))
        await pilot.press("A")
        await settle(pilot, lambda: isinstance(app.screen, ArchivedScreen))
        await settle(pilot, lambda: len(listed(app)) == 2)
        assert sorted(listed(app)) == sorted([first, second])
        title = str(app.screen.query_one("#archived-title", Static).content)
        assert title.startswith("Archived accounts: 2.")
        name = listed(app)[0]
        await pilot.press("enter")
        await settle(pilot, lambda: len(listed(app)) == 1)
        assert name not in listed(app)
        assert f"{name} is back in the book." in toasts(app)
        assert [a.name for a in archived_accounts(book_store)] == listed(app)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen) and name in rows(app))


async def test_no_archived_account_says_how_to_archive_one(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        await pilot.press("A")
        await settle(pilot, lambda: isinstance(app.screen, ArchivedScreen))
        empty = app.screen.query_one("#archived-empty", Static)
        await settle(pilot, lambda: "x on the book archives one" in str(empty.content))
        await pilot.press("r")  # nothing under the cursor: nothing happens
        await pilot.pause()
        assert isinstance(app.screen, ArchivedScreen)


async def test_the_archived_screen_in_japanese(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store, language="ja")
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        await pilot.press("x", "A")
        await settle(pilot, lambda: isinstance(app.screen, ArchivedScreen))
        title = app.screen.query_one("#archived-title", Static)
        await settle(pilot, lambda: "アーカイブ" in str(title.content))
