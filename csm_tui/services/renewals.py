"""A renewal's outcome, and the next cycle (issue 14).

Recording one writes a `renewals` row (journaled, synced) with the day, the contract value and
renewal date before and after. Renewed, downgraded and expanded start the next cycle in the same
transaction: the renewal date moves on (a year unless given), the contract value changes, the
account goes back to the adoption stage for the new term (its adoption and renewal checklist
items are open again, due by the stage's rules from today; the old ticks stay in the journal),
and since the renewal playbooks fire once per renewal date, they fire again for the new one.
Churned archives the account (restorable) and keeps the record.

Retention over a period, of the contract values the renewals were about (previous value):
gross = (previous - lost) / previous, where lost is churned values and downgrades; net adds
expansions back. Per currency, or in the `[segments]` currency with its `rates`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from csm_tui.errors import FieldError
from csm_tui.formatting import money
from csm_tui.i18n import _
from csm_tui.models._base import new_id
from csm_tui.models.account import Account, Stage
from csm_tui.services.accounts import apply_account_changes
from csm_tui.services.archive import archive_in
from csm_tui.store.connection import Store


class RenewalOutcome(StrEnum):
    RENEWED = "renewed"
    CHURNED = "churned"
    DOWNGRADED = "downgraded"
    EXPANDED = "expanded"


@dataclass(frozen=True)
class Recorded:
    outcome: RenewalOutcome
    previous_value: Decimal | None
    new_value: Decimal | None
    new_renewal_date: date | None
    archived: bool
    reopened_items: int


def _next_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def proposed_renewal_date(account: Account, today: date) -> date:
    """The next renewal date when none is given: a year after the current one (or today)."""
    return _next_year(account.renewal_date or today)


def _check_value(
    outcome: RenewalOutcome, before: Decimal | None, after: Decimal | None, currency: str
) -> None:
    if outcome in (RenewalOutcome.DOWNGRADED, RenewalOutcome.EXPANDED) and after is None:
        raise FieldError(
            _("A {outcome} renewal needs its new --contract-value.").format(outcome=outcome.value),
            "contract_value",
        )
    if before is None or after is None:
        return
    if outcome is RenewalOutcome.DOWNGRADED and after >= before:
        raise FieldError(
            _("A downgrade lowers the contract value (it is {before} now).").format(
                before=money(before, currency)
            ),
            "contract_value",
        )
    if outcome is RenewalOutcome.EXPANDED and after <= before:
        raise FieldError(
            _("An expansion raises the contract value (it is {before} now).").format(
                before=money(before, currency)
            ),
            "contract_value",
        )


def record_renewal(
    store: Store,
    account: Account,
    outcome: RenewalOutcome,
    *,
    new_renewal_date: date | None = None,
    contract_value: Decimal | None = None,
    note: str = "",
    me: str = "",
) -> Recorded:
    today = store.clock.today()
    churned = outcome is RenewalOutcome.CHURNED
    if churned and (new_renewal_date or contract_value is not None):
        raise FieldError(
            _("A churned renewal has no new renewal date or contract value."), "outcome"
        )
    _check_value(outcome, account.contract_value, contract_value, account.currency)
    new_value = (
        None
        if churned
        else (contract_value if contract_value is not None else account.contract_value)
    )
    next_date = None
    if not churned:
        next_date = new_renewal_date or proposed_renewal_date(account, today)
        if account.renewal_date and next_date <= account.renewal_date:
            raise FieldError(
                _("The new renewal date must be after the current one ({day}).").format(
                    day=account.renewal_date
                ),
                "new_renewal_date",
            )
    row: dict[str, Any] = {
        "id": new_id(),
        "account_id": account.id,
        "outcome": outcome.value,
        "recorded_on": today.isoformat(),
        "renewal_date": account.renewal_date.isoformat() if account.renewal_date else None,
        "new_renewal_date": next_date.isoformat() if next_date else None,
        "previous_value": float(account.contract_value)
        if account.contract_value is not None
        else None,
        "new_value": float(new_value) if new_value is not None else None,
        "currency": account.currency,
        "note": " ".join(note.split()),
        "recorded_by": me,
    }
    archived = False
    reopened = 0
    with store.transaction() as tx:
        tx.insert("renewals", {**row, "created_at": tx.now})
        if churned:
            archived = archive_in(tx, account, today)
        else:
            updated = account.model_copy(
                update={
                    "renewal_date": next_date,
                    "contract_value": new_value,
                    "stage": Stage.ADOPTION,
                }
            )
            apply_account_changes(tx, account, updated, also={"stage_started_on": today})
            reopened = _reopen_for_new_term(tx, account.id)
            from csm_tui.services.checklist import refresh_due_in

            refresh_due_in(tx, updated)
    return Recorded(outcome, account.contract_value, new_value, next_date, archived, reopened)


def _reopen_for_new_term(tx: Any, account_id: str) -> int:
    """The adoption and renewal items are to do again for the new term."""
    rows = tx.store.query(
        "SELECT id FROM checklist_items WHERE account_id = ? AND done = 1 "
        "AND stage IN ('adoption', 'renewal')",
        (account_id,),
    )
    for (item_id,) in rows:
        tx.update("checklist_items", item_id, {"done": False, "done_at": None, "done_by": None})
    return len(rows)


# -- the report ----------------------------------------------------------------------------------


@dataclass
class Retention:
    currency: str
    renewals: int = 0
    previous: float = 0.0
    lost: float = 0.0  # churned values and downgrades
    gained: float = 0.0  # expansions
    unconverted: int = 0  # renewals in a currency without a rate

    @property
    def gross(self) -> float | None:
        return None if not self.previous else (self.previous - self.lost) / self.previous

    @property
    def net(self) -> float | None:
        return (
            None if not self.previous else (self.previous - self.lost + self.gained) / self.previous
        )


@dataclass
class RenewalReport:
    rows: list[dict[str, Any]] = field(default_factory=list)
    retention: list[Retention] = field(default_factory=list)


def renewals_report(
    store: Store,
    since: date,
    until: date,
    *,
    base: str | None = None,
    rates: dict[str, float] | None = None,
) -> RenewalReport:
    """The outcomes recorded from `since` to `until`, and retention per currency (or, with
    `base`, in that currency through `rates`: units of a currency per one `base`)."""
    found = store.query(
        "SELECT r.recorded_on, a.name, r.outcome, r.renewal_date, r.new_renewal_date, "
        "r.previous_value, r.new_value, r.currency, r.note, r.account_id "
        "FROM renewals AS r JOIN accounts AS a ON a.id = r.account_id "
        "WHERE r.recorded_on BETWEEN ? AND ? ORDER BY r.recorded_on, a.name COLLATE NOCASE",
        (since.isoformat(), until.isoformat()),
    )
    report = RenewalReport()
    totals: dict[str, Retention] = {}
    for (
        recorded_on,
        name,
        outcome,
        old_date,
        new_date,
        before,
        after,
        currency,
        note,
        account_id,
    ) in found:
        report.rows.append(
            {
                "recorded_on": recorded_on,
                "account": name,
                "account_id": account_id,
                "outcome": outcome,
                "renewal_date": old_date,
                "new_renewal_date": new_date,
                "previous_value": before,
                "new_value": after,
                "currency": currency,
                "note": note,
            }
        )
        key = base or currency
        total = totals.setdefault(key, Retention(key))
        total.renewals += 1
        factor = 1.0
        if base and currency != base:
            rate = (rates or {}).get(currency)
            if not rate:
                total.unconverted += 1
                continue
            factor = 1.0 / rate
        previous = (before or 0.0) * factor
        current = (
            0.0
            if outcome == "churned"
            else (after if after is not None else before or 0.0) * factor
        )
        total.previous += previous
        if current < previous:
            total.lost += previous - current
        else:
            total.gained += current - previous
    report.retention = [totals[key] for key in sorted(totals)]
    return report


def default_period(today: date) -> tuple[date, date]:
    """The last 365 days, today included."""
    return today - timedelta(days=364), today
