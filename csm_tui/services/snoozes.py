"""Setting an account aside on Today for some days, with a reason (issue 14): `z` on Today,
`csm-tui today snooze ACCOUNT DAYS --reason R`. The account leaves the ranked list, is listed
under "Snoozed" with its reason and the day it comes back, and comes back on that day.

A snooze is the CSM's own (a colleague covering the account still sees it on their Today):
journaled, synced, and private to its user on the server. Each change returns what was there
before (`Previous`), which `restore` puts back: the app's undo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from csm_tui import formatting as fmt
from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.i18n import _
from csm_tui.models.limits import MAX_SHORT
from csm_tui.store import snoozes as queries
from csm_tui.store.connection import Store
from csm_tui.store.snoozes import SnoozeRow

__all__ = ["MAX_DAYS", "Previous", "SnoozeRow", "restore", "snooze", "snoozed", "unsnooze"]

MAX_DAYS = 365
"""The longest snooze: an account set aside for longer belongs archived, not snoozed."""


@dataclass(frozen=True)
class Previous:
    """What the user's snooze of an account was before a change (None: there was none)."""

    user_email: str
    account_id: str
    name: str
    row: SnoozeRow | None


def _account(store: Store, account_id: str) -> tuple[str, str | None]:
    row = store.query_one("SELECT name, archived_on FROM accounts WHERE id = ?", (account_id,))
    if row is None:
        raise NotFoundError(_("No account with id {id}.").format(id=account_id))
    return row[0], row[1]


def snooze(store: Store, user_email: str, account_id: str, days: int, reason: str) -> Previous:
    """Set the account aside on the user's Today for `days` days (1 to 365): it comes back on
    today + days. Snoozing a snoozed account sets the new day and reason."""
    if days < 1 or days > MAX_DAYS:
        raise ValidationError(
            _("Snooze an account for 1 to {max} days, not {days}.").format(max=MAX_DAYS, days=days)
        )
    text = " ".join(reason.split())
    if len(text) > MAX_SHORT:
        raise ValidationError(_("A snooze's reason is at most {n} characters.").format(n=MAX_SHORT))
    name, archived_on = _account(store, account_id)
    if archived_on is not None:
        raise ValidationError(
            _("{name} is archived: it is not on Today to set aside.").format(name=name)
        )
    today = store.clock.today()
    values = {
        "until": (today + timedelta(days=days)).isoformat(),
        "reason": text,
        "snoozed_on": today.isoformat(),
    }
    return _write(store, user_email, account_id, name, values)


def unsnooze(store: Store, user_email: str, account_id: str) -> Previous:
    """Bring the account back on the user's Today now."""
    name, _archived = _account(store, account_id)
    current = queries.snooze_row(store, user_email, account_id)
    today = store.clock.today()
    if current is None or date.fromisoformat(current.until) <= today:
        raise ValidationError(_("{name} is not snoozed.").format(name=name))
    return _write(store, user_email, account_id, name, {"until": today.isoformat()})


def restore(store: Store, previous: Previous) -> None:
    """Put back what a snooze or unsnooze changed (the app's undo). There was no snooze before:
    the account comes back today (rows are never deleted)."""
    row = previous.row
    if row is None:
        values = {"until": store.clock.today().isoformat()}
    else:
        values = {"until": row.until, "reason": row.reason, "snoozed_on": row.snoozed_on}
    _write(store, previous.user_email, previous.account_id, previous.name, values)


def _write(
    store: Store, user_email: str, account_id: str, name: str, values: dict[str, str]
) -> Previous:
    row_id = queries.snooze_id(user_email, account_id)
    with store.transaction() as tx:
        before = queries.snooze_row(store, user_email, account_id)
        if before is None:
            row = {
                "id": row_id,
                "account_id": account_id,
                "user_email": user_email,
                "reason": "",
                "snoozed_on": store.clock.today().isoformat(),
                **values,
                "updated_at": tx.now,
            }
            tx.insert(queries.TABLE, row)
        else:
            tx.update(queries.TABLE, row_id, {**values, "updated_at": tx.now})
    return Previous(user_email, account_id, name, before)


def snoozed(store: Store, user_email: str, today: date) -> list[SnoozeRow]:
    """The user's accounts set aside today, the soonest back first."""
    return queries.snoozed(store, user_email, today)


def back_on(row: SnoozeRow) -> str:
    """`back on 2026-12-14`, in the current language."""
    return _("back on {day}").format(day=fmt.day(date.fromisoformat(row.until)))
