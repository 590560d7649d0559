"""The `t` key: start a timer on the account the user is on, or stop it into the log form."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import ModalScreen

from csm_tui.errors import CsmError
from csm_tui.i18n import _
from csm_tui.ui.textual_ext.title_bar import format_elapsed

if TYPE_CHECKING:
    from csm_tui.ui.app import CsmApp


def press_timer(app: CsmApp, account_id: str | None) -> None:
    """Start the timer on `account_id`, or stop the running one into the log form.

    Pressed on another account while a timer runs, it only stops the old timer into its form
    (its minutes are never dropped) and says how to time the new account: after a restart the
    cursor is on the first row, and `t` there must not start timing an account by accident.
    """
    if isinstance(app.screen, ModalScreen):
        return  # a form or a question is open: the key belongs to it
    running = app.timer
    try:
        if running is not None:
            _stop_into_form(app)
            if account_id not in (None, running.account_id):
                app.notify(
                    _(
                        "Stopped the timer of {previous}: log its time in this form, then "
                        "press t again to time this account."
                    ).format(previous=running.account_name)
                )
            return
        if account_id is None:
            app.notify(_("Choose an account first, then press t to time your work on it."))
            return
        app.timer = app.session.start_timer(account_id)
    except CsmError as exc:
        app.notify(str(exc), severity="error", timeout=10)
        return
    app.notify(
        _("Timer started for {name} — press t again to stop it and log the time.").format(
            name=app.timer.account_name
        )
    )


def _stop_into_form(app: CsmApp) -> None:
    from csm_tui.ui.screens.log_activity import DRAFT

    stopped = app.session.stop_timer(draft=DRAFT)
    app.timer = None
    if stopped is None:
        return
    if not stopped.account_exists:
        app.notify(
            _("The timed account no longer exists; {minutes} min were not logged.").format(
                minutes=stopped.minutes
            ),
            severity="warning",
            timeout=10,
        )
        return
    if stopped.capped:
        app.notify(
            _(
                "The timer ran {elapsed}, longer than one activity can take (24 hours): "
                "the minutes are set to 24 h. Correct them before saving."
            ).format(elapsed=format_elapsed(stopped.elapsed)),
            severity="warning",
            timeout=15,
        )
    app.log_work(stopped.account_id, stopped.minutes)
