"""The people at a customer: add, change, remove and list an account's contacts (journaled, so
they sync like the rest). One champion per account: naming a new one takes the mark from the
old one. A change of champion (one named in place of another, or the mark taken off) is recorded
with its day in `champion_changes` (journaled, synced): it opens the champion_change playbook
trigger (services/playbooks.py)."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError as PydanticError

from csm_tui.errors import FieldError, NotFoundError, ValidationError
from csm_tui.i18n import _
from csm_tui.models.account import Account
from csm_tui.models.contact import Contact
from csm_tui.services.accounts import add_contact
from csm_tui.services.roadmap_view import resolve_account
from csm_tui.store.accounts import contacts_of
from csm_tui.store.connection import Store
from csm_tui.store.journal import Transaction

ROLES = ("champion", "decision_maker", "key")
"""The marks a contact can carry (`--role`), each a flag of its own."""

_FIELDS = ("name", "role", "email", "phone", "is_champion", "is_decision_maker", "is_key")


def _checked(values: dict[str, Any]) -> Contact:
    try:
        return Contact.model_validate(values)
    except PydanticError as exc:
        wrong = sorted({str(error["loc"][0]) for error in exc.errors() if error["loc"]})
        fields = ", ".join(wrong)
        raise FieldError(
            _("The contact's {fields} is not valid.").format(fields=fields or "data"),
            wrong[0] if wrong else "name",
        ) from None


def _take_champion(tx: Transaction, contact: Contact) -> None:
    """The account's other champion (if any) is one no more: one champion per account. Taking
    the mark from another is a change of champion, and recorded."""
    rows = tx.store.query(
        "SELECT id, name FROM contacts WHERE account_id = ? AND is_champion = 1 AND id != ?",
        (contact.account_id, contact.id),
    )
    for other_id, other_name in rows:
        tx.update("contacts", other_id, {"is_champion": False})
        _record_change(tx, contact.account_id, contact, (other_id, other_name))


def _record_change(
    tx: Transaction, account_id: str, new: Contact | None, previous: tuple[str, str]
) -> None:
    """A change of the account's champion, on today's date, by whoever uses the book."""
    from csm_tui.models._base import new_id
    from csm_tui.services.identity import me_identity

    me = me_identity(tx.store)
    tx.insert(
        "champion_changes",
        {
            "id": new_id(),
            "account_id": account_id,
            "contact_id": new.id if new else None,
            "contact_name": new.name if new else "",
            "previous_contact_id": previous[0],
            "previous_name": previous[1],
            "changed_on": tx.store.clock.today().isoformat(),
            "changed_by": me[1] if me else "",
            "created_at": tx.now,
        },
    )


def champion_changes(store: Store, account_id: str) -> list[tuple[str, str, str]]:
    """The account's changes of champion, newest first: (day, previous name, new name)."""
    rows = store.query(
        "SELECT changed_on, previous_name, contact_name FROM champion_changes "
        "WHERE account_id = ? ORDER BY changed_on DESC, created_at DESC",
        (account_id,),
    )
    return [(row[0], row[1], row[2]) for row in rows]


def add(
    store: Store,
    account: Account,
    *,
    name: str,
    email: str | None = None,
    title: str = "",
    phone: str = "",
    roles: tuple[str, ...] = (),
) -> Contact:
    email = (email or "").strip().lower() or None
    if email and find_by_email(store, account.id, email) is not None:
        raise FieldError(
            _("{account} already has a contact with the e-mail {email}.").format(
                account=account.name, email=email
            ),
            "email",
        )
    contact = _checked(
        {
            "account_id": account.id,
            "name": name.strip(),
            "email": email,
            "role": title.strip(),
            "phone": phone.strip(),
            "is_champion": "champion" in roles,
            "is_decision_maker": "decision_maker" in roles,
            "is_key": "key" in roles,
        }
    )
    with store.transaction() as tx:
        if contact.is_champion:
            _take_champion(tx, contact)
        add_contact(tx, contact)
    return contact


def find_by_email(store: Store, account_id: str, email: str) -> Contact | None:
    wanted = email.strip().lower()
    return next((c for c in contacts_of(store, account_id) if c.email == wanted), None)


def resolve(store: Store, account_text: str, who: str) -> Contact:
    """A contact of an account, named by its id, e-mail address or name."""
    account = resolve_account(store, account_text)
    wanted = who.strip()
    found = [
        contact
        for contact in contacts_of(store, account.id)
        if wanted in (contact.id, contact.email) or contact.name.casefold() == wanted.casefold()
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(
            _("{account} has no contact {who}; see csm-tui contact list.").format(
                account=account.name, who=wanted
            )
        )
    raise ValidationError(
        _("{account} has {n} contacts named {who}; name one by its e-mail or id.").format(
            account=account.name, n=len(found), who=wanted
        )
    )


def edit(store: Store, contact: Contact, **changes: Any) -> Contact:
    """Change some fields (None: left as it is); `roles` replaces the marks when given."""
    values = contact.model_dump()
    roles = changes.pop("roles", None)
    email = changes.pop("email", None)
    if changes.get("title") is not None:
        changes["role"] = changes.pop("title").strip()
    changes.pop("title", None)
    values.update({key: value for key, value in changes.items() if value is not None})
    if email is not None:  # "" removes the address
        values["email"] = email.strip().lower() or None
    if roles is not None:
        values["is_champion"] = "champion" in roles
        values["is_decision_maker"] = "decision_maker" in roles
        values["is_key"] = "key" in roles
    updated = _checked(values)
    before = contact.model_dump()
    diff = {key: getattr(updated, key) for key in _FIELDS if getattr(updated, key) != before[key]}
    if not diff:
        return contact
    with store.transaction() as tx:
        if updated.is_champion and not contact.is_champion:
            _take_champion(tx, updated)
        elif contact.is_champion and not updated.is_champion:  # no champion now
            _record_change(tx, contact.account_id, None, (contact.id, contact.name))
        tx.update("contacts", contact.id, diff)
    return updated


def remove(store: Store, contact: Contact) -> None:
    with store.transaction() as tx:
        tx.delete("contacts", contact.id)


def restore(store: Store, contact: Contact) -> Contact:
    """Undo a removal: the same contact comes back (journaled as an insert). Still the
    champion only if the account has named no other since."""
    with store.transaction() as tx:
        taken = tx.store.query_one(
            "SELECT 1 FROM contacts WHERE account_id = ? AND is_champion = 1",
            (contact.account_id,),
        )
        back = contact.model_copy(update={"is_champion": False}) if taken else contact
        add_contact(tx, back)
    return back


def records(store: Store, account: Account) -> list[dict[str, Any]]:
    """The account's contacts as JSON-ready dicts (champion, then decision maker, then by name)."""
    return [
        {
            "id": contact.id,
            "name": contact.name,
            "email": contact.email,
            "title": contact.role,
            "phone": contact.phone,
            "roles": [role for role in ROLES if getattr(contact, f"is_{role}")],
        }
        for contact in contacts_of(store, account.id)
    ]
