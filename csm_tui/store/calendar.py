"""The calendar's local tables (migration 9): sources, the last sync's events, what was done.

None of them is journaled: they describe this machine's view of the CSM's calendar, and the
team server has no table for them. Writes still go through `store.transaction()` so they queue
with every other writer; with no journal entry, no change is announced or pushed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from csm_tui.store.connection import Store


@dataclass(frozen=True, slots=True)
class SourceRow:
    id: str
    kind: str  # file | url | caldav
    label: str  # a file's path, a URL's host (the URL itself is a secret), a CalDAV address
    user_name: str
    synced_at: str | None


@dataclass(frozen=True, slots=True)
class EventRow:
    key: str
    source: str
    uid: str
    starts_at: str  # ISO, with the user's offset
    minutes: int
    title: str
    description: str
    account_ids: tuple[str, ...]
    kind: str  # meeting | internal
    proactive: bool
    recurring: bool


@dataclass(frozen=True, slots=True)
class Seen:
    key: str
    state: str  # logged | dismissed
    starts_at: str
    minutes: int
    activity_id: str | None


def sources(store: Store) -> list[SourceRow]:
    rows = store.query(
        "SELECT id, kind, label, user_name, synced_at FROM calendar_sources ORDER BY added_at, id"
    )
    return [SourceRow(row[0], row[1], row[2], row[3], row[4]) for row in rows]


def save_source(store: Store, source: SourceRow, added_at: str) -> None:
    with store.transaction():
        store.conn.execute(
            "INSERT INTO calendar_sources (id, kind, label, user_name, added_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "label = excluded.label, user_name = excluded.user_name",
            (source.id, source.kind, source.label, source.user_name, added_at),
        )


def replace_events(store: Store, source: str, events: Iterable[EventRow], synced_at: str) -> None:
    """The source's events become these, in one transaction (a failed read changes nothing)."""
    with store.transaction():
        store.conn.execute("DELETE FROM calendar_events WHERE source = ?", (source,))
        store.conn.executemany(
            "INSERT OR REPLACE INTO calendar_events (key, source, uid, starts_at, minutes, title, "
            "description, account_ids, kind, proactive, recurring) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    event.key,
                    source,
                    event.uid,
                    event.starts_at,
                    event.minutes,
                    event.title,
                    event.description,
                    json.dumps(list(event.account_ids)),
                    event.kind,
                    int(event.proactive),
                    int(event.recurring),
                )
                for event in events
            ),
        )
        store.conn.execute(
            "UPDATE calendar_sources SET synced_at = ? WHERE id = ?", (synced_at, source)
        )


def events(store: Store) -> list[EventRow]:
    rows = store.query(
        "SELECT key, source, uid, starts_at, minutes, title, description, account_ids, kind, "
        "proactive, recurring FROM calendar_events ORDER BY starts_at, key"
    )
    return [_event(row) for row in rows]


def _event(row: Any) -> EventRow:
    return EventRow(
        key=row[0],
        source=row[1],
        uid=row[2],
        starts_at=row[3],
        minutes=int(row[4]),
        title=row[5],
        description=row[6],
        account_ids=tuple(json.loads(row[7])),
        kind=row[8],
        proactive=bool(row[9]),
        recurring=bool(row[10]),
    )


def seen(store: Store) -> dict[str, Seen]:
    rows = store.query("SELECT key, state, starts_at, minutes, activity_id FROM calendar_seen")
    return {row[0]: Seen(row[0], row[1], row[2], int(row[3]), row[4]) for row in rows}


def mark(store: Store, marks: Iterable[Seen], at: str) -> None:
    with store.transaction():
        store.conn.executemany(
            "INSERT OR REPLACE INTO calendar_seen (key, state, starts_at, minutes, activity_id, "
            "seen_at) VALUES (?, ?, ?, ?, ?, ?)",
            (
                (item.key, item.state, item.starts_at, item.minutes, item.activity_id, at)
                for item in marks
            ),
        )


def logged_meetings(store: Store, since_utc: str) -> set[tuple[str, str]]:
    """(account id, UTC start) of the meetings logged since then, by anyone on any device: a
    meeting logged elsewhere is not proposed again even though calendar_seen does not sync."""
    rows = store.query(
        "SELECT account_id, occurred_at FROM activities "
        "WHERE occurred_at >= ? AND type IN ('meeting', 'internal')",
        (since_utc,),
    )
    return {(row[0], row[1]) for row in rows}


def contact_emails(store: Store) -> list[tuple[str, str]]:
    rows = store.query(
        "SELECT account_id, email FROM contacts WHERE email IS NOT NULL AND email != ''"
    )
    return [(row[0], row[1]) for row in rows]


def account_names(store: Store) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in store.query("SELECT id, name FROM accounts")]


def latest_activity(store: Store, account_ids: Iterable[str], author: str) -> str | None:
    """The activity the author logged last on one of these accounts."""
    wanted = list(account_ids)
    marks = ", ".join("?" * len(wanted))
    row = store.query_one(
        f"SELECT id FROM activities WHERE account_id IN ({marks}) AND author_email = ? "
        "ORDER BY created_at DESC, rowid DESC LIMIT 1",
        (*wanted, author),
    )
    return None if row is None else str(row[0])
