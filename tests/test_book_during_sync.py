"""The book stays readable and writable while csm-tui's own sync writes to it.

A first download drops secondary indexes for speed (store.bulk): every query must still run
meanwhile. And a sync's commits must never make a local save fail: writers wait their turn.
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from csm_tui.clock import FixedClock
from csm_tui.config import TODAY_WEIGHTS
from csm_tui.demo.book import build_demo
from csm_tui.services.activities import log_activity
from csm_tui.services.checklist import due_items
from csm_tui.services.effort import Period, PeriodKind, effort_report
from csm_tui.services.identity import me_identity
from csm_tui.services.tasks import my_open_tasks
from csm_tui.services.today import today_view
from csm_tui.store import bulk
from csm_tui.store.book import build_book, first_page
from csm_tui.store.connection import Store, describe_sqlite_error, open_store
from csm_tui.store.pulled import _SYNCED_TABLES

SOURCES = Path(__file__).parent.parent / "csm_tui"
TODAY = date(2026, 11, 27)
WHEN = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


@pytest.fixture
def demo(store: Store) -> Store:
    build_demo(store, accounts=12, activities=300, today=TODAY)
    return store


def test_every_index_a_query_names_is_kept_during_a_download() -> None:
    named = {
        match
        for path in SOURCES.rglob("*.py")
        for match in re.findall(r"INDEXED BY (\w+)", path.read_text(encoding="utf-8"))
    }
    assert named, "the scan found no INDEXED BY at all: the pattern is wrong"
    assert named <= bulk.NAMED_BY_QUERIES


def test_every_screen_query_runs_while_a_first_download_has_dropped_indexes(
    demo: Store, clock: FixedClock
) -> None:
    conn = demo.conn
    conn.execute("BEGIN IMMEDIATE")
    bulk.drop_secondary_indexes(conn, frozenset(_SYNCED_TABLES))
    conn.commit()
    assert bulk.dropped(conn), "the download dropped nothing: the test proves nothing"
    me = me_identity(demo)
    assert me is not None

    assert today_view(demo, clock, dict(TODAY_WEIGHTS)).priorities
    due_items(demo, today=TODAY)
    my_open_tasks(demo, TODAY)
    effort_report(demo, Period.around(PeriodKind.MONTH, TODAY), clock)
    assert build_book(demo, me[1], TODAY) == 12
    assert first_page(demo, me[1], TODAY, 5)


def _hold_the_write_lock(path: Path, started: threading.Event, seconds: float) -> None:
    """Another connection (as the sync is) writing for a while, then committing."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO sync_state (key, value) VALUES ('probe', '1')")
        started.set()
        time.sleep(seconds)
        conn.commit()
    finally:
        conn.close()


def test_a_save_waits_for_a_sync_commit_instead_of_failing(demo: Store) -> None:
    account = demo.query_one("SELECT id FROM accounts ORDER BY name LIMIT 1")
    assert account is not None
    started = threading.Event()
    syncing = threading.Thread(target=_hold_the_write_lock, args=(demo.path, started, 0.3))
    # the save reads first (the account, who "me" is): with a deferred BEGIN, its read
    # snapshot is stale once the other writer commits, and SQLite refuses the write at once
    demo.conn.execute("SELECT count(*) FROM accounts").fetchone()
    syncing.start()
    assert started.wait(5)
    try:
        activity = log_activity(demo, str(account[0]), 20, WHEN, note="during sync")
    finally:
        syncing.join()
    assert activity.minutes == 20


def test_many_saves_during_a_stream_of_sync_commits(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "book.db"
    with open_store(path, clock=clock) as store:
        build_demo(store, accounts=4, activities=10, today=TODAY)
        account_id = str(store.query("SELECT id FROM accounts LIMIT 1")[0][0])
        stop = threading.Event()

        def sync_commits() -> None:
            conn = sqlite3.connect(path, timeout=10)
            n = 0
            while not stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                conn.execute(
                    "INSERT INTO sync_state (key, value) VALUES ('probe', ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (str(n),),
                )
                time.sleep(0.005)  # a page being written
                conn.commit()
                time.sleep(0.005)  # the next page on its way
                n += 1
            conn.close()

        writer = threading.Thread(target=sync_commits)
        writer.start()
        try:
            for minute in range(1, 41):
                log_activity(store, account_id, minute, WHEN, note="")
        finally:
            stop.set()
            writer.join()
        logged = store.query_one(
            "SELECT count(*) FROM activities WHERE account_id = ? AND note = ''", (account_id,)
        )
        assert logged is not None and logged[0] >= 40


def test_a_busy_book_does_not_blame_another_program_when_csm_tui_syncs(tmp_path: Path) -> None:
    import fcntl
    import os

    path = tmp_path / "book.db"
    busy = sqlite3.OperationalError("database is locked")
    assert "another program" in describe_sqlite_error(busy, path)
    fd = os.open(bulk.sync_lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        message = describe_sqlite_error(busy, path)
    finally:
        os.close(fd)
    assert "sync" in message and "another program" not in message
