"""The weekly review (services/week_report.py): what the page holds for a week, on real files."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from csm_tui.cli.report_cmd import render
from csm_tui.clock import FixedClock
from csm_tui.errors import ValidationError
from csm_tui.i18n import set_language
from csm_tui.models.account import Account
from csm_tui.models.activity import ActivityType
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.services.accounts import add_account, add_owner
from csm_tui.services.activities import log_activity
from csm_tui.services.identity import upsert_user
from csm_tui.services.week_report import parse_week, week_label, week_report
from csm_tui.store.connection import Store

# the `store` fixture lives on Friday 2026-11-27, 09:00 UTC; its week is 2026-W48 (11-23 – 11-29)
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
MONDAY = date(2026, 11, 23)
ME = "aoi.tanaka@example.com"
KEN = "ken.sato@example.com"


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def book(store: Store, me: tuple[str, str]) -> Store:
    """Mine: Acme (primary), サクラ (secondary); Ken's alone: Globex."""
    accounts = [
        ("acme", "Acme Analytics", ME, 82, 70, 100),
        ("sakura", "株式会社サクラ精機", KEN, 58, 74, 120),
        ("globex", "Globex Logistics", KEN, 40, 80, 30),
        ("initech", "Initech", ME, 60, 59, 121),
    ]
    with store.transaction() as tx:
        upsert_user(tx, KEN, "Ken Sato")
        for account_id, name, primary, now, past, renewal in accounts:
            add_account(
                tx,
                Account(
                    id=account_id,
                    name=name,
                    health_score=now,
                    contract_value=50_000,
                    renewal_date=date(2026, 11, 27) + timedelta(days=renewal),
                ),
            )
            add_owner(
                tx, OwnerAssignment(account_id=account_id, user_email=primary, role=Role.PRIMARY)
            )
            for day, score in (("2026-10-20", past), ("2026-11-27", now)):
                tx.insert(
                    "health_snapshots",
                    {
                        "id": f"{account_id}{day}",
                        "account_id": account_id,
                        "date": day,
                        "score": score,
                    },
                )
        add_owner(tx, OwnerAssignment(account_id="sakura", user_email=ME, role=Role.SECONDARY))
    # my work this week: 150 + 30 + 45 minutes, 195 of them proactive; last week's does not count
    log_activity(store, "acme", 150, at(24), type=ActivityType.MEETING, proactive=True)
    log_activity(store, "sakura", 30, at(25), type=ActivityType.INQUIRY)
    log_activity(store, "acme", 45, at(26), type=ActivityType.TRAINING, proactive=True)
    log_activity(store, "acme", 60, at(20), type=ActivityType.CALL, proactive=True)
    with store.transaction() as tx:
        tx.insert("activities", _activity("ken-call", "globex", KEN, at(25), 600))
        for item_id, account_id, by, done_at in (
            ("kick", "acme", ME, at(24, 15)),
            ("old", "acme", ME, at(20)),  # last week
            ("kens", "globex", KEN, at(25)),  # someone else's tick
            ("open", "sakura", None, None),
        ):
            tx.insert("checklist_items", _item(item_id, account_id, by, done_at))
        for task_id, account_id, who, due, done_at in (
            ("t-done", "acme", ME, "2026-11-25", at(25, 16)),
            ("t-late", "sakura", ME, "2026-11-20", None),
            ("t-later", "acme", ME, "2026-12-10", None),
            ("t-ken", "globex", KEN, "2026-11-01", None),
        ):
            tx.insert("tasks", _task(task_id, account_id, who, due, done_at))
    return store


def _activity(row_id: str, account_id: str, author: str, when: datetime, minutes: int) -> Any:
    stamp = NOW.isoformat()
    return {
        "id": row_id,
        "account_id": account_id,
        "author_email": author,
        "type": "call",
        "minutes": minutes,
        "occurred_at": when.isoformat(),
        "created_at": stamp,
        "updated_at": stamp,
    }


def _item(item_id: str, account_id: str, by: str | None, done_at: datetime | None) -> Any:
    stamp = NOW.isoformat()
    return {
        "id": item_id,
        "account_id": account_id,
        "stage": "onboarding",
        "item_key": "kickoff" if item_id == "kick" else "",
        "title": "Hold the kickoff and agree on goals" if item_id == "kick" else f"Item {item_id}",
        "done": done_at is not None,
        "done_by": by,
        "done_at": done_at.isoformat() if done_at else None,
        "created_at": stamp,
        "updated_at": stamp,
    }


def _task(task_id: str, account_id: str, who: str, due: str, done_at: datetime | None) -> Any:
    stamp = NOW.isoformat()
    return {
        "id": task_id,
        "account_id": account_id,
        "title": f"Task {task_id}",
        "title_ja": f"タスク {task_id}",
        "due_date": due,
        "assignee_email": who,
        "done": done_at is not None,
        "done_at": done_at.isoformat() if done_at else None,
        "done_by": who if done_at else None,
        "created_at": stamp,
        "updated_at": stamp,
    }


