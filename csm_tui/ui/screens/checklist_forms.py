"""Forms of the Roadmap tab: add or edit an item, and set a due date.

The item form keeps a draft as you type (like the log form): if the app dies, opening the same
form again brings the text back. Escape on a form with something typed asks first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, Select, Static, Switch, TextArea

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.models.account import Stage
from csm_tui.services.due_input import parse_due
from csm_tui.ui import format as fmt
from csm_tui.ui.screens.draft_form import DraftForm
from csm_tui.ui.screens.form_screen import FormScreen

if TYPE_CHECKING:
    from csm_tui.models.checklist import ChecklistItem
    from csm_tui.services.roadmap_templates import Template
    from csm_tui.services.session import Session

DRAFT = "checklist-item"

FORM_CSS = """
{name} {{ align: center middle; }}
{name} > VerticalScroll {{
    width: 76; max-width: 100%; height: auto; max-height: 100%;
    border: thick $primary; background: $surface; padding: 0 2;
}}
{name} .form-title {{ text-style: bold; margin-bottom: 1; }}
{name} .row {{ height: auto; }}
{name} .row > Vertical {{ width: 1fr; height: auto; }}
{name} .error {{ color: $error; height: auto; }}
{name} .hint {{ color: $foreground-muted; margin-top: 1; }}
{name} Switch {{ margin-right: 1; }}
{name} .switch-label {{ padding-top: 1; width: 1fr; }}
{name} TextArea {{ height: 4; }}
"""


class ItemForm(DraftForm[str | None]):
    """Adds a custom item (no `item`) or edits one; dismisses with the item's id when saved."""

    DRAFT = DRAFT
    ERROR_LINES: ClassVar[dict[str, str]] = {"item-title": "title-error", "item-due": "due-error"}

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save")),
    ]
    AUTO_FOCUS = "#item-title"
    DEFAULT_CSS = FORM_CSS.format(name="ItemForm")

    def __init__(
        self,
        session: Session,
        account_id: str,
        *,
        item: ChecklistItem | None = None,
        template: Template | None = None,
        stage: Stage | None = None,
    ) -> None:
        super().__init__(session)
        self.account_id = account_id
        self.item = item
        self.stage = item.stage if item else (stage or Stage.ONBOARDING)
        self.initial = self._initial(template)

    def _initial(self, template: Template | None) -> dict[str, Any]:
        draft = self.session.load_draft(DRAFT)
        mine = (self.account_id, self.item.id if self.item else None)
        if draft and (draft.get("account_id"), draft.get("item_id")) == mine:
            self.restored = True
            return draft
        self.restored = False
        if self.item is None:
            return {"stage": self.stage.value}
        roadmap = self.session.roadmap
        return {
            "title": roadmap.title(self.item, template) if template else self.item.title,
            "description": roadmap.description(self.item, template) if template else "",
            "note": self.item.done_note,
        }

    def compose(self) -> ComposeResult:
        get = self.initial.get
        with VerticalScroll():
            yield Static(
                _("Edit checklist item") if self.item else _("Add a checklist item"),
                classes="form-title",
            )
            yield Label(_("Title"))
            yield Input(get("title", ""), id="item-title", max_length=200)
            yield Static("", id="title-error", classes="error")
            yield Label(_("Description"))
            yield TextArea(get("description", ""), id="item-description")
            if self.item is None:
                with Horizontal(classes="row"):
                    with Vertical():
                        yield Label(_("Stage"))
                        yield Select(
                            [(fmt.stage(stage.value), stage.value) for stage in Stage],
                            value=get("stage", self.stage.value),
                            allow_blank=False,
                            id="item-stage",
                        )
                    with Vertical():
                        yield Label(_("Due date"))
                        yield Input(get("due", ""), placeholder=_("none"), id="item-due")
                        yield Static("", id="due-error", classes="error")
                with Horizontal(classes="row"):
                    yield Switch(bool(get("moment", False)), id="item-moment")
                    yield Label(_("Moment of truth"), classes="switch-label")
            elif self.item.done:
                yield Label(_("Note on the tick"))
                yield Input(get("note", ""), id="item-note", max_length=2000)
            yield Static(
                _("Enter saves · Ctrl+S saves from the description · Escape cancels"),
                classes="hint",
            )

    def on_mount(self) -> None:
        super().on_mount()
        if self.restored:
            self.notify(_("Your unsaved text is back."))

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "account_id": self.account_id,
            "item_id": self.item.id if self.item else None,
            "title": self.query_one("#item-title", Input).value,
            "description": self.query_one("#item-description", TextArea).text,
        }
        if self.item is None:
            values["stage"] = self.query_one("#item-stage", Select).value
            values["due"] = self.query_one("#item-due", Input).value
            values["moment"] = self.query_one("#item-moment", Switch).value
        elif self.item.done:
            values["note"] = self.query_one("#item-note", Input).value
        return values

    def has_input(self) -> bool:
        """Whether Escape would lose something typed (a restored draft counts)."""
        if self.restored:
            return True
        values = self.values()
        return any(
            str(values[key]).strip() != str(self.initial.get(key, "")).strip()
            for key in ("title", "description", "due", "note")
            if key in values
        )

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        values = self.values()
        title = values["title"].strip()
        errors = {"item-title": "" if title else _("Give the item a title.")}
        due = None
        if self.item is None:
            errors["item-due"] = ""
            try:
                due = parse_due(values["due"], self.session.clock.today())
            except CsmError as exc:
                errors["item-due"] = _(str(exc))
        if self.show_errors(errors):
            return
        roadmap = self.session.roadmap
        try:
            if self.item is None:
                saved = roadmap.add(
                    self.account_id,
                    Stage(values["stage"]),
                    title,
                    description=values["description"],
                    due=due,
                    moment_of_truth=bool(values["moment"]),
                )
            else:
                saved = roadmap.edit(
                    self.item.id,
                    title=title,
                    description=values["description"],
                    note=values.get("note"),
                )
        except CsmError as exc:
            self.notify(str(exc), severity="error", timeout=10)  # the form and draft stay
            return
        self.finish(saved.id)

    def action_cancel(self) -> None:
        self.cancel(None)


class DueForm(FormScreen[str | None]):
    """Sets an item's due date by hand; empty goes back to its rule. Dismisses with the id."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]
    AUTO_FOCUS = "#due"
    DEFAULT_CSS = FORM_CSS.format(name="DueForm")

    def __init__(self, session: Session, item: ChecklistItem, title: str) -> None:
        super().__init__()
        self.session = session
        self.item = item
        self.title_text = title

    def compose(self) -> ComposeResult:
        current = self.item.due_date.isoformat() if self.item.due_date else ""
        with VerticalScroll():
            yield Static(
                _("Due date of “{title}”").format(title=self.title_text), classes="form-title"
            )
            yield Input(current, placeholder="2026-12-15, 12/15, +14, 2w", id="due")
            yield Static("", id="due-error", classes="error")
            hint = _("Enter saves · empty: back to the roadmap's rule · Escape cancels")
            yield Static(hint, classes="hint")

    @on(Input.Submitted)
    def _submitted(self) -> None:
        try:
            due = parse_due(self.query_one("#due", Input).value, self.session.clock.today())
            saved = self.session.roadmap.set_due(self.item.id, due)
        except CsmError as exc:
            self.show_errors({"due": _(str(exc))})
            return
        self.dismiss(saved.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
