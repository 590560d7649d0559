"""The background engine the app runs: sync on start, on demand, a status for the indicator.

Scenario 17 of the design notes is here: with the keyring missing, locked or hanging, the app's
start is not held up, work can be logged, and the status says why sync is off.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import keyring
import pytest
from memory_keyring import MemoryKeyring
from sync_kit import AOI, Team

from csm_tui.services.activities import log_activity
from csm_tui.store.connection import open_store
from csm_tui.sync.engine import SyncEngine, SyncState, SyncStatus
from csm_tui.sync.token import TOKEN_ENV

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def wait_for(engine: SyncEngine, check: Callable[[SyncStatus], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check(engine.status):
        if time.monotonic() > deadline:
            raise AssertionError(f"still {engine.status}")
        time.sleep(0.02)


@pytest.fixture
def connected(team: Team, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Team, object]]:
    """Aoi's book, connected and synced once from the shell; her token in CSM_TUI_TOKEN."""
    book = team.book("aoi")
    team.sync(book, AOI)
    monkeypatch.setenv(TOKEN_ENV, team.tokens[AOI])
    yield team, book


def test_it_syncs_on_start_and_reports_from_its_own_thread(
    connected: tuple[Team, object],
) -> None:
    team, book = connected
    seen: list[tuple[SyncState, str]] = []
    engine = SyncEngine(book.path, clock=team.clock)  # type: ignore[attr-defined]
    engine.subscribe(lambda status: seen.append((status.state, threading.current_thread().name)))
    log_activity(book, team.accounts["Acme Analytics"], 30, AT)  # type: ignore[arg-type]
    engine.start()
    try:
        wait_for(engine, lambda s: s.state is SyncState.SYNCED)
        status = engine.status
        assert status.pending == 0 and status.received >= 1  # my activity, echoed back
        assert status.last_sync_at == team.clock.at and status.server == team.url
        assert {name for _, name in seen} == {"csm-tui-sync"}
        assert SyncState.SYNCING in {state for state, _ in seen}
        assert status.label(team.clock.at + timedelta(minutes=3)) == "Synced 3 min ago"
    finally:
        engine.stop()


def test_local_changes_are_counted_and_a_request_sends_them(
    connected: tuple[Team, object],
) -> None:
    team, book = connected
    engine = SyncEngine(book.path, clock=team.clock, interval=3600)  # type: ignore[attr-defined]
    engine.start()
    try:
        wait_for(engine, lambda s: s.state is SyncState.SYNCED)
        for minutes in (10, 20):
            log_activity(book, team.accounts["Acme Analytics"], minutes, AT)  # type: ignore[arg-type]
        engine.note_local_change()
        wait_for(engine, lambda s: s.pending == 2)
        assert engine.status.state is SyncState.SYNCED  # counted, not sent before its time
        assert "2 pending" in engine.status.label(team.clock.at)
        engine.request_sync()
        wait_for(engine, lambda s: s.pending == 0 and s.received == 2)
    finally:
        engine.stop()


def test_a_book_without_a_server_says_how_to_connect(team: Team) -> None:
    book = team.book("alone")
    engine = SyncEngine(book.path, clock=team.clock)
    engine.start()
    try:
        wait_for(engine, lambda s: s.state is SyncState.NOT_CONNECTED and bool(s.message))
        assert "csm-tui login" in engine.status.message
    finally:
        engine.stop()


def test_an_unreachable_server_is_offline_and_retried(
    connected: tuple[Team, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    from csm_tui.sync.http import RetryPolicy, Server

    team, book = connected
    down = {"now": True}

    def factory(url: str, token: str) -> Server:
        target = "http://127.0.0.1:9" if down["now"] else url
        server = Server(target, token, policy=RetryPolicy(attempts=1, deadline=1))
        server.url = url  # the book's server, as far as the sync can tell
        return server

    engine = SyncEngine(book.path, clock=team.clock, server_factory=factory)  # type: ignore[attr-defined]
    engine.start()
    try:
        wait_for(engine, lambda s: s.state is SyncState.OFFLINE)
        status = engine.status
        assert "Cannot reach" in status.message and status.label(team.clock.at) == "Offline"
        assert status.next_attempt_at is not None
        assert status.next_attempt_at <= team.clock.at + timedelta(seconds=30)
        down["now"] = False
        engine.request_sync()
        wait_for(engine, lambda s: s.state is SyncState.SYNCED)
    finally:
        engine.stop()


class HangingKeyring(MemoryKeyring):
    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return None


@pytest.mark.parametrize("backend", ["missing", "locked", "hanging"])
def test_17_a_keyring_that_fails_never_holds_up_the_app(
    team: Team, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    from keyring.backends.fail import Keyring as NoKeyring
    from keyring.errors import KeyringLocked

    class Locked(MemoryKeyring):
        def get_password(self, service: str, username: str) -> str | None:
            raise KeyringLocked("locked")

    book = team.book("aoi")
    team.sync(book, AOI)
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    before = keyring.get_keyring()
    chosen = {"missing": NoKeyring, "locked": Locked, "hanging": HangingKeyring}[backend]()
    keyring.set_keyring(chosen)
    engine = SyncEngine(book.path, clock=team.clock, token_timeout=1.0)
    try:
        started = time.monotonic()
        engine.start()
        assert time.monotonic() - started < 0.2  # the app goes on at once
        app = open_store(book.path, clock=team.clock)  # and work can be logged meanwhile
        log_activity(app, team.accounts["Acme Analytics"], 15, AT)
        app.close()
        engine.note_local_change()  # as the app does after a save
        wait_for(engine, lambda s: s.state is SyncState.DISABLED and s.pending == 1, timeout=5)
        assert time.monotonic() - started < 3.0
        assert TOKEN_ENV in engine.status.message
        assert engine.status.label(team.clock.at) == "Sync off · 1 pending"
    finally:
        if isinstance(chosen, HangingKeyring):
            chosen.release.set()
        engine.stop()
        keyring.set_keyring(before)


def test_stop_ends_a_long_sync_between_batches(
    connected: tuple[Team, object],
) -> None:
    from test_scenarios import many_activities

    team, book = connected
    many_activities(book, team.accounts["Acme Analytics"], 3000)
    engine = SyncEngine(book.path, clock=team.clock)  # type: ignore[attr-defined]
    engine.start()
    wait_for(engine, lambda s: s.state is SyncState.SYNCING and bool(s.progress))
    started = time.monotonic()
    engine.stop()
    assert time.monotonic() - started < 5
    assert engine._thread is not None and not engine._thread.is_alive()
    again = open_store(book.path, clock=team.clock)  # type: ignore[attr-defined]
    team.stores.append(again)
    assert team.sync(again, AOI).refused == 0  # the rest goes at the next sync, once


def test_a_change_noted_before_the_first_sync_does_not_skip_it(
    connected: tuple[Team, object],
) -> None:
    team, book = connected
    engine = SyncEngine(book.path, clock=team.clock)  # type: ignore[attr-defined]
    engine.note_local_change()  # the app saved something while the engine was starting
    engine.start()
    try:
        wait_for(engine, lambda s: s.state is SyncState.SYNCED)
    finally:
        engine.stop()
