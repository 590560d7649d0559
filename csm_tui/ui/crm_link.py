"""The app's side of the CRM sync: the background runner (csm_tui.services.crm_background), its
status in every title bar, and a reload when a pass wrote something into the book.

Like the team sync's link, the runner's statuses reach the app as messages (`post_message` is
thread-safe and never waits); the runner starts a moment after the team sync, and a CRM that is
down or slow only ever changes the title bar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

from csm_tui.i18n import _

if TYPE_CHECKING:
    from csm_tui.services.crm_background import CrmRunner, CrmStatus
    from csm_tui.ui.app import CsmApp

START_DELAY = 4.0  # seconds after the first frame: after the team sync's first word


class CrmStatusChanged(Message):
    """The runner published a new status (posted from its thread)."""

    def __init__(self, status: CrmStatus) -> None:
        super().__init__()
        self.status = status


class CrmLink:
    def __init__(self, app: CsmApp) -> None:
        self.app = app
        self.runner: CrmRunner | None = None
        self._last_error = ""

    def start(self) -> None:
        if self.runner is not None:
            return
        from csm_tui.services.crm_background import CrmRunner

        session = self.app.session

        def publish(status: CrmStatus) -> None:  # on the runner's thread
            self.app.post_message(CrmStatusChanged(status))

        self.runner = CrmRunner(session.path, session.clock, publish)
        self.runner.start()

    def stop(self) -> None:
        if self.runner is not None:
            self.runner.stop()

    def status_changed(self, status: CrmStatus) -> None:
        """On the UI thread: show it; a new error is said once; new CRM data is shown."""
        self.app.crm_status = status
        if status.state == "error" and status.message != self._last_error:
            self.app.notify(
                _("CRM: error — {message}").format(message=status.message),
                severity="warning",
                timeout=10,
            )
        self._last_error = status.message if status.state == "error" else ""
        if status.state == "synced" and status.changed:
            self.app.data_arrived()
