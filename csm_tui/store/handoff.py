"""Queries for handoff notes: versions, the latest version of each note, read receipts.

A note is the set of rows sharing a `note_id`; each row is one version. The latest version is the
one with the highest number (ties, possible after a sync, go to the last one stored). Read
receipts say up to which version a reader has read a note: a newer version makes it unread again.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass
from typing import Any

from csm_tui.models.handoff import HandoffNote
from csm_tui.models.limits import stored
from csm_tui.store.connection import Store

_COLUMNS = (
    "id",
    "note_id",
    "version",
    "parent_id",
    "account_id",
    "author_email",
    "situation",
    "goals",
    "risks",
    "commitments",
    "key_contact_ids",
    "coverage_from",
    "coverage_to",
    "body",
    "created_at",
)
_SELECT = "SELECT " + ", ".join(f"h.{column}" for column in _COLUMNS) + ", h.conflict"
# the latest version of each note: numbered 1 within its note, newest first
_RANKED = (
    "SELECT *, row_number() OVER "
    "(PARTITION BY note_id ORDER BY version DESC, created_at DESC, rowid DESC) AS rank "
    "FROM handoff_notes"
)
# a fixed namespace: the same reader and note give the same receipt id on every device
_RECEIPTS = uuid.UUID("5b0f3f2e-8c1d-4a57-9f0e-2d6c1e7a4b93")


@dataclass(frozen=True)
class Version:
    """One stored version of a note; `conflict`: saved from an older version than the latest."""

    note: HandoffNote
    conflict: bool


def _version(row: sqlite3.Row) -> Version:
    data: dict[str, Any] = {column: row[column] for column in _COLUMNS}
    data["commitments"] = json.loads(data["commitments"])
    data["key_contact_ids"] = json.loads(data["key_contact_ids"])
    return Version(stored(HandoffNote, data), bool(row["conflict"]))  # as kept (issue 19.5)


def get_version(store: Store, version_id: str) -> Version | None:
    row = store.query_one(f"{_SELECT} FROM handoff_notes AS h WHERE h.id = ?", (version_id,))
    return None if row is None else _version(row)


def versions_of(store: Store, note_id: str) -> list[Version]:
    """Every version of a note, oldest first."""
    rows = store.query(
        f"{_SELECT} FROM handoff_notes AS h WHERE h.note_id = ? "
        "ORDER BY h.version, h.created_at, h.rowid",
        (note_id,),
    )
    return [_version(row) for row in rows]


def latest_version(store: Store, note_id: str) -> Version | None:
    row = store.query_one(
        f"{_SELECT} FROM handoff_notes AS h WHERE h.note_id = ? "
        "ORDER BY h.version DESC, h.created_at DESC, h.rowid DESC LIMIT 1",
        (note_id,),
    )
    return None if row is None else _version(row)


@dataclass(frozen=True)
class LatestNote:
    """The latest version of a note, how many versions it has, and whether a reader has read it."""

    version: Version
    versions: int
    unread: bool


def latest_notes(store: Store, account_id: str, reader: str | None) -> list[LatestNote]:
    """The latest version of each of an account's notes, most recently changed first."""
    rows = store.query(
        f"{_SELECT}, (SELECT count(*) FROM handoff_notes AS v WHERE v.note_id = h.note_id) "
        "AS versions, coalesce(r.read_version, 0) AS read_version "
        f"FROM ({_RANKED} WHERE account_id = ?) AS h "
        "LEFT JOIN handoff_reads AS r ON r.note_id = h.note_id AND r.reader_email = ? "
        "WHERE h.rank = 1 ORDER BY h.created_at DESC, h.rowid DESC",
        (account_id, reader or ""),
    )
    return [
        LatestNote(
            version=_version(row),
            versions=int(row["versions"]),
            unread=reader is not None and int(row["read_version"]) < int(row["version"]),
        )
        for row in rows
    ]


def unread_counts(
    store: Store, reader: str, account_ids: list[str] | None = None
) -> dict[str, int]:
    """account id → number of notes whose latest version `reader` has not read (one query).

    Accounts without unread notes are left out. `account_ids` narrows the count to those
    accounts; None counts the whole book (the book table's column).
    """
    params: list[Any] = []
    where = ""
    if account_ids is not None:
        if not account_ids:
            return {}
        where = f"WHERE account_id IN ({','.join('?' * len(account_ids))})"
        params.extend(account_ids)
    params.append(reader)
    rows = store.query(
        "SELECT n.account_id, count(*) FROM "
        "(SELECT note_id, account_id, max(version) AS version FROM handoff_notes "
        f"{where} GROUP BY note_id) AS n "
        "LEFT JOIN handoff_reads AS r ON r.note_id = n.note_id AND r.reader_email = ? "
        "WHERE coalesce(r.read_version, 0) < n.version GROUP BY n.account_id",
        tuple(params),
    )
    return {row[0]: int(row[1]) for row in rows}


def receipt_id(reader: str, note_id: str) -> str:
    """The id of a reader's receipt for a note: derived, so two devices write the same row."""
    return uuid.uuid5(_RECEIPTS, f"{reader}\n{note_id}").hex


def receipt(store: Store, reader: str, note_id: str) -> tuple[str, int] | None:
    """(receipt id, version read up to) of `reader` for the note; 0 means marked unread."""
    row = store.query_one(
        "SELECT id, read_version FROM handoff_reads WHERE reader_email = ? AND note_id = ?",
        (reader, note_id),
    )
    return None if row is None else (str(row[0]), int(row[1]))
