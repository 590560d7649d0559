"""Two small forms of Today (issue 14): `z` on an account sets it aside for some days with a
reason; `z` on a task moves it to a later day. Enter saves, Escape cancels.

Days and days are typed as anywhere else, through the one date reader: `7` (days), `+3`, `2w`,
`next monday`, `来週の月曜`, `12/15`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.services.due_input import parse_due
from csm_tui.ui.screens.form_screen import FormScreen

if TYPE_CHECKING:
    from csm_tui.services.session import Session

_CSS = """
{cls} {{ align: center middle; }}
{cls} > VerticalScroll {{
    width: 64; max-width: 100%; height: auto; max-height: 100%;
    border: thick $primary; background: $surface; padding: 0 2;
}}
{cls} .form-title {{ text-style: bold; margin-bottom: 1; }}
{cls} .error {{ color: $error; height: auto; }}
{cls} .hint {{ color: $foreground-muted; margin-top: 1; }}
"""


def days_from(text: str, today: date) -> int:
    """How many days `text` means: a plain number is days (`7`), anything else a day
    (`+3`, `next monday`, `来週の月曜`) counted from today."""
    typed = text.strip()
    if typed.isdigit():
        return int(typed)
    day = parse_due(typed, today)
    if day is None:
        raise CsmError(N_("How many days? 7, +3, 2w or next monday."))
    return (day - today).days


class AccountSnoozeForm(FormScreen[tuple[int, str] | None]):
    """Dismisses with (days, reason), or None."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel")), Binding("ctrl+s", "save", N_("Save"))]
    AUTO_FOCUS = "#snooze-days"
    DEFAULT_CSS = _CSS.format(cls="AccountSnoozeForm")

    def __init__(self, account_name: str, today: date) -> None:
        super().__init__()
        self.account_name = account_name
        self.today = today

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            title = _("Snooze {name} on Today").format(name=self.account_name)
            yield Static(title, classes="form-title")
            yield Label(_("For how many days"))
            yield Input(value="7", placeholder="7, +3, 2w, next monday", id="snooze-days")
            yield Static("", id="snooze-days-error", classes="error")
            yield Label(_("Reason"))
            yield Input(placeholder=_("Why it can wait"), id="snooze-reason", max_length=200)
            yield Static("", id="snooze-reason-error", classes="error")
            yield Static(_("Enter saves · Escape cancels"), classes="hint")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        try:
            days = days_from(self.query_one("#snooze-days", Input).value, self.today)
        except CsmError as exc:
            self.show_errors({"snooze-days": _(str(exc))})
            return
        if days < 1:
            self.show_errors({"snooze-days": _("A snooze lasts one day or more.")})
            return
        self.dismiss((days, self.query_one("#snooze-reason", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


class TaskSnoozeForm(FormScreen[date | None]):
    """Dismisses with the task's new day, or None."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel")), Binding("ctrl+s", "save", N_("Save"))]
    AUTO_FOCUS = "#task-snooze-when"
    DEFAULT_CSS = _CSS.format(cls="TaskSnoozeForm")

    def __init__(self, session: Session, title: str) -> None:
        super().__init__()
        self.session = session
        self.title_text = title

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(_("Snooze {task}").format(task=self.title_text), classes="form-title")
            yield Label(_("To which day"))
            yield Input(placeholder="+3, next monday, 来週の月曜", id="task-snooze-when")
            yield Static("", id="task-snooze-when-error", classes="error")
            yield Static(_("Enter saves · Escape cancels"), classes="hint")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        today = self.session.clock.today()
        try:
            day = parse_due(self.query_one("#task-snooze-when", Input).value, today)
        except CsmError as exc:
            self.show_errors({"task-snooze-when": _(str(exc))})
            return
        if day is None or day <= today:
            self.show_errors({"task-snooze-when": _("A task is snoozed to a later day.")})
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)
