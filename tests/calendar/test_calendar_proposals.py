"""Proposals become logged work, dismissed ones stay dismissed, changed ones are corrected
(issue 15)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from calendar_ics import Ev, google
from calendar_kit import ACME, Book, import_ics

from csm_tui.clock import FixedClock
from csm_tui.errors import ValidationError
from csm_tui.models.activity import ActivityType
from csm_tui.services import calendar
from csm_tui.services.activities import log_activity
from csm_tui.store import activities as activity_queries
from csm_tui.store.connection import Store


def test_two_accounts_ask_which(store: Store, book: Book, tmp_path: Path) -> None:
    text = google(
        [
            Ev(
                "two",
                "Shared",
                "20261105T010000Z",
                "20261105T020000Z",
                attendees=[("x@shared.example", "ACCEPTED")],
            )
        ]
    )
    [proposal] = import_ics(store, tmp_path, text)
    assert set(proposal.account_ids) == {book.delta, book.epsilon}
    assert proposal.as_json()["account"] is None
    with pytest.raises(ValidationError):
        calendar.log(store, proposal)
    activity = calendar.log(store, proposal, account_id=book.epsilon)
    assert activity.account_id == book.epsilon
    assert calendar.proposals(store) == []


def test_logged_then_resynced_then_moved(store: Store, book: Book, tmp_path: Path) -> None:
    def cal(start: str, end: str) -> str:
        return google([Ev("m@google.com", "Acme QBR", start, end, attendees=[(ACME, "ACCEPTED")])])

    [proposal] = import_ics(store, tmp_path, cal("20261120T010000Z", "20261120T014500Z"))
    activity = calendar.log(store, proposal)
    assert (activity.type, activity.minutes, activity.note) == (
        ActivityType.MEETING,
        45,
        "Acme QBR",
    )
    assert activity.occurred_at.astimezone(UTC) == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    assert import_ics(store, tmp_path, cal("20261120T010000Z", "20261120T014500Z")) == []
    # lengthened after it was logged: shown as changed, and logging it corrects the activity
    [changed] = import_ics(store, tmp_path, cal("20261120T010000Z", "20261120T020000Z"))
    assert changed.changed and changed.activity_id == activity.id
    calendar.log(store, changed)
    again = activity_queries.get_activity(store, activity.id)
    assert again is not None and again.minutes == 60
    assert calendar.proposals(store) == []


def test_dismissed_and_series_dismissed(store: Store, book: Book, tmp_path: Path) -> None:
    people = [(ACME, "ACCEPTED")]
    text = google(
        [
            Ev("one", "One-off", "20261101T010000Z", "20261101T020000Z", attendees=people),
            Ev(
                "series",
                "Weekly",
                ";TZID=Asia/Tokyo:20261102T100000",
                ";TZID=Asia/Tokyo:20261102T103000",
                attendees=people,
                extra=["RRULE:FREQ=WEEKLY;COUNT=3"],
            ),
        ]
    )
    found = import_ics(store, tmp_path, text)
    assert [p.title for p in found] == ["One-off", "Weekly", "Weekly", "Weekly"]
    calendar.dismiss(store, found[0])
    calendar.dismiss(store, found[1])
    assert [p.title for p in calendar.proposals(store)] == ["Weekly", "Weekly"]
    calendar.dismiss_series(store, found[2])
    assert import_ics(store, tmp_path, text) == []


def test_logged_on_another_device_is_not_proposed(store: Store, book: Book, tmp_path: Path) -> None:
    log_activity(
        store, book.acme, 45, datetime(2026, 11, 20, 1, 0, tzinfo=UTC), type=ActivityType.MEETING
    )
    text = google(
        [
            Ev(
                "dev",
                "Acme QBR",
                "20261120T010000Z",
                "20261120T014500Z",
                attendees=[(ACME, "ACCEPTED")],
            )
        ]
    )
    assert import_ics(store, tmp_path, text) == []


def test_today_reads_the_calendars_again_when_stale(
    store: Store, book: Book, tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "cal.ics"
    people = [(ACME, "ACCEPTED")]
    path.write_text(
        google([Ev("a", "First", "20261120T010000Z", "20261120T020000Z", attendees=people)]),
        encoding="utf-8",
    )
    calendar.import_file(store, path)
    path.write_text(
        google(
            [
                Ev("a", "First", "20261120T010000Z", "20261120T020000Z", attendees=people),
                Ev("b", "Second", "20261121T010000Z", "20261121T020000Z", attendees=people),
            ]
        ),
        encoding="utf-8",
    )
    service = calendar.CalendarService(store)
    assert service.count(refresh=True) == 1  # read a moment ago: fresh
    clock.at += timedelta(minutes=16)
    assert service.count(refresh=True) == 2


def test_description_lines_in_the_note_when_asked(store: Store, book: Book, tmp_path: Path) -> None:
    text = google(
        [
            Ev(
                "d",
                "Acme QBR",
                "20261120T010000Z",
                "20261120T020000Z",
                attendees=[(ACME, "ACCEPTED")],
                description="Agenda:\\n\\n- renewal\\n- usage\\n- other",
            )
        ]
    )
    [plain] = import_ics(store, tmp_path, text)
    assert plain.note == "Acme QBR"
    (tmp_path / "config.toml").write_text("[calendar]\ndescription_lines = 2\n")
    [proposal] = calendar.proposals(store)
    assert proposal.note == "Acme QBR\nAgenda:\n- renewal"
    assert calendar.log(store, proposal).note == "Acme QBR\nAgenda:\n- renewal"


def test_a_changed_meeting_corrected_through_the_form_stays_on_its_activity(
    store: Store, book: Book, tmp_path: Path
) -> None:
    def cal(end: str) -> str:
        return google(
            [
                Ev(
                    "f@google.com",
                    "Acme QBR",
                    "20261120T010000Z",
                    end,
                    attendees=[(ACME, "ACCEPTED")],
                )
            ]
        )

    [proposal] = import_ics(store, tmp_path, cal("20261120T014500Z"))
    first = calendar.log(store, proposal)
    log_activity(store, book.beta, 10, datetime(2026, 11, 26, 1, 0, tzinfo=UTC))  # newer work
    [changed] = import_ics(store, tmp_path, cal("20261120T020000Z"))
    calendar.remember_form(store, changed)  # as the M screen does once the form saved
    assert import_ics(store, tmp_path, cal("20261120T020000Z")) == []
    [again] = import_ics(store, tmp_path, cal("20261120T021500Z"))
    assert again.activity_id == first.id
