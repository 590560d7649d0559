"""The sync status at the left of every title bar, in English and Japanese.

The engine and a real server are exercised in tests/sync/test_app_sync.py; here the statuses
are set by hand, to check what each one looks like and that a click on it asks for a sync.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import AppFactory, settle

from csm_tui.store.connection import Store
from csm_tui.sync.engine import SyncState, SyncStatus
from csm_tui.ui.textual_ext.title_bar import TitleBar

SIZE = (120, 30)


def bar(app: object) -> str:
    return str(app.screen.query_one(TitleBar).render())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("language", "status", "minutes", "shown"),
    [
        ("en", SyncStatus(SyncState.SYNCED, pending=2), 3, "Synced 3 min ago · 2 pending"),
        ("ja", SyncStatus(SyncState.SYNCED, pending=2), 3, "3 分前に同期 · 未送信 2 件"),
        ("en", SyncStatus(SyncState.SYNCED), 0, "Synced just now"),
        ("en", SyncStatus(SyncState.SYNCING, progress="receiving 12,000"), 0, "Syncing… receiving"),
        ("en", SyncStatus(SyncState.OFFLINE, pending=5), 0, "Offline · 5 pending"),
        ("ja", SyncStatus(SyncState.OFFLINE, pending=5), 0, "オフライン · 未送信 5 件"),
        ("en", SyncStatus(SyncState.ERROR, "The server refused the token."), 0, "Sync error"),
        ("en", SyncStatus(SyncState.DISABLED, "No system keyring."), 0, "Sync off"),
        ("en", SyncStatus(SyncState.NOT_CONNECTED, "Not connected…"), 0, "Local book"),
        ("ja", SyncStatus(SyncState.NOT_CONNECTED, "Not connected…"), 0, "ローカル"),
    ],
)
async def test_each_status_reads_plainly(
    book_store: Store,
    make_app: AppFactory,
    language: str,
    status: SyncStatus,
    minutes: int,
    shown: str,
) -> None:
    app = make_app(book_store, language=language)
    async with app.run_test(size=SIZE) as pilot:
        at = book_store.clock.now() - timedelta(minutes=minutes)
        if status.state is SyncState.SYNCED:
            status = SyncStatus(status.state, pending=status.pending, last_sync_at=at)
        app.sync_status = status
        await pilot.pause()
        text = bar(app)
        assert text.startswith(f" {shown}"), text
        assert "csm-tui" in text  # the title stays


async def test_nothing_is_shown_before_the_engine_has_looked(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        app.sync_status = SyncStatus(SyncState.NOT_CONNECTED)  # its first word: no message yet
        await pilot.pause()
        assert bar(app).strip().startswith("csm-tui")


async def test_a_click_on_the_status_asks_for_a_sync(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    asked: list[bool] = []
    app.sync.sync_now = lambda: asked.append(True)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        app.sync_status = SyncStatus(SyncState.OFFLINE, pending=1)
        await pilot.pause()
        await pilot.click(TitleBar, offset=(3, 0))
        await settle(pilot, lambda: bool(asked))
        assert asked == [True]
        await pilot.click(TitleBar, offset=(60, 0))  # the title itself does nothing
        await pilot.pause()
        assert asked == [True]


@pytest.mark.parametrize("language", ["en", "ja"])
def test_offline_with_pending_work_snapshot(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    app = make_app(book_store, language=language)

    async def offline(pilot: object) -> None:
        app.sync_status = SyncStatus(SyncState.OFFLINE, "Server unreachable.", pending=3)

    assert snap_compare(app, run_before=offline, terminal_size=SIZE)
