"""The work timer service: start, elapsed, stop into a draft; it outlives the store it ran in."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from csm_tui.clock import FixedClock
from csm_tui.errors import NotFoundError
from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account, update_account
from csm_tui.services.drafts import load_draft
from csm_tui.services.timer import (
    MAX_MINUTES,
    TIMER_KEY,
    running_timer,
    start_timer,
    stop_timer,
    timer_minutes,
)
from csm_tui.store.connection import Store, open_store


@pytest.fixture
def account(store: Store, me: tuple[str, str]) -> str:
    return create_account(store, Account(id="acct", name="株式会社サクラ精機")).id


def test_start_then_elapsed_and_stop(store: Store, clock: FixedClock, account: str) -> None:
    started = start_timer(store, account, clock)
    assert started.account_name == "株式会社サクラ精機"
    assert started.started_at == clock.now()
    clock.at += timedelta(minutes=12, seconds=5)
    running = running_timer(store)
    assert running == started
    assert running.elapsed(clock.now()) == timedelta(minutes=12, seconds=5)
    stopped = stop_timer(store, clock)
    assert stopped is not None
    assert (stopped.minutes, stopped.capped, stopped.account_exists) == (13, False, True)
    assert stopped.elapsed == timedelta(minutes=12, seconds=5)
    assert running_timer(store) is None
    assert stop_timer(store, clock) is None  # nothing left to stop


@pytest.mark.parametrize(
    ("elapsed", "minutes", "capped"),
    [
        (timedelta(0), 1, False),  # stopped at once: still one minute of work
        (timedelta(seconds=1), 1, False),
        (timedelta(minutes=1), 1, False),
        (timedelta(minutes=1, microseconds=1), 2, False),  # rounded up
        (timedelta(hours=24), MAX_MINUTES, False),
        (timedelta(hours=24, seconds=1), MAX_MINUTES, True),
        (timedelta(days=3), MAX_MINUTES, True),
    ],
)
def test_minutes_round_up_and_cap(elapsed: timedelta, minutes: int, capped: bool) -> None:
    assert timer_minutes(elapsed) == (minutes, capped)


def test_survives_a_new_store_on_the_same_file(
    tmp_path: Path, clock: FixedClock, store: Store, account: str
) -> None:
    start_timer(store, account, clock)
    store.close()  # the app quits (or is killed: the setting was committed at once)
    clock.at += timedelta(hours=2, minutes=30)
    with open_store(tmp_path / "book.db", clock=clock) as reopened:
        running = running_timer(reopened)
        assert running is not None
        assert running.account_id == account
        assert running.elapsed(clock.now()) == timedelta(hours=2, minutes=30)
        stopped = stop_timer(reopened, clock, draft="activity")
        assert stopped is not None and stopped.minutes == 150
        # the minutes moved into the log form's draft in the same transaction
        assert load_draft(reopened, "activity") == {
            "account_id": account,
            "account_name": "株式会社サクラ精機",
            "minutes": "150",
        }
        assert reopened.get_setting(TIMER_KEY) is None


def test_starting_again_replaces_the_timer(store: Store, clock: FixedClock, account: str) -> None:
    other = create_account(store, Account(id="other", name="Globex")).id
    start_timer(store, account, clock)
    clock.at += timedelta(minutes=5)
    start_timer(store, other, clock)
    running = running_timer(store)
    assert running is not None and running.account_id == other
    assert running.elapsed(clock.now()) == timedelta(0)


def test_start_on_an_unknown_account_is_refused(store: Store, clock: FixedClock) -> None:
    with pytest.raises(NotFoundError):
        start_timer(store, "nope", clock)
    assert running_timer(store) is None


@pytest.mark.parametrize(
    "stored",
    [
        "not json",
        "[1, 2]",
        json.dumps({"account_id": "acct"}),
        json.dumps({"account_id": "acct", "account_name": "x", "started_at": "yesterday"}),
        # a time without a time zone cannot be compared with the clock
        json.dumps({"account_id": "acct", "account_name": "x", "started_at": "2026-11-27T09:00"}),
        json.dumps({"account_id": "", "account_name": "x", "started_at": "2026-11-27T09:00+00:00"}),
    ],
)
def test_a_damaged_stored_timer_counts_as_none(
    store: Store, clock: FixedClock, account: str, stored: str
) -> None:
    store.set_setting(TIMER_KEY, stored)
    assert running_timer(store) is None
    assert stop_timer(store, clock) is None
    assert store.get_setting(TIMER_KEY) is None  # stopping cleared the damaged value
    start_timer(store, account, clock)  # and a new timer starts normally
    assert running_timer(store) is not None


def test_clock_set_back_gives_no_negative_time(
    store: Store, clock: FixedClock, account: str
) -> None:
    start_timer(store, account, clock)
    clock.at -= timedelta(hours=1)
    stopped = stop_timer(store, clock)
    assert stopped is not None
    assert (stopped.elapsed, stopped.minutes) == (timedelta(0), 1)


def test_renamed_account_shows_its_new_name(store: Store, clock: FixedClock, account: str) -> None:
    start_timer(store, account, clock)
    update_account(store, account, name="サクラ精機")
    running = running_timer(store)
    assert running is not None and running.account_name == "サクラ精機"


def test_deleted_account_stops_without_a_draft(
    store: Store, clock: FixedClock, account: str
) -> None:
    start_timer(store, account, clock)
    with store.transaction() as tx:
        tx.delete("accounts", account)
    stopped = stop_timer(store, clock, draft="activity")
    assert stopped is not None and not stopped.account_exists
    assert load_draft(store, "activity") is None
    assert running_timer(store) is None