def test_the_week_holds_my_work_and_my_accounts(book: Store) -> None:
    report = week_report(book, MONDAY, FixedClock(NOW))
    assert (report.start, report.end, report.on, report.label) == (
        MONDAY,
        date(2026, 11, 29),
        date(2026, 11, 27),
        "2026-W48",
    )
    effort = report.effort
    assert (effort.total.minutes, effort.total.count) == (225, 3)  # not Ken's, not last week's
    assert report.proactive_share == pytest.approx(195 / 225)
    assert [(a.name, a.effort.minutes) for a in effort.accounts] == [
        ("Acme Analytics", 195),
        ("株式会社サクラ精機", 30),
    ]
    assert [(i.account, i.title, i.done_on) for i in report.items_done] == [
        ("Acme Analytics", "Hold the kickoff and agree on goals", date(2026, 11, 24))
    ]
    assert [(t.title, t.done_on) for t in report.tasks_done] == [
        ("Task t-done", date(2026, 11, 25))
    ]
    assert [(t.title, t.due) for t in report.tasks_overdue] == [("Task t-late", date(2026, 11, 20))]
    # mine only (Globex fell 40 points but is Ken's); Initech moved 1 point: not a mover
    assert [(m.account, m.score, m.change) for m in report.drops] == [
        ("株式会社サクラ精機", 58, -16)
    ]
    assert [(m.account, m.change) for m in report.rises] == [("Acme Analytics", 12)]
    # within 120 days of the 27th, the 120th day included; Globex is not mine
    assert [(r.account, r.days, r.last_contact) for r in report.renewals] == [
        ("Acme Analytics", 100, date(2026, 11, 26)),
        ("株式会社サクラ精機", 120, date(2026, 11, 25)),
    ]


def test_a_past_week_is_seen_from_its_sunday(book: Store) -> None:
    report = week_report(book, date(2026, 11, 16), FixedClock(NOW))
    assert report.on == date(2026, 11, 22)
    assert report.effort.total.minutes == 60
    assert [i.title for i in report.items_done] == ["Item old"]
    assert [t.title for t in report.tasks_overdue] == ["Task t-late"]  # due 11-20, still open
    assert [r.days for r in report.renewals] == [105]  # Acme; サクラ is 125 days away then


def test_the_week_must_start_on_a_monday(book: Store) -> None:
    with pytest.raises(ValidationError, match="A week starts on a Monday"):
        week_report(book, date(2026, 11, 24), FixedClock(NOW))


@pytest.mark.parametrize(
    ("text", "monday"),
    [
        ("2026-W48", date(2026, 11, 23)),
        ("2026w48", date(2026, 11, 23)),
        ("２０２６-W01", date(2025, 12, 29)),
        ("2026-11-29", date(2026, 11, 23)),
        ("2026-11-23", date(2026, 11, 23)),
    ],
)
def test_parse_week(text: str, monday: date) -> None:
    assert parse_week(text) == monday
    assert week_label(monday) in ("2026-W48", "2026-W01")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-W54", "There is no week 2026-W54"),
        ("2026-02-30", "There is no week 2026-02-30"),
        ("next week", "Give a week like 2026-W48"),
        ("", "Give a week like 2026-W48"),
    ],
)
def test_bad_weeks(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_week(text)


def test_markdown_and_text(book: Store) -> None:
    report = week_report(book, MONDAY, FixedClock(NOW))
    markdown = render(report, markdown=True)
    assert markdown.startswith("# Week 2026-W48 (2026-11-23 – 2026-11-29) · Aoi Tanaka\n")
    assert "3 h 45 min in 3 activities on 2 accounts · 87% proactive" in markdown
    assert "| Acme Analytics | 3 h 15 min | 2 | 87% |" in markdown
    assert "- 2026-11-24 · Acme Analytics — Hold the kickoff and agree on goals" in markdown
    assert "- 2026-11-20 (7 days late) · 株式会社サクラ精機 — Task t-late" in markdown
    assert "| 株式会社サクラ精機 | 58 | ▼16 |" in markdown
    assert "## Renewals overdue or within 120 days (2)" in markdown
    text = render(report, markdown=False)
    lines = text.splitlines()
    assert lines[1] == "=" * cells(lines[0])
    # the columns line up in terminal cells: a Japanese character takes two
    acme = next(line for line in lines if line.startswith("Acme Analytics "))
    sakura = next(line for line in lines if line.startswith("株式会社サクラ精機 "))
    end_of = lambda line, value: cells(line[: line.index(value) + len(value)])  # noqa: E731
    assert end_of(acme, "3 h 15 min") == end_of(sakura, "30 min")
    assert "| " not in text  # no Markdown in plain text


def cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def test_japanese(book: Store) -> None:
    set_language("ja")
    report = week_report(book, MONDAY, FixedClock(NOW))
    markdown = render(report, markdown=True)
    assert "タスク t-late" in markdown  # a task's Japanese title
    assert "キックオフを開催し、目標に合意する" in markdown  # the template item, in Japanese
