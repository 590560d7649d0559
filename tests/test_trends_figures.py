"""The Trends view's fast path (store/trends.py `month_figures`: UTC months from the per-day
rollup and the month-first index, the hours local midnights move from the activities) gives
exactly the figures of the straightforward computation, on randomized books: accounts with no
segment, archived ones, work for many (no account), work left by an account a pull removed,
times on and around local midnights, zones ahead of, behind and half an hour off UTC, with DST.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from csm_tui.services.effort import local_midnight
from csm_tui.services.trends import OUTCOMES, month_starts
from csm_tui.store import trends as queries
from csm_tui.store.connection import Store, open_store

STAMPS = {"created_at": "2026-01-01T00:00:00+00:00", "updated_at": "2026-01-01T00:00:00+00:00"}
AUTHORS = ("aoi@example.com", "ken@example.com", "yuki@example.com")
ZONES = (
    None,
    ZoneInfo("UTC"),
    ZoneInfo("Asia/Tokyo"),
    ZoneInfo("America/New_York"),
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Pacific/Kiritimati"),
    ZoneInfo("Europe/London"),
)
TRACKED = tuple(o.value for o in OUTCOMES)
TODAY = date(2026, 11, 27)
Figures = tuple[list[queries.MonthActivities], list[tuple[int, str, int]]]


def _times(rng: random.Random, n: int) -> list[str]:
    """UTC times over 16 months, many of them on or a second around a local midnight of the
    zones above (the first of a month)."""
    found = []
    for _ in range(n):
        day = date(2025, 8, 1) + timedelta(days=rng.randrange(0, 500))
        if rng.random() < 0.4:  # a month's first day, at a zone's midnight give or take
            day = day.replace(day=1) - timedelta(days=rng.randint(0, 1))  # ahead: the day before
            hour = rng.choice([0, 15, 5, 4, 18, 10, 23, 14])
            minute = rng.choice([0, 30, 0])
            moment = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
            moment += timedelta(seconds=rng.choice([-1, 0, 0, 1]))
        else:
            moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                seconds=rng.randrange(0, 86400)
            )
        found.append(moment.isoformat())
    return found


def _book(path: Path, seed: int) -> Store:
    rng = random.Random(seed)
    store = open_store(path)
    columns = {row[1] for row in store.query("PRAGMA table_info(activities)")}
    segments = ["Enterprise", "SMB", "", "Mid-Market"]
    accounts = [f"acc{i}" for i in range(rng.randint(3, 25))]
    with store.transaction() as tx:
        for name in accounts:
            row: dict[str, object] = {
                "id": name,
                "name": name.upper(),
                "segment": rng.choice(segments),
            }
            if rng.random() < 0.2:
                row["archived_on"] = "2026-06-01"
            tx.insert("accounts", {**row, **STAMPS})
        for i, moment in enumerate(_times(rng, rng.randint(0, 400))):
            account: str | None = rng.choice([*accounts, None, None])
            activity: dict[str, object] = {
                "id": f"act{i}",
                "account_id": account,
                "author_email": rng.choice(AUTHORS),
                "type": rng.choice(["call", "email", "meeting"]),
                "minutes": rng.randint(1, 240),
                "occurred_at": moment,
                "proactive": rng.randint(0, 1),
                "recurring": rng.randint(0, 1),
                "outcome": rng.choice([*TRACKED, "none", "none"]),
                "note": "",
                "checklist_item_id": None,
                "audience": "account" if account else rng.choice(["none", "segment", "accounts"]),
                **STAMPS,
            }
            tx.insert("activities", {k: v for k, v in activity.items() if k in columns})
    # a pull (foreign keys off) removed an account whose work has not been removed yet
    gone = rng.choice(accounts)
    store.conn.execute("PRAGMA foreign_keys = OFF")
    store.conn.execute("DELETE FROM accounts WHERE id = ?", (gone,))
    store.conn.commit()
    store.conn.execute("PRAGMA foreign_keys = ON")
    # and an edit or two after the rollup was made
    store.conn.execute(
        "UPDATE activities SET outcome = 'resolved', minutes = minutes + 1 WHERE id IN "
        "(SELECT id FROM activities ORDER BY random() LIMIT 5)"
    )
    store.conn.execute("UPDATE accounts SET segment = 'SMB' WHERE id = ?", (accounts[0],))
    store.conn.commit()
    return store


def _by_hand(store: Store, bounds: list[str], author: str | None) -> Figures:
    """Every activity read into Python and put in its local month."""
    segment_of = {r[0]: r[1] for r in store.query("SELECT id, segment FROM accounts")}
    months = len(bounds) - 1
    count, minutes, proactive, many = ([0] * months for _ in range(4))
    outcomes = [dict.fromkeys(TRACKED, 0) for _ in range(months)]
    segments: dict[tuple[int, str], int] = {}
    rows = store.query(
        "SELECT occurred_at, author_email, account_id, minutes, proactive, outcome FROM activities"
    )
    for at, by, account, mins, pro, outcome in rows:
        if author is not None and by != author:
            continue
        month = next((i for i in range(months) if bounds[i] <= at < bounds[i + 1]), None)
        if month is None:
            continue
        count[month] += 1
        minutes[month] += mins
        proactive[month] += mins if pro else 0
        many[month] += mins if account is None else 0
        if outcome in TRACKED:
            outcomes[month][outcome] += 1
        if account in segment_of:
            key = (month, segment_of[account])
            segments[key] = segments.get(key, 0) + mins
    activities = [
        queries.MonthActivities(i, count[i], minutes[i], proactive[i], many[i], outcomes[i])
        for i in range(months)
    ]
    return activities, sorted((i, s, m) for (i, s), m in segments.items() if m)


def _sql(store: Store, bounds: list[str], author: str | None) -> Figures:
    """The straightforward queries: one range read of the activities a month."""
    activities = queries.activities_per_month(store, bounds, author, TRACKED)
    segments = queries.segment_minutes(store, bounds, author)
    return activities, sorted((s.month, s.segment, s.minutes) for s in segments if s.minutes)


def _fast(store: Store, bounds: list[str], days: list[str], author: str | None) -> Figures:
    with store.reader() as helper:
        activities, segments = queries.month_figures(store, bounds, days, author, TRACKED, helper)
    return activities, sorted((s.month, s.segment, s.minutes) for s in segments if s.minutes)


@pytest.mark.parametrize("seed", range(6))
def test_the_fast_path_gives_the_same_figures(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    store = _book(tmp_path / "book.db", seed)
    try:
        for zone in ZONES:
            for months in sorted({1, 2, 12, rng.randint(3, 15)}):
                starts = month_starts(TODAY, months)
                bounds = [local_midnight(day, zone) for day in starts]
                days = [day.isoformat() for day in starts]
                for author in (None, *AUTHORS[:2]):
                    expected = _by_hand(store, bounds, author)
                    assert _sql(store, bounds, author) == expected
                    assert _fast(store, bounds, days, author) == expected, (zone, months)
                    alone = queries.month_figures(store, bounds, days, author, TRACKED)
                    assert (
                        alone[0],
                        sorted((s.month, s.segment, s.minutes) for s in alone[1] if s.minutes),
                    ) == expected
    finally:
        store.close()


def test_a_book_without_the_index_still_adds_up(tmp_path: Path) -> None:
    """A first download drops the month-first index for a while: slower, the same figures."""
    store = _book(tmp_path / "book.db", 99)
    try:
        store.conn.execute("DROP INDEX activities_trends")
        starts = month_starts(TODAY, 12)
        bounds = [local_midnight(day, ZoneInfo("Asia/Tokyo")) for day in starts]
        days = [day.isoformat() for day in starts]
        assert _fast(store, bounds, days, None) == _by_hand(store, bounds, None)
    finally:
        store.close()
