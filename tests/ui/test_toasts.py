"""Toasts that say the right thing once (issue 13, item 10): one period after "Inc.", F5 on a
book without a team server says so at once instead of "Syncing…" first."""

from __future__ import annotations

from conftest import AppFactory, settle
from textual.widgets import Input

from csm_tui.store.connection import Store
from csm_tui.sync.engine import SyncState, SyncStatus
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.form_screen import one_period
from csm_tui.ui.screens.log_activity import LogActivityScreen

INITECH = "acct04"


def toasts(app: CsmApp) -> list[str]:
    return [str(toast.message) for toast in app._notifications]


def test_one_period() -> None:
    assert one_period("Logged 20 min for Initech Inc..") == "Logged 20 min for Initech Inc."
    assert one_period("Wait...") == "Wait..."
    assert one_period("Done.") == "Done."


async def test_a_name_ending_with_a_period_gets_no_second(
    book_store: Store, make_app: AppFactory
) -> None:
    with book_store.transaction() as tx:
        tx.update("accounts", INITECH, {"name": "Initech Inc."})
    app = make_app(book_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
        app.log_work(INITECH)
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        app.screen.query_one("#minutes", Input).value = "20"
        await pilot.press("enter")
        await settle(pilot, lambda: not isinstance(app.screen, LogActivityScreen))
        assert "Logged 20 min for Initech Inc." in toasts(app)
        assert not any(toast.endswith("..") for toast in toasts(app))


async def test_f5_on_a_book_without_a_server_says_so_at_once(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
        said = "This is the demo book: it never syncs."
        app.sync_status = SyncStatus(state=SyncState.NOT_CONNECTED, message=said)
        await pilot.press("f5")
        await pilot.pause()
        assert toasts(app) == [said]
        assert app.sync.engine is None  # nothing was started
