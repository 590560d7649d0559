"""Logging activities: validation, journaling, edit, delete with undo, and the effort totals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.models.account import Account
from csm_tui.models.activity import ActivityType, Outcome
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import (
    delete_activity,
    edit_activity,
    effort_totals,
    log_activity,
    restore_activity,
)
from csm_tui.store.activities import activities_of
from csm_tui.store.connection import Store

JST = timezone(timedelta(hours=9))
# Friday 2026-11-27 18:00 in Tokyo: the week began Monday 11-23, the month on 11-01
NOW_JST = datetime(2026, 11, 27, 18, 0, tzinfo=JST)


@pytest.fixture
def account(store: Store, me: tuple[str, str]) -> str:
    return create_account(store, Account(id="acct", name="株式会社サクラ精機")).id


def journal(store: Store) -> list[tuple[str, str, str, dict[str, object]]]:
    rows = store.query("SELECT table_name, row_id, operation, payload FROM journal ORDER BY seq")
    return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]


def test_log_writes_row_and_journal(store: Store, account: str) -> None:
    before = len(journal(store))
    activity = log_activity(
        store,
        account,
        45,
        datetime(2026, 11, 27, 14, 0, tzinfo=JST),
        type=ActivityType.MEETING,
        proactive=True,
        recurring=True,
        outcome=Outcome.FOLLOW_UP,
        note="キックオフの議事録を送付\nnext: schedule training",
    )
    entries = journal(store)[before:]
    assert [(t, r, o) for t, r, o, _p in entries] == [("activities", activity.id, "insert")]
    payload = entries[0][3]
    assert payload["minutes"] == 45
    assert payload["occurred_at"] == "2026-11-27T05:00:00+00:00"  # stored in UTC
    assert payload["author_email"] == "aoi.tanaka@example.com"
    assert payload["proactive"] == 1 and payload["recurring"] == 1
    assert payload["note"] == "キックオフの議事録を送付\nnext: schedule training"
    [stored] = activities_of(store, account)
    assert stored.occurred_at == datetime(2026, 11, 27, 5, 0, tzinfo=UTC)
    assert stored.outcome is Outcome.FOLLOW_UP


@pytest.mark.parametrize("minutes", [0, -5, 1441])
def test_bad_minutes_write_nothing(store: Store, account: str, minutes: int) -> None:
    before = len(journal(store))
    with pytest.raises(ValidationError, match="minutes"):
        log_activity(store, account, minutes, NOW_JST)
    assert len(journal(store)) == before
    assert activities_of(store, account) == []


def test_naive_time_and_unknown_account_are_refused(store: Store, account: str) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        log_activity(store, account, 10, datetime(2026, 11, 27, 9, 0))
    with pytest.raises(NotFoundError):
        log_activity(store, "nope", 10, NOW_JST)


def test_logging_needs_to_know_me(store: Store) -> None:
    create_account(store, Account(id="a", name="A"))
    with pytest.raises(ValidationError, match="who you are"):
        log_activity(store, "a", 10, NOW_JST)


def test_edit_journals_only_what_changed(store: Store, account: str) -> None:
    activity = log_activity(store, account, 30, NOW_JST)
    before = len(journal(store))
    edit_activity(store, activity.id, minutes=30, note="")  # nothing changes
    assert len(journal(store)) == before
    updated = edit_activity(store, activity.id, minutes=50, outcome=Outcome.RESOLVED)
    assert updated.minutes == 50
    [(table, row, operation, payload)] = journal(store)[before:]
    assert (table, row, operation) == ("activities", activity.id, "update")
    assert set(payload) == {"minutes", "outcome", "updated_at"}
    with pytest.raises(ValidationError):
        edit_activity(store, activity.id, minutes=0)
    with pytest.raises(ValidationError, match="no editable field"):
        edit_activity(store, activity.id, account_id="other")
    with pytest.raises(NotFoundError):
        edit_activity(store, "nope", minutes=5)


def test_delete_and_undo(store: Store, account: str) -> None:
    activity = log_activity(store, account, 20, NOW_JST, note="電話で確認")
    removed = delete_activity(store, activity.id)
    assert activities_of(store, account) == []
    restore_activity(store, removed)
    [back] = activities_of(store, account)
    assert back == activity.model_copy(update={"occurred_at": back.occurred_at})
    assert back.occurred_at == NOW_JST
    ops = [(t, o) for t, _r, o, _p in journal(store)[-3:]]
    assert ops == [("activities", "insert"), ("activities", "delete"), ("activities", "insert")]
    with pytest.raises(NotFoundError):
        delete_activity(store, "nope")


def test_totals_for_week_month_and_all(store: Store, account: str) -> None:
    def at(day: int, hour: int = 10, month: int = 11) -> datetime:
        return datetime(2026, month, day, hour, 0, tzinfo=JST)

    log_activity(store, account, 30, at(27))  # this week
    log_activity(store, account, 15, at(23, 0))  # Monday 00:00 Tokyo: this week
    log_activity(store, account, 60, at(22, 23))  # Sunday: last week, this month
    log_activity(store, account, 90, at(1, 0))  # first of the month
    log_activity(store, account, 45, at(31, 23, month=10))  # October
    totals = effort_totals(store, account, NOW_JST)
    assert totals.week == (2, 45)
    assert totals.month == (4, 195)
    assert totals.all == (5, 240)


def test_newest_first_and_limit(store: Store, account: str) -> None:
    for day in (3, 1, 2):
        log_activity(store, account, day, datetime(2026, 11, day, 9, 0, tzinfo=JST))
    assert [a.minutes for a in activities_of(store, account)] == [3, 2, 1]
    assert [a.minutes for a in activities_of(store, account, limit=2)] == [3, 2]
