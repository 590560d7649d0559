"""The book-of-business table as the UI sees it."""

from __future__ import annotations

from csm_tui.clock import Clock
from csm_tui.models.book import BookQuery, BookRow
from csm_tui.services.identity import me_identity
from csm_tui.store.book import book_row, build_book, query_book
from csm_tui.store.connection import Store


class BookService:
    """Loads the book once, then answers filter/sort queries from SQLite."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self.size = 0

    @property
    def me(self) -> tuple[str, str] | None:
        return me_identity(self.store)

    def load(self) -> int:
        """(Re)compute the table; call after anything that changes accounts or activities."""
        me = self.me
        self.size = build_book(self.store, me[1] if me else None, self.clock.today())
        return self.size

    def query(self, query: BookQuery) -> list[BookRow]:
        return query_book(self.store, query)

    def row(self, account_id: str) -> BookRow | None:
        return book_row(self.store, account_id)
