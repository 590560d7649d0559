"""The store's side of the team sync: the outbox, the sync state, what the server refused.

The journal is the outbox: entries after `acked_through` are pending. What the server sends back
(the rows of a push's answers, the pages of a pull) is written by `store.pulled`, with the sync
state written here in the same transaction (`set_sync_state`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from csm_tui.store.connection import Store, immediate, translate_errors

ACCOUNT_CHILDREN = (
    "owners",
    "contacts",
    "health_snapshots",
    "checklist_items",
    "activities",
    "handoff_notes",
    "handoff_reads",
    "usage_metrics",
    "tasks",
    "playbook_firings",
    "calendar_marks",
    "renewals",
    "account_snoozes",
    "champion_changes",
)
SYNCED_TABLES = ("users", "accounts", *ACCOUNT_CHILDREN)
"""Every synced table, parents first."""
_LOCAL_ONLY_COLUMNS = {"accounts": {"search"}}


@dataclass(frozen=True)
class OutboxEntry:
    """A journal entry waiting to be pushed."""

    seq: int
    mutation_id: str
    table: str
    row_id: str
    op: str
    payload: dict[str, Any]
    created_at: str
    size: int  # bytes of the payload, to keep a batch under the server's body limit


@dataclass(frozen=True)
class Refusal:
    """A pushed entry the server refused, kept for the user to see."""

    entry: OutboxEntry
    reason: str


# -- sync state ------------------------------------------------------------------------------------


def read_sync_state(store: Store) -> dict[str, str]:
    rows = store.query("SELECT key, value FROM sync_state")
    return {str(row[0]): str(row[1]) for row in rows}


def write_sync_state(store: Store, values: Mapping[str, str | None]) -> None:
    with store.lock, translate_errors(store.path), immediate(store.conn):
        set_sync_state(store.conn, values)


def set_sync_state(conn: sqlite3.Connection, values: Mapping[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            conn.execute("DELETE FROM sync_state WHERE key = ?", (key,))
        else:
            conn.execute(
                "INSERT INTO sync_state (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


# -- the outbox ------------------------------------------------------------------------------------


def pending_entries(store: Store, after: int, limit: int, max_bytes: int) -> list[OutboxEntry]:
    """Journal entries after `after`, oldest first: at most `limit`, and about `max_bytes`."""
    rows = store.query(
        "SELECT seq, uuid, table_name, row_id, operation, payload, created_at FROM journal "
        "WHERE seq > ? ORDER BY seq LIMIT ?",
        (after, limit),
    )
    entries: list[OutboxEntry] = []
    total = 0
    for row in rows:
        size = len(row[5].encode("utf-8")) + 200
        if entries and total + size > max_bytes:
            break
        total += size
        entries.append(
            OutboxEntry(
                seq=int(row[0]),
                mutation_id=str(row[1]),
                table=str(row[2]),
                row_id=str(row[3]),
                op=str(row[4]),
                payload=json.loads(row[5]),
                created_at=str(row[6]),
                size=size,
            )
        )
    return entries


def count_pending(store: Store, after: int) -> int:
    row = store.query_one("SELECT count(*) FROM journal WHERE seq > ?", (after,))
    return 0 if row is None else int(row[0])


def last_journal_seq(store: Store) -> int:
    row = store.query_one("SELECT coalesce(max(seq), 0) FROM journal")
    return 0 if row is None else int(row[0])


def local_only_changes(store: Store) -> int:
    """Journal entries about the book itself (not who the user is): a book made offline."""
    row = store.query_one("SELECT count(*) FROM journal WHERE table_name != 'users'")
    return 0 if row is None else int(row[0])


def count_rejected(store: Store) -> int:
    row = store.query_one("SELECT count(*) FROM sync_rejected")
    return 0 if row is None else int(row[0])


def rejected_entries(store: Store, limit: int = 100) -> list[sqlite3.Row]:
    return store.query(
        "SELECT seq, table_name, row_id, operation, reason, rejected_at FROM sync_rejected "
        "ORDER BY seq DESC LIMIT ?",
        (limit,),
    )


def count_open_conflicts(store: Store) -> int:
    """Handoff notes whose latest version is a conflict sibling (both texts wait for a merge)."""
    row = store.query_one(
        "SELECT count(*) FROM (SELECT conflict, row_number() OVER (PARTITION BY note_id "
        "ORDER BY version DESC, created_at DESC, rowid DESC) AS rank FROM handoff_notes) "
        "WHERE rank = 1 AND conflict = 1"
    )
    return 0 if row is None else int(row[0])


def record_refusals(conn: sqlite3.Connection, refusals: Iterable[Refusal]) -> None:
    """Inside a transaction: keep what the server refused, for `csm-tui status` and a resend."""
    for refusal in refusals:
        entry = refusal.entry
        conn.execute(
            "INSERT OR REPLACE INTO sync_rejected (seq, mutation_id, table_name, row_id, "
            "operation, payload, reason, rejected_at) VALUES (?, ?, ?, ?, ?, ?, ?, "
            "strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
            (
                entry.seq,
                entry.mutation_id,
                entry.table,
                entry.row_id,
                entry.op,
                json.dumps(entry.payload, ensure_ascii=False, sort_keys=True),
                refusal.reason,
            ),
        )


def resend_refused(store: Store) -> int:
    """Queue again the records the server refused before it ever stored them, which the book
    kept (issue 19.5): each as an insert of the row as it is now (corrected since, or the
    server's rules changed), parents first, so an account goes before its owners and roadmap.
    Their refusals leave `sync_rejected`; a new refusal comes back with the next sync. Returns
    how many rows were queued."""
    from csm_tui.clock import iso_now
    from csm_tui.store.journal import new_mutation_id

    order = {table: index for index, table in enumerate(("accounts", *ACCOUNT_CHILDREN))}
    store.ensure_sound()
    conn = store.conn
    with store.lock, translate_errors(store.path), immediate(conn):
        refused = conn.execute(
            "SELECT DISTINCT table_name, row_id FROM sync_rejected WHERE operation = 'insert'"
        ).fetchall()
        columns = SyncedColumns(conn)
        queued = 0
        for table, row_id in sorted(refused, key=lambda r: (order.get(r[0], len(order)), r[1])):
            if table not in order:
                continue
            names = columns.of(table)
            row = conn.execute(
                f'SELECT {", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)} FROM "{table}" '
                f'WHERE "{key_column(table)}" = ?',
                (row_id,),
            ).fetchone()
            if row is None:
                continue  # no longer in the book: nothing to send
            payload = dict(zip(names, row, strict=True))
            conn.execute(
                "INSERT INTO journal (uuid, table_name, row_id, operation, payload, created_at) "
                "VALUES (?, ?, ?, 'insert', ?, ?)",
                (
                    new_mutation_id(),
                    table,
                    row_id,
                    json.dumps(payload, ensure_ascii=False, sort_keys=True),
                    iso_now(store.clock),
                ),
            )
            conn.execute(
                "DELETE FROM sync_rejected WHERE table_name = ? AND row_id = ?", (table, row_id)
            )
            queued += 1
    return queued


class SyncedColumns:
    """The local columns of each synced table (what a pulled row may set)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.known: dict[str, list[str]] = {}

    def of(self, table: str) -> list[str]:
        if table not in self.known:
            names = [row[1] for row in self.conn.execute(f'PRAGMA table_info("{table}")')]
            self.known[table] = [
                name for name in names if name not in _LOCAL_ONLY_COLUMNS.get(table, set())
            ]
        return self.known[table]


def key_column(table: str) -> str:
    return "email" if table == "users" else "id"
