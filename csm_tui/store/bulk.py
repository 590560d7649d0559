"""A first download writes hundreds of thousands of rows: without the secondary indexes meanwhile.

Every row written also updates each index of its table at a random place; building an index
once over the loaded rows is several times faster. So the first page of a large download drops
the synced tables' secondary indexes (never a UNIQUE one: they decide which local rows a pulled
row replaces) and keeps their definitions in `sync_state`, in the same transaction; the last
page's transaction recreates them. A download killed in between leaves the definitions there:
the next `open_store` recreates the indexes (unless a sync of the book is running: it will), so
the book is never left slow, and never without an index a migration expects.

The indexes that queries name with `INDEXED BY` stay: the app (or another csm-tui process) reads
the book while it downloads, and such a query fails outright when its index is missing.

The Effort rollup's triggers (store.effort_rollup) go the same way: dropped with the indexes,
and the last page counts the rollup once from the activities before putting them back.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from pathlib import Path

from csm_tui.store import effort_rollup

NAMED_BY_QUERIES = frozenset(
    {
        "activities_effort",
        "activities_met",
        "checklist_open_account",
        "checklist_open_due",
        "tasks_open",
        "tasks_open_account",
    }
)
"""Indexes a query names with `INDEXED BY`: never dropped (a test checks the list is whole)."""

DROPPED_KEY = "dropped_indexes"
"""`sync_state` key: a JSON list of the `CREATE INDEX` statements of the indexes dropped (and
the rollup's `CREATE TRIGGER` statements)."""


def sync_lock_path(path: Path) -> Path:
    """The file a sync of the book at `path` holds a lock on (see `sync.client.sync_lock`)."""
    return path.with_name(path.name + ".sync-lock")


def dropped(conn: sqlite3.Connection) -> list[str]:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (DROPPED_KEY,)).fetchone()
    return [] if row is None else [str(sql) for sql in json.loads(row[0])]


def drop_secondary_indexes(conn: sqlite3.Connection, tables: frozenset[str]) -> None:
    """Inside a transaction: drop the non-unique indexes of `tables`, remembering them."""
    found = conn.execute(
        "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        "ORDER BY name"
    ).fetchall()
    kept = dropped(conn)
    for name, table, sql in found:
        if (
            table not in tables
            or name in NAMED_BY_QUERIES
            or sql.lstrip().upper().startswith("CREATE UNIQUE")
        ):
            continue
        kept.append(sql)
        conn.execute(f'DROP INDEX "{name}"')
    if "activities" in tables:  # the Effort rollup is counted once at the end instead
        kept.extend(effort_rollup.suspend_triggers(conn))
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (DROPPED_KEY, json.dumps(kept)),
    )


def restore_indexes(conn: sqlite3.Connection) -> bool:
    """Inside a transaction: recreate the indexes a download dropped; True if there were any."""
    statements = dropped(conn)
    triggers = [sql for sql in statements if effort_rollup.is_rollup_trigger(sql)]
    for sql in statements:
        if sql not in triggers:
            conn.execute(sql.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1))
    if triggers:
        effort_rollup.resume_triggers(conn, triggers)
    conn.execute("DELETE FROM sync_state WHERE key = ?", (DROPPED_KEY,))
    return bool(statements)


def restore_after_a_kill(conn: sqlite3.Connection, path: Path) -> None:
    """On opening a book (before migrating it): recreate what a killed download dropped,
    unless a sync of the book is running now (it recreates them when it is done)."""
    has_state = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_state'"
    ).fetchone()
    if has_state is None or not dropped(conn):
        return
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks, and a sync there cannot be told apart
        fcntl = None  # type: ignore[assignment]
    fd = os.open(sync_lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # a sync holds the book: it recreates them at its end
        conn.execute("BEGIN IMMEDIATE")
        try:
            restore_indexes(conn)
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)
