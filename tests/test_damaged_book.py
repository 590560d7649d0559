"""A damaged book is refused for writing, with the way out; a sound one is not checked twice."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from cli_run import run

from csm_tui.demo.book import build_demo
from csm_tui.errors import StoreError
from csm_tui.store import soundness
from csm_tui.store.connection import open_store

PAGE = 4096


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    with open_store(path) as store:
        build_demo(store, accounts=30, activities=2000, today=date(2026, 11, 27))
    return path


def _root_page(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    assert size == PAGE
    return int(row[0])


def _spoil(path: Path, page: int, offset: int, data: bytes) -> None:
    with path.open("r+b") as handle:
        handle.seek((page - 1) * PAGE + offset)
        handle.write(data)


@pytest.mark.parametrize(
    ("object_name", "offset", "data"),
    [
        ("activities", 0, b"\x00\x07\xff\xff"),  # a table's root: no valid page type
        ("activities", 3, b"\xff\xff"),  # a table's root: more cells than fit
        ("activities_effort", 0, b"\x42"),  # an index page
        ("journal", 8, b"\xff\xff\xff\xff"),  # the right-most child: out of range
        # pages a log never reads: before the check, such a book took the save with exit 0
        ("health_snapshots", 0, b"\x00\x07\xff\xff"),
        ("checklist_items", 3, b"\xff\xff"),
    ],
)
def test_log_into_a_damaged_book_is_refused_and_writes_nothing(
    book: Path, capsys: pytest.CaptureFixture[str], object_name: str, offset: int, data: bytes
) -> None:
    conn = sqlite3.connect(book)
    name = conn.execute("SELECT name FROM accounts ORDER BY name LIMIT 1").fetchone()[0]
    conn.close()
    _spoil(book, _root_page(book, object_name), offset, data)
    before = book.read_bytes()
    code, _out, err = run(["log", name, "30", "--db", str(book)], capsys)
    assert code != 0
    assert "damaged" in err and ".recover" in err
    assert book.read_bytes() == before


def test_a_sound_book_is_checked_once_per_change_csm_tui_did_not_make(book: Path) -> None:
    with open_store(book) as store:
        assert store.sound, "a book csm-tui closed is known to be sound"
    assert soundness.known_sound(book)
    os.utime(book, ns=(1, 1))  # another program touched it
    with open_store(book) as store:
        assert not store.sound
        store.ensure_sound()
        assert store.sound
    assert soundness.known_sound(book)


def test_a_damaged_book_opened_by_the_app_refuses_the_first_save(book: Path) -> None:
    _spoil(book, _root_page(book, "activities"), 0, b"\x00\x07\xff\xff")
    with open_store(book) as store:
        assert not store.sound
        with pytest.raises(StoreError, match="damaged"), store.transaction():
            pass
    assert not soundness.known_sound(book)
