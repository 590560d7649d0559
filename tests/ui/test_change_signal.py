"""One change signal (issue 13): every open screen shows the data as it is now, whichever screen
changed it; a visible screen at once, a hidden one when it is shown again."""

from __future__ import annotations

import threading

from conftest import NOW, AppFactory, settle
from textual.widgets import DataTable

from csm_tui.store.connection import Store
from csm_tui.ui.changes import DataChanged
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.book import BookScreen
from csm_tui.ui.screens.checklist import ChecklistScreen
from csm_tui.ui.screens.covering import CoveringScreen
from csm_tui.ui.screens.log_activity import LogActivityScreen
from csm_tui.ui.screens.today import TodayScreen
from csm_tui.ui.widgets.account_table import AccountTable

SIZE = (120, 34)


def book_row(app: object, account_id: str) -> object:
    screen = app.screen  # type: ignore[attr-defined]
    rows = screen.query_one(AccountTable).rows
    return next((row for row in rows if row.id == account_id), None)


async def test_the_book_shows_work_logged_on_an_account_opened_from_today(
    book_store: Store, make_app: AppFactory
) -> None:
    """Defect 1: Today → account → `l` 20 Enter → Esc → `b`: the row's last activity (and
    what the book computes from it) is today's, without Ctrl+R."""
    app = make_app(book_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen) and app.screen.loaded)
        await settle(pilot, lambda: app.session.book.loaded)  # loaded before the work is logged
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert isinstance(app.screen, AccountScreen)
        account_id = app.screen.account_id
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        await pilot.press("2", "0", "enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("b")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        await settle(
            pilot,
            lambda: getattr(book_row(app, account_id), "last_activity", None) == "2026-11-27",
        )
        assert getattr(book_row(app, account_id), "last_activity", None) == "2026-11-27"


def covering_names(screen: CoveringScreen) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_a_sync_refreshes_every_open_screen_the_hidden_ones_when_shown(
    book_store: Store, make_app: AppFactory
) -> None:
    """docs/sync.md: a sync that brought rows refreshes every open screen. Book, Covering and
    Checklist open: the Checklist on top at once, the others as they come back on top."""
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: len(app.screen.query_one(AccountTable).rows) == 8)
        book = app.screen
        await pilot.press("V")
        await settle(pilot, lambda: isinstance(app.screen, CoveringScreen))
        covering = app.screen
        assert isinstance(covering, CoveringScreen)
        await pilot.press("C")
        await settle(pilot, lambda: isinstance(app.screen, ChecklistScreen))
        checklist = app.screen
        assert isinstance(checklist, ChecklistScreen) and checklist.rows
        # rows written as a sync writes them: not journaled, so only the sync tells the app
        with book_store.conn:
            book_store.conn.execute("UPDATE accounts SET name = 'Synced ' || name")
        app.data_arrived()
        await settle(pilot, lambda: checklist.rows[0].account_name.startswith("Synced "))
        assert all(row.account_name.startswith("Synced ") for row in checklist.rows)
        assert covering.stale and book.stale  # hidden: refreshed when shown again
        assert not any(name.startswith("Synced ") for name in covering_names(covering))

        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is covering)
        await settle(pilot, lambda: covering_names(covering)[0].startswith("Synced "))
        assert all(name.startswith("Synced ") for name in covering_names(covering))
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is book)
        rows = lambda: book.query_one(AccountTable).rows  # noqa: E731
        await settle(pilot, lambda: rows()[0].name.startswith("Synced "))
        assert all(row.name.startswith("Synced ") for row in rows())


async def test_a_change_to_another_account_leaves_an_open_account_alone(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: len(app.screen.query_one(AccountTable).rows) == 8)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        account = app.screen
        assert isinstance(account, AccountScreen)
        other = DataChanged(frozenset({"activities"}), frozenset({"not-this-one"}))
        assert not account.concerns(other)
        assert account.concerns(
            DataChanged(frozenset({"activities"}), frozenset({account.account_id}))
        )
        assert account.concerns(DataChanged.everything(remote=True))


async def test_a_save_on_a_worker_thread_reaches_the_screen_on_top(
    book_store: Store, make_app: AppFactory
) -> None:
    """The after-commit listener runs on the saving thread and never waits for the UI: the
    thread finishes while the UI's loop is held, then the book shows the work."""
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: len(app.screen.query_one(AccountTable).rows) == 8)
        account_id = app.screen.query_one(AccountTable).rows[0].id
        thread = threading.Thread(
            target=lambda: app.session.log_activity(account_id, 15, NOW), daemon=True
        )
        thread.start()
        thread.join(timeout=5)  # the UI's loop is held here: a listener waiting for it hangs
        assert not thread.is_alive()
        await settle(
            pilot,
            lambda: getattr(book_row(app, account_id), "last_activity", None) == "2026-11-27",
        )
        assert getattr(book_row(app, account_id), "last_activity", None) == "2026-11-27"


async def test_the_overdue_filter_sees_items_ticked_on_an_account_opened_from_today(
    book_store: Store, make_app: AppFactory
) -> None:
    """Defect 1, the roadmap side: items ticked on an account opened from Today leave the
    book's `d` (overdue items) filter without Ctrl+R."""
    app = make_app(book_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen) and app.screen.loaded)
        await settle(pilot, lambda: app.session.book.loaded)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert isinstance(app.screen, AccountScreen)
        account_id = app.screen.account_id
        overdue = book_store.query(
            "SELECT id FROM checklist_items WHERE account_id = ? AND done = 0 AND due_date < ?",
            (account_id, NOW.date().isoformat()),
        )
        assert overdue
        for row in overdue:  # as Space on the Roadmap tab does
            app.session.roadmap.tick(row["id"], True)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen))
        await pilot.press("b")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen) and app.session.book.loaded)
        await pilot.press("d")
        await settle(pilot, lambda: book_row(app, account_id) is None)
        assert book_row(app, account_id) is None
        assert app.screen.query_one(AccountTable).rows  # others still have overdue items
