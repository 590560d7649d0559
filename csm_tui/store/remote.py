"""The store's side of the team sync: the outbox, the sync state, and applying the server's rows.

The journal is the outbox: entries after `acked_through` are pending. Rows pulled from the server
are written by `apply_remote_changes` (pages of the feed: `pulled.apply_pulled_page`), which never
writes journal entries (they would be pushed
back) and writes the new cursor in the same transaction as the rows, so a page is applied whole
or not at all. Local changes not yet acknowledged are replayed on top of what the server sent,
so a pull never undoes something the user did since the last push.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from csm_tui.store.connection import Store, immediate, translate_errors
from csm_tui.store.search import refresh_account_search

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
)
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
class RemoteRow:
    """A row as the server has it now; `data` None means gone (deleted, or no longer mine)."""

    table: str
    id: str
    data: dict[str, Any] | None


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
        _write_state(store.conn, values)


def _write_state(conn: sqlite3.Connection, values: Mapping[str, str | None]) -> None:
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


# -- applying the server's rows --------------------------------------------------------------------


def apply_remote_changes(
    store: Store,
    rows: Iterable[RemoteRow],
    *,
    pending_after: int,
    state: Mapping[str, str | None],
    refusals: Iterable[Refusal] = (),
) -> int:
    """Write the server's rows (and the refusals, and the new sync state) in one transaction.

    Foreign keys are off meanwhile: the server sends each row's latest state in the order of
    its last change, so a child can arrive before a parent that changed later; deleting an
    account removes its rows here explicitly instead of by cascade.
    """
    rows = list(rows)
    with _remote_transaction(store) as conn:
        pending = _pending_for(conn, [row.id for row in rows], pending_after)
        _apply(conn, rows, pending)
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
        _write_state(conn, state)
    return len(rows)


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
        columns = _Columns(conn)
        queued = 0
        for table, row_id in sorted(refused, key=lambda r: (order.get(r[0], len(order)), r[1])):
            if table not in order:
                continue
            names = columns.of(table)
            row = conn.execute(
                f'SELECT {", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)} FROM "{table}" '
                f'WHERE "{_key(table)}" = ?',
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


def _has_pending(conn: sqlite3.Connection, after: int) -> bool:
    return conn.execute("SELECT 1 FROM journal WHERE seq > ?", (after,)).fetchone() is not None


def _apply(
    conn: sqlite3.Connection,
    rows: list[RemoteRow],
    pending: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]],
) -> None:
    columns = _Columns(conn)
    accounts: set[str] = set()
    plain: dict[str, list[dict[str, Any]]] = {}
    gone: list[RemoteRow] = []
    for row in rows:
        mine = pending.get((row.table, row.id))
        data = _rebase(row, mine) if mine else row.data
        if data is None:
            gone.append(row)
        elif mine or row.table == "accounts":
            _upsert(conn, columns, row.table, data)  # one by one, with care
            if row.table == "accounts":
                accounts.add(row.id)
        else:
            plain.setdefault(row.table, []).append(data)
    for table, datas in plain.items():
        _replace_many(conn, columns, table, datas)
    for row in gone:  # last: an account's rows in this page go with it
        _delete(conn, row.table, row.id)
    for account_id in accounts:
        refresh_account_search(conn, account_id)


@contextmanager
def _remote_transaction(store: Store, *, checked: bool = False) -> Iterator[sqlite3.Connection]:
    conn = store.conn
    store.ensure_sound()
    with store.lock, translate_errors(store.path):
        conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: set first
        if checked:
            conn.execute("PRAGMA ignore_check_constraints = ON")
        # Pulled rows can be fetched again: a power cut may lose the last page (never half of
        # it, and its cursor with it), so no sync to disk per page. Local edits keep FULL.
        conn.execute("PRAGMA synchronous = NORMAL")
        # and no checkpoint after each page: copying a growing WAL back page by page costs a
        # sixth of a first download; `checkpoint` below does it once at the end
        conn.execute("PRAGMA wal_autocheckpoint = 0")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        finally:
            conn.execute("PRAGMA ignore_check_constraints = OFF")
            conn.execute("PRAGMA wal_autocheckpoint = 1000")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")


def _pending_for(
    conn: sqlite3.Connection, ids: list[str], after: int
) -> dict[tuple[str, str], list[tuple[str, dict[str, Any]]]]:
    """Unacknowledged local changes to the rows of this page (by id), oldest first."""
    if not ids or not _has_pending(conn, after):
        return {}
    found: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}
    for table, row_id, operation, payload in conn.execute(
        "SELECT table_name, row_id, operation, payload FROM journal WHERE seq > ? "
        "AND row_id IN (SELECT value FROM json_each(?)) ORDER BY seq",
        (after, json.dumps(ids)),
    ):
        found.setdefault((table, row_id), []).append((operation, json.loads(payload)))
    return found


def _rebase(row: RemoteRow, pending: Iterable[tuple[str, dict[str, Any]]]) -> dict[str, Any] | None:
    """The server's row with the user's unpushed changes replayed on top."""
    data = None if row.data is None else dict(row.data)
    for operation, payload in pending:
        if operation == "insert":
            data = {**(data or {}), **payload}
        elif operation == "update" and data is not None:
            data.update(payload)
        elif operation == "delete":
            data = None
    return data


class _Columns:
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


def _key(table: str) -> str:
    return "email" if table == "users" else "id"


def _upsert(conn: sqlite3.Connection, columns: _Columns, table: str, data: dict[str, Any]) -> None:
    names = [name for name in columns.of(table) if name in data]
    key = _key(table)
    _clear_clashes(conn, table, data)
    updates = ", ".join(f'"{name}" = excluded."{name}"' for name in names if name != key)
    conn.execute(
        f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)}) '
        f"VALUES ({', '.join('?' * len(names))}) "
        f'ON CONFLICT ("{key}") DO UPDATE SET {updates}',
        [data[name] for name in names],
    )


def _replace_many(
    conn: sqlite3.Connection, columns: _Columns, table: str, datas: list[dict[str, Any]]
) -> None:
    """Whole rows of one table at once. REPLACE also removes a local row holding the same
    unique values under another id (a stale copy, as in `_clear_clashes`); with foreign keys
    off it cascades nothing."""
    names = [name for name in columns.of(table) if name in datas[0]]
    quoted = ", ".join(f'"{name}"' for name in names)
    values = itemgetter(*names) if len(names) > 1 else (lambda data: (data[names[0]],))
    conn.executemany(
        f'INSERT OR REPLACE INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(names))})',
        map(values, datas),
    )


def _clear_clashes(conn: sqlite3.Connection, table: str, data: dict[str, Any]) -> None:
    """Local rows that would break a UNIQUE rule with the server's row are stale copies (the
    server allows no such pair): drop them; if they still exist, the server sends them too."""
    if table == "accounts" and data.get("external_id"):
        conn.execute(
            "UPDATE accounts SET external_id = NULL WHERE external_id = ? AND id != ?",
            (data["external_id"], data["id"]),
        )
    elif table == "owners":
        conn.execute(
            "DELETE FROM owners WHERE account_id = ? AND user_email = ? AND id != ?",
            (data["account_id"], data["user_email"], data["id"]),
        )
        if data.get("role") == "primary":
            conn.execute(
                "DELETE FROM owners WHERE account_id = ? AND role = 'primary' AND id != ?",
                (data["account_id"], data["id"]),
            )
    elif table == "health_snapshots":
        conn.execute(
            "DELETE FROM health_snapshots WHERE account_id = ? AND date = ? AND id != ?",
            (data["account_id"], data["date"], data["id"]),
        )
    elif table == "handoff_reads":
        conn.execute(
            "DELETE FROM handoff_reads WHERE reader_email = ? AND note_id = ? AND id != ?",
            (data["reader_email"], data["note_id"], data["id"]),
        )
    elif table == "usage_metrics":
        conn.execute(
            "DELETE FROM usage_metrics WHERE account_id = ? AND period = ? AND period_start = ? "
            "AND id != ?",
            (data["account_id"], data["period"], data["period_start"], data["id"]),
        )
    elif table == "playbook_firings":
        conn.execute(
            "DELETE FROM playbook_firings WHERE rule_id = ? AND account_id = ? "
            "AND occurrence = ? AND id != ?",
            (data["rule_id"], data["account_id"], data["occurrence"], data["id"]),
        )
    elif table == "calendar_marks":
        conn.execute(
            "DELETE FROM calendar_marks WHERE user_email = ? AND key = ? AND id != ?",
            (data["user_email"], data["key"], data["id"]),
        )


def _delete(conn: sqlite3.Connection, table: str, row_id: str) -> None:
    conn.execute(f'DELETE FROM "{table}" WHERE "{_key(table)}" = ?', (row_id,))
    if table == "accounts":  # what ON DELETE CASCADE would do
        for child in ACCOUNT_CHILDREN:
            conn.execute(f'DELETE FROM "{child}" WHERE account_id = ?', (row_id,))
    elif table == "checklist_items":  # ON DELETE SET NULL
        for linked in ("activities", "tasks"):
            conn.execute(
                f"UPDATE {linked} SET checklist_item_id = NULL WHERE checklist_item_id = ?",
                (row_id,),
            )
