"""The SQLite store: opening safely, migrations, the journaled write path and the book table.

Expected values are worked out by hand from the fixture data (today is 2026-11-27, so the
30-day look-back date is 2026-10-28).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csm_tui.clock import FixedClock
from csm_tui.errors import NotFoundError, StoreError
from csm_tui.models.book import BookQuery, BookRow, QuickFilter, SortKey
from csm_tui.store import connection
from csm_tui.store.book import book_row, build_book, query_book
from csm_tui.store.connection import Store, open_store
from csm_tui.store.journal import JOURNALED_TABLES, insert_many
from csm_tui.store.migrations import MIGRATIONS, SCHEMA_VERSION
from csm_tui.store.search import fold, terms

NOW_ISO = "2026-11-27T09:00:00+00:00"
TODAY = date(2026, 11, 27)
ME = "aoi.tanaka@example.com"
KEN = "ken.sato@example.com"

ALL_TABLES = {
    "settings",
    "users",
    "accounts",
    "owners",
    "contacts",
    "health_snapshots",
    "checklist_items",
    "activities",
    "handoff_notes",
    "handoff_reads",
    "journal",
    "sync_state",
    "sync_rejected",
    "usage_metrics",
    "tasks",
    "playbook_firings",
    "crm_state",
    "crm_records",
    "crm_links",
    "calendar_sources",
    "calendar_events",
    "calendar_marks",
    "renewals",
    "account_snoozes",
    "champion_changes",
    "effort_days",
}
LOCAL_CRM = {"crm_state", "crm_records", "crm_links"}  # the CRM connector's own, never synced
LOCAL_CALENDAR = {"calendar_sources", "calendar_events"}  # this machine's own
DERIVED = {"effort_days"}  # kept by triggers from the activities (issue 17), never synced


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {row[0] for row in rows} - {"sqlite_sequence"}


def journal(store: Store) -> list[dict[str, Any]]:
    rows = store.query("SELECT * FROM journal ORDER BY seq")
    return [{**dict(row), "payload": json.loads(row["payload"])} for row in rows]


def count(store: Store, table: str) -> int:
    row = store.query_one(f"SELECT count(*) FROM {table}")
    assert row is not None
    return int(row[0])


def account_row(account_id: str, name: str, **fields: Any) -> dict[str, Any]:
    """A raw accounts row as a service would write it."""
    return {
        "id": account_id,
        "external_id": None,
        "name": name,
        "segment": "",
        "contract_value": None,
        "currency": "USD",
        "renewal_date": None,
        "health_score": None,
        "stage": "onboarding",
        "tags": [],
        "created_at": NOW_ISO,
        "updated_at": NOW_ISO,
        **fields,
    }


# -- opening, migrations ---------------------------------------------------------------------


class TestOpen:
    def test_fresh_database_is_fully_migrated(self, store: Store) -> None:
        assert SCHEMA_VERSION == len(MIGRATIONS) >= 1
        assert store.schema_version == SCHEMA_VERSION
        assert tables(store.conn) == ALL_TABLES
        assert (
            ALL_TABLES
            - {"settings", "journal", "sync_state", "sync_rejected", *LOCAL_CRM, *LOCAL_CALENDAR}
            - DERIVED
            == JOURNALED_TABLES
        )

    def test_reopening_does_not_migrate_again(
        self, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "book.db"
        with open_store(path, clock=clock) as first:
            first.set_setting("me.email", ME)

        def boom(*args: object) -> None:
            raise AssertionError("migrations ran again")

        monkeypatch.setattr(connection, "_migrate", boom)
        with open_store(path, clock=clock) as again:
            assert again.schema_version == SCHEMA_VERSION
            assert again.get_setting("me.email") == ME

    def test_failed_migration_rolls_back_to_the_last_good_version(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        broken = "CREATE TABLE extra (x TEXT); INSERT INTO no_such_table VALUES (1);"
        monkeypatch.setattr(connection, "MIGRATIONS", [*MIGRATIONS, broken])
        monkeypatch.setattr(connection, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
        path = tmp_path / "book.db"
        with pytest.raises(StoreError, match="no_such_table"):
            open_store(path)
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            assert "extra" not in tables(conn)
            assert tables(conn) == ALL_TABLES - DERIVED  # made once the book is migrated
        finally:
            conn.close()

    def test_newer_database_is_refused_and_unchanged(self, tmp_path: Path) -> None:
        path = tmp_path / "book.db"
        open_store(path).close()
        conn = sqlite3.connect(path)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.close()
        before = sha256(path)
        files_before = sorted(p.name for p in tmp_path.iterdir())

        with pytest.raises(StoreError) as exc:
            open_store(path)

        message = str(exc.value)
        assert "newer" in message
        assert str(path) in message
        assert sha256(path) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == files_before

    def test_foreign_sqlite_file_is_refused_and_unchanged(self, tmp_path: Path) -> None:
        path = tmp_path / "other.db"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
        conn.commit()
        conn.close()
        before = sha256(path)

        with pytest.raises(StoreError, match="another program"):
            open_store(path)

        assert sha256(path) == before
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            assert tables(conn) == {"notes"}
        finally:
            conn.close()

    def test_foreign_sqlite_file_with_a_user_version_is_refused_and_unchanged(
        self, tmp_path: Path
    ) -> None:
        path = tmp_path / "other.db"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("PRAGMA user_version = 1")
        conn.commit()
        conn.close()
        before = sha256(path)
        try:
            with pytest.raises(StoreError):
                open_store(path).close()
        finally:
            assert sha256(path) == before

    @pytest.mark.parametrize("size", [5, 4096])
    def test_random_bytes_give_a_clear_error(self, tmp_path: Path, size: int) -> None:
        path = tmp_path / "junk.db"
        path.write_bytes(bytes((i * 37 + 11) % 256 for i in range(size)))
        before = sha256(path)

        with pytest.raises(StoreError) as exc:
            open_store(path)

        assert type(exc.value) is StoreError
        assert str(exc.value) == (
            f"The file {path} is not a csm-tui database or it is damaged (file is not a database)."
        )
        assert sha256(path) == before

    def test_directory_is_refused(self, tmp_path: Path) -> None:
        with pytest.raises(StoreError, match="is a folder"):
            open_store(tmp_path)

    def test_missing_folders_are_created(self, tmp_path: Path) -> None:
        path = tmp_path / "a" / "b" / "book.db"
        with open_store(path) as store:
            assert store.schema_version == SCHEMA_VERSION
        assert path.is_file()
        assert (path.parent.stat().st_mode & 0o777) == 0o700

    def test_folder_that_is_a_file_gives_store_error(self, tmp_path: Path) -> None:
        blocker = tmp_path / "file.txt"
        blocker.write_text("x")
        with pytest.raises(StoreError, match="Cannot create the database"):
            open_store(blocker / "book.db")

    def test_file_mode_is_private(self, store: Store) -> None:
        assert (store.path.stat().st_mode & 0o777) == 0o600

    def test_file_mode_is_private_even_with_permissive_umask(self, tmp_path: Path) -> None:
        old = os.umask(0o000)
        try:
            path = tmp_path / "book.db"
            with open_store(path) as store:
                with store.transaction() as tx:
                    tx.insert("users", {"email": ME, "name": "Aoi"})
                wal = Path(f"{path}-wal")
                shm = Path(f"{path}-shm")
                modes = {p.name: p.stat().st_mode & 0o777 for p in (path, wal, shm)}
        finally:
            os.umask(old)
        assert modes == {"book.db": 0o600, "book.db-wal": 0o600, "book.db-shm": 0o600}

    def test_connection_pragmas(self, store: Store) -> None:
        def pragma(name: str) -> Any:
            return store.conn.execute(f"PRAGMA {name}").fetchone()[0]

        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000
        assert pragma("synchronous") == 2  # FULL

    def test_custom_busy_timeout(self, tmp_path: Path) -> None:
        with open_store(tmp_path / "b.db", busy_timeout_ms=250) as store:
            assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] == 250

    def test_foreign_keys_are_enforced(self, store: Store) -> None:
        with pytest.raises(StoreError, match="FOREIGN KEY"), store.transaction() as tx:
            tx.insert(
                "owners",
                {
                    "id": "o1",
                    "account_id": "missing",
                    "user_email": ME,
                    "role": "primary",
                    "created_at": NOW_ISO,
                },
            )
        assert count(store, "owners") == 0
        assert count(store, "journal") == 0

    def test_locked_database_gives_store_error_on_write(
        self, tmp_path: Path, clock: FixedClock
    ) -> None:
        path = tmp_path / "book.db"
        open_store(path, clock=clock).close()
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            with open_store(path, clock=clock, busy_timeout_ms=50) as store:
                with pytest.raises(StoreError) as exc, store.transaction() as tx:
                    tx.insert("users", {"email": ME, "name": "Aoi"})
                assert "locked" in str(exc.value)
                assert type(exc.value) is StoreError
                with pytest.raises(StoreError, match="locked"):
                    store.set_setting("me.email", ME)
        finally:
            other.execute("ROLLBACK")
            other.close()
        with open_store(path, clock=clock) as store:
            assert count(store, "users") == 0
            assert count(store, "journal") == 0


# -- the journaled write path ----------------------------------------------------------------


class TestJournal:
    def test_insert_update_delete_each_journal_once(self, store: Store) -> None:
        with store.transaction() as tx:
            tx.insert(
                "accounts",
                account_row(
                    "acc1",
                    "Acme",
                    tags=["b", "a"],
                    renewal_date=date(2027, 1, 31),
                    contract_value=Decimal("1200.50"),
                ),
            )
            tx.insert("users", {"email": ME, "name": "Aoi"})
            tx.update("accounts", "acc1", {"health_score": 70, "stage": "adoption"})
            tx.update("users", ME, {"name": "Aoi T."})
            tx.insert(
                "contacts",
                {
                    "id": "c1",
                    "account_id": "acc1",
                    "name": "Yui",
                    "is_champion": True,
                    "created_at": NOW_ISO,
                },
            )
            tx.delete("contacts", "c1")
            assert tx.entries == 6

        entries = journal(store)
        assert [(e["table_name"], e["row_id"], e["operation"]) for e in entries] == [
            ("accounts", "acc1", "insert"),
            ("users", ME, "insert"),
            ("accounts", "acc1", "update"),
            ("users", ME, "update"),
            ("contacts", "c1", "insert"),
            ("contacts", "c1", "delete"),
        ]
        assert entries[0]["payload"] == {
            "id": "acc1",
            "external_id": None,
            "name": "Acme",
            "segment": "",
            "contract_value": 1200.5,
            "currency": "USD",
            "renewal_date": "2027-01-31",
            "health_score": None,
            "stage": "onboarding",
            "tags": '["b", "a"]',
            "created_at": NOW_ISO,
            "updated_at": NOW_ISO,
        }
        assert entries[1]["payload"] == {"email": ME, "name": "Aoi"}
        assert entries[2]["payload"] == {"health_score": 70, "stage": "adoption"}
        assert entries[3]["payload"] == {"name": "Aoi T."}
        assert entries[4]["payload"]["is_champion"] == 1
        assert entries[5]["payload"] == {}
        assert {e["created_at"] for e in entries} == {NOW_ISO}
        assert len({e["uuid"] for e in entries}) == 6
        assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)

        row = store.query_one("SELECT * FROM accounts WHERE id = 'acc1'")
        assert row is not None
        assert (row["health_score"], row["stage"], row["tags"]) == (70, "adoption", '["b", "a"]')
        assert row["renewal_date"] == "2027-01-31"
        assert row["contract_value"] == 1200.5
        assert store.query_one("SELECT name FROM users")[0] == "Aoi T."  # type: ignore[index]
        assert count(store, "contacts") == 0

    def test_exception_midway_leaves_nothing(self, store: Store) -> None:
        with pytest.raises(RuntimeError, match="boom"), store.transaction() as tx:
            tx.insert("accounts", account_row("acc1", "Acme"))
            tx.insert("users", {"email": ME, "name": "Aoi"})
            raise RuntimeError("boom")
        assert count(store, "accounts") == 0
        assert count(store, "users") == 0
        assert count(store, "journal") == 0

    def test_sqlite_error_midway_leaves_nothing(self, store: Store) -> None:
        with pytest.raises(StoreError, match="UNIQUE"), store.transaction() as tx:
            tx.insert("accounts", account_row("acc1", "Acme"))
            tx.insert("accounts", account_row("acc1", "Acme again"))
        assert count(store, "accounts") == 0
        assert count(store, "journal") == 0

    def test_update_of_missing_row_raises_and_rolls_back(self, store: Store) -> None:
        with pytest.raises(NotFoundError, match="nope"), store.transaction() as tx:
            tx.insert("accounts", account_row("acc1", "Acme"))
            tx.update("accounts", "nope", {"name": "X"})
        assert count(store, "accounts") == 0
        assert count(store, "journal") == 0

    def test_delete_of_missing_row_raises_and_rolls_back(self, store: Store) -> None:
        with pytest.raises(NotFoundError), store.transaction() as tx:
            tx.insert("users", {"email": ME, "name": "Aoi"})
            tx.delete("users", KEN)
        assert count(store, "users") == 0
        assert count(store, "journal") == 0

    def test_empty_update_writes_nothing(self, store: Store) -> None:
        with store.transaction() as tx:
            tx.insert("users", {"email": ME, "name": "Aoi"})
        with store.transaction() as tx:
            tx.update("users", ME, {})
            assert tx.entries == 0
        assert count(store, "journal") == 1

    @pytest.mark.parametrize("table", ["settings", "journal", "sqlite_master", "nope"])
    def test_non_journaled_tables_are_refused(self, store: Store, table: str) -> None:
        with store.transaction() as tx:
            with pytest.raises(ValueError, match="not a journaled table"):
                tx.insert(table, {"key": "k", "value": "v"})
            with pytest.raises(ValueError, match="not a journaled table"):
                tx.update(table, "k", {"value": "w"})
            with pytest.raises(ValueError, match="not a journaled table"):
                tx.delete(table, "k")
            with pytest.raises(ValueError, match="not a journaled table"):
                insert_many(tx, table, [{"key": "k", "value": "v"}])
        assert count(store, "settings") == 0
        assert count(store, "journal") == 0

    def test_writes_outside_with_are_refused(self, store: Store) -> None:
        tx = store.transaction()
        with pytest.raises(RuntimeError):
            tx.insert("users", {"email": ME, "name": "Aoi"})
        assert count(store, "users") == 0

    def test_insert_many_journals_each_row(self, store: Store) -> None:
        rows = [account_row(f"acc{i:03}", f"Account {i}") for i in range(1, 1201)]
        with store.transaction() as tx:
            insert_many(tx, "accounts", rows)
            insert_many(tx, "users", [{"email": ME, "name": "Aoi"}])
            insert_many(tx, "contacts", [])
            assert tx.entries == 1201
        entries = journal(store)
        assert count(store, "accounts") == 1200
        assert len(entries) == 1201
        assert [e["row_id"] for e in entries[:3]] == ["acc001", "acc002", "acc003"]
        assert entries[-1]["row_id"] == ME
        assert {e["operation"] for e in entries} == {"insert"}
        assert entries[41]["payload"] == {**account_row("acc042", "Account 42"), "tags": "[]"}
        assert len({e["uuid"] for e in entries}) == 1201

    def test_insert_many_is_atomic(self, store: Store) -> None:
        rows = [account_row("a1", "One"), account_row("a1", "Duplicate")]
        with pytest.raises(StoreError), store.transaction() as tx:
            insert_many(tx, "accounts", rows)
        assert count(store, "accounts") == 0
        assert count(store, "journal") == 0

    def test_journal_uuids_unique_across_transactions(self, store: Store) -> None:
        for i in range(20):
            with store.transaction() as tx:
                tx.insert("users", {"email": f"u{i}@example.com", "name": f"U{i}"})
                tx.update("users", f"u{i}@example.com", {"name": f"User {i}"})
        uuids = [e["uuid"] for e in journal(store)]
        assert len(uuids) == 40
        assert len(set(uuids)) == 40
        assert all(len(u) == 32 and int(u, 16) >= 0 for u in uuids)

    def test_settings_are_not_journaled(self, store: Store) -> None:
        store.set_setting("me.email", ME)
        store.set_setting("me.email", KEN)
        assert store.get_setting("me.email") == KEN
        assert store.get_setting("missing") is None
        assert count(store, "journal") == 0


# -- search folding --------------------------------------------------------------------------


class TestFold:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("ACME Corp", "acme corp"),
            ("ＡＣＭＥ", "acme"),  # full-width Latin
            ("ｶﾌﾞｼｷｶﾞｲｼｬ", "かぶしきがいしゃ"),  # half-width katakana with dakuten
            ("カブシキ", "かぶしき"),  # full-width katakana
            ("ヴァ", "ゔぁ"),
            ("Straße", "strasse"),
            ("１２３", "123"),
            ("", ""),
            (None, ""),
        ],
    )
    def test_fold(self, text: str | None, expected: str) -> None:
        assert fold(text) == expected

    def test_terms_split_on_any_space(self) -> None:
        assert terms("  Acme\u3000ｻｸﾗ\tＢｅｔａ  ") == ["acme", "さくら", "beta"]
        assert terms("   ") == []

    @given(st.text())
    def test_fold_is_idempotent(self, text: str) -> None:
        assert fold(fold(text)) == fold(text)


# A worker thread reads the book while the UI thread writes accounts, on one connection (the
# app's workers share the session's store). With a Python SQL function inside the write, the two
# threads used to wait for each other for ever about one run in two: the test runs it in a child
# process so that a deadlock fails it after a timeout instead of hanging the suite.
_THREADS_ON_ONE_BOOK = """
import sys, threading
from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.store.connection import open_store

