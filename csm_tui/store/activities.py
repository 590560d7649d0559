"""Queries over the activity log."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

from csm_tui.models.activity import Activity
from csm_tui.store.connection import Store

_COLUMNS = (
    "id, account_id, author_email, type, minutes, occurred_at, proactive, recurring, outcome, "
    "note, checklist_item_id, audience, audience_segment, audience_accounts, skills, participants"
)
LISTS = ("audience_accounts", "skills", "participants")
"""Columns holding a JSON list."""
RECENT = 200  # the activities `last_skills` looks through


def _activity(row: sqlite3.Row) -> Activity:
    data = dict(row)
    for column in LISTS:
        data[column] = json.loads(data[column])
    return Activity.model_validate(data)


def get_activity(store: Store, activity_id: str) -> Activity | None:
    row = store.query_one(f"SELECT {_COLUMNS} FROM activities WHERE id = ?", (activity_id,))
    return None if row is None else _activity(row)


def last_skills(store: Store, author: str, type: str) -> list[str]:
    """The skills of the author's latest activity of this type that had any, among their
    `RECENT` latest activities (the log form offers them again)."""
    row = store.query_one(
        "SELECT skills FROM (SELECT skills, type FROM activities INDEXED BY activities_effort "
        "WHERE author_email = ? ORDER BY occurred_at DESC LIMIT ?) "
        "WHERE type = ? AND skills <> '[]' LIMIT 1",
        (author, RECENT, type),
    )
    return [] if row is None else [str(skill) for skill in json.loads(row[0])]


def segments_in_book(store: Store) -> list[str]:
    """The segments the book's accounts are in (what work for a segment may name)."""
    rows = store.query(
        "SELECT DISTINCT segment FROM accounts WHERE segment <> '' ORDER BY segment", ()
    )
    return [str(row[0]) for row in rows]


def accounts_in_segment(store: Store, segment: str) -> int:
    row = store.query_one("SELECT count(*) FROM accounts WHERE segment = ?", (segment,))
    return 0 if row is None else int(row[0])


def activities_of(store: Store, account_id: str, limit: int | None = None) -> list[Activity]:
    """An account's activities, newest first (the index on account and time serves this)."""
    sql = f"SELECT {_COLUMNS} FROM activities WHERE account_id = ? ORDER BY occurred_at DESC, id"
    params: tuple[object, ...] = (account_id,)
    if limit is not None:
        sql += " LIMIT ?"
        params = (account_id, limit)
    return [_activity(row) for row in store.query(sql, params)]


def minutes_between(
    store: Store, account_id: str, start: datetime | None, end: datetime | None
) -> tuple[int, int]:
    """(activities, minutes) of an account in [start, end); None means unbounded."""
    low = start.astimezone(UTC).isoformat() if start else None
    high = end.astimezone(UTC).isoformat() if end else None
    row = store.query_one(
        "SELECT count(*), coalesce(sum(minutes), 0) FROM activities WHERE account_id = ? "
        "AND (? IS NULL OR occurred_at >= ?) AND (? IS NULL OR occurred_at < ?)",
        (account_id, low, low, high, high),
    )
    return (0, 0) if row is None else (int(row[0]), int(row[1]))
