"""The app's side of the team sync: the background engine, its status in every title bar, and
what the app does when a sync brought something.

The engine (csm_tui.sync.engine) runs on its own thread with its own connection; it is created
a moment after the first frame, so that neither its imports nor its first sync slow the start.
Its status reaches the app as a message (`post_message` is thread-safe and never waits), not
through `call_from_thread`, which would block the engine's thread on the UI's and could wait for
ever on an app that is closing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from csm_tui.i18n import _

if TYPE_CHECKING:
    from csm_tui.sync.engine import SyncEngine, SyncStatus
    from csm_tui.ui.app import CsmApp

START_DELAY = 1.5  # seconds after the first frame: Today's page and the book come first


class SyncStatusChanged(Message):
    """The engine published a new status (posted from the engine's thread)."""

    def __init__(self, status: SyncStatus) -> None:
        super().__init__()
        self.status = status


class SyncLink:
    """Starts and stops the engine, and turns its statuses into what the user sees."""

    def __init__(self, app: CsmApp) -> None:
        self.app = app
        self.engine: SyncEngine | None = None
        self._asked = False  # the user pressed "Sync now": say how it ended, whatever it was
        self._last_state: str | None = None
        self._attempts = 0  # the engine's attempts acted on so far

    def start(self) -> None:
        """Create the engine (its first sync starts at once); idempotent."""
        if self.engine is not None:
            return
        from csm_tui.sync.engine import SyncEngine

        session = self.app.session
        engine = SyncEngine(session.path, clock=session.clock)

        def publish(status: SyncStatus) -> None:  # on the engine's thread
            self.app.post_message(SyncStatusChanged(status))

        engine.subscribe(publish)
        session.on_local_change(engine.note_local_change)  # pending count follows each save
        self.engine = engine
        engine.start()

    def stop(self) -> None:
        """On quit: the engine leaves a sync between two batches (nothing is lost)."""
        if self.engine is not None:
            self.engine.stop()

    def sync_now(self) -> None:
        """The key and the palette command: sync now, and say how it went. A book without a
        team server (the demo book, a local one) says so at once: nothing starts, nothing waits."""
        from csm_tui.sync.engine import SyncState

        status = self.app.sync_status
        if status is not None and status.state is SyncState.NOT_CONNECTED:
            self.app.notify(status.message, severity="warning", timeout=8)
            return
        self._asked = True
        if self.engine is None:
            self.start()  # its first sync is the one asked for
        else:
            self.engine.request_sync()
        self.app.notify(_("Syncing with the team server…"), timeout=3)

    def status_changed(self, status: SyncStatus) -> None:
        """On the UI thread: show the status, tell what needs telling, reload what changed."""
        from csm_tui.sync.engine import SyncState

        self.app.sync_status = status
        if status.attempts == self._attempts:
            return  # progress, or a recount of what is pending: only the indicator changes
        self._attempts = status.attempts
        state = status.state
        changed = state.value != self._last_state
        self._last_state = state.value
        if self._asked:
            self._asked = False
            self._report(status)
        elif changed and state in (SyncState.ERROR, SyncState.DISABLED):
            # a problem the user must act on is said once, not every few minutes
            self.app.notify(status.message, severity="error", timeout=15)
        if state is SyncState.SYNCED and status.received:
            self.app.data_arrived()

    def _report(self, status: SyncStatus) -> None:
        """How the sync the user asked for ended."""
        from csm_tui.sync.engine import SyncState

        if status.state is SyncState.SYNCED:
            self.app.notify(_("Synced with the team server."), timeout=4)
        elif status.state is SyncState.OFFLINE:
            wait = _("Your changes wait in this book and go out when the server answers again.")
            self.app.notify(f"{status.message} {wait}", severity="warning", timeout=10)
        elif status.state is SyncState.NOT_CONNECTED:
            self.app.notify(status.message, severity="warning", timeout=10)
        else:
            self.app.notify(status.message, severity="error", timeout=15)
