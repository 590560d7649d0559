"""The log form: `l`, the minutes, Enter. Everything else has a sensible default.

What is typed is saved as a draft on every change, so a crash or a kill loses nothing: the next
start offers the draft again. Escape on a form with something in it asks before discarding.
An account with a roadmap checklist gets one more field: the item the work was for (optional).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Select, Static, Switch, TextArea

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.models.activity import Activity, ActivityType, Audience, Outcome
from csm_tui.services.effort_input import parse_minutes, parse_when
from csm_tui.services.session import Session
from csm_tui.ui import format as fmt
from csm_tui.ui.screens.draft_form import DraftForm
from csm_tui.ui.screens.log_audience import (
    AudienceFields,
    ChoiceField,
    participants_field,
    skills_field,
)

if TYPE_CHECKING:
    from csm_tui.services.activities import LinkChoice

DRAFT = "activity"

TYPE_LABELS = {
    ActivityType.CALL: N_("Call"),
    ActivityType.MEETING: N_("Meeting"),
    ActivityType.EMAIL: N_("E-mail"),
    ActivityType.CHAT: N_("Chat"),
    ActivityType.INQUIRY: N_("Inquiry"),
    ActivityType.TRAINING: N_("Training"),
    ActivityType.INTERNAL: N_("Internal work"),
    ActivityType.OTHER: N_("Other"),
}
OUTCOME_LABELS = {
    Outcome.NONE: N_("No outcome"),
    Outcome.RESOLVED: N_("Resolved"),
    Outcome.FOLLOW_UP: N_("Follow-up needed"),
    Outcome.RISK_FOUND: N_("Risk found"),
    Outcome.EXPANSION: N_("Expansion opportunity"),
}


NO_LINK = "none"  # the picker's id for "(none)"; item ids are hex


class LinkField(Static, can_focus=True):
    """The checklist item the work was for; Enter (or a click) opens a list to choose from.

    A picker in a modal rather than a Select: Textual drops CJK characters from a drop-down
    drawn over other widgets (textual#6357), and the item titles are often Japanese.
    """

    BINDINGS = [Binding("enter,space", "choose", N_("Choose"), show=False)]
    DEFAULT_CSS = """
    LinkField {
        width: 100%; height: 3; padding: 0 2;
        border: tall $border-blurred; background: $surface; color: $foreground;
    }
    LinkField:focus { border: tall $border; background-tint: $foreground 5%; }
    """

    class Changed(Message):
        """The user chose another item (or none)."""

    def __init__(
        self, session: Session, links: list[LinkChoice], value: str | None, *, id: str
    ) -> None:
        super().__init__(id=id)
        self.session = session
        self.links = links
        self.value = value

    def render(self) -> Text:
        titles = {link.id: link.title for link in self.links}
        text = Text(titles[self.value]) if self.value else Text(_("(none)"), style="dim")
        width = self.content_size.width
        text.truncate(max(0, width - 2), overflow="ellipsis", pad=True)
        text.append(" ▼", style="dim")
        return text

    def on_click(self) -> None:
        self.action_choose()

    def action_choose(self) -> None:
        from csm_tui.ui.screens.account_picker import Candidate, PickerScreen

        fold = self.session.fold
        none = _("(none)")
        pool = [Candidate(NO_LINK, none, "", fold(none))]
        for link in self.links:
            detail = ("✓ " if link.done else "") + fmt.stage(link.stage.value)
            pool.append(Candidate(link.id, link.title, detail, fold(link.title)))

        def chosen(picked: str | None) -> None:
            if picked is None:
                return  # Escape: nothing changes
            value = None if picked == NO_LINK else picked
            if value != self.value:
                self.value = value
                self.refresh()
                self.post_message(self.Changed())

        picker = PickerScreen(self.session, _("Which checklist item was the work for?"), pool)
        self.app.push_screen(picker, chosen)


class LogActivityScreen(DraftForm[bool]):
    """Dismisses with True when an activity was saved."""

    DRAFT = DRAFT

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save")),
    ]
    AUTO_FOCUS = "#minutes"  # the one field a typical entry needs

    DEFAULT_CSS = """
    LogActivityScreen { align: center middle; }
    LogActivityScreen > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    LogActivityScreen #log-title { text-style: bold; margin-bottom: 1; }
    LogActivityScreen .row { height: auto; }
    LogActivityScreen .row > Vertical { width: 1fr; height: auto; }
    LogActivityScreen .error { color: $error; height: auto; }
    LogActivityScreen Switch { margin-right: 1; }
    LogActivityScreen .switch-label { padding-top: 1; width: 1fr; }
    LogActivityScreen TextArea { height: 5; }
    LogActivityScreen #log-hint { color: $foreground-muted; margin-top: 1; }
    """

    def __init__(
        self,
        session: Session,
        account_id: str | None,
        account_name: str,
        *,
        minutes: int | None = None,
        draft: dict[str, Any] | None = None,
        editing: bool = False,
    ) -> None:
        super().__init__(session)
        # True when opened on a saved activity (not on a draft that was never saved)
        self.editing = editing
        self.account_id = account_id
        self.account_name = account_name
        self.initial = dict(draft or {})
        if minutes is not None:
            self.initial["minutes"] = str(minutes)
        # set when the form edits an existing activity instead of logging a new one
        self.activity_id: str | None = self.initial.get("activity_id")
        # opened off an account (issue 16): the form asks who the work was for
        self.for_many = account_id is None and not self.activity_id
        self.links = self._link_choices() if account_id else []
        self.skills_offered = False  # the skills shown are the type's last ones, not chosen

    def compose(self) -> ComposeResult:
        get = self.initial.get
        with VerticalScroll():
            if self.for_many:
                title = _("Log work")
            elif self.activity_id:
                title = _("Edit work for {name}").format(name=self.account_name)
            else:
                title = _("Log work for {name}").format(name=self.account_name)
            yield Static(title, id="log-title")
            if self.for_many:
                yield AudienceFields(self.session, self.initial)
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label(_("Minutes"))
                    yield Input(get("minutes", ""), placeholder="30, 1h30, 1.5h", id="minutes")
                    yield Static("", id="minutes-error", classes="error")
                with Vertical():
                    yield Label(_("When"))
                    yield Input(get("when", ""), placeholder=_("now"), id="when")
                    yield Static("", id="when-error", classes="error")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label(_("Type"))
                    yield Select(
                        [(_(label), kind.value) for kind, label in TYPE_LABELS.items()],
                        value=get("type", ActivityType.CALL.value),
                        allow_blank=False,
                        id="type",
                    )
                with Vertical():
                    yield Label(_("Outcome"))
                    yield Select(
                        [(_(label), kind.value) for kind, label in OUTCOME_LABELS.items()],
                        value=get("outcome", Outcome.NONE.value),
                        allow_blank=False,
                        id="outcome",
                    )
            yield Label(_("Skills"))
            yield skills_field(self.session, self._initial_skills())
            if self.account_id:  # who took part: the account's contacts
                yield Label(_("Who took part"))
                yield participants_field(
                    self.session, self.account_id, list(get("participants") or [])
                )
            if self.links:
                yield Label(_("Checklist item"))
                linked = get("checklist_item_id")
                known = any(link.id == linked for link in self.links)  # a removed item unlinks
                yield LinkField(self.session, self.links, linked if known else None, id="checklist")
            with Horizontal(classes="row"):
                yield Switch(bool(get("proactive", False)), id="proactive")
                yield Label(_("Proactive (I started it)"), classes="switch-label")
                yield Switch(bool(get("recurring", False)), id="recurring")
                yield Label(_("Recurring (keeps coming back)"), classes="switch-label")
            yield Label(_("Note"))
            yield TextArea(get("note", ""), id="note")
            yield Static(
                _("Enter saves · Ctrl+S saves from the note · Escape cancels"), id="log-hint"
            )

    def _link_choices(self) -> list[LinkChoice]:
        assert self.account_id is not None
        try:
            return self.session.checklist_choices(self.account_id)
        except CsmError:
            return []  # the form still logs; the account's error shows when saving

    def _initial_skills(self) -> list[str]:
        if "skills" in self.initial:  # a draft, or the activity being edited
            return list(self.initial["skills"])
        self.skills_offered = True
        return self.session.last_skills(self.initial.get("type", ActivityType.CALL.value))

    @on(Select.Changed, "#type")
    def _type_changed(self, event: Select.Changed) -> None:
        """A fresh form offers the skills last used for the type chosen, until skills are
        chosen by hand."""
        field = self.query_one("#skills", ChoiceField)
        if self.skills_offered and not field.touched:
            field.values = self.session.last_skills(str(event.value))
            field.refresh()

    def checklist_item_id(self) -> str | None:
        return self.query_one(LinkField).value if self.links else None

    # -- the draft ---------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        audience = self.query_one(AudienceFields).values() if self.for_many else {}
        return {
            **audience,
            "account_id": audience.get("account_id", self.account_id),
            "account_name": self.account_name,
            "activity_id": self.activity_id,
            "minutes": self.query_one("#minutes", Input).value,
            "when": self.query_one("#when", Input).value,
            "type": self.query_one("#type", Select).value,
            "outcome": self.query_one("#outcome", Select).value,
            "proactive": self.query_one("#proactive", Switch).value,
            "recurring": self.query_one("#recurring", Switch).value,
            "note": self.query_one("#note", TextArea).text,
            "checklist_item_id": self.checklist_item_id(),
            "skills": list(self.query_one("#skills", ChoiceField).values),
            "participants": self._participants(),
        }

    def _participants(self) -> list[str]:
        found = self.query("#participants").results(ChoiceField)
        return next((list(field.values) for field in found), [])

    def has_input(self) -> bool:
        if self.editing:
            return not self.unchanged()  # an edit left as it opened loses nothing
        values = self.values()
        return bool(values["minutes"].strip() or values["when"].strip() or values["note"].strip())

    @on(LinkField.Changed)
    @on(AudienceFields.Changed)
    @on(ChoiceField.Changed)
    def _link_changed(self) -> None:
        self._save_draft()

    # -- saving ------------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        values = self.values()
        errors = {"minutes": "", "when": ""}
        minutes = when = None
        try:
            minutes = parse_minutes(values["minutes"])
        except CsmError as exc:
            errors["minutes"] = _(str(exc))
        try:
            when = parse_when(values["when"], self.session.clock)
        except CsmError as exc:
            errors["when"] = _(str(exc))
        if self.for_many:  # its error line is "audience-error"
            errors["audience"] = self.query_one(AudienceFields).missing()
        if self.show_errors(errors) or minutes is None or when is None:
            return
        fields = {
            "type": ActivityType(values["type"]),
            "outcome": Outcome(values["outcome"]),
            "proactive": values["proactive"],
            "recurring": values["recurring"],
            "note": values["note"],
            "checklist_item_id": values["checklist_item_id"],
            "skills": values["skills"],
        }
        if self.account_id:
            fields["participants"] = values["participants"]
        try:
            if self.activity_id:
                self.session.edit_activity(
                    self.activity_id, minutes=minutes, occurred_at=when, **fields
                )
            elif self.for_many and values["audience"] != Audience.ACCOUNT.value:
                del fields["checklist_item_id"]
                self.session.log_for_many(
                    Audience(values["audience"]),
                    minutes,
                    when,
                    segment=values["audience_segment"],
                    account_ids=tuple(values["audience_accounts"]),
                    **fields,
                )
            else:
                self.session.log_activity(values["account_id"], minutes, when, **fields)
        except CsmError as exc:
            self.notify(str(exc), severity="error", timeout=10)  # the form and draft stay
            return
        if self.activity_id:
            self.say(_("Saved the changes to the work for {name}.").format(name=self.account_name))
        elif self.for_many and values["audience"] != Audience.ACCOUNT.value:
            self.say(_("Logged {minutes} min of work for many customers.").format(minutes=minutes))
        else:
            name = self.account_name
            if self.for_many:  # the account chosen in the form
                name = self.query_one(AudienceFields).account_name(values["account_id"])
            self.say(_("Logged {minutes} min for {name}.").format(minutes=minutes, name=name))
        self.finish(True)

    def action_cancel(self) -> None:
        self.cancel(False)


def edit_form(session: Session, activity: Activity, account_name: str) -> LogActivityScreen:
    """The form filled with an existing activity; saving changes it instead of adding one."""
    local = activity.occurred_at.astimezone()
    draft = {
        "activity_id": activity.id,
        "minutes": str(activity.minutes),
        "when": local.strftime("%Y-%m-%d %H:%M"),
        "type": activity.type.value,
        "outcome": activity.outcome.value,
        "proactive": activity.proactive,
        "recurring": activity.recurring,
        "note": activity.note,
        "checklist_item_id": activity.checklist_item_id,
        "skills": activity.skills,
        "participants": activity.participants,
    }
    return LogActivityScreen(session, activity.account_id, account_name, draft=draft, editing=True)
