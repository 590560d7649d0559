"""A contact of an account: add (`n` on the Contacts table) or edit (`e`), in one form.

Name, title, e-mail, phone and the marks: champion, decision maker, key contact. One champion
per account: naming a new one takes the mark from the old (services/contacts.py). On an account
a connected CRM fills in, the form says that the CRM's next sync overwrites the contacts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Static

from csm_tui.errors import CsmError, FieldError
from csm_tui.i18n import N_, _
from csm_tui.ui.screens.account_form import RecordForm

if TYPE_CHECKING:
    from csm_tui.models.contact import Contact
    from csm_tui.services.session import Session

# the form's field ids, by the service's field names
FIELDS = {
    "name": "contact-name",
    "title": "contact-title",
    "email": "contact-email",
    "phone": "contact-phone",
}
# the marks (services/contacts.ROLES), their checkbox ids and labels
MARKS = {
    "champion": ("contact-champion", N_("Champion")),
    "decision_maker": ("contact-decision-maker", N_("Decision maker")),
    "key": ("contact-key", N_("Key contact")),
}


class ContactFormScreen(RecordForm[bool]):
    """Dismisses with True when the account's champion changed (the playbooks run then)."""

    AUTO_FOCUS = "#contact-name"
    DEFAULT_CSS = """
    ContactFormScreen #contact-marks { margin-top: 1; }
    ContactFormScreen Checkbox { width: auto; margin-right: 2; }
    """

    def __init__(self, session: Session, account_id: str, contact: Contact | None = None) -> None:
        super().__init__()
        self.session = session
        self.account_id = account_id
        self.contact = contact
        records = session.records
        self.account = records.account(account_id)
        owned = records.crm_owned(self.account, {"contacts"})
        self.vendor = records.crm_vendor() if owned else ""

    def compose(self) -> ComposeResult:
        contact = self.contact
        with VerticalScroll():
            title = (
                _("Edit {name}").format(name=contact.name)
                if contact
                else _("New contact at {account}").format(account=self.account.name)
            )
            yield Static(title, classes="form-title")
            if self.vendor:
                yield Static(
                    _(
                        "{vendor} fills in the contacts of {account}: its next sync overwrites "
                        "a change made here. Change them in {vendor} to keep it."
                    ).format(vendor=self.vendor, account=self.account.name),
                    classes="note",
                )
            values = {
                "name": contact.name if contact else "",
                "title": contact.role if contact else "",
                "email": (contact.email or "") if contact else "",
                "phone": contact.phone if contact else "",
            }
            labels = {
                "name": _("Name"),
                "title": _("Job title"),
                "email": _("E-mail"),
                "phone": _("Phone"),
            }
            placeholders = {
                "title": _("VP Operations, 情報システム部長…"),
                "phone": "+81 3-1234-5678",
            }
            for key, field_id in FIELDS.items():
                widget = Input(
                    values[key], placeholder=placeholders.get(key, ""), compact=True, id=field_id
                )
                yield from self.field(labels[key], widget)
            with Horizontal(classes="field", id="contact-marks"):
                yield Label(_("Marks"))
                for role, (box_id, label) in MARKS.items():
                    marked = bool(contact and getattr(contact, f"is_{role}"))
                    yield Checkbox(_(label), marked, compact=True, id=box_id)
            yield Static("", id="contact-marks-error", classes="error")
            yield Static(_("One champion per account: a new one takes the mark."), classes="hint")
            yield Static(
                _("Enter or Ctrl+S saves · Space ticks a mark · Escape cancels"), classes="hint"
            )

    def roles(self) -> tuple[str, ...]:
        return tuple(
            role
            for role, (box_id, _label) in MARKS.items()
            if self.query_one(f"#{box_id}", Checkbox).value
        )

    def action_save(self) -> None:
        records = self.session.records
        typed = {key: self.text(field_id) for key, field_id in FIELDS.items()}
        try:
            if self.contact is None:
                saved = records.add_contact(
                    self.account_id,
                    name=typed["name"],
                    email=typed["email"],
                    title=typed["title"],
                    phone=typed["phone"],
                    roles=self.roles(),
                )
            else:
                saved = records.edit_contact(self.contact, **typed, roles=self.roles())
        except FieldError as exc:
            wrong = "title" if exc.field == "role" else exc.field
            self.show_errors({FIELDS.get(wrong, FIELDS["name"]): str(exc)})
            return
        except CsmError as exc:
            self.show_errors({FIELDS["name"]: str(exc)})
            return
        note = records.contacts_note(self.account_id)
        if note:
            self.say(note, severity="warning", timeout=10)
        else:
            self.say(_("Saved {name}.").format(name=saved.name))
        was_champion = bool(self.contact and self.contact.is_champion)
        self.dismiss(saved.is_champion != was_champion)
