"""The work timer: `t` starts it on an account, `t` again stops it into the log form.

One timer per device, kept in the local `settings` table (per machine: not journaled, never
synced). Only the start time is stored, never a running count, so the timer keeps going while
the app is closed and survives a kill -9 or a reboot. Read on every start-up: no pydantic here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from csm_tui.clock import Clock
from csm_tui.errors import NotFoundError
from csm_tui.services.drafts import _PREFIX as DRAFT_PREFIX
from csm_tui.store.connection import Store, immediate, translate_errors

TIMER_KEY = "timer"
MAX_MINUTES = 24 * 60  # what one activity may take (the minutes parser refuses more)


@dataclass(frozen=True)
class RunningTimer:
    account_id: str
    account_name: str
    started_at: datetime  # timezone-aware

    def elapsed(self, now: datetime) -> timedelta:
        """Time since the start; never negative (the system clock may have been set back)."""
        return max(now - self.started_at, timedelta(0))


@dataclass(frozen=True)
class StoppedTimer:
    account_id: str
    account_name: str
    elapsed: timedelta
    minutes: int  # for the log form: rounded up, at least 1, at most MAX_MINUTES
    capped: bool  # it ran longer than MAX_MINUTES; the user must correct the minutes
    account_exists: bool


def timer_minutes(elapsed: timedelta) -> tuple[int, bool]:
    """Whole minutes for a timed piece of work (rounded up, at least 1) and whether capped."""
    minutes = max(1, math.ceil(elapsed.total_seconds() / 60))
    return min(minutes, MAX_MINUTES), minutes > MAX_MINUTES


def running_timer(store: Store) -> RunningTimer | None:
    """The timer running on this device; a damaged stored value counts as none."""
    raw = store.get_setting(TIMER_KEY)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        timer = RunningTimer(
            account_id=str(data["account_id"]),
            account_name=str(data["account_name"]),
            started_at=datetime.fromisoformat(data["started_at"]),
        )
    except (ValueError, TypeError, KeyError):
        return None
    if timer.started_at.tzinfo is None or not timer.account_id:
        return None
    name = _account_name(store, timer.account_id)  # it may have been renamed meanwhile
    if name is not None and name != timer.account_name:
        timer = RunningTimer(timer.account_id, name, timer.started_at)
    return timer


def start_timer(store: Store, account_id: str, clock: Clock) -> RunningTimer:
    """Start timing work on an account now, replacing any timer that was running."""
    name = _account_name(store, account_id)
    if name is None:
        raise NotFoundError(f"No account with id {account_id}.")
    timer = RunningTimer(account_id, name, clock.now())
    data = {
        "account_id": account_id,
        "account_name": name,
        "started_at": timer.started_at.isoformat(),
    }
    store.set_setting(TIMER_KEY, json.dumps(data, ensure_ascii=False))
    return timer


def stop_timer(store: Store, clock: Clock, *, draft: str | None = None) -> StoppedTimer | None:
    """Stop the running timer (None if none runs).

    With `draft`, the timed minutes become that log-form draft in the same transaction as the
    timer is removed: whenever the app is killed, either the timer or the draft is left.
    """
    with translate_errors(store.path), store.lock:
        timer = running_timer(store)
        if timer is None:
            with immediate(store.conn):
                store.conn.execute("DELETE FROM settings WHERE key = ?", (TIMER_KEY,))
            return None
        elapsed = timer.elapsed(clock.now())
        minutes, capped = timer_minutes(elapsed)
        exists = _account_name(store, timer.account_id) is not None
        with immediate(store.conn):
            store.conn.execute("DELETE FROM settings WHERE key = ?", (TIMER_KEY,))
            if draft is not None and exists:
                data = {
                    "account_id": timer.account_id,
                    "account_name": timer.account_name,
                    "minutes": str(minutes),
                }
                store.conn.execute(
                    "INSERT INTO settings (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (DRAFT_PREFIX + draft, json.dumps(data, ensure_ascii=False, sort_keys=True)),
                )
    return StoppedTimer(
        account_id=timer.account_id,
        account_name=timer.account_name,
        elapsed=elapsed,
        minutes=minutes,
        capped=capped,
        account_exists=exists,
    )


def _account_name(store: Store, account_id: str) -> str | None:
    row = store.query_one("SELECT name FROM accounts WHERE id = ?", (account_id,))
    return None if row is None else str(row[0])
