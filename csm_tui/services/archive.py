"""Archiving an account (issue 14): kept with everything it holds, hidden from the book and
Today, restorable. `archived_on` is a column of the account's row, journaled and synced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from csm_tui.models.account import Account
from csm_tui.store.connection import Store
from csm_tui.store.journal import Transaction


def archived_on(store: Store, account_id: str) -> date | None:
    row = store.query_one("SELECT archived_on FROM accounts WHERE id = ?", (account_id,))
    return date.fromisoformat(row[0]) if row is not None and row[0] else None


def archive_in(tx: Transaction, account: Account, day: date) -> bool:
    """Archive inside an open transaction (a churned renewal); False if it already was."""
    if archived_on(tx.store, account.id) is not None:
        return False
    tx.update("accounts", account.id, {"archived_on": day.isoformat(), "updated_at": tx.now})
    return True


def archive(store: Store, account: Account) -> bool:
    with store.transaction() as tx:
        return archive_in(tx, account, store.clock.today())


def restore(store: Store, account: Account) -> bool:
    """Back in the book; False if it was not archived."""
    if archived_on(store, account.id) is None:
        return False
    with store.transaction() as tx:
        tx.update("accounts", account.id, {"archived_on": None, "updated_at": tx.now})
    return True


@dataclass(frozen=True)
class ArchivedAccount:
    """An archived account as its list shows it."""

    id: str
    name: str
    archived_on: date
    last_outcome: str | None  # the last renewal outcome (churned, most often), if any
    segment: str | None


def archived_accounts(store: Store) -> list[ArchivedAccount]:
    """Every archived account, the most recently archived first."""
    rows = store.query(
        """
        SELECT a.id, a.name, a.archived_on, a.segment,
            (SELECT r.outcome FROM renewals AS r WHERE r.account_id = a.id
                ORDER BY r.recorded_on DESC, r.created_at DESC, r.id DESC LIMIT 1)
        FROM accounts AS a
        WHERE a.archived_on IS NOT NULL
        ORDER BY a.archived_on DESC, a.name COLLATE NOCASE, a.id
        """
    )
    return [
        ArchivedAccount(
            id=row[0],
            name=row[1],
            archived_on=date.fromisoformat(row[2]),
            segment=row[3] or None,
            last_outcome=row[4],
        )
        for row in rows
    ]
