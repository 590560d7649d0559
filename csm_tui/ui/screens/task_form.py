"""A task of my own for an account: a title and, if wanted, a due date. Enter saves.

The due date is typed as anywhere else (`2026-12-15`, `12/15`, `+14`, `2w`, `明日`); empty means
no date. Escape on a form with something typed asks first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.services.due_input import parse_due
from csm_tui.ui.screens.confirm import discard_question
from csm_tui.ui.screens.form_screen import FormScreen

if TYPE_CHECKING:
    from csm_tui.services.session import Session


class TaskFormScreen(FormScreen[bool]):
    """Dismisses with True when the task was saved."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save")),
    ]
    AUTO_FOCUS = "#task-title"
    DEFAULT_CSS = """
    TaskFormScreen { align: center middle; }
    TaskFormScreen > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    TaskFormScreen #task-form-title { text-style: bold; margin-bottom: 1; }
    TaskFormScreen .row { height: auto; }
    TaskFormScreen .row > Vertical { height: auto; }
    TaskFormScreen #task-title-column { width: 2fr; }
    TaskFormScreen #task-due-column { width: 1fr; }
    TaskFormScreen .error { color: $error; height: auto; }
    TaskFormScreen #task-hint { color: $foreground-muted; margin-top: 1; }
    """

    def __init__(self, session: Session, account_id: str, account_name: str) -> None:
        super().__init__()
        self.session = session
        self.account_id = account_id
        self.account_name = account_name

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            title = _("New task for {name}").format(name=self.account_name)
            yield Static(title, id="task-form-title")
            with Horizontal(classes="row"):
                with Vertical(id="task-title-column"):
                    yield Label(_("Task"))
                    yield Input(placeholder=_("What to do"), id="task-title")
                    yield Static("", id="task-title-error", classes="error")
                with Vertical(id="task-due-column"):
                    yield Label(_("Due"))
                    yield Input(placeholder="+7, 2w, 12/15", id="task-due")
                    yield Static("", id="task-due-error", classes="error")
            yield Static(_("Enter saves · Escape cancels"), id="task-hint")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        title = self.query_one("#task-title", Input).value
        try:
            due = parse_due(self.query_one("#task-due", Input).value, self.session.clock.today())
        except CsmError as exc:
            self.show_errors({"task-title": "", "task-due": _(str(exc))})
            return
        try:
            self.session.tasks.add(self.account_id, title, due_date=due)
        except CsmError as exc:
            self.show_errors({"task-title": str(exc), "task-due": ""})
            return
        self.say(_("Task added for {name}.").format(name=self.account_name))
        self.dismiss(True)

    def action_cancel(self) -> None:
        typed = any(
            self.query_one(f"#{field}", Input).value.strip() for field in ("task-title", "task-due")
        )
        if not typed:
            self.dismiss(False)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(False)

        self.app.push_screen(discard_question(), answered)
