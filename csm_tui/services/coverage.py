"""Secondary owners and their coverage periods; the accounts I cover, for the Covering screen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.i18n import _
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.store import owners as queries
from csm_tui.store.accounts import get_account
from csm_tui.store.connection import Store

REASON_MAX = 200


def parse_day(text: str, today: date) -> date | None:
    """A date typed in a form, read as everywhere (csm_tui/date_input.py): 2026-12-01,
    2026/12/1, 2026年12月1日, R8.12.1, today, +14, or 12/1 (the nearest one: "1/10" typed in
    December is next January's). Blank means no date.
    """
    from csm_tui.date_input import DateInputError, parse_date

    try:
        return parse_date(text, today, prefer="nearest")
    except DateInputError as error:
        if error.reason == "unreadable":
            raise ValidationError(
                _("{text!r} is not a date like 2026-12-01.").format(text=text)
            ) from None
        raise


def check_period(start: date | None, end: date | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError(
            _("The coverage period ends ({end}) before it starts ({start}).").format(
                start=start.isoformat(), end=end.isoformat()
            )
        )


def _email(text: str) -> str:
    """A valid, lower-cased e-mail address, or a clear error."""
    from pydantic import TypeAdapter
    from pydantic import ValidationError as PydanticError

    from csm_tui.models._base import Email

    if not text.strip():
        raise ValidationError(_("Give the colleague's e-mail address."))
    try:
        return str(TypeAdapter(Email).validate_python(text))
    except PydanticError:
        raise ValidationError(
            _("{text!r} is not an e-mail address like ken.sato@example.com.").format(text=text)
        ) from None


def _account_name(store: Store, account_id: str) -> str:
    account = get_account(store, account_id)
    if account is None:
        raise NotFoundError(_("No account with id {id}.").format(id=account_id))
    return account.name


def known_people(store: Store) -> list[tuple[str, str]]:
    """(e-mail, name) of the colleagues the book knows, for completing an e-mail address."""
    return queries.known_people(store)


def assign_secondary(
    store: Store,
    account_id: str,
    email: str,
    *,
    coverage_from: date | None = None,
    coverage_to: date | None = None,
    reason: str = "",
) -> OwnerAssignment:
    """Make a colleague a secondary owner of the account (journaled)."""
    name = _account_name(store, account_id)
    address = _email(email)
    check_period(coverage_from, coverage_to)
    current = queries.get_owner(store, account_id, address)
    if current is not None:
        if current.role is Role.PRIMARY:
            message = _("{email} is already the primary owner of {name}.")
        else:
            message = _("{email} is already a secondary owner of {name}.")
        raise ValidationError(message.format(email=address, name=name))
    owner = OwnerAssignment(
        account_id=account_id,
        user_email=address,
        role=Role.SECONDARY,
        coverage_from=coverage_from,
        coverage_to=coverage_to,
        coverage_reason=_reason(reason),
    )
    from csm_tui.services.accounts import add_owner

    with store.transaction() as tx:
        add_owner(tx, owner)
    return owner


def remove_secondary(store: Store, account_id: str, email: str) -> None:
    """Take a colleague off the account's secondary owners (journaled)."""
    owner = _secondary(store, account_id, email)
    with store.transaction() as tx:
        tx.delete("owners", owner.id)


def set_coverage(
    store: Store,
    account_id: str,
    email: str,
    coverage_from: date | None,
    coverage_to: date | None,
    reason: str = "",
) -> OwnerAssignment:
    """Set (or clear, with no dates) when a secondary owner covers the account, and why."""
    check_period(coverage_from, coverage_to)
    owner = _secondary(store, account_id, email)
    changes = {
        "coverage_from": coverage_from,
        "coverage_to": coverage_to,
        "coverage_reason": _reason(reason),
    }
    current = {key: getattr(owner, key) for key in changes}
    diff = {key: value for key, value in changes.items() if current[key] != value}
    if diff:
        with store.transaction() as tx:
            tx.update("owners", owner.id, diff)
    return owner.model_copy(update=changes)


def _secondary(store: Store, account_id: str, email: str) -> OwnerAssignment:
    name = _account_name(store, account_id)
    address = _email(email)
    owner = queries.get_owner(store, account_id, address)
    if owner is None or owner.role is not Role.SECONDARY:
        raise NotFoundError(
            _("{email} is not a secondary owner of {name}.").format(email=address, name=name)
        )
    return owner


def _reason(text: str) -> str:
    reason = " ".join(text.split())
    if len(reason) > REASON_MAX:
        raise ValidationError(_("Keep the reason under {n} characters.").format(n=REASON_MAX + 1))
    return reason


# -- the Covering screen ---------------------------------------------------------------------


class CoverageStatus(IntEnum):
    """In the order the Covering screen lists them."""

    ACTIVE = 0  # covering now
    UPCOMING = 1  # a period that starts later
    STANDBY = 2  # secondary owner without a period
    ENDED = 3  # the period is over


def coverage_status(start: date | None, end: date | None, today: date) -> CoverageStatus:
    if start is None and end is None:
        return CoverageStatus.STANDBY
    if end is not None and end < today:
        return CoverageStatus.ENDED
    if start is not None and start > today:
        return CoverageStatus.UPCOMING
    return CoverageStatus.ACTIVE


@dataclass(frozen=True)
class CoveredAccount:
    """One line of the Covering screen."""

    row: queries.CoveredRow
    status: CoverageStatus
    unread: int
    days_to_renewal: int | None
    health_change_30d: int | None


def covering(store: Store, email: str, today: date) -> list[CoveredAccount]:
    """The accounts `email` covers: active periods first (ending soonest), then upcoming ones,
    then those without a period, then ended ones; each group by renewal date."""
    from csm_tui.store.handoff import unread_counts

    rows = queries.covered_accounts(store, email, today)
    unread = unread_counts(store, email, [row.account_id for row in rows])
    result = []
    for row in rows:
        change = None
        if row.health_score is not None and row.health_30d_ago is not None:
            change = row.health_score - row.health_30d_ago
        result.append(
            CoveredAccount(
                row=row,
                status=coverage_status(row.coverage_from, row.coverage_to, today),
                unread=unread.get(row.account_id, 0),
                days_to_renewal=(row.renewal_date - today).days if row.renewal_date else None,
                health_change_30d=change,
            )
        )

    def order(item: CoveredAccount) -> tuple[int, date, date, str]:
        far = date.max
        ends = item.row.coverage_to or far
        starts = item.row.coverage_from or far
        first = ends if item.status is CoverageStatus.ACTIVE else starts
        return (item.status, first, item.row.renewal_date or far, item.row.name.casefold())

    return sorted(result, key=order)
