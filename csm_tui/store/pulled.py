"""Writing what the server sends into the book: a pulled page of the feed, and the rows of a
push's answers.

Nothing written here is journaled (it would be pushed back), and the new cursor or
acknowledgement goes in the same transaction as the rows, so a page is applied whole or not at
all. Local changes not yet acknowledged are replayed on top of what the server sent, so a pull
never undoes something the user did since the last push. A page's rows come checked
(`sync.http.parse_rows_page`) as tuples in column order: rows the user changed since the last
push, accounts and tombstones take the careful path, everything else is one `executemany` per
table.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

from csm_tui.store import bulk as bulk_indexes
from csm_tui.store.connection import Store, translate_errors
from csm_tui.store.remote import (
    ACCOUNT_CHILDREN,
    SYNCED_TABLES,
    Refusal,
    SyncedColumns,
    key_column,
    record_refusals,
    set_sync_state,
)
from csm_tui.store.search import refresh_account_search

_SYNCED_TABLES = SYNCED_TABLES  # the name tests know


@dataclass(frozen=True)
class RemoteRow:
    """A row as the server has it now; `data` None means gone (deleted, or no longer mine)."""

    table: str
    id: str
    data: dict[str, Any] | None


class PulledTable(NamedTuple):
    """A table's rows in a page, checked: each a tuple of values in `columns` order."""

    table: str
    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class PulledPage:
    """A page of the feed, checked (`sync.http.parse_rows_page`): the one form a page takes
    once it has arrived, from the check to the write."""

    tables: list[PulledTable]
    deleted: list[tuple[str, str]]  # (table, id)
    seqs: tuple[int, int] | None  # the first and last change's sequences (None: no change)
    cursor: int  # the last change's sequence: where the next page starts
    has_more: bool
    high_water: int
    epoch: str

    @property
    def count(self) -> int:
        """Rows and tombstones."""
        return sum(len(group.rows) for group in self.tables) + len(self.deleted)


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
        record_refusals(conn, refusals)
        set_sync_state(conn, state)
    return len(rows)


def apply_pulled_page(
    store: Store,
    page: PulledPage,
    *,
    pending_after: int,
    state: Mapping[str, str | None],
    bulk: bool = False,
) -> int:
    """Write a page of the feed with its cursor (in `state`) in one transaction, as
    `apply_remote_changes` does, but whole rows of a table at once.

    The rows were checked against the row models, which hold every CHECK of the book's schema,
    so SQLite does not check them again: for a CHECK `IN (…)` it builds a table for every row
    written (a third of the cost of writing an activity). `bulk`: a large first download
    drops the secondary indexes first (see `store.bulk`); the page that ends the download
    (`has_more` false) recreates what was dropped.
    """
    with _remote_transaction(store, checked=True) as conn:
        if bulk and page.has_more and not bulk_indexes.dropped(conn):
            bulk_indexes.drop_secondary_indexes(conn, frozenset(SYNCED_TABLES))
        pending = (
            _pending_for(conn, _ids(page), pending_after)
            if _has_pending(conn, pending_after)
            else {}
        )
        careful = [RemoteRow(table, row_id, None) for table, row_id in page.deleted]
        for table, names, rows in page.tables:
            key = names.index(key_column(table))
            if pending:  # rows the user changed since: replayed on top, one by one
                careful += [
                    RemoteRow(table, row[key], dict(zip(names, row, strict=True)))
                    for row in rows
                    if (table, row[key]) in pending
                ]
                rows = [row for row in rows if (table, row[key]) not in pending]
            if rows and table == "accounts":
                _upsert_accounts(conn, names, rows)
            elif rows:
                _replace_tuples(conn, table, names, rows)
        _apply(conn, careful, pending)
        if not page.has_more:
            bulk_indexes.restore_indexes(conn)
        set_sync_state(conn, state)
    return page.count


def _has_pending(conn: sqlite3.Connection, after: int) -> bool:
    return conn.execute("SELECT 1 FROM journal WHERE seq > ?", (after,)).fetchone() is not None


