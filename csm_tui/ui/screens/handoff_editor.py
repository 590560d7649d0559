"""The handoff note editor: what a covering colleague must know, as a form.

Situation, goals, risks and notes are multi-line (Japanese input works as anywhere in Textual);
commitments are one per line with their due date; key contacts are picked from the account's
contacts. What is typed is saved as a draft on every change, so a kill loses nothing: the next
start offers it again. Escape on a form with something typed asks before discarding.

Also here: the small prompt that saves the coverage brief to a file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, SelectionList, Static, TextArea

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.services.handoff import FIELD_LABELS, NoteFields, format_commitments
from csm_tui.ui.screens.draft_form import DraftForm
from csm_tui.ui.screens.form_screen import FormScreen

if TYPE_CHECKING:
    from csm_tui.models.contact import Contact
    from csm_tui.models.handoff import HandoffNote
    from csm_tui.services.session import Session

DRAFT = "handoff"
TEXTS = ("situation", "goals", "risks", "commitments", "body")


class HandoffEditor(DraftForm[bool]):
    """Dismisses with True when a note (or a new version of one) was saved."""

    DRAFT = DRAFT
    ERROR_LINES: ClassVar[dict[str, str]] = {"from": "coverage-error", "to": "coverage-error"}

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save")),
    ]
    AUTO_FOCUS = "#situation"

    DEFAULT_CSS = """
    HandoffEditor { align: center middle; }
    HandoffEditor > VerticalScroll {
        width: 96; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    HandoffEditor #editor-title { text-style: bold; margin-bottom: 1; }
    HandoffEditor Label { margin-top: 1; }
    HandoffEditor TextArea { height: 4; }
    HandoffEditor #body { height: 6; }
    HandoffEditor SelectionList { height: auto; max-height: 6; }
    HandoffEditor .row { height: auto; }
    HandoffEditor .row > Vertical { width: 1fr; height: auto; }
    HandoffEditor .hint { color: $foreground-muted; }
    HandoffEditor .error { color: $error; height: auto; }
    """

    def __init__(
        self,
        session: Session,
        account_id: str,
        account_name: str,
        *,
        base: HandoffNote | None = None,
        draft: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(session)
        self.account_id = account_id
        self.account_name = account_name
        self.initial: dict[str, Any] = _values_of(base) if base else {}
        self.initial.update(draft or {})
        # the version this edit is made from; None for a new note
        self.base_id: str | None = self.initial.get("base_id")
        self.base_version: int | None = self.initial.get("base_version")
        self.from_draft = draft is not None

    def compose(self) -> ComposeResult:
        get = self.initial.get
        contacts = self.session.handoff.contacts(self.account_id)
        chosen = set(get("contacts", []))
        with VerticalScroll():
            if self.base_id:
                title = _("Edit the handoff note for {name} (from version {n})").format(
                    name=self.account_name, n=self.base_version
                )
            else:
                title = _("New handoff note for {name}").format(name=self.account_name)
            yield Static(title, id="editor-title")
            for name in ("situation", "goals", "risks"):
                yield Label(_(FIELD_LABELS[name]))
                yield TextArea(get(name, ""), id=name)
            yield Label(_(FIELD_LABELS["commitments"]))
            yield Static(
                _(
                    "One per line: what was promised, after its due date if it has one "
                    "(2026-12-05 Send the plan)."
                ),
                classes="hint",
            )
            yield TextArea(get("commitments", ""), id="commitments")
            yield Static("", id="commitments-error", classes="error")
            yield Label(_(FIELD_LABELS["key_contacts"]))
            if contacts:
                yield SelectionList[str](
                    *[(_contact_label(c), c.id, c.id in chosen) for c in contacts], id="contacts"
                )
            else:
                yield Static(_("This account has no contacts yet."), classes="hint")
            yield Label(_(FIELD_LABELS["coverage"]))
            with Horizontal(classes="row"):
                with Vertical():
                    yield Input(get("from", ""), placeholder=_("from: 2026-12-01"), id="from")
                with Vertical():
                    yield Input(get("to", ""), placeholder=_("to: 2026-12-14"), id="to")
            yield Static("", id="coverage-error", classes="error")
            yield Label(_(FIELD_LABELS["body"]))
            yield TextArea(get("body", ""), id="body")
            yield Static("", id="form-error", classes="error")
            yield Static(_("Ctrl+S saves · Escape cancels · Tab moves on"), classes="hint")

    def _restored(self) -> None:
        super()._restored()
        self.query_one(VerticalScroll).scroll_home(animate=False)  # the title and first label

    # -- the draft ---------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {
            "account_id": self.account_id,
            "account_name": self.account_name,
            "base_id": self.base_id,
            "base_version": self.base_version,
            "from": self.query_one("#from", Input).value,
            "to": self.query_one("#to", Input).value,
            "contacts": [],
        }
        for name in TEXTS:
            values[name] = self.query_one(f"#{name}", TextArea).text
        for selection in self.query("#contacts").results(SelectionList):
            values["contacts"] = list(selection.selected)
        return values

    def has_input(self) -> bool:
        values = self.values()
        typed = any(values[name].strip() for name in (*TEXTS, "from", "to"))
        if self.base_id is None or self.from_draft:
            return typed or bool(values["contacts"])
        return any(values.get(key) != self.initial.get(key) for key in (*TEXTS, "from", "to"))

    @on(SelectionList.SelectedChanged)
    def _contacts_changed(self) -> None:
        self._save_draft()

    # -- saving ------------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def fields(self) -> NoteFields | None:
        """The form read into note fields; errors are shown beside their fields (then None)."""
        from csm_tui.services.coverage import parse_day
        from csm_tui.services.handoff import parse_commitments

        values = self.values()
        today = self.session.clock.today()
        errors = {"commitments": "", "from": "", "to": ""}
        commitments = []
        start = end = None
        try:
            commitments = parse_commitments(values["commitments"], today)
        except CsmError as exc:
            errors["commitments"] = str(exc)
        try:
            start = parse_day(values["from"], today)
        except CsmError as exc:
            errors["from"] = str(exc)
        try:
            end = parse_day(values["to"], today)
        except CsmError as exc:
            errors["to"] = str(exc)
        if self.show_errors(errors):
            return None
        return NoteFields(
            situation=values["situation"],
            goals=values["goals"],
            risks=values["risks"],
            commitments=commitments,
            key_contact_ids=values["contacts"],
            coverage_from=start,
            coverage_to=end,
            body=values["body"],
        )

    def action_save(self) -> None:
        fields = self.fields()
        form_error = self.query_one("#form-error", Static)
        form_error.update("")
        if fields is None:
            return
        service = self.session.handoff
        try:
            if self.base_id:
                saved = service.edit(self.base_id, fields)
            else:
                saved = service.write(self.account_id, fields)
        except CsmError as exc:
            form_error.update(str(exc))  # the form and the draft stay
            self.call_after_refresh(self.scroll_to_widget, form_error, animate=False)
            return
        if saved is None:
            self.notify(_("Nothing changed; no new version was saved."))
            self.finish(False)
            return
        if saved.conflict:
            self.notify(
                _(
                    "Saved as version {n} beside a newer version: both are kept. "
                    "Compare them with v and save a merged version."
                ).format(n=saved.note.version),
                severity="warning",
                timeout=10,
            )
        else:
            self.notify(_("Handoff note saved (version {n}).").format(n=saved.note.version))
        self.finish(True)

    def action_cancel(self) -> None:
        self.cancel(False)


def _contact_label(contact: Contact) -> str:
    marks = []
    if contact.is_champion:
        marks.append(_("champion"))
    if contact.is_decision_maker:
        marks.append(_("decision maker"))
    text = contact.name + (f" — {contact.role}" if contact.role else "")
    return text + (f" ({', '.join(marks)})" if marks else "")


def _values_of(note: HandoffNote) -> dict[str, Any]:
    """The form's values for editing `note`."""
    return {
        "base_id": note.id,
        "base_version": note.version,
        "situation": note.situation,
        "goals": note.goals,
        "risks": note.risks,
        "commitments": format_commitments(note.commitments),
        "contacts": list(note.key_contact_ids),
        "from": note.coverage_from.isoformat() if note.coverage_from else "",
        "to": note.coverage_to.isoformat() if note.coverage_to else "",
        "body": note.body,
    }


class SavePrompt(FormScreen[None]):
    """Where to save the brief; a file that cannot be written is said here, and nothing breaks."""

    BINDINGS = [Binding("escape", "close", N_("Cancel"))]
    ERROR_LINES: ClassVar[dict[str, str]] = {"save-path": "save-error"}

    DEFAULT_CSS = """
    SavePrompt { align: center middle; }
    SavePrompt > Vertical {
        width: 80; max-width: 100%; height: auto;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    SavePrompt #save-error { color: $error; height: auto; }
    """

    def __init__(self, session: Session, text: str, suggested: str) -> None:
        super().__init__()
        self.session = session
        self.text = text
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_("Save the brief as Markdown to:"))
            yield Input(self.suggested, id="save-path")
            yield Static("", id="save-error")

    @on(Input.Submitted)
    def _save(self, event: Input.Submitted) -> None:
        from pathlib import Path

        raw = event.value.strip()
        if not raw:
            self.show_errors({"save-path": _("Give a file name.")})
            return
        path = Path(raw).expanduser()
        try:
            self.session.handoff.save_text(path, self.text)
        except CsmError as exc:
            self.show_errors({"save-path": str(exc)})
            return
        self.notify(_("Brief saved to {path}.").format(path=path.resolve()))
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
