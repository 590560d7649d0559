"""Effort analytics as the screen gets them: local-time periods, the rest line, the trend."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from csm_tui.clock import FixedClock
from csm_tui.errors import ValidationError
from csm_tui.models.account import Account
from csm_tui.models.activity import ActivityType
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import log_activity
from csm_tui.services.effort import (
    CANDIDATES,
    Period,
    PeriodKind,
    effort_report,
    local_midnight,
    parse_day,
    trend_mondays,
)
from csm_tui.services.identity import upsert_user
from csm_tui.store.connection import Store

TOKYO = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")
# the clock of every test: Friday 2026-11-27 09:00 UTC, 18:00 in Tokyo
WEEK = Period(PeriodKind.WEEK, date(2026, 11, 23), date(2026, 11, 29))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def accounts(store: Store, me: tuple[str, str]) -> dict[str, str]:
    names = {"a": "Acme", "b": "株式会社サクラ", "c": "Globex"}
    for account_id, name in names.items():
        create_account(store, Account(id=account_id, name=name))
    return names


# -- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "day", "start", "end"),
    [
        (PeriodKind.WEEK, date(2026, 11, 27), date(2026, 11, 23), date(2026, 11, 29)),
        (PeriodKind.WEEK, date(2026, 11, 23), date(2026, 11, 23), date(2026, 11, 29)),
        (PeriodKind.WEEK, date(2026, 11, 29), date(2026, 11, 23), date(2026, 11, 29)),
        (PeriodKind.WEEK, date(2027, 1, 1), date(2026, 12, 28), date(2027, 1, 3)),
        (PeriodKind.MONTH, date(2026, 11, 27), date(2026, 11, 1), date(2026, 11, 30)),
        (PeriodKind.MONTH, date(2028, 2, 10), date(2028, 2, 1), date(2028, 2, 29)),
        (PeriodKind.MONTH, date(2026, 12, 31), date(2026, 12, 1), date(2026, 12, 31)),
        (PeriodKind.QUARTER, date(2026, 11, 27), date(2026, 10, 1), date(2026, 12, 31)),
        (PeriodKind.QUARTER, date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
        (PeriodKind.QUARTER, date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
    ],
)
def test_calendar_periods(kind: PeriodKind, day: date, start: date, end: date) -> None:
    period = Period.around(kind, day)
    assert (period.start, period.end) == (start, end)
    assert period.contains(day)


def test_stepping_through_periods() -> None:
    month = Period.around(PeriodKind.MONTH, date(2026, 12, 15))
    assert month.shifted(1).start == date(2027, 1, 1)
    assert month.shifted(-12).end == date(2025, 12, 31)
    quarter = Period.around(PeriodKind.QUARTER, date(2026, 11, 1))
    assert (quarter.shifted(1).start, quarter.shifted(1).end) == (
        date(2027, 1, 1),
        date(2027, 3, 31),
    )
    assert quarter.shifted(-4).start == date(2025, 10, 1)
    assert WEEK.shifted(-1).start == date(2026, 11, 16)
    custom = Period.custom(date(2026, 11, 1), date(2026, 11, 10))  # ten days
    assert custom.days == 10
    assert (custom.shifted(-1).start, custom.shifted(-1).end) == (
        date(2026, 10, 22),
        date(2026, 10, 31),
    )


def test_a_custom_period_ends_after_it_starts() -> None:
    assert Period.custom(date(2026, 11, 5), date(2026, 11, 5)).days == 1
    with pytest.raises(ValidationError, match="before the start"):
        Period.custom(date(2026, 11, 5), date(2026, 11, 4))


def test_local_midnight_follows_daylight_saving() -> None:
    # Berlin leaves summer time on 2026-10-25: midnight is 22:00 UTC before, 23:00 after
    assert local_midnight(date(2026, 10, 19), BERLIN) == "2026-10-18T22:00:00+00:00"
    assert local_midnight(date(2026, 10, 26), BERLIN) == "2026-10-25T23:00:00+00:00"
    assert local_midnight(date(2026, 11, 23), TOKYO) == "2026-11-22T15:00:00+00:00"


def test_local_midnight_in_the_system_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        assert local_midnight(date(2026, 10, 19)) == "2026-10-18T22:00:00+00:00"
        assert local_midnight(date(2026, 10, 26)) == "2026-10-25T23:00:00+00:00"
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


def test_trend_ends_with_the_period_or_today() -> None:
    today = date(2026, 11, 27)
    mondays = trend_mondays(WEEK, today)
    assert len(mondays) == 13  # bounds of 12 weeks
    assert (mondays[0], mondays[-2], mondays[-1]) == (
        date(2026, 9, 7),
        date(2026, 11, 23),
        date(2026, 11, 30),
    )
    # a running quarter: up to this week, not to the end of December
    quarter = Period.around(PeriodKind.QUARTER, today)
    assert trend_mondays(quarter, today)[-2] == date(2026, 11, 23)
    # a past month: up to the week of its last day
    october = Period.around(PeriodKind.MONTH, date(2026, 10, 1))
    assert trend_mondays(october, today)[-2] == date(2026, 10, 26)
    # a future one: its own weeks
    assert trend_mondays(WEEK.shifted(2), today)[-2] == date(2026, 12, 7)


# -- parsing dates ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-11-01", date(2026, 11, 1)),
        ("  2026/11/1 ", date(2026, 11, 1)),
        ("2026年11月1日", date(2026, 11, 1)),
        ("２０２６－１１－０１", date(2026, 11, 1)),  # typed with a Japanese IME
        ("2026.02.28", date(2026, 2, 28)),
        ("today", date(2026, 11, 28)),
        ("yesterday", date(2026, 11, 27)),
        ("今日", date(2026, 11, 28)),
        ("昨日", date(2026, 11, 27)),
        ("2026-11-20 09:30", date(2026, 11, 20)),
        # the shared reader of typed dates (issue 13, item 12): 11/1 as everywhere else
        ("11/01", date(2026, 11, 1)),
        ("11/1", date(2026, 11, 1)),
        ("11月1日", date(2026, 11, 1)),
        ("12/24", date(2025, 12, 24)),  # the last 24 December: a period is in the past
        ("R8.11.1", date(2026, 11, 1)),
        ("last friday", date(2026, 11, 27)),
    ],
)
def test_parse_day(text: str, day: date) -> None:
    # 2026-11-27 23:30 UTC is Saturday the 28th, 08:30, in Tokyo: "today" is the 28th there
    clock = FixedClock(datetime(2026, 11, 27, 23, 30, tzinfo=UTC))
    assert parse_day(text, clock, TOKYO) == day


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a date."),
        ("   ", "Enter a date."),
        ("2026-02-30", "There is no such date."),
        ("2026-13-01", "There is no such date."),
        ("soon", "A date like"),
        ("2030-01-01 10:00", "A date like"),  # a time in the future is not a day of work done
    ],
)
def test_parse_day_refuses(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_day(text, FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC)), TOKYO)


def test_a_future_date_is_a_valid_end() -> None:
    clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    assert parse_day("2026-12-31", clock, TOKYO) == date(2026, 12, 31)


# -- the report ------------------------------------------------------------------------------


def test_report_for_a_week_in_tokyo(
    store: Store, accounts: dict[str, str], clock: FixedClock
) -> None:
    log = log_activity
    # Monday 00:00 in Tokyo is Sunday 15:00 UTC: in this week in Tokyo, last week in UTC
    log(store, "a", 30, at("2026-11-22T15:00:00+00:00"))
    log(store, "a", 45, at("2026-11-24T01:00:00+00:00"), type=ActivityType.INQUIRY, recurring=True)
    log(store, "b", 60, at("2026-11-25T03:00:00+00:00"), type=ActivityType.MEETING, proactive=True)
    log(store, "c", 20, at("2026-11-22T14:59:00+00:00"))  # Sunday 23:59 in Tokyo: last week
    log(store, "c", 15, at("2026-11-27T08:00:00+00:00"), type=ActivityType.EMAIL)
    report = effort_report(store, WEEK, clock, zone=TOKYO)
    assert report.total.count == 4 and report.total.minutes == 150
    assert [(a.name, a.effort.minutes) for a in report.accounts] == [
        ("Acme", 75),
        ("株式会社サクラ", 60),
        ("Globex", 15),
    ]
    assert report.rest.minutes == 0 and report.rest_accounts == 0
    assert report.account_count == 3
    assert [(t.type, t.effort.minutes) for t in report.types] == [
        ("meeting", 60),
        ("inquiry", 45),
        ("call", 30),
        ("email", 15),
    ]
    assert (report.reactive.minutes, report.proactive.minutes) == (90, 60)
    assert (report.one_off.minutes, report.recurring.minutes) == (105, 45)
    assert [(c.name, c.type, c.effort.count, c.flagged) for c in report.candidates] == [
        ("Acme", "inquiry", 1, 1)
    ]
    assert report.candidates[0].per_week == 1.0
    assert report.weeks[-1].start == date(2026, 11, 23)
    assert report.weeks[-1].effort.minutes == 150
    assert report.weeks[-2].effort.minutes == 20  # the Sunday-night call
    assert sum(w.effort.minutes for w in report.weeks) == 170

    # the same work seen from UTC: the Monday-midnight call moves to the week before
    utc = effort_report(store, WEEK, clock, zone=UTC)
    assert utc.total.minutes == 45 + 60 + 15
    assert utc.weeks[-2].effort.minutes == 50


def test_the_rest_is_one_line(store: Store, me: tuple[str, str], clock: FixedClock) -> None:
    for number in range(13):
        create_account(store, Account(id=f"acct{number:02d}", name=f"Account {number:02d}"))
        # account n has n + 1 activities of 10 minutes: the most work last
        for _ in range(number + 1):
            log_activity(store, f"acct{number:02d}", 10, at("2026-11-25T03:00:00+00:00"))
    report = effort_report(store, WEEK, clock, zone=TOKYO)
    assert len(report.accounts) == 10
    assert report.accounts[0].name == "Account 12" and report.accounts[0].effort.minutes == 130
    assert report.accounts[-1].name == "Account 03"
    # accounts 00, 01 and 02: 10 + 20 + 30 minutes in 6 activities
    assert (report.rest_accounts, report.rest.count, report.rest.minutes) == (3, 6, 60)
    assert report.account_count == 13
    assert report.total.minutes == sum(a.effort.minutes for a in report.accounts) + 60


def test_recurring_reactive_candidates(
    store: Store, accounts: dict[str, str], clock: FixedClock
) -> None:
    month = Period.around(PeriodKind.MONTH, date(2026, 11, 27))  # 30 days
    for day in (3, 10, 17):  # unflagged, but three times in the month
        log_activity(
            store, "c", 20, at(f"2026-11-{day:02d}T02:00:00+00:00"), type=ActivityType.INQUIRY
        )
    for day in (4, 11):  # twice, unflagged: not yet
        log_activity(
            store, "b", 50, at(f"2026-11-{day:02d}T02:00:00+00:00"), type=ActivityType.CHAT
        )
    log_activity(
        store, "a", 5, at("2026-11-05T02:00:00+00:00"), type=ActivityType.EMAIL, recurring=True
    )
    for day in (6, 13, 20):  # proactive and recurring: planned work, not a candidate
        log_activity(
            store, "a", 30, at(f"2026-11-{day:02d}T02:00:00+00:00"), proactive=True, recurring=True
        )
    report = effort_report(store, month, clock, zone=TOKYO)
    assert [
        (c.name, c.type, c.effort.count, c.effort.minutes, c.flagged) for c in report.candidates
    ] == [
        ("Globex", "inquiry", 3, 60, 0),
        ("Acme", "email", 1, 5, 1),
    ]
    assert report.candidates[0].per_week == pytest.approx(3 / (30 / 7))
    assert report.more_candidates == 0


def test_more_candidates_than_listed(store: Store, me: tuple[str, str], clock: FixedClock) -> None:
    for number in range(CANDIDATES + 2):
        create_account(store, Account(id=f"acct{number:02d}", name=f"Account {number:02d}"))
        log_activity(
            store, f"acct{number:02d}", 10 + number, at("2026-11-25T03:00:00+00:00"), recurring=True
        )
    report = effort_report(store, WEEK, clock, zone=TOKYO)
    assert len(report.candidates) == CANDIDATES
    assert report.more_candidates == 2
    assert report.candidates[0].name == f"Account {CANDIDATES + 1:02d}"


def test_an_empty_period(store: Store, accounts: dict[str, str], clock: FixedClock) -> None:
    log_activity(store, "a", 30, at("2026-11-10T03:00:00+00:00"))
    report = effort_report(store, WEEK, clock, zone=TOKYO)
    assert report.empty
    assert report.accounts == () and report.types == () and report.candidates == ()
    assert report.rest.minutes == 0 and report.account_count == 0
    assert report.reactive.minutes == report.proactive.minutes == 0
    # the trend still shows the weeks before: the work of 11-10 is in the week of 11-09
    assert [w.effort.minutes for w in report.weeks if w.effort.minutes] == [30]
    assert report.weeks[-3].start == date(2026, 11, 9)


def test_mine_or_everyones(store: Store, accounts: dict[str, str], clock: FixedClock) -> None:
    log_activity(store, "a", 30, at("2026-11-24T03:00:00+00:00"))
    with store.transaction() as tx:
        upsert_user(tx, "ken.sato@example.com", "Ken Sato")
        tx.insert(
            "activities",
            {
                "id": "kens",
                "account_id": "b",
                "author_email": "ken.sato@example.com",
                "type": "call",
                "minutes": 90,
                "occurred_at": "2026-11-24T04:00:00+00:00",
                "created_at": tx.now,
                "updated_at": tx.now,
            },
        )
    mine = effort_report(store, WEEK, clock, zone=TOKYO)
    assert mine.mine_only and mine.total.minutes == 30
    everyone = effort_report(store, WEEK, clock, mine_only=False, zone=TOKYO)
    assert not everyone.mine_only and everyone.total.minutes == 120
    assert everyone.accounts[0].name == "株式会社サクラ"
    assert everyone.weeks[-1].effort.minutes == 120


def test_without_knowing_me_everyones_work_counts(store: Store, clock: FixedClock) -> None:
    create_account(store, Account(id="a", name="Acme"))
    report = effort_report(store, WEEK, clock, zone=TOKYO)
    assert not report.mine_only and report.empty


def test_weeks_are_local_across_daylight_saving(store: Store, accounts: dict[str, str]) -> None:
    """Berlin leaves summer time on Sunday 2026-10-25: each day's midnight has its own offset."""
    log_activity(store, "a", 25, at("2026-10-18T22:30:00+00:00"))  # Mon 10-19 00:30 (CEST)
    log_activity(store, "a", 40, at("2026-10-25T22:30:00+00:00"))  # Sun 10-25 23:30 (CET)
    clock = FixedClock(datetime(2026, 10, 30, 12, 0, tzinfo=UTC))
    week = Period.around(PeriodKind.WEEK, date(2026, 10, 19))
    report = effort_report(store, week, clock, zone=BERLIN)
    assert report.total.minutes == 65
    this_week = effort_report(store, week.shifted(1), clock, zone=BERLIN)
    assert this_week.empty
    assert [w.effort.minutes for w in this_week.weeks[-2:]] == [65, 0]
    assert report.weeks[-1].start == date(2026, 10, 19)  # a past week's trend ends with it
