"""The records a CSM keeps up to date, as the CLI and the app's forms change them (issue 14).

One reading of typed account fields for both (`read_account_input`: the CSV import's cell
readers and the one date reader), one way to add an account (the user its primary owner, its
stage's checklist), the fields a connected CRM owns (its next pass overwrites them), and
`RecordsService`, what the app's forms call: accounts, archive, contacts, a renewal's outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from csm_tui.clock import Clock
from csm_tui.errors import FieldError, NotFoundError, ValidationError
from csm_tui.i18n import N_, _
from csm_tui.models.account import Account
from csm_tui.models.contact import Contact
from csm_tui.store.connection import Store

if TYPE_CHECKING:
    from csm_tui.services.archive import ArchivedAccount

# input key (the CLI's option, the form's field) -> the account's field
ACCOUNT_INPUTS: dict[str, str] = {
    "name": "name",
    "external_id": "external_id",
    "segment": "segment",
    "contract_value": "contract_value",
    "currency": "currency",
    "renewal_date": "renewal_date",
    "health": "health_score",
    "stage": "stage",
    "tags": "tags",
}


def _readers() -> dict[str, Callable[[str], Any]]:
    from csm_tui.services import csv_columns as cells

    return {
        "name": cells.read_name,
        "external_id": cells.read_external_id,
        "segment": cells.read_segment,
        "currency": cells.read_currency,
        "health": cells.read_health_score,
        "stage": cells.read_stage,
        "tags": cells.read_tags,
    }


CONFLICT = N_("The amount is in {a} but the currency is {b}.")


def read_account_input(
    given: Mapping[str, str | None], today: date, *, conflict: str = CONFLICT
) -> tuple[dict[str, Any], dict[str, str]]:
    """The account fields of the inputs given (None: not given), read as the import reads a
    cell; and the errors, by input key (every input is read: a form shows them all).
    `conflict` says that the amount's currency is not the one given (the CLI names options)."""
    from csm_tui.date_input import parse_date
    from csm_tui.services import csv_columns as cells

    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for key, read in _readers().items():
        text = given.get(key)
        if text is None:
            continue
        try:
            values[ACCOUNT_INPUTS[key]] = read(text)
        except cells.BadValue as exc:
            errors[key] = str(exc)
    if given.get("contract_value") is not None:
        try:
            amount, implied = cells.read_contract_value(given["contract_value"] or "")
        except cells.BadValue as exc:
            errors["contract_value"] = str(exc)
        else:
            values["contract_value"] = amount
            if implied and values.get("currency") is None:
                values["currency"] = implied  # "¥1,200,000" with no currency typed: JPY
            chosen = values.get("currency")
            if implied and chosen != implied and "currency" not in errors:
                errors["currency"] = _(conflict).format(a=implied, b=chosen)
    if given.get("renewal_date") is not None:
        try:
            values["renewal_date"] = parse_date(given["renewal_date"] or "", today, prefer="future")
        except ValidationError as exc:
            errors["renewal_date"] = str(exc)
    return values, errors


def first_error(errors: Mapping[str, str]) -> None:
    """Raise the first of `errors` as a ValidationError (what the CLI says)."""
    for message in errors.values():
        raise ValidationError(message)


def account_from(values: dict[str, Any]) -> Account:
    """A new account of read fields, checked (before any book is opened)."""
    try:
        return Account.model_validate(values)
    except Exception as exc:  # pydantic's ValidationError: one sentence
        raise ValidationError(_("The account is not valid: {error}").format(error=exc)) from None


def new_account(store: Store, account: Account) -> Account:
    """Add the account: the user its primary owner, its stage's checklist (as an import)."""
    from csm_tui.services.accounts import create_account
    from csm_tui.services.checklist import add_missing_roadmaps
    from csm_tui.services.csv_parse import nfkc
    from csm_tui.services.identity import me_identity

    if account.external_id and store.query_one(
        "SELECT 1 FROM accounts WHERE external_id = ?", (nfkc(account.external_id),)
    ):
        raise FieldError(
            _("An account already has the external id {id}.").format(id=account.external_id),
            "external_id",
        )
    me = me_identity(store)
    with store.transaction():
        create_account(store, account, primary_owner=me[1] if me else None)
        add_missing_roadmaps(store)  # its stage's checklist, as an import gives
    return account


# -- what a connected CRM owns (docs/crm.md) -----------------------------------------------------


def crm_owned(store: Store, account: Account, fields: set[str]) -> list[str]:
    """The fields of `account` a connected CRM fills in on its next pass (docs/crm.md)."""
    from csm_tui.services.crm import connection

    state = connection(store)
    if not state or not account.external_id:
        return []
    owned = {"name", "contacts", *state.get("mapping", {})}  # docs/crm.md: what a pass owns
    return sorted(fields & owned)


def crm_vendor(store: Store) -> str:
    """The connected CRM's name as a sentence shows it ("Hubspot"), "" when none."""
    from csm_tui.services.crm import connection

    state = connection(store)
    return str(state.get("vendor", "CRM")).capitalize() if state else ""


