"""Accounts set aside on a user's Today until a day (issue 14): one row per user and account
(`account_snoozes`, migration 15), journaled and synced, private to its user on the server.

The row's id is derived from the user and the account, so two devices snoozing one account
write one row; an account comes back when `until` is today or earlier (bringing it back early
moves `until` to today: rows are never deleted).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import NamedTuple

from csm_tui.store.connection import Store

TABLE = "account_snoozes"


class SnoozeRow(NamedTuple):
    """An account of mine set aside until a day."""

    id: str
    account_id: str
    name: str
    until: str  # the day it comes back (ISO)
    reason: str
    snoozed_on: str


def snooze_id(user_email: str, account_id: str) -> str:
    """The same on every device, so two devices snoozing one account write one row."""
    return hashlib.sha1(f"{user_email.lower()}\n{account_id}".encode()).hexdigest()


def snooze_row(store: Store, user_email: str, account_id: str) -> SnoozeRow | None:
    """The user's snooze row for the account (current or past), if any."""
    row = store.query_one(
        "SELECT s.id, s.account_id, a.name, s.until, s.reason, s.snoozed_on "
        "FROM account_snoozes AS s JOIN accounts AS a ON a.id = s.account_id WHERE s.id = ?",
        (snooze_id(user_email, account_id),),
    )
    return None if row is None else SnoozeRow(*row)


def snoozed(store: Store, user_email: str, today: date) -> list[SnoozeRow]:
    """The user's accounts set aside today (coming back after today), the soonest back first;
    archived accounts are not listed (they are hidden everywhere)."""
    rows = store.query(
        "SELECT s.id, s.account_id, a.name, s.until, s.reason, s.snoozed_on "
        "FROM account_snoozes AS s JOIN accounts AS a ON a.id = s.account_id "
        "WHERE s.user_email = ? AND s.until > ? AND a.archived_on IS NULL "
        "ORDER BY s.until, a.name COLLATE NOCASE, a.id",
        (user_email, today.isoformat()),
    )
    return [SnoozeRow(*row) for row in rows]
