"""The demo book's handoff notes: on accounts I cover, English and Japanese, some unread."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from csm_tui.clock import FixedClock
from csm_tui.demo.book import build_demo
from csm_tui.services.brief import brief_markdown, build_brief
from csm_tui.services.handoff import notes_of, unread_counts
from csm_tui.store.connection import Store, open_store

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
ME = "aoi.tanaka@example.com"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("demo") / "book.db"
    with open_store(path, clock=FixedClock(NOW)) as store:
        build_demo(store, today=NOW.date())
        yield store


def test_notes_are_on_accounts_i_cover_written_by_their_primary_owner(book: Store) -> None:
    rows = book.query(
        "SELECT h.author_email, p.user_email, s.user_email FROM handoff_notes AS h "
        "JOIN owners AS p ON p.account_id = h.account_id AND p.role = 'primary' "
        "LEFT JOIN owners AS s ON s.account_id = h.account_id AND s.role = 'secondary' "
        "AND s.user_email = ?",
        (ME,),
    )
    assert len(rows) >= 6
    assert all(author == primary and secondary == ME for author, primary, secondary in rows)


def test_english_and_japanese_some_unread_one_with_two_versions(book: Store) -> None:
    texts = [row[0] for row in book.query("SELECT situation FROM handoff_notes")]
    assert any(JAPANESE.search(text) for text in texts)
    assert any(text.isascii() for text in texts)
    unread = unread_counts(book, ME)
    notes = book.query("SELECT count(DISTINCT note_id) FROM handoff_notes")[0][0]
    assert 0 < sum(unread.values()) < notes
    versions = book.query("SELECT max(version) FROM handoff_notes GROUP BY note_id")
    assert sorted(row[0] for row in versions)[-2:] == [1, 2]
    assert not book.query("SELECT 1 FROM handoff_notes WHERE conflict = 1")


def test_every_covered_account_with_notes_has_a_brief(book: Store) -> None:
    clock = FixedClock(NOW)
    accounts = [row[0] for row in book.query("SELECT DISTINCT account_id FROM handoff_notes")]
    for account_id in accounts:
        brief = build_brief(book, account_id, clock, reader=ME)
        assert brief.notes and brief.commitments
        assert brief.notes == notes_of(book, account_id, ME)
        assert "## Handoff notes" in brief_markdown(brief)


def test_the_same_seed_gives_the_same_notes(tmp_path: Path) -> None:
    def rows(path: Path, table: str) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(path)
        try:
            return conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
        finally:
            conn.close()

    for name in ("a.db", "b.db"):
        with open_store(tmp_path / name, clock=FixedClock(NOW)) as store:
            build_demo(store, accounts=40, activities=100, seed=3, today=NOW.date())
    for table in ("handoff_notes", "handoff_reads"):
        assert rows(tmp_path / "a.db", table) == rows(tmp_path / "b.db", table), table
        assert rows(tmp_path / "a.db", table)
