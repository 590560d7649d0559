"""Background sync for the app: on start, every few minutes, and on demand; never on the UI thread.

The engine owns a thread and its own connection to the book, so a sync never blocks typing. It
knows nothing of the UI: it publishes a `SyncStatus` to subscribers (called on the engine's
thread; a Textual app hands them over with `call_from_thread`). See `docs/sync.md` for how the
app wires it.
"""

from __future__ import annotations

import contextlib
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from csm_tui.clock import Clock, SystemClock
from csm_tui.errors import CsmError
from csm_tui.i18n import _, ngettext

if TYPE_CHECKING:
    from csm_tui.store.connection import Store
    from csm_tui.sync.http import Server

DEFAULT_INTERVAL = 300.0  # seconds between automatic syncs
FIRST_RETRY = 30.0  # after a network failure, then doubling up to the interval


class SyncState(StrEnum):
    NOT_CONNECTED = "not_connected"  # the book has no server (csm-tui login)
    DISABLED = "disabled"  # no token: keyring missing, locked or hanging, or logged out
    SYNCING = "syncing"
    SYNCED = "synced"
    OFFLINE = "offline"  # the server cannot be reached; retried with backoff
    ERROR = "error"  # needs the user: log in again, a refused book, a full disk…


@dataclass(frozen=True)
class SyncStatus:
    """What the indicator shows; `message` is one sentence for the user (translated)."""

    state: SyncState
    message: str = ""
    server: str | None = None
    last_sync_at: datetime | None = None
    pending: int = 0  # local changes not yet acknowledged by the server
    refused: int = 0  # changes the server refused (csm-tui status lists them)
    conflicts: int = 0  # handoff notes whose latest version is a conflict sibling
    progress: str = ""  # while syncing: what is being done
    received: int = 0  # rows the last sync wrote: reload the screens when not 0
    next_attempt_at: datetime | None = None
    attempts: int = 0  # sync attempts ended so far: a new number is a new outcome to act on

    def label(self, now: datetime) -> str:
        """A short text for a status bar: "Synced 3 min ago · 2 pending"."""
        if self.state is SyncState.SYNCING:
            text = _("Syncing…") + (f" {self.progress}" if self.progress else "")
        elif self.state is SyncState.SYNCED and self.last_sync_at is not None:
            minutes = max(0, int((now - self.last_sync_at).total_seconds() // 60))
            text = (
                _("Synced just now")
                if minutes == 0
                else ngettext("Synced {n} min ago", "Synced {n} min ago", minutes).format(n=minutes)
            )
        elif self.state is SyncState.OFFLINE:
            text = _("Offline")
        elif self.state in (SyncState.ERROR, SyncState.DISABLED):
            text = _("Sync off") if self.state is SyncState.DISABLED else _("Sync error")
        else:
            text = _("Not synced")
        if self.pending:
            text += " · " + ngettext("{n} pending", "{n} pending", self.pending).format(
                n=self.pending
            )
        if self.conflicts:
            text += " · " + ngettext("{n} conflict", "{n} conflicts", self.conflicts).format(
                n=self.conflicts
            )
        return text


Subscriber = Callable[[SyncStatus], None]


class _Stopped(Exception):
    """The app is quitting: leave the sync between two batches."""


@dataclass
class _Plan:
    wake: threading.Event = field(default_factory=threading.Event)  # something to do
    stop: threading.Event = field(default_factory=threading.Event)
    requested: threading.Event = field(default_factory=threading.Event)  # sync now
    recount: threading.Event = field(default_factory=threading.Event)  # count pending again


class SyncEngine:
    """`start()`, then `request_sync()` on demand, `note_local_change()` after a local write,
    `stop()` on quit. All work happens on the engine's thread."""

    def __init__(
        self,
        db_path: Path,
        *,
        clock: Clock | None = None,
        interval: float = DEFAULT_INTERVAL,
        token_timeout: float = 3.0,
        server_factory: Callable[[str, str], Server] | None = None,
    ) -> None:
        self.db_path = db_path
        self.clock = clock or SystemClock()
        self.interval = interval
        self.token_timeout = token_timeout
        self._server_factory = server_factory
        self._plan = _Plan()
        self._lock = threading.Lock()
        self._status = SyncStatus(SyncState.NOT_CONNECTED)
        self._subscribers: list[Subscriber] = []
        self._thread: threading.Thread | None = None
        self._retry_delay = FIRST_RETRY

    # -- the API for the UI ----------------------------------------------------------------

    @property
    def status(self) -> SyncStatus:
        with self._lock:
            return self._status

    def subscribe(self, subscriber: Subscriber) -> None:
        """`subscriber(status)` after every change, on the engine's thread."""
        with self._lock:
            self._subscribers.append(subscriber)

    def start(self) -> None:
        """Start the thread; the first sync begins at once. Returns immediately."""
        if self._thread is not None:
            return
        self._plan.requested.set()  # the first sync, whatever wakes the thread first
        self._thread = threading.Thread(target=self._run, name="csm-tui-sync", daemon=True)
        self._thread.start()

    def request_sync(self) -> None:
        """Sync now (or right after the sync in progress)."""
        self._plan.requested.set()
        self._plan.wake.set()

    def note_local_change(self) -> None:
        """The user changed something: count what is pending again (cheap, off this thread)."""
        self._plan.recount.set()
        self._plan.wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the current step; a sync cut short loses nothing (see docs/sync.md)."""
        self._plan.stop.set()
        self._plan.wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    # -- the thread --------------------------------------------------------------------------

    def _run(self) -> None:
        from csm_tui.store.connection import open_store

        try:
            store = open_store(self.db_path, clock=self.clock)
        except CsmError as exc:
            self._publish(state=SyncState.ERROR, message=str(exc))
            return
        plan = self._plan
        try:
            self._counts(store)
            wait = 0.0  # the first sync: at once
            while not plan.stop.is_set():
                woken = plan.wake.wait(wait)
                plan.wake.clear()
                if plan.stop.is_set():
                    break
                if woken and not plan.requested.is_set():  # a local change: count, not sync
                    plan.recount.clear()
                    self._counts(store)
                    wait = self._seconds_to_next()
                    continue
                plan.requested.clear()
                plan.recount.clear()
                wait = self._attempt(store)
        finally:
            store.close()

    def _seconds_to_next(self) -> float:
        due = self.status.next_attempt_at
        if due is None:
            return 0.0  # nothing planned yet: now
        return max(0.0, (due - self.clock.now()).total_seconds())

    def _attempt(self, store: Store) -> float:
        """One sync; returns the seconds until the next one."""
        from csm_tui.store import remote

        sync_state = remote.read_sync_state(store)
        server_url = sync_state.get("server")
        if not server_url:
            from csm_tui.store.settings_keys import DEMO_SETTING

            if store.get_setting(DEMO_SETTING) is not None:
                message = _(
                    "This is the demo book: it never syncs. For the team's book, log in with a "
                    "book of your own (csm-tui --db team.db login --server URL)."
                )
            else:
                message = _("Not connected to a team server (csm-tui login --server URL).")
            self._counts(store, state=SyncState.NOT_CONNECTED, message=message)
            return self._later(self.interval)
        # httpx and keyring only for a connected book: a local one never imports them
        from csm_tui.sync.http import Transient, Unauthorized
        from csm_tui.sync.token import TokenUnavailable, find_token

        self._publish(state=SyncState.SYNCING, server=server_url, progress="")
        try:
            token = find_token(server_url, sync_state.get("user"), timeout=self.token_timeout)
        except TokenUnavailable as exc:
            self._counts(store, state=SyncState.DISABLED, message=str(exc))
            return self._later(self.interval)
        try:
            received = self._sync(store, server_url, token)
        except _Stopped:
            return 0.0
        except Transient as exc:
            delay = self._retry_delay * random.uniform(0.5, 1.0)  # jitter: not all at once
            self._retry_delay = min(self.interval, self._retry_delay * 2)
            self._counts(store, state=SyncState.OFFLINE, message=str(exc))
            return self._later(delay)
        except Unauthorized as exc:
            self._counts(store, state=SyncState.ERROR, message=str(exc))
            return self._later(self.interval)
        except CsmError as exc:
            self._counts(store, state=SyncState.ERROR, message=str(exc))
            return self._later(self.interval)
        except Exception as exc:  # never let the thread die silently
            self._counts(
                store, state=SyncState.ERROR, message=_("Sync failed: {error}").format(error=exc)
            )
            return self._later(self.interval)
        self._retry_delay = FIRST_RETRY
        self._counts(
            store,
            state=SyncState.SYNCED,
            message="",
            last_sync_at=self.clock.now(),
            received=received,
            progress="",
        )
        return self._later(self.interval)

    def _sync(self, store: Store, server_url: str, token: str) -> int:
        from csm_tui.sync.client import sync_once
        from csm_tui.sync.http import RetryPolicy, Server

        def progress(phase: str, rows: int) -> None:
            if self._plan.stop.is_set():
                raise _Stopped  # between two batches: everything so far is consistent
            what = _("sending {n}") if phase == "push" else _("receiving {n}")
            self._publish(progress=what.format(n=f"{rows:,}"))

        def pause(seconds: float) -> None:  # a backoff that ends at once when the app quits
            self._plan.stop.wait(seconds)

        policy = RetryPolicy(attempts=3, deadline=60.0, sleep=pause)
        make = self._server_factory or (lambda url, tok: Server(url, tok, policy=policy))
        server = make(server_url, token)
        try:
            result = sync_once(store, server, progress=progress)
        finally:
            server.close()
        return result.pulled

    def _later(self, seconds: float) -> float:
        """An attempt has ended (its outcome is published): count it, and plan the next."""
        self._publish(
            next_attempt_at=self.clock.now() + timedelta(seconds=seconds),
            attempts=self.status.attempts + 1,
        )
        return seconds

    def _counts(self, store: Store, **changes: object) -> None:
        """Publish `changes` together with fresh counts of pending, refused and conflicts."""
        from csm_tui.store import remote

        try:
            state = remote.read_sync_state(store)
            acked = int(state.get("acked_through", "0"))
            counts = {
                "pending": remote.count_pending(store, acked) if state.get("server") else 0,
                "refused": remote.count_rejected(store),
                "conflicts": remote.count_open_conflicts(store),
                "server": state.get("server"),
            }
        except CsmError:
            counts = {}
        self._publish(**counts, **changes)

    def _publish(self, **changes: object) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)  # type: ignore[arg-type]
            status, subscribers = self._status, list(self._subscribers)
        for subscriber in subscribers:
            with contextlib.suppress(Exception):  # a subscriber's bug must not stop the sync
                subscriber(status)
