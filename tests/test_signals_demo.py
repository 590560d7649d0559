"""The demo book's communication signals (issue 16): some accounts have them, they keep every
rule an import keeps, falling accounts answer fewer surveys, and the usage stays as it was."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from csm_tui.clock import FixedClock
from csm_tui.demo.book import build_demo
from csm_tui.services.signals import signals_by_account
from csm_tui.store.connection import Store, open_store

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("demo-signals") / "book.db"
    with open_store(path, clock=FixedClock(NOW)) as store:
        build_demo(store, accounts=60, activities=200, today=NOW.date())
        yield store


def test_some_accounts_have_rates_this_month(book: Store) -> None:
    found = signals_by_account(book, NOW.date())
    total = book.query_one("SELECT count(*) FROM accounts")[0]  # type: ignore[index]
    assert 0 < len(found) < total
    with_both = [s for s in found.values() if s.answer and s.attendance]
    assert with_both and all(s.answer.month.month == 11 for s in with_both if s.answer)
    assert any(s.answer and s.answer.change is not None for s in found.values())


def test_the_signals_keep_the_rules_of_a_row(book: Store) -> None:
    bad = book.query_one(
        "SELECT count(*) FROM usage_metrics WHERE surveys_answered > surveys_sent "
        "OR events_attended > events_invited OR nps NOT BETWEEN -100 AND 100 "
        "OR csat NOT BETWEEN 0 AND 100 OR feedback_items < 0"
    )
    assert bad is not None and bad[0] == 0


def test_falling_accounts_answer_fewer_surveys(book: Store) -> None:
    found = signals_by_account(book, NOW.date())
    falling = {
        row[0]
        for row in book.query(
            "SELECT a.id FROM accounts AS a WHERE a.health_score - (SELECT h.score FROM "
            "health_snapshots AS h WHERE h.account_id = a.id AND h.date <= '2026-10-28' "
            "ORDER BY h.date DESC LIMIT 1) <= -10"
        )
    }
    drops = [r for a in falling if a in found and (r := found[a].answer) is not None]
    others = [r for a, s in found.items() if a not in falling and (r := s.answer) is not None]
    assert drops and others
    assert sum(r.value for r in drops) / len(drops) < sum(r.value for r in others) / len(others)
    changes = [r.change for r in drops if r.change is not None]
    assert changes and sum(changes) / len(changes) < 0  # down on the month before
