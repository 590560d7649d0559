"""Sorting the book by Contract ranks values converted into one currency (`[segments] rates`)."""

from __future__ import annotations

from datetime import date

from csm_tui.clock import FixedClock
from csm_tui.models.account import Account
from csm_tui.models.book import BookQuery, SortKey
from csm_tui.services.accounts import create_account
from csm_tui.services.book import BookService
from csm_tui.services.segments import Segments, segments_from_config
from csm_tui.store.book import build_book, query_book
from csm_tui.store.connection import Store

TODAY = date(2026, 11, 27)


def contracts(store: Store) -> None:
    for account_id, value, currency in (
        ("yen-big", 30_000_000, "JPY"),  # $200,000 at 150
        ("yen-small", 1_200_000, "JPY"),  # $8,000
        ("usd", 50_000, "USD"),
        ("eur", 45_000, "EUR"),  # $48,913 at 0.92
        ("krw", 1_000_000, "KRW"),  # no rate: sorts with the empty values
        ("none", None, "USD"),
    ):
        create_account(
            store,
            Account(id=account_id, name=account_id, contract_value=value, currency=currency),
        )


def by_value(store: Store, descending: bool = True) -> list[str]:
    query = BookQuery(sort=SortKey.VALUE, descending=descending)
    return [row.id for row in query_book(store, query)]


def test_contract_sort_converts_with_the_rates(store: Store) -> None:
    contracts(store)
    build_book(store, None, TODAY, currency="USD", rates={"JPY": 150.0, "EUR": 0.92})
    assert by_value(store) == ["yen-big", "usd", "eur", "yen-small", "krw", "none"]
    assert by_value(store, descending=False) == [
        "yen-small",
        "eur",
        "usd",
        "yen-big",
        "krw",
        "none",
    ]


def test_book_service_uses_the_settings_rates(store: Store, clock: FixedClock) -> None:
    contracts(store)
    book = BookService(store, clock)
    book.segments = segments_from_config(
        {"segments": {"currency": "JPY", "rates": {"USD": 0.005, "EUR": 0.0046}}}
    )
    rows = book.query(BookQuery(sort=SortKey.VALUE, descending=True))
    # at 200 yen a dollar, $50,000 is ¥10,000,000; ¥30,000,000 stays on top
    assert [row.id for row in rows][:3] == ["yen-big", "usd", "eur"]
    yen_small = next(row for row in rows if row.id == "yen-small")
    assert book.value_in_base(yen_small) == 1_200_000
    usd = next(row for row in rows if row.id == "usd")
    assert book.value_in_base(usd) == 10_000_000


def test_default_rates_put_yen_among_dollars(store: Store, clock: FixedClock) -> None:
    contracts(store)
    rows = BookService(store, clock).query(BookQuery(sort=SortKey.VALUE, descending=True))
    assert [row.id for row in rows][:4] == ["yen-big", "usd", "eur", "yen-small"]


def test_the_table_marks_converted_values_when_sorted_by_contract(
    store: Store, clock: FixedClock
) -> None:
    from csm_tui.ui.widgets.account_table import AccountTable

    contracts(store)
    book = BookService(store, clock)
    book.segments = Segments((), "USD", {"JPY": 150.0})
    rows = {row.id: row for row in book.query(BookQuery(sort=SortKey.VALUE))}
    table = AccountTable()
    table.book = book
    assert table.contract_cell(rows["yen-small"]) == "¥1,200,000"  # another sort: as it is
    table.sort_key = SortKey.VALUE
    assert table.contract_cell(rows["yen-big"]) == "≈$200,000"
    assert table.contract_cell(rows["yen-small"]) == "≈$8,000"  # rounded: no cents
    assert table.contract_cell(rows["usd"]) == "$50,000"
    assert table.contract_cell(rows["krw"]) == "₩1,000,000"  # no rate: not converted
