"""Writing a pulled page of the feed: whole rows of a table at once.

The page's rows come checked (`sync.http.parse_rows_page`) as tuples in column order; rows the
user changed since the last push, accounts and tombstones take the careful path of
`remote.apply_remote_changes`, everything else is one `executemany` per table.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from csm_tui.store import bulk as bulk_indexes
from csm_tui.store.connection import Store, translate_errors
from csm_tui.store.remote import (
    ACCOUNT_CHILDREN,
    RemoteRow,
    _apply,
    _has_pending,
    _key,
    _pending_for,
    _remote_transaction,
    _write_state,
)
from csm_tui.store.search import refresh_account_search

_SYNCED_TABLES = ("users", "accounts", *ACCOUNT_CHILDREN)
TableRows = tuple[str, Sequence[str], list[tuple[Any, ...]]]
"""A table's whole rows: (table, columns, rows as tuples of values in `columns` order)."""


def apply_pulled_page(
    store: Store,
    tables: Sequence[TableRows],
    gone: Sequence[tuple[str, str]],
    *,
    pending_after: int,
    state: Mapping[str, str | None],
    bulk: bool = False,
    done: bool = False,
) -> int:
    """Write a page of the feed with its cursor (in `state`) in one transaction, as
    `apply_remote_changes` does, but whole rows of a table at once.

    The rows were checked against the row models, which hold every CHECK of the book's schema,
    so SQLite does not check them again: for a CHECK `IN (…)` it builds a table for every row
    written (a third of the cost of writing an activity). `bulk`: a large first download
    drops the secondary indexes first (see `store.bulk`); `done`: the download is complete,
    and what it dropped is recreated.
    """
    with _remote_transaction(store, checked=True) as conn:
        if bulk and not bulk_indexes.dropped(conn):
            bulk_indexes.drop_secondary_indexes(conn, frozenset(_SYNCED_TABLES))
        pending = (
            _pending_for(conn, _ids(tables, gone), pending_after)
            if _has_pending(conn, pending_after)
            else {}
        )
        careful = [RemoteRow(table, row_id, None) for table, row_id in gone]
        for table, names, rows in tables:
            key = names.index(_key(table))
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
        if done:
            bulk_indexes.restore_indexes(conn)
        _write_state(conn, state)
    return sum(len(rows) for _, _, rows in tables) + len(gone)


def _ids(tables: Sequence[TableRows], gone: Sequence[tuple[str, str]]) -> list[str]:
    ids = [row_id for _, row_id in gone]
    for table, names, rows in tables:
        key = names.index(_key(table))
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
