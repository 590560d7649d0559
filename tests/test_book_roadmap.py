"""The book table's roadmap column (current stage progress), overdue count and its quick filter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from test_store import ME, NOW_ISO, TODAY, _seed_book

from csm_tui.models.book import BookQuery, QuickFilter, SortKey
from csm_tui.store.book import build_book, first_page, query_book
from csm_tui.store.connection import Store
from csm_tui.store.journal import insert_many


def item(
    account: str, stage: str, n: int, *, done: bool = False, due: str | None = None
) -> dict[str, Any]:
    return {
        "id": f"{account}-{stage}-{n}",
        "account_id": account,
        "stage": stage,
        "item_key": f"k{n}",
        "title": f"Item {n}",
        "due_date": due,
        "position": n,
        "done": done,
        "created_at": NOW_ISO,
        "updated_at": NOW_ISO,
    }


@pytest.fixture
def book(store: Store) -> Iterator[Store]:
    _seed_book(store)
    rows = [
        # A is in adoption: 2 of its 3 adoption items done; one onboarding item left over, overdue
        item("A", "onboarding", 1, due="2026-11-01"),
        item("A", "adoption", 1, done=True),
        item("A", "adoption", 2, done=True, due="2026-10-01"),  # done: never overdue
        item("A", "adoption", 3, due="2026-11-27"),  # due today: not overdue yet
        # B is in onboarding: nothing done, two overdue
        item("B", "onboarding", 1, due="2026-11-26"),
        item("B", "onboarding", 2, due="2025-02-28"),
        item("B", "adoption", 1, due="2027-01-01"),
    ]
    with store.transaction() as tx:
        insert_many(tx, "checklist_items", rows)
    build_book(store, ME, TODAY)
    yield store


def test_progress_of_the_current_stage_and_overdue_items_of_any_stage(book: Store) -> None:
    rows = {row.id: row for row in query_book(book, BookQuery())}
    assert (rows["A"].stage_done, rows["A"].stage_total, rows["A"].overdue_items) == (2, 3, 1)
    assert (rows["B"].stage_done, rows["B"].stage_total, rows["B"].overdue_items) == (0, 2, 2)
    assert (rows["C"].stage_done, rows["C"].stage_total, rows["C"].overdue_items) == (0, 0, 0)


def test_first_page_has_the_same_columns_as_the_built_book(book: Store) -> None:
    built = {row.id: row for row in query_book(book, BookQuery())}
    for row in first_page(book, ME, TODAY, 10):
        assert row == built[row.id]


def test_overdue_quick_filter(book: Store) -> None:
    query = BookQuery(quick=frozenset({QuickFilter.OVERDUE_ITEMS}), sort=SortKey.NAME)
    assert [row.id for row in query_book(book, query)] == ["A", "B"]
    both = BookQuery(quick=frozenset({QuickFilter.OVERDUE_ITEMS, QuickFilter.I_OWN}))
    assert [row.id for row in query_book(book, both)] == ["A"]


def test_stage_sort_goes_along_the_roadmap_then_by_progress(book: Store) -> None:
    with book.transaction() as tx:
        rows = [item("E", "adoption", 1, done=True), item("E", "adoption", 2, done=True)]
        insert_many(tx, "checklist_items", rows)
    build_book(book, ME, TODAY)
    order = [row.id for row in query_book(book, BookQuery(sort=SortKey.STAGE))]
    # B onboarding; then adoption: A (2 of 3) before E (2 of 2); then renewal by name
    assert order == ["B", "A", "E", "C", "D"]
    backwards = [row.id for row in query_book(book, BookQuery(sort=SortKey.STAGE, descending=True))]
    assert backwards == ["C", "D", "E", "A", "B"]  # ties still by name


def test_unread_handoff_notes_count_the_latest_version_of_each_note(book: Store) -> None:
    def note(note_id: str, version: int, account: str = "A") -> dict[str, Any]:
        return {
            "id": f"{note_id}v{version}",
            "note_id": note_id,
            "version": version,
            "account_id": account,
            "author_email": "ken.sato@example.com",
            "created_at": NOW_ISO,
        }

    with book.transaction() as tx:
        insert_many(tx, "handoff_notes", [note("n1", 1), note("n1", 2), note("n2", 1)])
        insert_many(tx, "handoff_notes", [note("n3", 1, account="B")])
        read = {"note_id": "n1", "account_id": "A", "reader_email": ME, "read_at": NOW_ISO}
        # n1 read at version 1 only: its version 2 makes it unread again; n3 read by someone else
        insert_many(tx, "handoff_reads", [{"id": "r1", **read, "read_version": 1}])
        other = {**read, "id": "r2", "note_id": "n3", "account_id": "B", "read_version": 1}
        insert_many(tx, "handoff_reads", [{**other, "reader_email": "ken.sato@example.com"}])
    build_book(book, ME, TODAY)
    rows = {row.id: row for row in query_book(book, BookQuery())}
    assert (rows["A"].unread_notes, rows["B"].unread_notes, rows["C"].unread_notes) == (2, 1, 0)
    with book.transaction() as tx:
        tx.update("handoff_reads", "r1", {"read_version": 2})
    build_book(book, ME, TODAY)
    assert book_row_of(book, "A").unread_notes == 1
    assert {row.id: row for row in first_page(book, ME, TODAY, 10)}["A"].unread_notes == 1


def book_row_of(store: Store, account_id: str) -> Any:
    return next(row for row in query_book(store, BookQuery()) if row.id == account_id)
