"""A task of my own for an account: a title and, if wanted, a due date. Enter saves.

The due date is typed as anywhere else (`2026-12-15`, `12/15`, `+14`, `2w`, `明日`); empty means
no date. Escape on a form with something typed asks first.

Given a task (`e` on Today's tasks, issue 14), the form edits it: its title, due date and the
checklist item it is linked to (services/task_edits.py).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.services.due_input import parse_due
from csm_tui.ui.screens.confirm import discard_question
from csm_tui.ui.screens.form_screen import FormScreen

if TYPE_CHECKING:
    from csm_tui.services.session import Session
    from csm_tui.services.today import TaskRow


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

    def __init__(
        self, session: Session, account_id: str, account_name: str, task: TaskRow | None = None
    ) -> None:
        super().__init__()
        self.session = session
        self.account_id = account_id
        self.account_name = account_name
        self.editing = task

    def compose(self) -> ComposeResult:
        from csm_tui.services.tasks import task_title

        task = self.editing
        with VerticalScroll():
            if task is None:
                title = _("New task for {name}").format(name=self.account_name)
            else:
                title = _("Edit the task for {name}").format(name=self.account_name)
            yield Static(title, id="task-form-title")
            with Horizontal(classes="row"):
                with Vertical(id="task-title-column"):
                    yield Label(_("Task"))
                    text = task_title(task) if task else ""
                    yield Input(text, placeholder=_("What to do"), id="task-title")
                    yield Static("", id="task-title-error", classes="error")
                with Vertical(id="task-due-column"):
                    yield Label(_("Due"))
                    due = (task.due_date or "") if task else ""
                    yield Input(due, placeholder="+7, 2w, 12/15", id="task-due")
                    yield Static("", id="task-due-error", classes="error")
            if task is not None:
                yield Label(_("Checklist item"))
                choices = [(_("(none)"), "")] + [
                    (choice.title, choice.id)
                    for choice in self.session.checklist_choices(self.account_id)
                ]
                linked = task.checklist_item_id or ""
                if linked not in {value for _label, value in choices}:
                    linked = ""
                yield Select(choices, value=linked, allow_blank=False, id="task-item")
                yield Static("", id="task-item-error", classes="error")
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
        if self.editing is not None:
            self._save_edit(title, due)
            return
        try:
            self.session.tasks.add(self.account_id, title, due_date=due)
        except CsmError as exc:
            self.show_errors({"task-title": str(exc), "task-due": ""})
            return
        self.say(_("Task added for {name}.").format(name=self.account_name))
        self.dismiss(True)

    def _save_edit(self, title: str, due: date | None) -> None:
        from csm_tui.services import task_edits
        from csm_tui.services.tasks import task_title

        assert self.editing is not None
        item = self.query_one("#task-item", Select).value
        if " ".join(title.split()) == task_title(self.editing):
            title_change: str | None = None  # as shown (a playbook's Japanese title stays)
        else:
            title_change = title
        try:
            task_edits.edit(
                self.session.store,
                self.editing,
                title=title_change,
                due=due,
                clear_due=due is None,
                item=item if isinstance(item, str) and item else task_edits.CLEAR,
            )
        except CsmError as exc:
            self.show_errors({"task-title": _(str(exc)), "task-due": ""})
            return
        self.say(_("Task saved for {name}.").format(name=self.account_name))
        self.dismiss(True)

    def action_cancel(self) -> None:
        if self.editing is not None:
            self.dismiss(False)
            return
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
