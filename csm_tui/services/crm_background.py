"""The app's CRM sync in the background: one `crm sync` pass now and then, on a thread of its
own with a connection of its own, and a status for the title bar ("CRM: synced 3 min ago").

Nothing here can block the app, the team sync or logging: the pass runs off the UI thread,
every HTTP request has a timeout, each page is its own short transaction on the book (the UI's
writes wait at most for one page), a credential read from the keyring is bounded by a timeout,
and any failure becomes an error status: the next pass tries again. A book that is not connected
to a CRM shows nothing and costs one small query per interval.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from csm_tui.i18n import _, ngettext

if TYPE_CHECKING:
    from csm_tui.clock import Clock

EVERY = 600.0  # seconds between two passes
RETRY = 120.0  # after an error, the next try comes sooner


@dataclass(frozen=True)
class CrmStatus:
    """What the title bar shows; `connected` False shows nothing."""

    connected: bool
    state: str = "idle"  # idle | syncing | synced | error
    at: datetime | None = None  # when the last pass ended well
    message: str = ""  # the error, one line
    changed: bool = False  # the last pass wrote something into the book

    def label(self, now: datetime) -> str:
        if self.state == "syncing":
            return _("CRM: syncing…")
        if self.state == "error":
            return _("CRM: error — {message}").format(message=self.message)
        if self.at is None:
            return _("CRM: not synced yet")
        minutes = max(0, int((now - self.at).total_seconds() // 60))
        if minutes == 0:
            return _("CRM: synced just now")
        return ngettext("CRM: synced {n} min ago", "CRM: synced {n} min ago", minutes).format(
            n=minutes
        )


Pass = Callable[[Path, "Clock"], CrmStatus]


def run_pass(path: Path, clock: Clock) -> CrmStatus:
    """One pass on a connection of its own; an error is a status, never raised."""
    from csm_tui.crm.token import find_crm_credential
    from csm_tui.services import crm
    from csm_tui.store.connection import open_store

    try:
        with open_store(path, clock=clock) as store:
            state = crm.connection(store)
            if not state:
                return CrmStatus(connected=False)
            token = find_crm_credential(str(state["vendor"]), str(state["url"]), state.get("auth"))
            report = crm.sync(store, token)
    except Exception as exc:  # the CRM, the network, the keyring: the app goes on regardless
        text = str(exc).strip().splitlines()
        return CrmStatus(True, "error", message=text[0] if text else type(exc).__name__)
    pulled = report.pulled
    changed = any(pulled.get(key) for key in ("new", "updated", "moved", "removed", "contacts"))
    return CrmStatus(True, "synced", at=clock.now(), changed=changed)


def last_status(path: Path, clock: Clock) -> CrmStatus:
    """What the book remembers of its last pass (shown before the first pass of this run)."""
    from csm_tui.services import crm
    from csm_tui.store.connection import open_store

    try:
        with open_store(path, clock=clock) as store:
            state = crm.status(store)
    except Exception:
        return CrmStatus(connected=False)
    if not state:
        return CrmStatus(connected=False)
    last = state.get("last_pass") or {}
    if last.get("error"):
        return CrmStatus(True, "error", message=str(last["error"]))
    at = datetime.fromisoformat(last["at"]) if last.get("at") else None
    return CrmStatus(True, "synced" if at else "idle", at=at)


class CrmRunner:
    """Runs a pass at start and every `every` seconds on a daemon thread; `publish` is called
    on that thread with each status (it must not block)."""

    def __init__(
        self,
        path: Path,
        clock: Clock,
        publish: Callable[[CrmStatus], None],
        *,
        every: float = EVERY,
        one_pass: Pass = run_pass,
    ) -> None:
        self.path = path
        self.clock = clock
        self.publish = publish
        self.every = every
        self.one_pass = one_pass
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="crm-sync", daemon=True)
            self._thread.start()

    def request(self) -> None:
        """A pass now (the palette's "Sync with the CRM now")."""
        self._wake.set()

    def stop(self) -> None:
        """On quit: no new pass starts; one under way ends on its own (a daemon thread)."""
        self._stop.set()
        self._wake.set()

    def _loop(self) -> None:
        status = last_status(self.path, self.clock)
        if not status.connected:
            return  # not connected when the app started: `crm connect` is a CLI step
        self.publish(status)
        while not self._stop.is_set():
            self.publish(CrmStatus(True, "syncing", at=status.at))
            latest = self.one_pass(self.path, self.clock)
            if latest.state == "error" and status.at is not None:
                latest = CrmStatus(True, "error", at=status.at, message=latest.message)
            status = latest
            if self._stop.is_set():
                return
            self.publish(status)
            if not status.connected:
                return
            self._wake.wait(RETRY if status.state == "error" else self.every)
            self._wake.clear()
