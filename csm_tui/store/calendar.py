"""The calendar's tables: sources and the last sync's events (migration 9), what was done
with each meeting (migration 10).

calendar_sources and calendar_events are this machine's view of the CSM's calendar: not
journaled (their writes still go through `store.transaction()`, so they queue with every other
writer, and with no journal entry nothing is announced or pushed). calendar_marks is user data:
journaled like any row, synced, and private to its user on the server (`sync.rows.PRIVATE`).
"""

from __future__ import annotations

import hashlib
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
    attendees: tuple[str, ...] = ()  # lower-case e-mails (issue 16: who took part)


@dataclass(frozen=True, slots=True)
class Seen:
    key: str  # as stored (`stored_key`)
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
            "description, account_ids, kind, proactive, recurring, attendees) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                    json.dumps(list(event.attendees)),
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
        "proactive, recurring, attendees FROM calendar_events ORDER BY starts_at, key"
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
        attendees=tuple(json.loads(row[11])),
    )


def stored_key(key: str) -> str:
    """The key as calendar_marks keeps it: a UID can be longer than a synced short text."""
    if len(key) <= 200:
        return key
    return "sha1:" + hashlib.sha1(key.encode("utf-8")).hexdigest()


def mark_id(user_email: str, key: str) -> str:
    """The same on every device, so two devices marking one meeting write one row."""
    return hashlib.sha1(f"{user_email.lower()}\n{stored_key(key)}".encode()).hexdigest()


def seen(store: Store, user_email: str) -> dict[str, Seen]:
    """What the user did with their meetings, by stored key (calendar_marks is journaled and
    synced, private to its user)."""
    rows = store.query(
        "SELECT key, state, starts_at, minutes, activity_id FROM calendar_marks "
        "WHERE user_email = ?",
        (user_email,),
    )
    return {row[0]: Seen(row[0], row[1], row[2], int(row[3]), row[4]) for row in rows}


def mark(store: Store, user_email: str, account_id: str, item: Seen) -> None:
    """Remember what was done with one meeting (a change of an earlier mark updates it)."""
    row_id = mark_id(user_email, item.key)
    values: dict[str, Any] = {
        "state": item.state,
        "starts_at": item.starts_at,
        "minutes": item.minutes,
        "activity_id": item.activity_id,
    }
    with store.transaction() as tx:
        found = store.query_one("SELECT 1 FROM calendar_marks WHERE id = ?", (row_id,))
        if found is None:
            row = {
                "id": row_id,
                "account_id": account_id,
                "user_email": user_email,
                "key": stored_key(item.key),
                **values,
                "marked_at": tx.now,
            }
            tx.insert("calendar_marks", row)
        else:
            tx.update("calendar_marks", row_id, {**values, "marked_at": tx.now})


def logged_meetings(store: Store, since_utc: str) -> set[tuple[str, str]]:
    """(account id, UTC start) of the meetings logged since then, by anyone on any device: a
    meeting logged elsewhere is not proposed again even before its mark has synced."""
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


def latest_activity(
    store: Store, account_ids: Iterable[str], author: str
) -> tuple[str, str] | None:
    """(id, account id) of the activity the author logged last on one of these accounts."""
    wanted = list(account_ids)
    marks = ", ".join("?" * len(wanted))
    row = store.query_one(
        f"SELECT id, account_id FROM activities WHERE account_id IN ({marks}) "
        "AND author_email = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
        (*wanted, author),
    )
    return None if row is None else (str(row[0]), str(row[1]))
