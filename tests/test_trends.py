"""Rates over time (services/trends.py, store/trends.py) on a small book with known answers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from csm_tui.clock import FixedClock
from csm_tui.models.account import Account
from csm_tui.models.activity import ActivityType, Outcome
from csm_tui.models.task import Task, TaskSource
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import log_activity
from csm_tui.services.identity import upsert_user
from csm_tui.services.tasks import add_task, complete_task
from csm_tui.services.trends import Point, TrendsReport, month_starts, trends_report, utc_offset
from csm_tui.store.connection import Store

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")


def _done(store: Store, clock: FixedClock, task_id: str, when: str) -> None:
    clock.at = at(when)
    complete_task(store, task_id)
    clock.at = NOW


@pytest.fixture
def book(store: Store, me: tuple[str, str], clock: FixedClock) -> Store:
    """Three months (September to November 2026, UTC) with known rates; October has no work.

    Enterprise: a, b; SMB: c; no segment: d."""
    for account_id, segment in (("a", "Enterprise"), ("b", "Enterprise"), ("c", "SMB"), ("d", "")):
        create_account(store, Account(id=account_id, name=account_id.upper(), segment=segment))
    log = log_activity
    log(store, "a", 999, at("2026-08-31T23:59:00"), proactive=True)  # before the three months
    # September: 100 minutes, 60 proactive; one resolved, one follow-up
    log(store, "a", 60, at("2026-09-01T00:00:00"), proactive=True, outcome=Outcome.RESOLVED)
    log(store, "c", 40, at("2026-09-15T10:00:00"), outcome=Outcome.FOLLOW_UP)
    # November: 100 minutes, 50 proactive; resolved, risk found, expansion, none: 1/4 each
    log(store, "a", 30, at("2026-11-02T10:00:00"), proactive=True, outcome=Outcome.EXPANSION)
    log(store, "b", 30, at("2026-11-03T10:00:00"), outcome=Outcome.RISK_FOUND)
    log(store, "c", 20, at("2026-11-27T08:00:00"), type=ActivityType.EMAIL)
    log(store, "d", 20, at("2026-11-10T10:00:00"), proactive=True, outcome=Outcome.RESOLVED)
    with store.transaction() as tx:  # a colleague's work: only in everyone's rates
        upsert_user(tx, "ken.sato@example.com", "Ken Sato")
        tx.insert(
            "activities",
            {
                "id": "kens",
                "account_id": "b",
                "author_email": "ken.sato@example.com",
                "type": "call",
                "minutes": 100,
                "occurred_at": "2026-11-24T04:00:00+00:00",
                "created_at": tx.now,
                "updated_at": tx.now,
            },
        )
    # tasks due in October: one done the day before, one five days late
    early = add_task(store, "a", "Early", due_date=date(2026, 10, 10))
    _done(store, clock, early.id, "2026-10-09T12:00:00")
    late = add_task(store, "b", "Late", due_date=date(2026, 10, 20))
    _done(store, clock, late.id, "2026-10-25T12:00:00")
    # due in November, by the renewal rule: one done at 23:00 UTC on its day (the next day in
    # Tokyo), one open; no due date or due in December: not counted
    with store.transaction() as tx:
        for key, due in (("n1", date(2026, 11, 5)), ("n2", date(2026, 11, 30))):
            task = Task(
                id=key,
                account_id="c",
                title="Renewal call",
                due_date=due,
                source=TaskSource.PLAYBOOK,
                rule_id="renewal-120",
                occurrence=key,
                assignee_email="aoi.tanaka@example.com",
            )
            tx.insert("tasks", {**task.model_dump(), "created_at": tx.now, "updated_at": tx.now})
    _done(store, clock, "n1", "2026-11-05T23:00:00")
    add_task(store, "d", "Someday")
    add_task(store, "d", "Next month", due_date=date(2026, 12, 3))
    return store


def _series(report: TrendsReport, key: str) -> tuple[Point, ...]:
    return next(s for s in report.series if s.key == key).points


def test_month_starts() -> None:
    assert month_starts(date(2026, 1, 31), 3) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert month_starts(date(2026, 11, 27), 1) == [date(2026, 11, 1), date(2026, 12, 1)]


def test_utc_offset() -> None:
    assert utc_offset(TOKYO, NOW) == "+09:00"
    assert utc_offset(ZoneInfo("America/St_Johns"), NOW) == "-03:30"
    assert utc_offset(UTC, NOW) == "+00:00"


def test_every_rate_month_by_month(book: Store, clock: FixedClock) -> None:
    report = trends_report(book, clock, months=3, zone=UTC)
    assert report.months == (date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1))
    assert report.mine_only
    assert report.activities == (2, 0, 4)
    assert report.minutes == (100, 0, 100)

    proactive = next(s for s in report.work if s.key == "proactive")
    assert proactive.points == (Point(60, 100), Point(0, 0), Point(50, 100))
    assert proactive.rates == [0.6, None, 0.5]
    assert proactive.change is None  # October has nothing to compare with
    # every activity is for one account today
    assert _series(report, "one_to_many") == (Point(0, 100), Point(0, 0), Point(0, 100))

    assert _series(report, "outcome.resolved") == (Point(1, 2), Point(0, 0), Point(1, 4))
    assert _series(report, "outcome.follow_up") == (Point(1, 2), Point(0, 0), Point(0, 4))
    assert _series(report, "outcome.risk_found") == (Point(0, 2), Point(0, 0), Point(1, 4))
    assert _series(report, "outcome.expansion") == (Point(0, 2), Point(0, 0), Point(1, 4))

    assert _series(report, "tasks.on_time") == (Point(0, 0), Point(1, 2), Point(1, 2))
    assert _series(report, "tasks.late") == (Point(0, 0), Point(1, 2), Point(0, 2))
    assert _series(report, "tasks.open") == (Point(0, 0), Point(0, 2), Point(1, 2))
    on_time = next(s for s in report.tasks if s.key == "tasks.on_time")
    assert on_time.change == 0.0
    late = next(s for s in report.tasks if s.key == "tasks.late")
    assert late.change == -0.5

    # segments by name, the accounts without one last; minutes per account of the segment
    assert [s.key for s in report.segments] == ["segment.Enterprise", "segment.SMB", "segment."]
    enterprise = report.segments[0]
    assert enterprise.points == (Point(60, 2), Point(0, 2), Point(60, 2))
    assert enterprise.rates == [30.0, 0.0, 30.0] and enterprise.change == 30.0  # against October
    assert report.segments[1].rates == [40.0, 0.0, 20.0]
    assert report.segments[1].change == 20.0  # 20 in November, none in October
    assert report.segments[2].rates == [0.0, 0.0, 20.0] and not report.segments[2].literal

    # by rule: the renewal rule's two tasks, then the two made by hand
    assert [(r.rule_id, r.name) for r in report.rules] == [("renewal-120", "renewal-120"), ("", "")]
    renewal, manual = report.rules
    assert renewal.on_time == (Point(0, 0), Point(0, 0), Point(1, 2))
    assert renewal.open == (Point(0, 0), Point(0, 0), Point(1, 2))
    assert manual.on_time == (Point(0, 0), Point(1, 2), Point(0, 0))
    assert manual.late == (Point(0, 0), Point(1, 2), Point(0, 0))


def test_proactive_change_in_points(book: Store, clock: FixedClock) -> None:
    report = trends_report(book, clock, months=2, zone=UTC)  # October and November
    assert report.work[0].rates == [None, 0.5]
    clock.at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
    december = trends_report(book, clock, months=2, zone=UTC)
    assert december.months == (date(2026, 11, 1), date(2026, 12, 1))
    assert december.work[0].points == (Point(50, 100), Point(0, 0))
    # a month without work has no rate, but the minutes per account are zero
    assert december.segments[1].change == -20.0


def test_everyones_work(book: Store, clock: FixedClock) -> None:
    report = trends_report(book, clock, months=3, zone=UTC, mine_only=False)
    assert not report.mine_only
    assert report.minutes == (100, 0, 200)
    assert report.work[0].points[-1] == Point(50, 200)
    assert report.segments[0].points[-1] == Point(160, 2)


def test_months_and_days_are_local(book: Store, clock: FixedClock) -> None:
    # 2026-08-31 23:59 UTC is September 1 in Tokyo; the task done on 11-05 23:00 UTC is late
    report = trends_report(book, clock, months=3, zone=TOKYO, rule_name=str.upper)
    assert report.minutes == (1099, 0, 100)
    assert _series(report, "tasks.on_time")[-1] == Point(0, 2)
    assert _series(report, "tasks.late")[-1] == Point(1, 2)
    assert report.rules[0].name == "RENEWAL-120"


def test_an_empty_book(store: Store, me: tuple[str, str], clock: FixedClock) -> None:
    report = trends_report(store, clock)
    assert len(report.months) == 12 and report.months[-1] == date(2026, 11, 1)
    assert report.empty
    assert all(rate is None for s in report.work + report.tasks for rate in s.rates)
    assert report.segments == () and report.rules == ()
