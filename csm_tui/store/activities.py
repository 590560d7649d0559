"""Queries over the activity log."""

from __future__ import annotations

from datetime import UTC, datetime

from csm_tui.models.activity import Activity
from csm_tui.store.connection import Store

_COLUMNS = (
    "id, account_id, author_email, type, minutes, occurred_at, proactive, recurring, outcome, "
    "note, checklist_item_id"
)


def get_activity(store: Store, activity_id: str) -> Activity | None:
    row = store.query_one(f"SELECT {_COLUMNS} FROM activities WHERE id = ?", (activity_id,))
    return None if row is None else Activity.model_validate(dict(row))


def activities_of(store: Store, account_id: str, limit: int | None = None) -> list[Activity]:
    """An account's activities, newest first (the index on account and time serves this)."""
    sql = f"SELECT {_COLUMNS} FROM activities WHERE account_id = ? ORDER BY occurred_at DESC, id"
    params: tuple[object, ...] = (account_id,)
    if limit is not None:
        sql += " LIMIT ?"
        params = (account_id, limit)
    return [Activity.model_validate(dict(row)) for row in store.query(sql, params)]


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
