"""Who the logged work was for, when the log form is opened off an account (issue 16): one
account, a segment, several accounts or nobody in particular (a webinar, help content, an
internal enablement session). The choice of accounts and segment is a picker in a modal, like
the checklist item: Textual drops CJK characters from drop-downs drawn over other widgets
(textual#6357), and account and segment names are often Japanese.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, Select, Static

from csm_tui.i18n import N_, _
from csm_tui.models.activity import Audience
from csm_tui.services.session import Session
from csm_tui.ui.screens.account_picker import AccountPickerScreen, Candidate, PickerScreen

AUDIENCE_LABELS = {
    Audience.ACCOUNT: N_("One account"),
    Audience.SEGMENT: N_("A segment"),
    Audience.ACCOUNTS: N_("Several accounts"),
    Audience.NONE: N_("Nobody in particular (webinar, help content…)"),
}


class ChoiceField(Static, can_focus=True):
    """One value (or, `several`, a list of values) chosen in a picker; Enter opens it. With
    `several`, choosing a value already in the list takes it out again."""

    BINDINGS = [Binding("enter,space", "choose", N_("Choose"), show=False)]
    DEFAULT_CSS = """
    ChoiceField {
        width: 100%; height: 3; padding: 0 2;
        border: tall $border-blurred; background: $surface; color: $foreground;
    }
    ChoiceField:focus { border: tall $border; background-tint: $foreground 5%; }
    """

    class Changed(Message):
        """The user chose another value."""

    def __init__(
        self,
        session: Session,
        title: str,
        picker: Callable[[str], PickerScreen],
        names: Callable[[list[str]], dict[str, str]],
        values: list[str],
        *,
        several: bool = False,
        id: str,
    ) -> None:
        super().__init__(id=id)
        self.session = session
        self.title_msgid = title
        self.picker = picker  # makes the picker (titled) when it opens
        self.names = names  # value → name, for those shown
        self.values = list(values)
        self.several = several
        self.touched = False  # chosen by hand (not only as the form filled it in)

    def render(self) -> Text:
        if not self.values:
            text = Text(_("(none: press Enter to choose)"), style="dim")
        else:
            names = self.names(self.values)
            text = Text(", ".join(names.get(value, value) for value in self.values))
        text.truncate(max(0, self.content_size.width - 2), overflow="ellipsis", pad=True)
        text.append(" ▼", style="dim")
        return text

    def on_click(self) -> None:
        self.action_choose()

    def action_choose(self) -> None:
        def chosen(picked: str | None) -> None:
            if picked is None:
                return  # Escape: nothing changes
            if not self.several:
                self.values = [picked]
            elif picked in self.values:
                self.values.remove(picked)
            else:
                self.values.append(picked)
            self.touched = True
            self.refresh()
            self.post_message(self.Changed())

        self.app.push_screen(self.picker(_(self.title_msgid)), chosen)


def skills_field(session: Session, values: list[str]) -> ChoiceField:
    """The skills the work needed (issue 16), of `[activities] skills`; Enter adds or removes."""
    from csm_tui.services.skills import skill_label

    def picker(title: str) -> PickerScreen:
        fold = session.fold
        pool = [
            Candidate(skill, skill_label(skill), "", fold(skill_label(skill)))
            for skill in session.skill_choices()
        ]
        return PickerScreen(session, title, pool)

    return ChoiceField(
        session,
        N_("Add or remove a skill (Escape when done)"),
        picker,
        lambda skills: {skill: skill_label(skill) for skill in skills},
        values,
        several=True,
        id="skills",
    )


def participants_field(session: Session, account_id: str, values: list[str]) -> ChoiceField:
    """The account's contacts who took part (issue 16); Enter adds or removes one."""
    contacts = {contact.id: contact for contact in session.contacts_of(account_id)}

    def picker(title: str) -> PickerScreen:
        fold = session.fold
        pool = [
            Candidate(c.id, c.name, c.role or (c.email or ""), fold(f"{c.name} {c.email or ''}"))
            for c in contacts.values()
        ]
        return PickerScreen(session, title, pool)

    return ChoiceField(
        session,
        N_("Add or remove who took part (Escape when done)"),
        picker,
        lambda ids: {i: contacts[i].name if i in contacts else i for i in ids},
        [value for value in values if value in contacts],  # a removed contact drops out
        several=True,
        id="participants",
    )


