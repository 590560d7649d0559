"""The Contacts section of an account's Overview: the people, their marks, and the keys to
change them (add, edit, remove with undo, mark champion / decision maker / key contact).

Every change goes through the records service (journaled, synced); one champion per account is
the service's rule. The table tells its screen (`Changed`) to redraw after an edit made here;
the forms' saves reach the screen through the change signal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import DataTable

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _

if TYPE_CHECKING:
    from csm_tui.models.contact import Contact
    from csm_tui.services.session import Session

# a mark's symbol and its word (services/contacts.ROLES)
MARKS = {
    "champion": ("★", N_("champion")),
    "decision_maker": ("◆", N_("decision maker")),
    "key": ("●", N_("key contact")),
}


def legend() -> Text:
    """What the symbols mean, and the keys of the table (the footer has room for few)."""
    text = Text()
    for key, (symbol, word) in zip("cdk", MARKS.values(), strict=True):
        text.append(f"{key} ", style="bold")
        text.append(f"{symbol} {_(word)}   ")
    for key, word in (("n", N_("add")), ("e", N_("edit")), ("x", N_("remove")), ("u", N_("undo"))):
        text.append(f"{key} ", style="bold")
        text.append(f"{_(word)}  ")
    text.rstrip()
    return text


class ContactTable(DataTable[str]):
    """One row per contact: champion first, then decision makers, then by name."""

    BINDINGS = [
        # the line under the table shows the keys: the footer keeps the screen's
        Binding("n", "add", N_("Add contact"), show=False, id="contacts.add"),
        Binding("e", "edit", N_("Edit contact"), show=False, id="contacts.edit"),
        Binding("x,delete", "remove", N_("Remove contact"), show=False, id="contacts.remove"),
        Binding("u", "undo", N_("Undo remove"), show=False, id="contacts.undo"),
        Binding("c", "mark('champion')", N_("Champion"), show=False, id="contacts.champion"),
        Binding(
            "d",
            "mark('decision_maker')",
            N_("Decision maker"),
            show=False,
            id="contacts.decision",
        ),
        Binding("k", "mark('key')", N_("Key contact"), show=False, id="contacts.key"),
    ]

    DEFAULT_CSS = """
    ContactTable { height: auto; max-height: 12; }
    """

    class Changed(Message):
        """A contact was removed, brought back or marked here: the screen redraws."""

    class ChampionChanged(Message):
        """The account's champion changed (here or in the form): the playbooks run, as a
        change of champion opens the champion_change trigger."""

    def __init__(
        self,
        session: Session,
        account_id: str,
        contacts: list[Contact],
        removed: list[Contact],
    ) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="contact-table")
        self.session = session
        self.account_id = account_id
        self.contacts = contacts
        self.removed = removed  # owned by the screen: undo outlives a redraw

    def on_mount(self) -> None:
        self.add_columns(_("Name"), _("Job title"), _("E-mail"), _("Phone"), _("Marks"))
        for contact in self.contacts:
            marks = " ".join(
                symbol for role, (symbol, _word) in MARKS.items() if getattr(contact, f"is_{role}")
            )
            self.add_row(
                contact.name,
                contact.role or "—",
                contact.email or "—",
                contact.phone or "—",
                marks,
                key=contact.id,
            )

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self.bring_into_view()

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self.bring_into_view()

    def bring_into_view(self) -> None:
        """The Overview opens at its top: working in the table shows the Contacts box whole
        (the table and the line of keys under it)."""
        box = self.parent if isinstance(self.parent, Widget) else self
        box.scroll_visible(animate=False)

    def show(self, contact_id: str) -> None:
        """The cursor on this contact (if it is still there)."""
        ids = [contact.id for contact in self.contacts]
        if contact_id in ids:
            self.move_cursor(row=ids.index(contact_id))

    def current(self) -> Contact | None:
        if self.row_count == 0:
            return None
        row_key, _column = self.coordinate_to_cell_key(self.cursor_coordinate)
        return next((c for c in self.contacts if c.id == row_key.value), None)

    def _crm_note(self) -> None:
        note = self.session.records.contacts_note(self.account_id)
        if note:
            self.notify(note, severity="warning", timeout=10)

    def action_add(self) -> None:
        self._open_form(None)

    def action_edit(self) -> None:
        contact = self.current()
        if contact is not None:
            self._open_form(contact)

    def _open_form(self, contact: Contact | None) -> None:
        """The form; what it saves comes back through the change signal."""
        from csm_tui.ui.screens.contact_form import ContactFormScreen

        def saved(champion_changed: bool | None) -> None:
            if champion_changed:
                self.post_message(self.ChampionChanged())

        try:
            form = ContactFormScreen(self.session, self.account_id, contact)
        except CsmError as exc:  # a sync took the account away
            self.notify(str(exc), severity="error")
            return
        self.app.push_screen(form, saved)

    def action_select_cursor(self) -> None:
        self.action_edit()  # Enter edits, as `e`

    def action_remove(self) -> None:
        contact = self.current()
        if contact is None:
            return
        try:
            self.session.records.remove_contact(contact)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self.removed.append(contact)
        self.notify(_("Removed {name}. Press u to undo.").format(name=contact.name))
        self._crm_note()
        self.post_message(self.Changed())

    def action_undo(self) -> None:
        if not self.removed:
            self.notify(_("Nothing to undo."), severity="warning")
            return
        back = self.session.records.restore_contact(self.removed.pop())
        self.notify(_("{name} is back.").format(name=back.name))
        self.post_message(self.Changed())

    def action_mark(self, role: str) -> None:
        """Set or clear one mark; a new champion takes the mark from the old one."""
        contact = self.current()
        if contact is None:
            return
        roles = {r for r in MARKS if getattr(contact, f"is_{r}")}
        roles.symmetric_difference_update({role})
        try:
            self.session.records.edit_contact(contact, roles=tuple(roles))
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        word = _(MARKS[role][1])
        if role in roles:
            said = _("{name} is marked {mark}.").format(name=contact.name, mark=word)
        else:
            said = _("{name} is no longer marked {mark}.").format(name=contact.name, mark=word)
        self.notify(said)
        self._crm_note()
        self.post_message(self.Changed())
        if role == "champion":
            self.post_message(self.ChampionChanged())