def _apply(
    conn: sqlite3.Connection,
    rows: list[RemoteRow],
    pending: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]],
) -> None:
    columns = SyncedColumns(conn)
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


def _upsert(
    conn: sqlite3.Connection, columns: SyncedColumns, table: str, data: dict[str, Any]
) -> None:
    names = [name for name in columns.of(table) if name in data]
    key = key_column(table)
    _clear_clashes(conn, table, data)
    updates = ", ".join(f'"{name}" = excluded."{name}"' for name in names if name != key)
    conn.execute(
        f'INSERT INTO "{table}" ({", ".join(f"{chr(34)}{n}{chr(34)}" for n in names)}) '
        f"VALUES ({', '.join('?' * len(names))}) "
        f'ON CONFLICT ("{key}") DO UPDATE SET {updates}',
        [data[name] for name in names],
    )


def _replace_many(
    conn: sqlite3.Connection, columns: SyncedColumns, table: str, datas: list[dict[str, Any]]
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
    conn.execute(f'DELETE FROM "{table}" WHERE "{key_column(table)}" = ?', (row_id,))
    if table == "accounts":  # what ON DELETE CASCADE would do
        for child in ACCOUNT_CHILDREN:
            conn.execute(f'DELETE FROM "{child}" WHERE account_id = ?', (row_id,))
    elif table == "checklist_items":  # ON DELETE SET NULL
        for linked in ("activities", "tasks"):
            conn.execute(
                f"UPDATE {linked} SET checklist_item_id = NULL WHERE checklist_item_id = ?",
                (row_id,),
            )


def _ids(page: PulledPage) -> list[str]:
    ids = [row_id for _, row_id in page.deleted]
    for table, names, rows in page.tables:
        key = names.index(key_column(table))
        ids += [row[key] for row in rows]
    return ids


def _replace_tuples(
    conn: sqlite3.Connection, table: str, names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """`_replace_many` for rows already in column order."""
    quoted = ", ".join(f'"{name}"' for name in names)
    conn.executemany(
        f'INSERT OR REPLACE INTO "{table}" ({quoted}) VALUES ({", ".join("?" * len(names))})',
        rows,
    )


def _upsert_accounts(
    conn: sqlite3.Connection, names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """Whole accounts at once, as `_upsert` does one by one: an account is never replaced
    (that would drop its rows' parent), a stale copy only loses its external id; the search
    text is blanked and computed again."""
    key, external = names.index("id"), names.index("external_id")
    conn.executemany(
        "UPDATE accounts SET external_id = NULL WHERE external_id = ? AND id != ?",
        [(row[external], row[key]) for row in rows if row[external] is not None],
    )
    quoted = ", ".join(f'"{name}"' for name in names)
    updates = ", ".join(f'"{name}" = excluded."{name}"' for name in names if name != "id")
    conn.executemany(
        f"INSERT INTO accounts ({quoted}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}, search = ''",
        rows,
    )
    refresh_account_search(conn)  # those whose search text is blank


def checkpoint(store: Store) -> None:
    """Fold the WAL back into the database after a long pull (readers never wait for it)."""
    with store.lock, translate_errors(store.path):
        store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")


class Folding:
    """Folds the WAL back into the book while a long pull goes on: after each page's commit
    (`committed`), a PASSIVE checkpoint on a thread of its own with a connection of its own.
    SQLite does that without Python's lock (on the other core, beside the writes), and never
    waits for or blocks the writer; `checkpoint` at the end folds what is left, so a user's
    next save never pays for a long WAL. A checkpoint that fails here is left to that one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._wake = threading.Event()
        self._closing = False
        self._thread = threading.Thread(target=self._run, name="csm-tui-fold", daemon=True)
        self._thread.start()

    def committed(self) -> None:
        self._wake.set()

    def close(self) -> None:
        self._closing = True
        self._wake.set()
        self._thread.join()

    def _run(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            conn = sqlite3.connect(self.path, isolation_level=None)
            try:
                while True:
                    self._wake.wait()
                    self._wake.clear()
                    if self._closing:
                        return
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            finally:
                conn.close()
