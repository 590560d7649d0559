"""Answer rate and attendance rate per account and month (issue 16), on a book whose answers
are worked out by hand: the SQL of each rate, the month-over-month change, the Overview's line."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from csm_tui.i18n import set_language
from csm_tui.models.account import Account
from csm_tui.models.metrics import MEASURES
from csm_tui.services.accounts import create_account
from csm_tui.services.signals import Rate, signals_by_account, signals_text
from csm_tui.store.connection import Store
from csm_tui.store.journal import insert_many
from csm_tui.store.metrics import signal_months

TODAY = date(2026, 11, 27)  # the store fixture's day
ROWS: list[tuple[str, str, str, dict[str, int]]] = [
    # a1: September by a week that starts in it (its Monday), October and November
    ("a1", "week", "2026-09-28", {"surveys_sent": 10, "surveys_answered": 10}),
    ("a1", "week", "2026-10-05", {"surveys_sent": 10, "surveys_answered": 4,
                                  "events_invited": 5, "events_attended": 2}),
    ("a1", "week", "2026-10-12", {"surveys_sent": 10, "surveys_answered": 2}),
    ("a1", "week", "2026-11-02", {"surveys_sent": 20, "surveys_answered": 9, "nps": 20}),
    ("a1", "week", "2026-11-16", {"events_invited": 10, "events_attended": 8, "logins": 5}),
    ("a1", "day", "2026-11-20", {"surveys_answered": 3}),  # no sent count: not in the rate
    ("a1", "week", "2026-11-23", {"surveys_sent": 5, "surveys_answered": 3, "nps": -10}),
    # a2: September only, no month before it
    ("a2", "week", "2026-09-07", {"surveys_sent": 10, "surveys_answered": 5}),
    # a3: nothing sent in November (no rate), a rate in October
    ("a3", "week", "2026-10-19", {"surveys_sent": 4, "surveys_answered": 1}),
    ("a3", "week", "2026-11-09", {"surveys_sent": 0, "surveys_answered": 0}),
    # a4: more than a year ago
    ("a4", "week", "2025-10-06", {"surveys_sent": 4, "surveys_answered": 4}),
    # a5: usage only
    ("a5", "week", "2026-11-16", {"logins": 40}),
    # a6: August, the month before the last three: it only compares
    ("a6", "week", "2026-08-03", {"surveys_sent": 4, "surveys_answered": 2}),
]  # fmt: skip


@pytest.fixture
def book(store: Store) -> Store:
    for n in range(1, 7):
        create_account(store, Account(id=f"a{n}", name=f"Account {n}"))
    rows: list[dict[str, Any]] = []
    for number, (account, period, start, values) in enumerate(ROWS):
        rows.append(
            {
                "id": f"m{number}",
                "account_id": account,
                "period": period,
                "period_start": start,
                **{name: values.get(name) for name in MEASURES},
                "created_at": "2026-11-27T09:00:00+00:00",
            }
        )
    with store.transaction() as tx:
        insert_many(tx, "usage_metrics", rows)
    return store


def test_the_sql_of_each_rate_by_account_and_month(book: Store) -> None:
    months = {
        (m.account_id, m.month.isoformat()): (m.answer_rate, m.attendance_rate, m.nps)
        for m in signal_months(book, date(2025, 12, 1), date(2026, 12, 1))
    }
    assert months == {
        ("a1", "2026-09-01"): (100.0, None, None),
        ("a1", "2026-10-01"): (30.0, 40.0, None),  # 6 of 20; 2 of 5
        ("a1", "2026-11-01"): (48.0, 80.0, 12.5),  # 12 of 25; 8 of 10; (9×20 + 3×−10) ÷ 12
        ("a2", "2026-09-01"): (50.0, None, None),
        ("a3", "2026-10-01"): (25.0, None, None),
        ("a3", "2026-11-01"): (None, None, None),  # 0 sent: nothing to divide by
        ("a6", "2026-08-01"): (50.0, None, None),
    }
    sums = next(m for m in signal_months(book, date(2026, 11, 1), date(2026, 12, 1)))
    assert (sums.sent, sums.answered, sums.invited, sums.attended) == (25, 12, 10, 8)


def test_the_latest_rate_and_its_change_on_the_month_before(book: Store) -> None:
    found = signals_by_account(book, TODAY)
    assert set(found) == {"a1", "a2", "a3"}  # a4 and a6 are too old, a5 has usage only
    a1 = found["a1"]
    assert a1.answer == Rate(date(2026, 11, 1), 48.0, 18.0)
    assert a1.attendance == Rate(date(2026, 11, 1), 80.0, 40.0)
    assert (a1.nps, a1.nps_month) == (12.5, date(2026, 11, 1))
    assert a1.components() == {"answer_rate": 48, "attendance": 80}
    assert found["a2"].answer == Rate(date(2026, 9, 1), 50.0, None)  # no August: no change
    assert found["a2"].attendance is None
    assert found["a3"].answer == Rate(date(2026, 10, 1), 25.0, None)


def test_one_account_reads_the_same_as_the_book(book: Store) -> None:
    assert signals_by_account(book, TODAY, "a1") == {"a1": signals_by_account(book, TODAY)["a1"]}


def test_the_overview_line_in_english_and_japanese(book: Store) -> None:
    assert signals_text(book, "a1", TODAY) == ("Answered 48% ▲18 · Attended 80% ▲40")
    assert signals_text(book, "a2", TODAY) == "Answered 50% (2026-09)"
    assert signals_text(book, "a5", TODAY) == ""
    set_language("ja")
    try:
        assert signals_text(book, "a1", TODAY) == ("回答率 48% ▲18 · 参加率 80% ▲40")
        assert signals_text(book, "a2", TODAY) == "回答率 50%（2026-09）"
    finally:
        set_language("en")
