"""The Effort screen's custom period: from and to dates, checked as they are submitted."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.services.effort import Period, parse_day
from csm_tui.services.session import Session
from csm_tui.ui.screens.form_screen import FormScreen

EXAMPLE = "2026-11-01, today, yesterday"  # what the date fields take (not translated: typed)


class CustomPeriodScreen(FormScreen[Period | None]):
    """From and to dates, checked as they are submitted; errors stand beside their field."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]
    AUTO_FOCUS = "#from"

    DEFAULT_CSS = """
    CustomPeriodScreen { align: center middle; }
    CustomPeriodScreen > Vertical {
        width: 64; max-width: 100%; height: auto;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    CustomPeriodScreen #custom-title { text-style: bold; margin-bottom: 1; }
    CustomPeriodScreen Horizontal { height: auto; }
    CustomPeriodScreen Horizontal > Vertical { width: 1fr; height: auto; }
    CustomPeriodScreen .error { color: $error; height: auto; }
    CustomPeriodScreen #custom-hint { color: $foreground-muted; margin-top: 1; }
    """

    def __init__(self, session: Session, period: Period) -> None:
        super().__init__()
        self.session = session
        self.period = period

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Custom period"), id="custom-title")
            with Horizontal():
                with Vertical():
                    yield Label(_("From"))
                    yield Input(self.period.start.isoformat(), placeholder=EXAMPLE, id="from")
                    yield Static("", id="from-error", classes="error")
                with Vertical():
                    yield Label(_("To (included)"))
                    yield Input(self.period.end.isoformat(), placeholder=EXAMPLE, id="to")
                    yield Static("", id="to-error", classes="error")
            yield Static(_("Enter shows the period · Escape cancels"), id="custom-hint")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "from" and not self.query_one("#to", Input).value.strip():
            self.set_focus(self.query_one("#to", Input))
            return
        self.action_apply()

    def action_apply(self) -> None:
        days: dict[str, date] = {}
        errors = {"from": "", "to": ""}
        for field in ("from", "to"):
            try:
                days[field] = parse_day(
                    self.query_one(f"#{field}", Input).value, self.session.clock
                )
            except CsmError as exc:
                errors[field] = _(str(exc))
        if len(days) == 2:
            try:
                self.dismiss(Period.custom(days["from"], days["to"]))
                return
            except CsmError as exc:
                errors["to"] = _(str(exc))
        self.show_errors(errors)

    def action_cancel(self) -> None:
        self.dismiss(None)
