"""The meetings logged or dismissed from the calendar sync with the book (issue 15): the CSM's
other device never proposes them again; a colleague at the same meeting never sees the marks."""

from __future__ import annotations

from pathlib import Path

from sync_kit import AOI, KEN, Team, rows_of

from csm_tui.services import calendar

CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
    + "".join(
        f"BEGIN:VEVENT\r\nUID:{uid}@google.com\r\nDTSTAMP:20261126T000000Z\r\n"
        f"DTSTART:{day}T010000Z\r\nDTEND:{day}T014500Z\r\nSUMMARY:{title}\r\n"
        f"ORGANIZER:mailto:{AOI}\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:{KEN}\r\nEND:VEVENT\r\n"
        for uid, day, title in (
            ("prep", "20261120", "Acme Analytics QBR prep"),
            ("sync", "20261123", "Acme Analytics weekly sync"),
            ("initech", "20261124", "Initech renewal prep"),
        )
    )
    + "END:VCALENDAR\r\n"
)


def test_marks_reach_my_other_device_and_stay_mine(team: Team, tmp_path: Path) -> None:
    laptop, desktop, ken = team.book("laptop"), team.book("desktop"), team.book("ken")
    for book, who in ((laptop, AOI), (desktop, AOI), (ken, KEN)):
        team.sync(book, who)
    ics = tmp_path / "google.ics"
    ics.write_text(CALENDAR, encoding="utf-8", newline="")

    calendar.import_file(laptop, ics)
    prep, weekly, initech = calendar.proposals(laptop)
    assert [p.title for p in (prep, weekly, initech)] == [
        "Acme Analytics QBR prep",
        "Acme Analytics weekly sync",
        "Initech renewal prep",
    ]
    calendar.log(laptop, prep)
    calendar.dismiss(laptop, weekly)
    result = team.sync(laptop, AOI)
    assert result.refused == 0

    team.sync(desktop, AOI)
    calendar.import_file(desktop, ics)
    assert [p.title for p in calendar.proposals(desktop)] == ["Initech renewal prep"]

    team.sync(ken, KEN)  # Ken covers Acme and Initech: he sees Aoi's activity, not her marks
    assert not rows_of(ken, "calendar_marks")
    assert [row["note"] for row in rows_of(ken, "activities", "WHERE author_email = ?", (AOI,))]
    assert len(rows_of(laptop, "calendar_marks")) == 2


def test_two_devices_marking_one_meeting_write_one_row(team: Team, tmp_path: Path) -> None:
    laptop, desktop = team.book("laptop"), team.book("desktop")
    ics = tmp_path / "google.ics"
    ics.write_text(CALENDAR, encoding="utf-8", newline="")
    for book in (laptop, desktop):
        team.sync(book, AOI)
        calendar.import_file(book, ics)
        calendar.dismiss(book, calendar.proposals(book)[2])
    assert team.sync(laptop, AOI).refused == 0
    assert team.sync(desktop, AOI).refused == 0
    team.sync(laptop, AOI)
    assert len(rows_of(laptop, "calendar_marks")) == len(rows_of(desktop, "calendar_marks")) == 1
