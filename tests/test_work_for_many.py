"""Work for many customers (issue 16): an activity for a segment, several accounts or nobody in
particular has no account. It is journaled, counts as one-to-many in Effort, the week report
and Trends, and stays out of every account's own totals."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from csm_tui.clock import FixedClock
from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.models.account import Account
from csm_tui.models.activity import ActivityType, Audience
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import delete_activity, edit_activity, log_activity, log_for_many
from csm_tui.services.effort import Period, PeriodKind, effort_report
from csm_tui.services.trends import trends_report
from csm_tui.services.week_report import summary_line, week_report
from csm_tui.store import activities as queries
from csm_tui.store.connection import Store, open_store
from csm_tui.store.migrations import MIGRATIONS

WEEK = Period(PeriodKind.WEEK, date(2026, 11, 23), date(2026, 11, 29))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")


@pytest.fixture
def book(store: Store, me: tuple[str, str]) -> Store:
    for account_id, segment in (("a", "Enterprise"), ("b", "Enterprise"), ("c", "SMB")):
        create_account(store, Account(id=account_id, name=account_id.upper(), segment=segment))
    return store


def test_each_audience_is_stored_on_no_account_and_journaled(book: Store) -> None:
    when = at("2026-11-24T10:00:00")
    webinar = log_for_many(book, Audience.NONE, 60, when, type=ActivityType.TRAINING)
    segment = log_for_many(book, Audience.SEGMENT, 30, when, segment=" Enterprise ")
    several = log_for_many(book, Audience.ACCOUNTS, 45, when, account_ids=("a", "c", "a"))
    for activity in (webinar, segment, several):
        stored = queries.get_activity(book, activity.id)
        assert stored == activity and stored.account_id is None and stored.one_to_many
    assert segment.audience_segment == "Enterprise"
    assert several.audience_accounts == ["a", "c"]  # once each, in the order given
    row = book.query_one(
        "SELECT audience, audience_accounts FROM activities WHERE id = ?", (several.id,)
    )
    assert row is not None and (row[0], json.loads(row[1])) == ("accounts", ["a", "c"])
    journaled = book.query(
        "SELECT payload FROM journal WHERE table_name = 'activities' ORDER BY seq", ()
    )
    payloads = [json.loads(r[0]) for r in journaled]
    assert [p["audience"] for p in payloads] == ["none", "segment", "accounts"]
    assert all(p["account_id"] is None for p in payloads)
    # no account's own log or totals hold it
    assert queries.activities_of(book, "a") == []
    assert queries.minutes_between(book, "a", None, None) == (0, 0)


def test_bad_audiences_are_refused_and_nothing_is_saved(book: Store) -> None:
    when = at("2026-11-24T10:00:00")
    with pytest.raises(ValidationError, match="No account is in the segment 'Mid-market'"):
        log_for_many(book, Audience.SEGMENT, 30, when, segment="Mid-market")
    with pytest.raises(ValidationError, match="two or more"):
        log_for_many(book, Audience.ACCOUNTS, 30, when, account_ids=("a",))
    with pytest.raises(NotFoundError, match="zzz"):
        log_for_many(book, Audience.ACCOUNTS, 30, when, account_ids=("a", "zzz"))
    with pytest.raises(ValidationError, match="Only work for several accounts names accounts"):
        log_for_many(book, Audience.NONE, 30, when, account_ids=("a", "b"))
    with pytest.raises(ValidationError, match="Only work for a segment names a segment"):
        log_for_many(book, Audience.NONE, 30, when, segment="SMB")
    with pytest.raises(ValidationError, match="logged on that account"):
        log_for_many(book, Audience.ACCOUNT, 30, when)
    with pytest.raises(ValidationError, match="minutes"):
        log_for_many(book, Audience.NONE, 0, when)
    assert book.query_one("SELECT count(*) FROM activities", ())[0] == 0  # type: ignore[index]


def test_it_is_edited_and_removed_like_any_activity(book: Store) -> None:
    webinar = log_for_many(book, Audience.NONE, 60, at("2026-11-24T10:00:00"))
    assert edit_activity(book, webinar.id, minutes=90).minutes == 90
    with pytest.raises(ValidationError, match="checklist item"):
        edit_activity(book, webinar.id, checklist_item_id="x")
    delete_activity(book, webinar.id)
    assert queries.get_activity(book, webinar.id) is None


def test_effort_splits_one_to_one_from_one_to_many(book: Store, clock: FixedClock) -> None:
    log_activity(book, "a", 30, at("2026-11-23T10:00:00"))
    log_activity(book, "c", 20, at("2026-11-24T10:00:00"), proactive=True)
    log_for_many(book, Audience.NONE, 60, at("2026-11-25T10:00:00"), proactive=True)
    log_for_many(book, Audience.SEGMENT, 15, at("2026-11-26T10:00:00"), segment="SMB")
    log_for_many(book, Audience.NONE, 999, at("2026-11-30T10:00:00"))  # next week
    report = effort_report(book, WEEK, clock, zone=UTC)
    assert (report.total.count, report.total.minutes) == (4, 125)
    assert (report.one_to_one.count, report.one_to_one.minutes) == (2, 50)
    assert (report.one_to_many.count, report.one_to_many.minutes) == (2, 75)
    assert report.proactive.minutes == 80  # the other splits still count every activity
    assert [a.account_id for a in report.accounts] == ["a", "c"]
    assert report.rest_accounts == 0 and report.rest.minutes == 0  # not "other accounts"
    assert report.account_count == 2


def test_the_week_report_shows_both(book: Store, clock: FixedClock) -> None:
    log_activity(book, "a", 30, at("2026-11-23T10:00:00"))
    log_for_many(book, Audience.NONE, 90, at("2026-11-25T10:00:00"))
    line = summary_line(week_report(book, date(2026, 11, 23), clock))
    assert line.endswith("30 min one-to-one, 1 h 30 min one-to-many"), line


def test_the_trends_one_to_many_share_is_real(book: Store, clock: FixedClock) -> None:
    log_activity(book, "a", 75, at("2026-10-05T10:00:00"))
    log_for_many(book, Audience.NONE, 25, at("2026-10-06T10:00:00"))
    log_activity(book, "b", 40, at("2026-11-02T10:00:00"))
    log_for_many(book, Audience.ACCOUNTS, 60, at("2026-11-03T10:00:00"), account_ids=("a", "b"))
    report = trends_report(book, clock, months=2, zone=UTC)
    many = next(s for s in report.work if s.key == "one_to_many")
    assert many.rates == [0.25, 0.6]


def test_the_migration_keeps_every_activity_as_for_one_account(tmp_path: Path) -> None:
    """A book of the schema before: its activities come through the rebuilt table unchanged."""
    path = tmp_path / "old.db"
    before = next(i for i, script in enumerate(MIGRATIONS) if "activities_new" in script)
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:before], start=1):
        conn.executescript(f"BEGIN;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
    conn.execute(
        "INSERT INTO accounts (id, name, created_at, updated_at) VALUES ('a', 'A', 't', 't')"
    )
    conn.execute(
        "INSERT INTO activities (id, account_id, author_email, type, minutes, occurred_at, "
        "outcome, note, created_at, updated_at) VALUES ('x', 'a', 'me@example.com', 'call', 30, "
        "'2026-11-24T10:00:00+00:00', 'resolved', 'kept', 't', 't')"
    )
    conn.commit()
    conn.close()
    store = open_store(path)
    try:
        activity = queries.get_activity(store, "x")
        assert activity is not None
        assert (activity.account_id, activity.audience, activity.note) == ("a", "account", "kept")
        indexes = {
            str(r[0])
            for r in store.query("SELECT name FROM sqlite_master WHERE tbl_name = 'activities'", ())
        }
        assert {"activities_account_time", "activities_effort"} <= indexes
        with pytest.raises(sqlite3.IntegrityError):  # the audience must match the account
            store.conn.execute(
                "INSERT INTO activities (id, author_email, type, minutes, occurred_at, "
                "created_at, updated_at) VALUES ('y', 'me@example.com', 'call', 5, 't', 't', 't')"
            )
    finally:
        store.close()


def test_export_carries_the_audience(book: Store) -> None:
    from csm_tui.services.activity_export import (
        activity_records,
        render_activities_csv,
        render_activities_json,
    )

    log_activity(book, "a", 30, at("2026-11-23T10:00:00"))
    log_for_many(book, Audience.ACCOUNTS, 45, at("2026-11-24T10:00:00"), account_ids=("a", "c"))
    log_for_many(book, Audience.NONE, 60, at("2026-11-25T10:00:00"))
    records = list(activity_records(book, None, None))
    assert [(r["account_id"], r["audience"], r["audience_accounts"]) for r in records] == [
        ("a", "account", []),
        (None, "accounts", ["a", "c"]),
        (None, "none", []),
    ]
    assert json.loads(render_activities_json(iter(records)))[1]["audience_accounts"] == ["a", "c"]
    lines = render_activities_csv(iter(records)).splitlines()
    assert lines[0].endswith("audience,audience_segment,audience_accounts,skills,participants")
    assert lines[2].endswith(",accounts,,a;c,,")
