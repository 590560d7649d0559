"""Queries for owners: one owner row, the people the book knows, the accounts a user covers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from csm_tui.models.owner import OwnerAssignment
from csm_tui.store.connection import Store


def get_owner(store: Store, account_id: str, email: str) -> OwnerAssignment | None:
    row = store.query_one(
        "SELECT id, account_id, user_email, role, coverage_from, coverage_to, coverage_reason "
        "FROM owners WHERE account_id = ? AND user_email = ?",
        (account_id, email),
    )
    return None if row is None else OwnerAssignment.model_validate(dict(row))


def known_people(store: Store) -> list[tuple[str, str]]:
    """(e-mail, name) of every colleague the book knows: users, and owners not yet users."""
    rows = store.query(
        "SELECT email, name FROM users UNION "
        "SELECT DISTINCT user_email, user_email FROM owners "
        "WHERE user_email NOT IN (SELECT email FROM users) ORDER BY 1"
    )
    return [(row[0], row[1]) for row in rows]


@dataclass(frozen=True)
class CoveredRow:
    """An account `email` is secondary owner of, with what the Covering screen shows of it."""

    account_id: str
    name: str
    segment: str
    stage: str
    health_score: int | None
    health_30d_ago: int | None
    renewal_date: date | None
    primary_email: str | None
    primary_name: str | None
    coverage_from: date | None
    coverage_to: date | None
    coverage_reason: str
    open_items: int  # open checklist items of the current stage
    overdue_items: int  # open items of any stage due before today


def covered_accounts(store: Store, email: str, today: date) -> list[CoveredRow]:
    """The accounts where `email` is a secondary owner, by name (one query)."""
    past = (today - timedelta(days=30)).isoformat()
    rows = store.query(
        "SELECT a.id, a.name, a.segment, a.stage, a.health_score, a.renewal_date, "
        "o.coverage_from, o.coverage_to, o.coverage_reason, p.user_email AS primary_email, "
        "u.name AS primary_name, "
        "(SELECT h.score FROM health_snapshots AS h WHERE h.account_id = a.id AND h.date <= ? "
        " ORDER BY h.date DESC LIMIT 1) AS past_score, "
        "(SELECT count(*) FROM checklist_items AS c WHERE c.account_id = a.id "
        " AND c.stage = a.stage AND c.done = 0) AS open_items, "
        "(SELECT count(*) FROM checklist_items AS c WHERE c.account_id = a.id "
        " AND c.done = 0 AND c.due_date < ?) AS overdue_items "
        "FROM owners AS o JOIN accounts AS a ON a.id = o.account_id "
        "LEFT JOIN owners AS p ON p.account_id = a.id AND p.role = 'primary' "
        "LEFT JOIN users AS u ON u.email = p.user_email "
        "WHERE o.user_email = ? AND o.role = 'secondary' AND a.archived_on IS NULL "
        "ORDER BY a.name COLLATE NOCASE, a.id",
        (past, today.isoformat(), email),
    )
    return [
        CoveredRow(
            account_id=row["id"],
            name=row["name"],
            segment=row["segment"],
            stage=row["stage"],
            health_score=row["health_score"],
            health_30d_ago=row["past_score"],
            renewal_date=_day(row["renewal_date"]),
            primary_email=row["primary_email"],
            primary_name=row["primary_name"],
            coverage_from=_day(row["coverage_from"]),
            coverage_to=_day(row["coverage_to"]),
            coverage_reason=row["coverage_reason"],
            open_items=int(row["open_items"]),
            overdue_items=int(row["overdue_items"]),
        )
        for row in rows
    ]


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)
