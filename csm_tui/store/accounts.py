"""Queries for accounts and what hangs off them (owners, contacts, health history)."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

from csm_tui.models.account import Account
from csm_tui.models.contact import Contact
from csm_tui.models.health import HealthSnapshot
from csm_tui.models.limits import stored
from csm_tui.models.owner import OwnerAssignment
from csm_tui.store.connection import Store


def _account(row: sqlite3.Row) -> Account:
    data: dict[str, Any] = {
        key: row[key]
        for key in (
            "id",
            "external_id",
            "name",
            "segment",
            "currency",
            "renewal_date",
            "health_score",
            "stage",
        )
    }
    value = row["contract_value"]
    data["contract_value"] = None if value is None else f"{value:.2f}"
    data["tags"] = json.loads(row["tags"])
    return stored(Account, data)  # as kept, even beyond a limit added since (issue 19.5)


def get_account(store: Store, account_id: str) -> Account | None:
    row = store.query_one("SELECT * FROM accounts WHERE id = ?", (account_id,))
    return None if row is None else _account(row)


def find_account_by_external_id(store: Store, external_id: str) -> Account | None:
    row = store.query_one("SELECT * FROM accounts WHERE external_id = ?", (external_id,))
    return None if row is None else _account(row)


def find_accounts_by_name(store: Store, name: str) -> list[Account]:
    rows = store.query("SELECT * FROM accounts WHERE name = ? ORDER BY created_at", (name,))
    return [_account(row) for row in rows]


def all_accounts(store: Store) -> list[Account]:
    rows = store.query("SELECT * FROM accounts ORDER BY name COLLATE NOCASE, id")
    return [_account(row) for row in rows]


def count_accounts(store: Store) -> int:
    row = store.query_one("SELECT count(*) FROM accounts")
    return 0 if row is None else int(row[0])


def owners_of(store: Store, account_id: str) -> list[OwnerAssignment]:
    rows = store.query(
        "SELECT id, account_id, user_email, role, coverage_from, coverage_to, coverage_reason "
        "FROM owners WHERE account_id = ? ORDER BY role, user_email",
        (account_id,),
    )
    return [OwnerAssignment.model_validate(dict(row)) for row in rows]


def primary_owner_ids(store: Store, account_ids: list[str]) -> dict[str, str]:
    """account id → owner row id of its primary owner (for imports that replace owners)."""
    if not account_ids:
        return {}
    marks = ",".join("?" * len(account_ids))
    rows = store.query(
        f"SELECT account_id, id FROM owners WHERE role = 'primary' AND account_id IN ({marks})",
        tuple(account_ids),
    )
    return {row[0]: row[1] for row in rows}


def contacts_of(store: Store, account_id: str) -> list[Contact]:
    rows = store.query(
        "SELECT id, account_id, name, role, email, is_champion, is_decision_maker, phone, is_key "
        "FROM contacts WHERE account_id = ? "
        "ORDER BY is_champion DESC, is_decision_maker DESC, name",
        (account_id,),
    )
    return [Contact.model_validate(dict(row)) for row in rows]


def health_history(store: Store, account_id: str, since: date) -> list[HealthSnapshot]:
    rows = store.query(
        "SELECT id, account_id, date, score, components FROM health_snapshots "
        "WHERE account_id = ? AND date >= ? ORDER BY date",
        (account_id, since.isoformat()),
    )
    return [
        HealthSnapshot.model_validate({**dict(row), "components": json.loads(row["components"])})
        for row in rows
    ]


def health_on_or_before(store: Store, account_id: str, day: date) -> int | None:
    """The latest score recorded on or before `day` (however old), as the book table uses it."""
    row = store.query_one(
        "SELECT score FROM health_snapshots WHERE account_id = ? AND date <= ? "
        "ORDER BY date DESC LIMIT 1",
        (account_id, day.isoformat()),
    )
    return None if row is None else int(row[0])


def user_names(store: Store) -> dict[str, str]:
    return {row[0]: row[1] for row in store.query("SELECT email, name FROM users")}


def last_activity_at(store: Store, account_id: str) -> str | None:
    row = store.query_one(
        "SELECT max(occurred_at) FROM activities WHERE account_id = ?", (account_id,)
    )
    return None if row is None or row[0] is None else str(row[0])
