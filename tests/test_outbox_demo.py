"""A book that never syncs keeps no outbox (issue 17): the demo's journal is dropped when it is
built, its later changes write no entries (the screens still hear of them), the file shrinks,
and `csm-tui status` says why nothing is pending. A book that may sync keeps every entry."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_run import run

from csm_tui.cli.demo_cmd import build_into
from csm_tui.services.shell_log import log_work
from csm_tui.store.connection import open_store
from csm_tui.store.journal import Changes, drop_outbox, vacuum_if_worth


def _entries(path: Path) -> int:
    with open_store(path) as store:
        return int(store.query_one("SELECT count(*) FROM journal")[0])  # type: ignore[index]


def test_the_demo_is_built_without_an_outbox_and_writes_none(tmp_path: Path) -> None:
    path = tmp_path / "demo.db"
    build_into(path, accounts=30, activities=3000, seed=1)
    assert _entries(path) == 0
    heard: list[Changes] = []
    with open_store(path) as store:
        assert not store.keeps_outbox
        store.after_commit.append(heard.append)
        account = store.query_one("SELECT id FROM accounts LIMIT 1")
        assert account is not None
        log_work(store, str(account[0]), 30, datetime.now(UTC), note="demo work")
        assert store.query_one("SELECT count(*) FROM activities WHERE note = 'demo work'")[0] == 1  # type: ignore[index]
    assert _entries(path) == 0
    assert heard and "activities" in heard[0].tables  # the screens still reload


def test_a_book_that_may_sync_keeps_its_entries(tmp_path: Path) -> None:
    from csm_tui.services.identity import set_me

    path = tmp_path / "book.db"
    with open_store(path) as store:
        assert store.keeps_outbox
        set_me(store, "Aoi", "aoi@example.com")
        with pytest.raises(ValueError, match="never syncs"):
            drop_outbox(store)
    assert _entries(path) == 1  # the user, for the server


def test_dropping_the_outbox_shrinks_the_file(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    with open_store(path) as store:
        with store.transaction() as tx:
            tx.insert("users", {"email": "aoi@example.com", "name": "Aoi"})
        big = json.dumps({"note": "x" * 2000})
        store.conn.executemany(
            "INSERT INTO journal (uuid, table_name, row_id, operation, payload, created_at) "
            "VALUES (?, 'users', 'aoi@example.com', 'update', ?, '')",
            ((f"u{i}", big) for i in range(10_000)),
        )
        store.conn.commit()
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = path.stat().st_size
        assert not vacuum_if_worth(store)  # nothing free yet
        store.set_setting("demo.params", "{}")
        assert drop_outbox(store) == 10_001
    after = path.stat().st_size
    assert before > 20_000_000 and after < before / 4


def test_status_says_a_demo_keeps_no_outbox(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "demo.db"
    build_into(path, accounts=5, activities=20, seed=1)
    code, out, err = run(["status", "--db", str(path)], capsys)
    assert code == 0, err
    assert "Pending:    none (a demo book never syncs, so it keeps no outbox)" in out