store = open_store(sys.argv[1])
for i in range(200):
    create_account(store, Account(name=f"Seed {i} カブシキ"))
stop = threading.Event()

def read() -> None:
    while not stop.is_set():
        store.query("SELECT * FROM accounts")

reader = threading.Thread(target=read, daemon=True)
reader.start()
for i in range(200):
    create_account(store, Account(name=f"New {i} 株式会社"))
stop.set()
reader.join(10)
searched = store.query_one("SELECT search FROM accounts WHERE name = 'New 7 株式会社'")[0]
assert searched.split() == ["new", "7", "株式会社"], searched  # folded by Python, not SQL
print("done")
"""


def test_a_reader_thread_never_deadlocks_a_writer(tmp_path: Path) -> None:
    import subprocess
    import sys

    for attempt in range(3):  # the deadlock, when there was one, came about one run in two
        result = subprocess.run(
            [sys.executable, "-c", _THREADS_ON_ONE_BOOK, str(tmp_path / f"book{attempt}.db")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == "done"


# -- the book table --------------------------------------------------------------------------

# The book, worked out by hand for today = 2026-11-27 (look-back date 2026-10-28):
#
# id  name            segment     stage       health past-score change value   renewal    days
# A   Acme Corp       Enterprise  adoption    60     70 (10-28)  -10    120000  2027-03-27  120
# B   株式会社サクラ   Mid-Market  onboarding  75     79 (10-27)   -4    None    2027-03-28  121
# C   beta labs       ''          renewal     None   none        None   5000    None        None
# D   Delta Inc       SMB         renewal     40     45 (09-01)   -5    5000    2026-11-27  0
# E   Echo GmbH       Enterprise  adoption    90     85 (10-28)   +5    80000   2026-11-20  -7
#
# my role: A primary, B secondary, E primary, C/D none (D is Ken's).
# last activity: A 2026-11-25, B 2026-11-10, C none, D 2026-11-27, E 2026-10-01.


def _seed_book(store: Store) -> None:
    accounts = [
        account_row(
            "A",
            "Acme Corp",
            segment="Enterprise",
            stage="adoption",
            health_score=60,
            contract_value=120000,
            renewal_date="2027-03-27",
            tags=["strategic", "apac"],
        ),
        account_row(
            "B",
            "株式会社サクラ",
            external_id="ＳＦ－００１",
            segment="Mid-Market",
            stage="onboarding",
            health_score=75,
            renewal_date="2027-03-28",
            tags=["ガバナンス"],
        ),
        account_row("C", "beta labs", stage="renewal", contract_value=5000),
        account_row(
            "D",
            "Delta Inc",
            segment="SMB",
            stage="renewal",
            health_score=40,
            contract_value=5000,
            renewal_date="2026-11-27",
        ),
        account_row(
            "E",
            "Echo GmbH",
            segment="Enterprise",
            stage="adoption",
            health_score=90,
            contract_value=80000,
            currency="EUR",
            renewal_date="2026-11-20",
        ),
    ]
    owners = [
        ("A", ME, "primary"),
        ("A", KEN, "secondary"),
        ("B", ME, "secondary"),
        ("B", KEN, "primary"),
        ("D", KEN, "primary"),
        ("E", ME, "primary"),
    ]
    snapshots = [
        ("A", "2026-10-01", 80),
        ("A", "2026-10-28", 70),
        ("A", "2026-11-20", 60),
        ("B", "2026-10-27", 79),
        ("B", "2026-10-29", 90),
        ("D", "2026-09-01", 45),
        ("E", "2026-10-28", 85),
    ]
    activities = [
        ("A", "2026-11-01T10:00:00+00:00"),
        ("A", "2026-11-25T10:00:00+00:00"),
        ("B", "2026-11-10T12:00:00+00:00"),
        ("D", "2026-11-27T08:00:00+00:00"),
        ("E", "2026-10-01T09:30:00+00:00"),
    ]
    with store.transaction() as tx:
        insert_many(tx, "accounts", accounts)
        insert_many(
            tx,
            "owners",
            [
                {
                    "id": f"o{i}",
                    "account_id": acc,
                    "user_email": email,
                    "role": role,
                    "coverage_from": None,
                    "coverage_to": None,
                    "coverage_reason": "",
                    "created_at": NOW_ISO,
                }
                for i, (acc, email, role) in enumerate(owners)
            ],
        )
        insert_many(
            tx,
            "health_snapshots",
            [
                {"id": f"h{i}", "account_id": acc, "date": day, "score": score, "components": {}}
                for i, (acc, day, score) in enumerate(snapshots)
            ],
        )
        insert_many(
            tx,
            "activities",
            [
                {
                    "id": f"act{i}",
                    "account_id": acc,
                    "author_email": ME,
                    "type": "call",
                    "minutes": 30,
                    "occurred_at": at,
                    "proactive": False,
                    "recurring": False,
                    "outcome": "none",
                    "note": "",
                    "checklist_item_id": None,
                    "created_at": NOW_ISO,
                    "updated_at": NOW_ISO,
                }
                for i, (acc, at) in enumerate(activities)
            ],
        )


@pytest.fixture
def book(store: Store) -> Iterator[Store]:
    """The five-account book above, built for me on 2026-11-27."""
    _seed_book(store)
    assert build_book(store, ME, TODAY) == 5
    yield store


def ids(rows: list[BookRow]) -> list[str]:
    return [row.id for row in rows]


def q(store: Store, text: str = "", *quick: QuickFilter, **kw: Any) -> list[str]:
    return ids(query_book(store, BookQuery(text=text, quick=frozenset(quick), **kw)))


class TestBookColumns:
    def test_derived_columns(self, book: Store) -> None:
        rows = {row.id: row for row in query_book(book, BookQuery(sort=SortKey.NAME))}
        assert rows["A"] == BookRow(
            id="A",
            name="Acme Corp",
            segment="Enterprise",
            stage="adoption",
            health=60,
            health_change=-10,
            contract_value=120000.0,
            currency="USD",
            renewal_date="2027-03-27",
            days_to_renewal=120,
            my_role="primary",
            last_activity="2026-11-25",
        )
        assert rows["C"] == BookRow(
            id="C",
            name="beta labs",
            segment="",
            stage="renewal",
            health=None,
            health_change=None,
            contract_value=5000.0,
            currency="USD",
            renewal_date=None,
            days_to_renewal=None,
            my_role=None,
            last_activity=None,
        )
        by_id = {
            key: (row.health_change, row.days_to_renewal, row.my_role, row.last_activity)
            for key, row in rows.items()
        }
        assert by_id == {
            "A": (-10, 120, "primary", "2026-11-25"),
            "B": (-4, 121, "secondary", "2026-11-10"),
            "C": (None, None, None, None),
            "D": (-5, 0, None, "2026-11-27"),
            "E": (5, -7, "primary", "2026-10-01"),
        }

    def test_book_row_lookup(self, book: Store) -> None:
        row = book_row(book, "E")
        assert row is not None
        assert (row.name, row.currency, row.contract_value) == ("Echo GmbH", "EUR", 80000.0)
        assert book_row(book, "nope") is None

    def test_only_recent_snapshots_give_no_change(self, store: Store) -> None:
        with store.transaction() as tx:
            tx.insert("accounts", account_row("X", "Xeno", health_score=50))
            tx.insert(
                "health_snapshots",
                {"id": "h", "account_id": "X", "date": "2026-10-29", "score": 20},
            )
        build_book(store, ME, TODAY)
        assert book_row(store, "X").health_change is None  # type: ignore[union-attr]

    def test_days_to_renewal_over_a_leap_day(self, store: Store) -> None:
        with store.transaction() as tx:
            tx.insert("accounts", account_row("L", "Leap", renewal_date="2028-02-29"))
        build_book(store, ME, TODAY)
        # 2026-11-27 → 2027-11-27 is 365 days, → 2028-02-29 is 30 + 31 + 31 + 2 more
        assert book_row(store, "L").days_to_renewal == 459  # type: ignore[union-attr]

    def test_without_me_nobody_has_a_role(self, store: Store) -> None:
        _seed_book(store)
        build_book(store, None, TODAY)
        assert {row.my_role for row in query_book(store, BookQuery())} == {None}
        assert q(store, "", QuickFilter.I_OWN) == []

    def test_rebuild_sees_new_data(self, book: Store) -> None:
        with book.transaction() as tx:
            tx.insert("accounts", account_row("F", "Foxtrot"))
        assert q(book, "foxtrot") == []  # the TEMP table is a snapshot until rebuilt
        assert build_book(book, ME, TODAY) == 6
        assert q(book, "foxtrot") == ["F"]

    def test_book_is_per_connection(self, book: Store, clock: FixedClock) -> None:
        with open_store(book.path, clock=clock) as other:
            assert build_book(other, KEN, TODAY) == 5
            assert q(other, "", QuickFilter.I_OWN, sort=SortKey.NAME) == ["D", "B"]
        assert q(book, "", QuickFilter.I_OWN, sort=SortKey.NAME) == ["A", "E"]


class TestBookFilters:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("", ["A", "C", "D", "E", "B"]),
            ("   ", ["A", "C", "D", "E", "B"]),
            ("acme", ["A"]),
            ("ACME", ["A"]),
            ("ａｃｍｅ", ["A"]),  # full-width
            ("enterprise", ["A", "E"]),
            ("acme enterprise", ["A"]),  # every term must match
            ("enterprise acme", ["A"]),
            ("acme smb", []),
            ("apac", ["A"]),  # tags
            ("株式会社", ["B"]),  # Japanese
            ("サクラ", ["B"]),
            ("さくら", ["B"]),  # hiragana finds katakana
            ("ｻｸﾗ", ["B"]),  # half-width katakana
            ("株式\u3000さくら", ["B"]),  # full-width space separates terms
            ("がばなんす", ["B"]),  # katakana tag via hiragana
            ("ｶﾞﾊﾞﾅﾝｽ", ["B"]),  # ... and via half-width with dakuten
            ("sf-001", ["B"]),  # full-width external id
            ("ＳＦ", ["B"]),
            ("in", ["D"]),  # "Delta Inc"
            ("labs", ["C"]),  # an account without segment or tags
            ("zzz", []),
        ],
    )
    def test_text(self, book: Store, text: str, expected: list[str]) -> None:
        assert q(book, text, sort=SortKey.NAME) == expected

    @pytest.mark.parametrize(
        ("quick", "expected"),
        [
            ({QuickFilter.I_OWN}, ["A", "E"]),
            ({QuickFilter.I_COVER}, ["B"]),
            # 120, 0 and -7 days (overdue is the most urgent); not 121, none
            ({QuickFilter.RENEWAL_SOON}, ["A", "D", "E"]),
            ({QuickFilter.HEALTH_DROPPING}, ["A", "D"]),  # -10 and -5; not -4, +5, none
            ({QuickFilter.I_OWN, QuickFilter.RENEWAL_SOON}, ["A", "E"]),
            ({QuickFilter.I_OWN, QuickFilter.HEALTH_DROPPING}, ["A"]),
            ({QuickFilter.I_OWN, QuickFilter.I_COVER}, []),
            ({QuickFilter.RENEWAL_SOON, QuickFilter.HEALTH_DROPPING}, ["A", "D"]),
            ({QuickFilter.I_COVER, QuickFilter.RENEWAL_SOON}, []),
        ],
    )
    def test_quick(self, book: Store, quick: set[QuickFilter], expected: list[str]) -> None:
        assert q(book, "", *quick, sort=SortKey.NAME) == expected

    def test_text_and_quick_combined(self, book: Store) -> None:
        both = (QuickFilter.RENEWAL_SOON, QuickFilter.HEALTH_DROPPING)
        assert q(book, "delta", *both) == ["D"]
        assert q(book, "enterprise", QuickFilter.I_OWN, sort=SortKey.NAME) == ["A", "E"]
        assert q(book, "enterprise", QuickFilter.HEALTH_DROPPING) == ["A"]
        assert q(book, "さくら", QuickFilter.I_OWN) == []

    @pytest.mark.parametrize("text", ["[", "]", '"', "[]"])
    def test_tag_json_punctuation_is_not_searchable(self, book: Store, text: str) -> None:
        # no name, segment, tag or external id in the book contains these characters
        assert q(book, text) == []

    @pytest.mark.parametrize("text", ["'", '" OR 1=1 --', "%", "_", "\\", "a'b", "%' --"])
    def test_text_is_not_sql(self, book: Store, text: str) -> None:
        assert q(book, text) == []


# -- sorting ---------------------------------------------------------------------------------

SORTED: dict[SortKey, tuple[list[str], list[str]]] = {
    # key: (ascending, descending); ties by name, empty values last in both directions
    SortKey.NAME: (["A", "C", "D", "E", "B"], ["B", "E", "D", "C", "A"]),
    SortKey.STAGE: (["B", "A", "E", "C", "D"], ["C", "D", "A", "E", "B"]),
    SortKey.HEALTH: (["D", "A", "B", "E", "C"], ["E", "B", "A", "D", "C"]),
    SortKey.VALUE: (["C", "D", "E", "A", "B"], ["A", "E", "C", "D", "B"]),
    SortKey.RENEWAL: (["E", "D", "A", "B", "C"], ["B", "A", "D", "E", "C"]),
    SortKey.LAST_ACTIVITY: (["E", "B", "A", "D", "C"], ["D", "A", "B", "E", "C"]),
    SortKey.ROLE: (["A", "E", "B", "C", "D"], ["B", "A", "E", "C", "D"]),
    SortKey.SEGMENT: (["A", "E", "B", "D", "C"], ["D", "B", "A", "E", "C"]),
    # no renewal outcome recorded: every value empty, the order is the names'
    SortKey.OUTCOME: (["A", "C", "D", "E", "B"], ["A", "C", "D", "E", "B"]),
}


@pytest.mark.parametrize(
    ("key", "descending"),
    [
        pytest.param(
            key,
            desc,
            id=f"{key.value}-{'desc' if desc else 'asc'}",
        )
        for key in SortKey
        for desc in (False, True)
    ],
)
def test_sort(book: Store, key: SortKey, descending: bool) -> None:
    assert set(SORTED) == set(SortKey)
    expected = SORTED[key][1 if descending else 0]
    assert q(book, sort=key, descending=descending) == expected


def test_sort_role_descending_orders_the_real_roles(book: Store) -> None:
    """Secondary before primary when descending (whatever happens to accounts without a role)."""
    rows = query_book(book, BookQuery(sort=SortKey.ROLE, descending=True))
    with_role = [row.id for row in rows if row.my_role]
    assert with_role == ["B", "A", "E"]


def test_ties_are_stable_by_name_then_id(store: Store) -> None:
    with store.transaction() as tx:
        insert_many(
            tx,
            "accounts",
            [
                account_row("id2", "zeta", health_score=50),
                account_row("id1", "Zeta", health_score=50),
                account_row("id3", "alpha", health_score=50),
                account_row("id0", "ZETA", health_score=50),
            ],
        )
    build_book(store, ME, TODAY)
    for key in SortKey:
        for descending in (False, True):
            got = q(store, sort=key, descending=descending)
            if key is SortKey.NAME and descending:
                assert got == ["id0", "id1", "id2", "id3"], key
            else:
                assert got == ["id3", "id0", "id1", "id2"], (key, descending)


# -- properties ------------------------------------------------------------------------------


def test_any_filter_text_returns_a_subset(store: Store) -> None:
    _seed_book(store)
    build_book(store, ME, TODAY)
    everything = set(q(store))

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        text=st.text(max_size=30),
        quick=st.frozensets(st.sampled_from(list(QuickFilter))),
        key=st.sampled_from(list(SortKey)),
        descending=st.booleans(),
    )
    def check(text: str, quick: frozenset[QuickFilter], key: SortKey, descending: bool) -> None:
        got = q(store, text, *quick, sort=key, descending=descending)
        assert len(got) == len(set(got))
        assert set(got) <= everything
        # adding a term never widens the result
        assert set(q(store, text + " acme", *quick)) <= set(got)

    check()


def test_every_name_finds_itself(store: Store) -> None:
    counter = iter(range(10_000))

    @settings(max_examples=100, deadline=None)
    @given(
        name=st.text(min_size=1, max_size=20).filter(lambda s: s.strip() and len(s) <= 20),
    )
    def check(name: str) -> None:
        account_id = f"n{next(counter)}"
        with store.transaction() as tx:
            tx.insert("accounts", account_row(account_id, name))
        build_book(store, None, TODAY)
        assert account_id in q(store, name)

    check()


def test_mutation_ids_are_uuid7_in_time_order() -> None:
    import time
    import uuid

    from csm_tui.store.journal import new_mutation_id

    first = new_mutation_id()
    time.sleep(0.002)
    ids = [new_mutation_id() for _ in range(1000)]
    assert len(set(ids)) == 1000
    parsed = uuid.UUID(hex=first)
    assert parsed.version == 7
    assert parsed.variant == uuid.RFC_4122
    assert all(first < later for later in ids)  # a later millisecond sorts after


def test_the_reader_is_a_second_read_only_connection(tmp_path: Path) -> None:
    """Analytics run two scans at once on it (services/effort.py)."""
    from csm_tui.models.account import Account
    from csm_tui.services.accounts import create_account

    store = open_store(tmp_path / "book.db")
    create_account(store, Account(name="Acme"))
    with store.reader() as reader:
        assert reader is not None and reader.conn is not store.conn
        assert reader.query_one("SELECT name FROM accounts")[0] == "Acme"  # type: ignore[index]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            reader.conn.execute("DELETE FROM accounts")
        with store.reader() as busy:  # one user at a time: the second runs its reads itself
            assert busy is None
    with store.reader() as again:
        assert again is reader  # kept open for the next report
    store.close()
    with pytest.raises(sqlite3.ProgrammingError):
        reader.conn.execute("SELECT 1")  # closed with the store
