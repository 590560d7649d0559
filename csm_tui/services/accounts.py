"""Creating and changing accounts, their owners, contacts and health; the account overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from csm_tui.clock import Clock
from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.models.account import Account
from csm_tui.models.contact import Contact
from csm_tui.models.health import HealthSnapshot
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.services.changes import changed_fields, with_changes
from csm_tui.store import accounts as queries
from csm_tui.store.connection import Store
from csm_tui.store.journal import Transaction

ACCOUNT_FIELDS = (
    "external_id",
    "name",
    "segment",
    "contract_value",
    "currency",
    "renewal_date",
    "health_score",
    "stage",
    "tags",
)


def account_row(account: Account, now: str) -> dict[str, Any]:
    row = account.model_dump(mode="python")
    row["created_at"] = now
    row["updated_at"] = now
    return row


def add_account(tx: Transaction, account: Account) -> Account:
    """Insert an account inside an open transaction."""
    tx.insert("accounts", account_row(account, tx.now))
    return account


def create_account(store: Store, account: Account, primary_owner: str | None = None) -> Account:
    with store.transaction() as tx:
        add_account(tx, account)
        if primary_owner:
            add_owner(
                tx,
                OwnerAssignment(account_id=account.id, user_email=primary_owner, role=Role.PRIMARY),
            )
    return account


def update_account(store: Store, account_id: str, **changes: Any) -> Account:
    """Change some fields of an account; the result is validated as a whole before writing."""
    current = queries.get_account(store, account_id)
    if current is None:
        raise NotFoundError(f"No account with id {account_id}.")
    unknown = set(changes) - set(ACCOUNT_FIELDS)
    if unknown:
        raise ValidationError(f"Accounts have no field {', '.join(sorted(unknown))}.")
    updated = with_changes(current, changes)
    with store.transaction() as tx:
        # a new stage starts today: its due rules count from here
        started = (
            {"stage_started_on": store.clock.today()} if updated.stage != current.stage else {}
        )
        apply_account_changes(tx, current, updated, also=started)
        if (updated.stage, updated.renewal_date) != (current.stage, current.renewal_date):
            from csm_tui.services.checklist import refresh_due_in

            refresh_due_in(tx, updated)
    return updated


def apply_account_changes(
    tx: Transaction, current: Account, updated: Account, also: dict[str, Any] | None = None
) -> bool:
    """Write the fields that differ (and `also`, with them); returns whether anything changed."""
    diff = changed_fields(current, updated, ACCOUNT_FIELDS)
    if not diff:
        return False
    diff.update(also or {})
    diff["updated_at"] = tx.now
    tx.update("accounts", current.id, diff)
    return True


def add_owner(tx: Transaction, owner: OwnerAssignment) -> OwnerAssignment:
    row = owner.model_dump(mode="python")
    row["created_at"] = tx.now
    tx.insert("owners", row)
    return owner


def add_contact(tx: Transaction, contact: Contact) -> Contact:
    row = contact.model_dump(mode="python")
    row["created_at"] = tx.now
    tx.insert("contacts", row)
    return contact


def record_health(store: Store, snapshot: HealthSnapshot) -> None:
    """Keep a day's health score; the newest one becomes the account's current score."""
    with store.transaction() as tx:
        tx.insert("health_snapshots", snapshot.model_dump(mode="python"))
        latest = store.query_one(
            "SELECT max(date) FROM health_snapshots WHERE account_id = ?", (snapshot.account_id,)
        )
        if latest and latest[0] == snapshot.date.isoformat():
            tx.update(
                "accounts",
                snapshot.account_id,
                {"health_score": snapshot.score, "updated_at": tx.now},
            )


@dataclass(frozen=True)
class OwnerView:
    email: str
    name: str
    role: Role
    coverage_from: date | None
    coverage_to: date | None
    coverage_reason: str
    is_me: bool


@dataclass(frozen=True)
class AccountOverview:
    """Everything the Overview tab shows, computed for one day."""

    account: Account
    owners: list[OwnerView]
    contacts: list[Contact]
    health: list[HealthSnapshot]  # the last 12 months, oldest first
    health_change_30d: int | None
    days_to_renewal: int | None
    last_activity: str | None
    my_role: Role | None


def account_overview(store: Store, account_id: str, clock: Clock) -> AccountOverview:
    account = queries.get_account(store, account_id)
    if account is None:
        raise NotFoundError(f"No account with id {account_id}.")
    today = clock.today()
    from csm_tui.services.identity import me_identity

    me = me_identity(store)
    names = queries.user_names(store)
    owners = [
        OwnerView(
            email=owner.user_email,
            name=names.get(owner.user_email, owner.user_email),
            role=owner.role,
            coverage_from=owner.coverage_from,
            coverage_to=owner.coverage_to,
            coverage_reason=owner.coverage_reason,
            is_me=bool(me and owner.user_email == me[1]),
        )
        for owner in queries.owners_of(store, account_id)
    ]
    history = queries.health_history(store, account_id, today - timedelta(days=365))
    # the same rule as the book table: the latest score at least 30 days old, however old
    past = queries.health_on_or_before(store, account_id, today - timedelta(days=30))
    change = (
        account.health_score - past
        if past is not None and account.health_score is not None
        else None
    )
    mine = next((owner.role for owner in owners if owner.is_me), None)
    return AccountOverview(
        account=account,
        owners=owners,
        contacts=queries.contacts_of(store, account_id),
        health=history,
        health_change_30d=change,
        days_to_renewal=(account.renewal_date - today).days if account.renewal_date else None,
        last_activity=queries.last_activity_at(store, account_id),
        my_role=mine,
    )
