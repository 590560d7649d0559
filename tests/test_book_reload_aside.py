"""A reload of the book (after a sync) is built on a second connection and swapped in: a query
meanwhile answers at once from the rows loaded before, instead of waiting for it (issue 17)."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest

from csm_tui.clock import FixedClock
from csm_tui.demo.book import build_demo
from csm_tui.models.book import BookQuery
from csm_tui.services import book as book_service
from csm_tui.services.book import BookService
from csm_tui.store.connection import Store

TODAY = date(2026, 11, 27)


@pytest.fixture
def demo(store: Store) -> Store:
    build_demo(store, accounts=12, activities=100, today=TODAY)
    return store


def test_a_query_during_a_reload_answers_from_the_rows_before(
    demo: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = BookService(demo, clock)
    before = book.query(BookQuery())
    assert len(before) == 12
    renamed = before[0].id
    with demo.transaction() as tx:  # what a sync would have brought
        tx.update("accounts", renamed, {"name": "Zz Renamed By The Team"})
    book.invalidate()

    building = threading.Event()
    release = threading.Event()
    real_build = book_service.__dict__["build_book"]

    def slow_build(*args: object, **kwargs: object) -> int:
        building.set()
        assert release.wait(10)
        return int(real_build(*args, **kwargs))

    monkeypatch.setattr(book_service, "build_book", slow_build)
    worker = threading.Thread(target=book.load)
    worker.start()
    assert building.wait(10)
    started = time.perf_counter()
    during = book.query(BookQuery(text="a"))  # typing while the reload runs
    assert time.perf_counter() - started < 1.0  # did not wait for the build (held 10 s)
    assert all(row.name != "Zz Renamed By The Team" for row in during)
    release.set()
    worker.join(10)
    after = book.query(BookQuery())
    assert any(row.name == "Zz Renamed By The Team" for row in after)
    assert book.row(renamed) is not None and book.row(renamed).name == "Zz Renamed By The Team"  # type: ignore[union-attr]
    monkeypatch.setattr(book_service, "build_book", real_build)
    book.invalidate()
    book.load()  # and back on the first connection: both take turns
    assert [row.id for row in book.query(BookQuery())] == [row.id for row in after]


def test_without_a_reload_running_a_changed_book_is_computed_first(
    demo: Store, clock: FixedClock
) -> None:
    book = BookService(demo, clock)
    first = book.query(BookQuery())
    with demo.transaction() as tx:
        tx.update("accounts", first[0].id, {"name": "Aa Fresh"})
    book.invalidate()
    assert book.query(BookQuery())[0].name == "Aa Fresh"  # no stale answer when nothing runs
