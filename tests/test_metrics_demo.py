"""The demo book's usage metrics: a year of weeks for every account, and the stories in them."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from csm_tui.clock import FixedClock
from csm_tui.demo.book import build_demo
from csm_tui.demo.metrics import WEEKS, demo_weeks
from csm_tui.store.connection import Store, open_store

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # a Friday
TODAY = NOW.date()
Series = dict[str, list[tuple[int, int, int, int, int]]]


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    path = tmp_path_factory.mktemp("demo-metrics") / "book.db"
    with open_store(path, clock=FixedClock(NOW)) as store:
        build_demo(store, accounts=60, activities=200, today=TODAY)
        yield store


def series(store: Store) -> Series:
    found: Series = {}
    for row in store.query(
        "SELECT account_id, logins, active_users, key_feature_uses, inquiries, new_users "
        "FROM usage_metrics ORDER BY account_id, period_start"
    ):
        found.setdefault(row[0], []).append(tuple(row[1:]))  # type: ignore[arg-type]
    return found


def test_the_weeks_are_the_last_full_year_of_mondays() -> None:
    weeks = demo_weeks(TODAY)
    assert len(weeks) == WEEKS == 52
    assert all(day.weekday() == 0 for day in weeks)
    assert weeks[-1] == date(2026, 11, 16)  # the week of 11-23 is not over on the 27th
    assert weeks[0] == weeks[-1] - timedelta(weeks=51)


def test_every_account_has_a_year_of_weeks(book: Store) -> None:
    rows = book.query(
        "SELECT count(*), count(DISTINCT account_id), min(period_start), max(period_start), "
        "min(min(logins, active_users, key_feature_uses, inquiries, new_users)), "
        "sum(period <> 'week') FROM usage_metrics"
    )[0]
    assert tuple(rows) == (60 * 52, 60, "2025-11-24", "2026-11-16", 0, 0)
    journaled = book.query_one(
        "SELECT count(*) FROM journal WHERE table_name = 'usage_metrics' AND operation = 'insert'"
    )
    assert journaled is not None and journaled[0] == 60 * 52


def test_usage_follows_the_segment(book: Store) -> None:
    users = dict(
        book.query(
            "SELECT a.segment, avg(m.active_users) FROM usage_metrics AS m "
            "JOIN accounts AS a ON a.id = m.account_id GROUP BY a.segment"
        )
    )
    assert users["Enterprise"] > users["Mid-Market"] > users["SMB"] > users["Tech Touch"]


def test_falling_health_comes_with_falling_logins(book: Store) -> None:
    falling = [
        row[0]
        for row in book.query(
            "SELECT a.id FROM accounts AS a WHERE a.health_score - (SELECT h.score FROM "
            "health_snapshots AS h WHERE h.account_id = a.id AND h.date <= ? "
            "ORDER BY h.date DESC LIMIT 1) <= -10",
            ((TODAY - timedelta(days=30)).isoformat(),),
        )
    ]
    assert len(falling) >= 3
    weeks = series(book)
    for account_id in falling:
        logins = [week[0] for week in weeks[account_id]]
        before = sum(logins[-14:-6]) / 8
        assert logins[-1] < 0.7 * before, account_id


def test_a_champion_change_and_a_feature_never_adopted(book: Store) -> None:
    weeks = series(book)
    bursts = [
        account_id
        for account_id, rows in weeks.items()
        if max(row[4] for row in rows[-3:]) >= 3 + max(row[4] for row in rows[:-3])
    ]
    assert bursts, "no burst of new users in the last three weeks"
    unused = [a for a, rows in weeks.items() if all(row[2] == 0 for row in rows)]
    assert unused, "no account that never used the key feature"
    stages = dict(book.query("SELECT id, stage FROM accounts"))
    assert all(stages[account_id] != "renewal" for account_id in unused)


def test_the_same_seed_gives_the_same_metrics(tmp_path: Path) -> None:
    def build(name: str) -> list[tuple[object, ...]]:
        path = tmp_path / name
        with open_store(path, clock=FixedClock(NOW)) as store:
            build_demo(store, accounts=5, activities=10, seed=4, today=TODAY)
        conn = sqlite3.connect(path)
        try:
            return conn.execute(
                "SELECT id, account_id, period_start, logins, active_users, key_feature_uses, "
                "inquiries, new_users FROM usage_metrics ORDER BY id"
            ).fetchall()
        finally:
            conn.close()

    first = build("a.db")
    assert len(first) == 5 * 52 and first == build("b.db")
    assert [row[0] for row in first] == sorted(row[0] for row in first)  # appended in id order
