"""The Effort screen's SQL against hand-computed totals."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.services.identity import upsert_user
from csm_tui.store import effort
from csm_tui.store.connection import Store

ME = "aoi.tanaka@example.com"
KEN = "ken.sato@example.com"

# (account, author, type, minutes, occurred_at UTC, proactive, recurring)
ROWS = [
    ("a", ME, "call", 30, "2026-11-02T00:00:00+00:00", 0, 0),  # exactly at the start: in
    ("a", ME, "inquiry", 45, "2026-11-03T10:00:00+00:00", 0, 1),  # flagged recurring, once
    ("a", ME, "inquiry", 15, "2026-11-04T10:00:00.250000+00:00", 0, 0),
    ("b", ME, "meeting", 60, "2026-11-03T09:00:00+00:00", 1, 0),
    ("b", ME, "training", 40, "2026-11-05T09:00:00+00:00", 1, 1),  # proactive: no candidate
    ("b", ME, "training", 40, "2026-11-06T09:00:00+00:00", 1, 1),
    ("b", ME, "training", 40, "2026-11-07T09:00:00+00:00", 1, 1),
    ("b", ME, "chat", 5, "2026-11-04T09:00:00+00:00", 0, 0),  # twice, unflagged: no candidate
    ("b", ME, "chat", 5, "2026-11-05T09:00:00+00:00", 0, 0),
    ("c", ME, "inquiry", 10, "2026-11-03T01:00:00+00:00", 0, 0),  # three times: a candidate
    ("c", ME, "inquiry", 10, "2026-11-04T01:00:00+00:00", 0, 0),
    ("c", ME, "inquiry", 10, "2026-11-08T23:59:59+00:00", 0, 0),  # last second: in
    ("c", ME, "email", 20, "2026-11-09T00:00:00+00:00", 0, 0),  # exactly at the end: out
    ("c", ME, "email", 20, "2026-11-01T23:59:59+00:00", 0, 0),  # the second before: out
    ("a", KEN, "call", 90, "2026-11-04T12:00:00+00:00", 0, 1),  # a colleague's
]
WEEK = effort.Scope("2026-11-02T00:00:00+00:00", "2026-11-09T00:00:00+00:00", ME)
EVERYONE = effort.Scope(WEEK.lo, WEEK.hi, None)


@pytest.fixture
def log(store: Store, me: tuple[str, str]) -> Store:
    for account_id, name in (("a", "Acme"), ("b", "株式会社サクラ"), ("c", "Globex")):
        create_account(store, Account(id=account_id, name=name))
    with store.transaction() as tx:
        upsert_user(tx, KEN, "Ken Sato")
        for number, (account, author, kind, minutes, at, proactive, recurring) in enumerate(ROWS):
            tx.insert(
                "activities",
                {
                    "id": f"act{number:02d}",
                    "account_id": account,
                    "author_email": author,
                    "type": kind,
                    "minutes": minutes,
                    "occurred_at": at,
                    "proactive": proactive,
                    "recurring": recurring,
                    "outcome": "none",
                    "note": "",
                    "created_at": tx.now,
                    "updated_at": tx.now,
                },
            )
    return store


def test_every_query_reads_the_covering_index(log: Store) -> None:
    """Migration 7's index answers each query without the table (SQLite's plan says so)."""
    plans = [
        "SELECT type, proactive, recurring, count(*), sum(minutes) FROM "
        f"{effort.SOURCE} WHERE occurred_at >= ? AND occurred_at < ? AND author_email = ? "
        "GROUP BY type, proactive, recurring",
        f"SELECT count(*), sum(minutes) FROM {effort.SOURCE} WHERE occurred_at >= ? "
        "AND occurred_at < ?",
    ]
    for sql in plans:
        params = (WEEK.lo, WEEK.hi, ME)[: sql.count("?")]
        plan = " ".join(str(row[3]) for row in log.query(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "COVERING INDEX activities_effort" in plan, plan


def test_mix_by_type_and_flags(log: Store) -> None:
    mix = {(m.type, m.proactive, m.recurring): (m.count, m.minutes) for m in effort.mix(log, WEEK)}
    assert mix == {
        ("call", False, False): (1, 30),
        ("inquiry", False, True): (1, 45),
        ("inquiry", False, False): (4, 45),  # 15 for a, 3 x 10 for c
        ("meeting", True, False): (1, 60),
        ("training", True, True): (3, 120),
        ("chat", False, False): (2, 10),
    }
    everyone = {(m.type, m.recurring): m.minutes for m in effort.mix(log, EVERYONE)}
    assert everyone[("call", True)] == 90


def test_top_accounts_most_minutes_first(log: Store) -> None:
    top, count = effort.top_accounts(log, WEEK, limit=10)
    assert [(a.name, a.count, a.minutes) for a in top] == [
        ("株式会社サクラ", 6, 190),
        ("Acme", 3, 90),
        ("Globex", 3, 30),
    ]
    assert count == 3
    top, count = effort.top_accounts(log, WEEK, limit=1)
    assert [a.account_id for a in top] == ["b"] and count == 3
    top, _count = effort.top_accounts(log, EVERYONE, limit=1)
    assert (top[0].account_id, top[0].minutes) == ("b", 190)
    top, _count = effort.top_accounts(log, EVERYONE, limit=3)
    assert top[1].minutes == 180  # Acme with the colleague's call


def test_ties_are_ordered_by_name(log: Store) -> None:
    from csm_tui.services.activities import log_activity

    # ids in the opposite order of the names, so only the name can put Alpha first
    create_account(log, Account(id="a-zeta", name="Zeta"))
    create_account(log, Account(id="z-alpha", name="Alpha"))
    for account in ("a-zeta", "z-alpha"):
        log_activity(log, account, 25, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    scope = effort.Scope("2026-12-01T00:00:00+00:00", "2026-12-02T00:00:00+00:00", ME)
    top, count = effort.top_accounts(log, scope, limit=10)
    assert [(a.name, a.minutes) for a in top] == [("Alpha", 25), ("Zeta", 25)] and count == 2


def test_repeated_reactive_work(log: Store) -> None:
    found, count = effort.repeated_reactive(log, WEEK, repeats=3, limit=10)
    assert [(r.name, r.type, r.count, r.minutes, r.flagged) for r in found] == [
        ("Acme", "inquiry", 2, 60, 1),  # flagged once: both inquiries count
        ("Globex", "inquiry", 3, 30, 0),  # never flagged, but done three times
    ]
    assert count == 2
    found, count = effort.repeated_reactive(log, WEEK, repeats=3, limit=1)
    assert [r.account_id for r in found] == ["a"] and count == 2
    # twice is enough to count once the bar is lower: the chats of Sakura appear
    found, count = effort.repeated_reactive(log, WEEK, repeats=2, limit=10)
    assert ("b", "chat", 2) in {(r.account_id, r.type, r.count) for r in found}
    found, _count = effort.repeated_reactive(log, EVERYONE, repeats=3, limit=10)
    # the colleague flagged the call recurring: with mine, Acme's calls are a candidate
    assert (found[0].type, found[0].count, found[0].minutes) == ("call", 2, 120)


def test_per_bucket_counts_each_range_once(log: Store) -> None:
    bounds = [
        "2026-11-01T00:00:00+00:00",
        "2026-11-03T00:00:00+00:00",
        "2026-11-05T00:00:00+00:00",
        "2026-11-09T00:00:00+00:00",
        "2026-11-16T00:00:00+00:00",
    ]
    assert effort.per_bucket(log, bounds, ME) == [
        (2, 50),  # the second before the week, the call at its start
        (6, 145),  # 11-03 and 11-04: inquiries 45 + 15 + 10 + 10, meeting 60, chat 5
        (5, 135),  # training x3, chat, the last-second inquiry
        (1, 20),  # the e-mail at 11-09 00:00
    ]
    assert effort.per_bucket(log, bounds, None)[1] == (7, 235)  # and the colleague's call
    assert effort.per_bucket(log, bounds[:1], ME) == []


def test_nothing_in_range(log: Store) -> None:
    scope = effort.Scope("2027-01-01T00:00:00+00:00", "2027-01-08T00:00:00+00:00", ME)
    assert effort.mix(log, scope) == []
    assert effort.top_accounts(log, scope, limit=10) == ([], 0)
    assert effort.repeated_reactive(log, scope, repeats=3, limit=10) == ([], 0)
    assert effort.per_bucket(log, [scope.lo, scope.hi], ME) == [(0, 0)]


def test_an_empty_log(store: Store) -> None:
    assert effort.mix(store, WEEK) == []