class AudienceFields(Vertical):
    """ "For:" and, after it, the account, the segment or the accounts it asks for."""

    DEFAULT_CSS = """
    AudienceFields { height: auto; }
    AudienceFields .hidden { display: none; }
    """

    class Changed(Message):
        """Something of the audience changed (the form saves its draft)."""

    def __init__(self, session: Session, initial: dict[str, Any]) -> None:
        super().__init__(id="audience-fields")
        self.session = session
        self.initial = initial

    def compose(self) -> ComposeResult:
        get = self.initial.get
        yield Label(_("For"))
        yield Select(
            [(_(label), kind.value) for kind, label in AUDIENCE_LABELS.items()],
            value=get("audience") or Audience.ACCOUNT.value,
            allow_blank=False,
            id="audience",
        )
        account = get("account_id")
        yield ChoiceField(
            self.session,
            N_("Log work for which account? (Escape: a segment, several or none)"),
            self._accounts,
            self._account_names,
            [str(account)] if account else [],
            id="for-account",
        )
        segment = get("audience_segment") or ""
        yield ChoiceField(
            self.session,
            N_("Which segment was the work for?"),
            self._segments,
            lambda values: {value: value for value in values},
            [segment] if segment else [],
            id="for-segment",
        )
        yield ChoiceField(
            self.session,
            N_("Add or remove an account (Escape when done)"),
            self._accounts,
            self._account_names,
            list(get("audience_accounts") or []),
            several=True,
            id="for-accounts",
        )
        yield Static("", id="audience-error", classes="error")

    def on_mount(self) -> None:
        self._show()
        if not self.initial.get("audience"):  # a fresh form: the account, as most work is
            self.call_after_refresh(self.query_one("#for-account", ChoiceField).action_choose)

    def _accounts(self, title: str) -> PickerScreen:
        return AccountPickerScreen(self.session, title)

    def account_name(self, account_id: str) -> str:
        return self._account_names([account_id])[account_id]

    def _account_names(self, ids: list[str]) -> dict[str, str]:
        names = {}
        for account_id in ids:
            row = self.session.book.row(account_id) if self.session.book.loaded else None
            names[account_id] = row.name if row else account_id
        return names

    def _segments(self, title: str) -> PickerScreen:
        fold = self.session.fold
        pool = [Candidate(name, name, "", fold(name)) for name in self.session.segments_in_book()]
        return PickerScreen(self.session, title, pool)

    @property
    def audience(self) -> Audience:
        return Audience(str(self.query_one("#audience", Select).value))

    def _show(self) -> None:
        audience = self.audience
        for part, shown in (
            ("#for-account", Audience.ACCOUNT),
            ("#for-segment", Audience.SEGMENT),
            ("#for-accounts", Audience.ACCOUNTS),
        ):
            self.query_one(part).set_class(audience is not shown, "hidden")

    @on(Select.Changed, "#audience")
    def _audience_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._show()
        self.show_error("")
        self.post_message(self.Changed())

    @on(ChoiceField.Changed)
    def _choice_changed(self) -> None:
        self.show_error("")
        self.post_message(self.Changed())

    def show_error(self, text: str) -> None:
        self.query_one("#audience-error", Static).update(text)

    def values(self) -> dict[str, Any]:
        """For the draft: every part, so switching back and forth loses nothing."""
        account = self.query_one("#for-account", ChoiceField).values
        segment = self.query_one("#for-segment", ChoiceField).values
        return {
            "audience": self.audience.value,
            "account_id": account[0] if account else None,
            "audience_segment": segment[0] if segment else "",
            "audience_accounts": list(self.query_one("#for-accounts", ChoiceField).values),
        }

    def missing(self) -> str:
        """What must still be chosen, as a sentence ("" when the audience is complete)."""
        values, audience = self.values(), self.audience
        if audience is Audience.ACCOUNT and not values["account_id"]:
            return _("Choose the account.")
        if audience is Audience.SEGMENT and not values["audience_segment"]:
            return _("Choose the segment.")
        if audience is Audience.ACCOUNTS and len(values["audience_accounts"]) < 2:
            return _("Choose two or more accounts.")
        return ""

    def retranslate(self) -> None:
        for field in self.query(ChoiceField):
            field.refresh()
