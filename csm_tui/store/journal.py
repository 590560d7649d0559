"""The only write path for user data: every change is written with its journal entry, atomically.

The sync feature pushes the journal; a row changed without an entry would never reach the team,
so services write through `Transaction` and nothing else.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from types import TracebackType
from typing import TYPE_CHECKING, Any

from csm_tui.clock import iso_now
from csm_tui.errors import NotFoundError, StoreError
from csm_tui.store.connection import describe_sqlite_error, immediate
from csm_tui.store.search import refresh_account_search

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from csm_tui.store.connection import Store

JOURNALED_TABLES = frozenset(
    {
        "users",
        "accounts",
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
    }
)


_PLAIN = frozenset({str, int, float, type(None)})


@dataclass(frozen=True, slots=True)
class Changes:
    """What one committed transaction wrote: the tables, and the accounts whose rows they are
    (every journaled table but `users` has an `account_id`; an account's own id for `accounts`).
    The after-commit listeners receive it, so the UI reloads only what changed."""

    tables: frozenset[str]
    account_ids: frozenset[str]


def new_mutation_id() -> str:
    """A UUIDv7 (RFC 9562) as hex: unique like uuid4, but in time order.

    Time order keeps the journal's unique index appending instead of scattering, which matters
    when an import or the demo writes hundreds of thousands of entries.
    """
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    return f"{value:032x}"


def to_column(value: Any) -> Any:
    """Python values → SQLite column values (JSON for lists/dicts, ISO for dates)."""
    if type(value) in _PLAIN:  # most values: checked first because bulk writes call this a lot
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    decimal = sys.modules.get("decimal")  # not imported: no value can be a Decimal (lean CLI)
    if decimal is not None and isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_json_default, sort_keys=True)
    return value


def _json_default(value: Any) -> Any:
    converted = to_column(value)
    if converted is value:
        raise TypeError(f"cannot store {type(value).__name__}")
    return converted


class Transaction:
    """`with store.transaction() as tx:` — all writes inside commit together, or none do."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.now = iso_now(store.clock)
        self.entries = 0
        self._tables: set[str] = set()
        self._account_ids: set[str] = set()
        self._atomic: AbstractContextManager[Any] | None = None
        self._outer: Transaction | None = None  # the transaction this one is a savepoint of

    def __enter__(self) -> Transaction:
        self.store.ensure_sound()
        self.store.lock.acquire()
        try:
            self._atomic = immediate(self.store.conn)
            self._atomic.__enter__()
        except BaseException as exc:
            self.store.lock.release()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(describe_sqlite_error(exc, self.store.path)) from exc
            raise
        # the lock is held until __exit__, so the stack is this thread's
        self._outer = self.store.open_transactions[-1] if self.store.open_transactions else None
        self.store.open_transactions.append(self)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._atomic is not None
        self.store.open_transactions.pop()
        try:
            self._atomic.__exit__(exc_type, exc, tb)
        except sqlite3.Error as error:
            raise StoreError(describe_sqlite_error(error, self.store.path)) from error
        finally:
            self.store.lock.release()
        if isinstance(exc, sqlite3.Error):
            raise StoreError(describe_sqlite_error(exc, self.store.path)) from exc
        if exc_type is None and self._outer is not None:
            # a savepoint: nothing is committed yet; the outer transaction tells the listeners
            self._outer.entries += self.entries
            self._outer._tables |= self._tables
            self._outer._account_ids |= self._account_ids
            return
        if exc_type is None and self.entries:
            changes = self.changes
            for listener in list(self.store.after_commit):
                listener(changes)

    @property
    def changes(self) -> Changes:
        """The tables and accounts written so far."""
        return Changes(frozenset(self._tables), frozenset(self._account_ids))

    # -- writes ------------------------------------------------------------------------------

    def insert(self, table: str, row: dict[str, Any]) -> None:
        self._check(table)
        values = {key: to_column(value) for key, value in row.items()}
        names = ", ".join(f'"{column}"' for column in values)
        marks = ", ".join("?" * len(values))
        self.store.conn.execute(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(values.values())
        )
        if table == "accounts":
            refresh_account_search(self.store.conn, str(values["id"]))
        self._touched(table, values.get("account_id", values.get("id")))
        self._journal(
            table, str(values["id"] if "id" in values else values["email"]), "insert", values
        )

    def update(self, table: str, row_id: str, changes: dict[str, Any]) -> None:
        self._check(table)
        if not changes:
            return
        values = {key: to_column(value) for key, value in changes.items()}
        key = "email" if table == "users" else "id"
        assignments = ", ".join(f'"{column}" = ?' for column in values)
        cursor = self.store.conn.execute(
            f'UPDATE "{table}" SET {assignments} WHERE "{key}" = ?',
            [*values.values(), row_id],
        )
        if cursor.rowcount == 0:
            raise NotFoundError(f"No {table[:-1]} with id {row_id}.")
        if table == "accounts":
            refresh_account_search(self.store.conn, row_id)
        self._touched(table, values.get("account_id") or self._account_of(table, row_id))
        self._journal(table, row_id, "update", values)

    def delete(self, table: str, row_id: str) -> None:
        self._check(table)
        key = "email" if table == "users" else "id"
        self._touched(table, self._account_of(table, row_id))
        cursor = self.store.conn.execute(
            f'DELETE FROM "{table}" WHERE "{key}" = ?',
            (row_id,),
        )
        if cursor.rowcount == 0:
            raise NotFoundError(f"No {table[:-1]} with id {row_id}.")
        self._journal(table, row_id, "delete", {})

    # -- internals ---------------------------------------------------------------------------

    def _check(self, table: str) -> None:
        if table not in JOURNALED_TABLES:
            raise ValueError(f"{table} is not a journaled table")
        if self._atomic is None:
            raise RuntimeError("use the transaction as a context manager")

    def _account_of(self, table: str, row_id: str) -> str | None:
        if table == "users":
            return None
        if table == "accounts":
            return row_id
        row = self.store.conn.execute(
            f'SELECT account_id FROM "{table}" WHERE id = ?', (row_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def _touched(self, table: str, account_id: object) -> None:
        self._tables.add(table)
        if table != "users" and account_id is not None:
            self._account_ids.add(str(account_id))

    def _journal(self, table: str, row_id: str, operation: str, payload: dict[str, Any]) -> None:
        self.entries += 1  # the listeners hear of the change either way
        if not self.store.keeps_outbox:
            return  # a book that never syncs keeps no outbox (drop_outbox)
        self.store.conn.execute(
            "INSERT INTO journal (uuid, table_name, row_id, operation, payload, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                new_mutation_id(),
                table,
                row_id,
                operation,
                json.dumps(payload, ensure_ascii=False, sort_keys=True),
                self.now,
            ),
        )


def insert_many(tx: Transaction, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert many rows with their journal entries in one go (imports, the demo book).

    Plain `executemany` over one column list: at 200,000 rows the per-row work of a generic
    insert is most of the cost. Every row must have the same keys.
    """
    tx._check(table)
    if not rows:
        return
    columns = list(rows[0])
    converted = [{key: to_column(row[key]) for key in columns} for row in rows]
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join("?" * len(columns))
    key = "email" if table == "users" else "id"
    conn = tx.store.conn
    conn.executemany(
        f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
        ([row[column] for column in columns] for row in converted),
    )
    if table == "accounts":
        refresh_account_search(conn)
    for row in converted:
        tx._touched(table, row.get("account_id", row.get("id")))
    tx.entries += len(converted)
    if not tx.store.keeps_outbox:
        return
    conn.executemany(
        "INSERT INTO journal (uuid, table_name, row_id, operation, payload, created_at) "
        "VALUES (?, ?, ?, 'insert', ?, ?)",
        (
            (
                new_mutation_id(),
                table,
                str(row[key]),
                json.dumps(row, ensure_ascii=False, sort_keys=True),
                tx.now,
            )
            for row in converted
        ),
    )


def drop_outbox(store: Store) -> int:
    """Empty the journal of a book that can never sync (the demo): nobody will ever send it,
    and on the 5,000-account demo it is 60 % of the file (issue 17). From then on the book
    writes no entries (`Store.keeps_outbox`); the file shrinks (`vacuum_if_worth`).
    Returns how many entries were dropped."""
    if store.keeps_outbox:
        raise ValueError("only a book that never syncs may drop its outbox")
    with store.lock:
        with immediate(store.conn):
            dropped = store.conn.execute("DELETE FROM journal").rowcount
        vacuum_if_worth(store)
    return int(dropped)


VACUUM_SHARE = 0.25  # of the file free, and
VACUUM_BYTES = 8 * 1024 * 1024  # at least this much


def vacuum_if_worth(store: Store) -> bool:
    """VACUUM when at least a quarter of the file (and 8 MB) is free pages: after the demo's
    journal is dropped. Takes the write lock for as long as it runs (seconds for 500 MB), so
    only where nothing else writes: a command that just built or emptied the book."""
    conn = store.conn
    free = int(conn.execute("PRAGMA freelist_count").fetchone()[0])
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    if not pages or free * size < VACUUM_BYTES or free / pages < VACUUM_SHARE:
        return False
    with store.lock:
        conn.execute("VACUUM")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return True