def crm_note(store: Store, account: Account, fields: set[str]) -> str | None:
    """The sentence that says a change of `fields` will not last (None: it will)."""
    owned = crm_owned(store, account, fields)
    if not owned:
        return None
    return _(
        "Note: {vendor} owns {fields} of {account}; its next sync overwrites this "
        "change. Change it in {vendor} to keep it."
    ).format(vendor=crm_vendor(store), fields=", ".join(owned), account=account.name)


# -- what the app's forms call -------------------------------------------------------------------


@dataclass(frozen=True)
class RenewalPreview:
    """What the renewal form shows before anything is typed."""

    account: Account
    previous_value: Decimal | None
    proposed_date: date  # the next renewal date if none is typed


@dataclass(frozen=True)
class Edited:
    account: Account
    changed: list[str]  # the account fields that changed
    crm_note: str | None  # the CRM overwrites some of them on its next pass


class RecordsService:
    """Accounts, archive, contacts and renewals, for the app (the CLI calls the same
    functions). Errors are `ValidationError`s with one translated sentence."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def account(self, account_id: str) -> Account:
        from csm_tui.store.accounts import get_account

        account = get_account(self.store, account_id)
        if account is None:
            raise NotFoundError(_("This account is no longer in the book."))
        return account

    def read_account(
        self, given: Mapping[str, str | None]
    ) -> tuple[dict[str, Any], dict[str, str]]:
        values, errors = read_account_input(given, self.clock.today())
        if values.get("currency", "") is None:
            del values["currency"]  # no currency typed: the account's (or USD)
        return values, errors

    def add_account(self, values: dict[str, Any]) -> Account:
        return new_account(self.store, account_from(values))

    def edit_account(self, account_id: str, values: dict[str, Any]) -> Edited:
        from csm_tui.services.accounts import update_account

        before = self.account(account_id)
        try:
            after = update_account(self.store, account_id, **values)
        except ValidationError:
            raise
        except Exception as exc:  # pydantic's: one sentence
            raise ValidationError(
                _("The account is not valid: {error}").format(error=exc)
            ) from None
        changed = sorted(key for key in values if getattr(before, key) != getattr(after, key))
        return Edited(after, changed, crm_note(self.store, before, set(changed)))

    def crm_owned(self, account: Account, fields: set[str]) -> list[str]:
        return crm_owned(self.store, account, fields)

    def crm_vendor(self) -> str:
        return crm_vendor(self.store)

    def archived_on(self, account_id: str) -> date | None:
        """The day the account was archived (churned, or `x` on the book); None: in the book."""
        from csm_tui.services import archive

        return archive.archived_on(self.store, account_id)

    def archive(self, account_id: str) -> bool:
        from csm_tui.services import archive

        return archive.archive(self.store, self.account(account_id))

    def restore(self, account_id: str) -> bool:
        from csm_tui.services import archive

        return archive.restore(self.store, self.account(account_id))

    def archived_accounts(self) -> list[ArchivedAccount]:
        """The archived accounts, newest first (the Archived screen, where they come back)."""
        from csm_tui.services import archive

        return archive.archived_accounts(self.store)

    # -- contacts --------------------------------------------------------------------------

    def contacts(self, account_id: str) -> list[Contact]:
        """Champion first, then decision makers, then by name."""
        from csm_tui.store.accounts import contacts_of

        return contacts_of(self.store, account_id)

    def add_contact(self, account_id: str, **fields: Any) -> Contact:
        from csm_tui.services import contacts

        return contacts.add(self.store, self.account(account_id), **fields)

    def edit_contact(self, contact: Contact, **changes: Any) -> Contact:
        from csm_tui.services import contacts

        return contacts.edit(self.store, contact, **changes)

    def remove_contact(self, contact: Contact) -> None:
        from csm_tui.services import contacts

        contacts.remove(self.store, contact)

    def restore_contact(self, contact: Contact) -> Contact:
        from csm_tui.services import contacts

        return contacts.restore(self.store, contact)

    def last_champion_change(self, account_id: str) -> tuple[str, str, str] | None:
        """The account's latest change of champion: (day, previous name, new name; "" for
        none), or None if it never changed (services/contacts.py records them)."""
        from csm_tui.services.contacts import champion_changes

        changes = champion_changes(self.store, account_id)
        return changes[0] if changes else None

    def contacts_note(self, account_id: str) -> str | None:
        """What the CLI says of a contact change on an account a connected CRM fills in."""
        return crm_note(self.store, self.account(account_id), {"contacts"})

    # -- renewals --------------------------------------------------------------------------

    def renewal_preview(self, account_id: str) -> RenewalPreview:
        from csm_tui.services.renewals import proposed_renewal_date

        account = self.account(account_id)
        proposed = proposed_renewal_date(account, self.clock.today())
        return RenewalPreview(account, account.contract_value, proposed)

    def record_renewal(
        self,
        account_id: str,
        outcome: str,
        *,
        new_renewal_date: date | None,
        contract_value: Decimal | None,
        note: str,
    ) -> Any:
        """Record the outcome (services/renewals.py); returns its `Recorded`."""
        from csm_tui.services.identity import me_identity
        from csm_tui.services.renewals import RenewalOutcome, record_renewal

        me = me_identity(self.store)
        return record_renewal(
            self.store,
            self.account(account_id),
            RenewalOutcome(outcome),
            new_renewal_date=new_renewal_date,
            contract_value=contract_value,
            note=note,
            me=me[1] if me else "",
        )
