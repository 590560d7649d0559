"""Calendars as Google and Outlook export them, read and matched to accounts (issue 15):
time zones, all-day, recurring with exceptions, declined, cancelled, organiser or attendee,
500 events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from calendar_ics import ME, Ev, google, outlook
from calendar_kit import ACME, Book, import_ics, utc

from csm_tui.errors import ValidationError
from csm_tui.models.activity import ActivityType
from csm_tui.services import calendar
from csm_tui.store.connection import Store


def test_a_google_meeting_with_a_contact_is_proposed(
    store: Store, book: Book, tmp_path: Path
) -> None:
    text = google(
        [
            Ev(
                "one@google.com",
                "Acme QBR",
                "20261120T010000Z",
                "20261120T014500Z",
                attendees=[(ME, "ACCEPTED"), (ACME, "ACCEPTED")],
            ),
        ]
    )
    [proposal] = import_ics(store, tmp_path, text)
    assert proposal.account_ids == (book.acme,)
    assert proposal.account_names == ("Acme Corp",)
    assert utc(proposal) == datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    assert proposal.minutes == 45
    assert proposal.title == "Acme QBR"
    assert proposal.proactive  # I organised it
    assert not proposal.recurring
    assert proposal.kind is ActivityType.MEETING
    assert proposal.as_json()["account"] == book.acme


def test_never_proposed_declined_cancelled_all_day_free(
    store: Store, book: Book, tmp_path: Path
) -> None:
    people = [(ME, "ACCEPTED"), (ACME, "ACCEPTED")]
    text = google(
        [
            Ev(
                "declined",
                "Declined",
                "20261110T010000Z",
                "20261110T020000Z",
                organizer=ACME,
                attendees=[(ME, "DECLINED"), (ACME, "ACCEPTED")],
            ),
            Ev(
                "cancelled",
                "Cancelled",
                "20261111T010000Z",
                "20261111T020000Z",
                attendees=people,
                extra=["STATUS:CANCELLED"],
            ),
            Ev(
                "allday",
                "Offsite",
                ";VALUE=DATE:20261112",
                ";VALUE=DATE:20261113",
                attendees=people,
            ),
            Ev(
                "free",
                "Optional",
                "20261113T010000Z",
                "20261113T020000Z",
                attendees=people,
                extra=["TRANSP:TRANSPARENT"],
            ),
            Ev("kept", "Kept", "20261114T010000Z", "20261114T020000Z", attendees=people),
        ]
    )
    assert [p.title for p in import_ics(store, tmp_path, text)] == ["Kept"]


def test_invited_is_reactive(store: Store, book: Book, tmp_path: Path) -> None:
    text = outlook(
        [
            Ev(
                "040000008200E00074C5B7101A82E0080000000001",
                "Beta onboarding",
                ";TZID=Eastern Standard Time:20261118T100000",
                ";TZID=Eastern Standard Time:20261118T113000",
                organizer="bob@beta.example.org",
                attendees=[(ME, "ACCEPTED")],
            ),
        ]
    )
    [proposal] = import_ics(store, tmp_path, text)
    assert proposal.account_ids == (book.beta,)
    assert not proposal.proactive
    assert utc(proposal) == datetime(2026, 11, 18, 15, 0, tzinfo=UTC)  # EST, -5
    assert proposal.minutes == 90


def test_outlook_windows_zone_in_summer_time(store: Store, book: Book, tmp_path: Path) -> None:
    text = outlook(
        [
            Ev(
                "ol-summer",
                "Beta check-in",
                ";TZID=Eastern Standard Time:20261015T100000",
                ";TZID=Eastern Standard Time:20261015T103000",
                organizer="bob@beta.example.org",
                attendees=[(ME, "ACCEPTED")],
            ),
            Ev(
                "ol-tokyo",
                "Acme call",
                ";TZID=Tokyo Standard Time:20261016T100000",
                ";TZID=Tokyo Standard Time:20261016T103000",
                attendees=[(ACME, "ACCEPTED")],
            ),
        ]
    )
    starts = {p.title: utc(p) for p in import_ics(store, tmp_path, text)}
    assert starts == {
        "Beta check-in": datetime(2026, 10, 15, 14, 0, tzinfo=UTC),  # EDT, -4
        "Acme call": datetime(2026, 10, 16, 1, 0, tzinfo=UTC),
    }


def test_floating_time_reads_x_wr_timezone(store: Store, book: Book, tmp_path: Path) -> None:
    text = google(
        [
            Ev(
                "float",
                "Acme lunch",
                "20261105T120000",
                "20261105T130000",
                attendees=[(ACME, "ACCEPTED")],
            )
        ],
        zone="Asia/Tokyo",
    )
    [proposal] = import_ics(store, tmp_path, text)
    assert utc(proposal) == datetime(2026, 11, 5, 3, 0, tzinfo=UTC)


def test_the_user_zone_is_the_start_shown(
    store: Store, book: Book, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    text = google(
        [Ev("z", "Acme", "20261120T010000Z", "20261120T020000Z", attendees=[(ACME, "ACCEPTED")])]
    )
    [proposal] = import_ics(store, tmp_path, text)
    assert proposal.start.isoformat() == "2026-11-20T10:00:00+09:00"


def test_recurring_with_exdate_and_a_moved_occurrence(
    store: Store, book: Book, tmp_path: Path
) -> None:
    people = [(ME, "ACCEPTED"), (ACME, "ACCEPTED")]
    text = google(
        [
            Ev(
                "weekly@google.com",
                "Acme weekly",
                ";TZID=Asia/Tokyo:20261027T100000",
                ";TZID=Asia/Tokyo:20261027T103000",
                attendees=people,
                extra=["RRULE:FREQ=WEEKLY;BYDAY=TU", "EXDATE;TZID=Asia/Tokyo:20261103T100000"],
            ),
            Ev(
                "weekly@google.com",
                "Acme weekly (moved)",
                ";TZID=Asia/Tokyo:20261111T150000",
                ";TZID=Asia/Tokyo:20261111T160000",
                attendees=people,
                extra=["RECURRENCE-ID;TZID=Asia/Tokyo:20261110T100000"],
            ),
        ]
    )
    found = import_ics(store, tmp_path, text)
    # Oct 27, (Nov 3 excluded), Nov 10 moved to Nov 11 15:00, Nov 17, Nov 24; Dec 1 is after today
    assert [(utc(p).strftime("%m-%d %H:%M"), p.minutes) for p in found] == [
        ("10-27 01:00", 30),
        ("11-11 06:00", 60),
        ("11-17 01:00", 30),
        ("11-24 01:00", 30),
    ]
    assert all(p.recurring for p in found)
    assert len({p.id for p in found}) == 4


def test_matching_by_domain_never_by_free_mail(store: Store, book: Book, tmp_path: Path) -> None:
    text = google(
        [
            Ev(
                "domain",
                "Intro",
                "20261101T010000Z",
                "20261101T020000Z",
                attendees=[("new.person@acme.co.jp", "ACCEPTED")],
            ),
            Ev(
                "freemail",
                "Someone",
                "20261102T010000Z",
                "20261102T020000Z",
                attendees=[("stranger@gmail.com", "ACCEPTED")],
            ),
            Ev(
                "exact-free",
                "Gamma sync",
                "20261103T010000Z",
                "20261103T020000Z",
                attendees=[("gamma.owner@gmail.com", "ACCEPTED")],
            ),
        ]
    )
    found = {p.title: p.account_ids for p in import_ics(store, tmp_path, text)}
    assert found == {"Intro": (book.acme,), "Gamma sync": (book.gamma,)}


def test_colleagues_only_needs_the_account_in_the_title(
    store: Store, book: Book, tmp_path: Path
) -> None:
    colleague = [("kai@example.com", "ACCEPTED")]
    text = google(
        [
            Ev(
                "prep", "Acme QBR prep", "20261104T010000Z", "20261104T020000Z", attendees=colleague
            ),
            Ev("team", "Team standup", "20261104T030000Z", "20261104T033000Z", attendees=colleague),
        ]
    )
    [proposal] = import_ics(store, tmp_path, text)
    assert proposal.title == "Acme QBR prep"
    assert proposal.account_ids == (book.acme,)
    assert proposal.kind is ActivityType.INTERNAL


def test_only_the_last_sixty_days(store: Store, book: Book, tmp_path: Path) -> None:
    people = [(ACME, "ACCEPTED")]
    text = google(
        [
            Ev("old", "Old", "20260901T010000Z", "20260901T020000Z", attendees=people),
            Ev("in", "In", "20260929T010000Z", "20260929T020000Z", attendees=people),
            Ev("future", "Next week", "20261203T010000Z", "20261203T020000Z", attendees=people),
        ]
    )
    assert [p.title for p in import_ics(store, tmp_path, text)] == ["In"]


def test_five_hundred_events(store: Store, book: Book, tmp_path: Path) -> None:
    base = datetime(2026, 9, 1, 0, 0, tzinfo=UTC)
    events = []
    for n in range(500):
        start = base + timedelta(hours=4 * n)
        who = [ACME, "bob@beta.example.org", "x@shared.example", "nobody@else.example"][n % 4]
        events.append(
            Ev(
                f"e{n}@google.com",
                f"Meeting {n}",
                f"{start:%Y%m%dT%H%M%SZ}",
                f"{start + timedelta(minutes=30):%Y%m%dT%H%M%SZ}",
                attendees=[(who, "ACCEPTED")],
            )
        )
    found = import_ics(store, tmp_path, google(events))
    window_start = datetime(2026, 9, 28, tzinfo=UTC)
    expected = [
        n
        for n in range(500)
        if n % 4 != 3
        and window_start <= base + timedelta(hours=4 * n) < datetime(2026, 11, 28, tzinfo=UTC)
    ]
    assert sorted(int(p.title.split()[1]) for p in found) == expected


def test_not_a_calendar(store: Store, book: Book, tmp_path: Path) -> None:
    path = tmp_path / "x.ics"
    path.write_text("hello", encoding="utf-8")
    # no VEVENT at all is an empty calendar or an error; either way nothing is proposed
    with pytest.raises(ValidationError):
        calendar.import_file(store, path)


def test_outlook_series_in_a_windows_zone(store: Store, book: Book, tmp_path: Path) -> None:
    who = [(ME, "ACCEPTED")]
    text = outlook(
        [
            Ev(
                "040000008200E00074C5B7101A82E00800000000SERIES",
                "Beta weekly",
                ";TZID=Eastern Standard Time:20261028T100000",
                ";TZID=Eastern Standard Time:20261028T110000",
                organizer="bob@beta.example.org",
                attendees=who,
                extra=[
                    "RRULE:FREQ=WEEKLY;UNTIL=20261125T150000Z;INTERVAL=1;BYDAY=WE;WKST=SU",
                    "EXDATE;TZID=Eastern Standard Time:20261111T100000",
                ],
            ),
            Ev(
                "040000008200E00074C5B7101A82E00800000000SERIES",
                "Beta weekly (moved)",
                ";TZID=Eastern Standard Time:20261119T090000",
                ";TZID=Eastern Standard Time:20261119T093000",
                organizer="bob@beta.example.org",
                attendees=who,
                extra=["RECURRENCE-ID;TZID=Eastern Standard Time:20261118T100000"],
            ),
        ]
    )
    found = import_ics(store, tmp_path, text)
    assert [(utc(p).strftime("%m-%d %H:%M"), p.minutes, p.proactive) for p in found] == [
        ("10-28 14:00", 60, False),  # EDT
        ("11-04 15:00", 60, False),  # EST from Nov 1
        ("11-19 14:00", 30, False),  # moved; Nov 11 excluded
        ("11-25 15:00", 60, False),
    ]
    assert all(p.recurring for p in found)


def test_alarms_and_unread_properties_are_skipped(store: Store, book: Book, tmp_path: Path) -> None:
    text = google(
        [
            Ev(
                "alarm@google.com",
                "Acme QBR",
                "20261120T010000Z",
                "20261120T014500Z",
                attendees=[(ACME, "ACCEPTED")],
                extra=[
                    "X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij",
                    "BEGIN:VALARM",
                    "ACTION:DISPLAY",
                    "DESCRIPTION:This is an event reminder",
                    "TRIGGER:-P0DT0H10M0S",
                    "END:VALARM",
                ],
                description="Join with Google Meet: https://meet.google.com/abc-defg-hij " * 5,
            ),
        ]
    )
    [proposal] = import_ics(store, tmp_path, text)
    assert proposal.title == "Acme QBR" and proposal.minutes == 45


def test_my_other_addresses(store: Store, book: Book, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[calendar]\naddresses = ["aoi.private@gmail.com"]\n')
    text = google(
        [
            Ev(
                "mine",
                "Acme QBR",
                "20261120T010000Z",
                "20261120T020000Z",
                organizer="aoi.private@gmail.com",
                attendees=[(ACME, "ACCEPTED")],
            ),
            Ev(
                "declined",
                "Acme dinner",
                "20261121T010000Z",
                "20261121T020000Z",
                organizer=ACME,
                attendees=[("aoi.private@gmail.com", "DECLINED")],
            ),
        ]
    )
    [proposal] = import_ics(store, tmp_path, text)
    assert proposal.title == "Acme QBR" and proposal.proactive
    # a gmail.com address of mine does not make gmail.com people colleagues
    text = google(
        [
            Ev(
                "g",
                "Gamma sync",
                "20261122T010000Z",
                "20261122T020000Z",
                attendees=[("gamma.owner@gmail.com", "ACCEPTED")],
            )
        ]
    )
    found = {p.title: p.account_ids for p in import_ics(store, tmp_path, text, "g.ics")}
    assert found == {"Acme QBR": (book.acme,), "Gamma sync": (book.gamma,)}
