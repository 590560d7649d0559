"""The book-of-business table as the UI sees it."""

from __future__ import annotations

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

RECENT_QUERIES = 32


class BookService:
    """Loads the book once, then answers filter/sort queries from SQLite."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.size = 0
        self._rows: dict[int, BookRow] = {}
        self._built = False
        self._recent: dict[tuple[object, ...], list[BookRow]] = {}

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

        Safe to run in a worker thread; `query` must wait until it has finished.
        """
        me = self.me
        with self.store.lock:  # a query waits for the new table rather than seeing half of it
            size = build_book(self.store, me[1] if me else None, self.clock.today())
            rows = load_book_rows(self.store)
            self.size, self._rows, self._built = size, rows, True
            self._recent.clear()
        return size

    def ensure_loaded(self) -> None:
        """Return once the book is loaded: wait for a load in progress, or load now."""
        if self._built:
            return
        with self.store.lock:  # a worker's load holds it until it is done
            if not self._built:
                self.load()

    def query(self, query: BookQuery) -> list[BookRow]:
        """Matching rows in order; SQLite filters and sorts, the rows come from memory."""
        self.ensure_loaded()
        key = (query.text, query.quick, query.sort, query.descending)
        cached = self._recent.get(key)
        if cached is not None:  # backspacing revisits the filters just typed
            return cached
        with self.store.lock:
            rows = self._rows
            result = [rows[rowid] for rowid in query_book_ids(self.store, query)]
        if len(self._recent) >= RECENT_QUERIES:
            self._recent.pop(next(iter(self._recent)))
        self._recent[key] = result
        return result

    def row(self, account_id: str) -> BookRow | None:
        return book_row(self.store, account_id)
