"""The book-of-business table as the UI sees it."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from csm_tui.clock import Clock
from csm_tui.models.book import BookQuery, BookRow
from csm_tui.services.identity import me_identity
from csm_tui.store.book import (
    book_row,
    build_book,
    count_book_accounts,
    first_page,
    load_book_rows,
    query_book_ids,
)
from csm_tui.store.connection import Store

if TYPE_CHECKING:
    from csm_tui.services.segments import Segments

RECENT_QUERIES = 32


class BookService:
    """Loads the book once, then answers filter/sort queries from SQLite."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.size = 0
        self._rows: dict[int, BookRow] = {}
        self._built = False
        # the connection whose temp.book the rows came from, and the one the next table is
        # built on: queries go on from the current table while a reload builds (issue 17)
        self._home: Store = store
        self._spare: Store | None = None
        self._loading = threading.RLock()
        self._in_progress = False
        self._swap = threading.Lock()  # never held for longer than a few assignments
        self._recent: dict[tuple[object, ...], list[BookRow]] = {}
        self._segments: Segments | None = None

    @property
    def segments(self) -> Segments:
        """`[segments]` of the settings: its currency and rates convert contract values so the
        book sorts yen and dollars together (the defaults until the app sets its own)."""
        if self._segments is None:
            from csm_tui.services.segments import DEFAULT_SEGMENTS

            self._segments = DEFAULT_SEGMENTS
        return self._segments

    @segments.setter
    def segments(self, segments: Segments) -> None:
        self._segments = segments
        self.invalidate()

    def value_in_base(self, row: BookRow) -> float | None:
        """The row's contract value in the segments' currency, as the Contract sort ranks it
        (None without a value, or for a currency without a rate)."""
        return self.segments.value_in_base(row.contract_value, row.currency)

    @property
    def me(self) -> tuple[str, str] | None:
        return me_identity(self.store)

    @property
    def loaded(self) -> bool:
        return self._built

    def first_page(self, limit: int) -> list[BookRow]:
        """The first rows in the default order, fast, before `load` has run."""
        me = self.me
        return first_page(self.store, me[1] if me else None, self.clock.today(), limit)

    def count(self) -> int:
        return count_book_accounts(self.store)

    def load(self) -> int:
        """(Re)compute the table; call after anything that changes accounts or activities.

        Safe to run in a worker thread. The new table is built on the connection the current
        one is not on, then swapped in: a query meanwhile answers from the current rows instead
        of waiting (typing while a sync's reload runs, issue 17).
        """
        me = self.me
        with self._loading:
            self._in_progress = True
            try:
                target = self._next_home()
                segments = self.segments
                with target.lock:  # build_book takes it too; the rows are read in the same hold
                    size = build_book(
                        target,
                        me[1] if me else None,
                        self.clock.today(),
                        currency=segments.currency,
                        rates=segments.rates,
                    )
                    rows = load_book_rows(target)
                with self._swap:  # what a query reads together changes together
                    self._home, self.size, self._rows = target, size, rows
                    self._built = True
                    self._recent.clear()
            finally:
                self._in_progress = False
        return size

    def _next_home(self) -> Store:
        """The connection to build on: the one not holding the current table (the store's own
        until a second connection is had)."""
        if not self._rows:
            return self._home
        if self._spare is None:
            self._spare = self.store.second_connection()
            if self._spare is None:
                return self._home
        return self._spare if self._home is self.store else self.store

    def invalidate(self) -> None:
        """Data the table shows changed: the next `ensure_loaded` computes it again (the rows
        already loaded stay readable meanwhile)."""
        self._built = False
        self._recent.clear()

    def ensure_loaded(self) -> None:
        """Return once the book is loaded: wait for a load in progress, or load now."""
        if self._built:
            return
        with self._loading:  # a worker's load holds it until it is done
            if not self._built:
                self.load()

    def query(self, query: BookQuery) -> list[BookRow]:
        """Matching rows in order; SQLite filters and sorts, the rows come from memory. While a
        reload is under way the rows loaded before answer (the reload shows its own after)."""
        if not (self._rows and self._in_progress):
            self.ensure_loaded()
        key = (query.text, query.quick, query.sort, query.descending)
        cached = self._recent.get(key)
        if cached is not None:  # backspacing revisits the filters just typed
            return cached
        with self._swap:
            home, rows = self._home, self._rows
        with home.lock:
            result = [rows[rowid] for rowid in query_book_ids(home, query)]
        with self._swap:
            if self._rows is rows:  # not a table swapped out meanwhile
                if len(self._recent) >= RECENT_QUERIES:
                    self._recent.pop(next(iter(self._recent)))
                self._recent[key] = result
        return result

    def row(self, account_id: str) -> BookRow | None:
        return book_row(self._home, account_id)
