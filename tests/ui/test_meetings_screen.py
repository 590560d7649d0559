"""M: meetings from the calendar to log; Enter logs, e edits first, x/X dismiss (issue 15)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import AppFactory, settle
from textual.pilot import Pilot

from csm_tui.models.activity import ActivityType
from csm_tui.models.contact import Contact
from csm_tui.services import calendar
from csm_tui.services.accounts import add_contact
from csm_tui.services.activities import log_activity
from csm_tui.store.activities import activities_of
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account_picker import PickerScreen
from csm_tui.ui.screens.log_activity import LogActivityScreen
from csm_tui.ui.screens.meetings import MeetingsScreen, MeetingTable

ACME, GLOBEX, INITECH = "acct00", "acct02", "acct04"
SIZE = (120, 30)


def _event(uid: str, title: str, day: str, who: str, extra: str = "") -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261126T000000Z\r\n"
        f"DTSTART:{day}T010000Z\r\nDTEND:{day}T014500Z\r\nSUMMARY:{title}\r\n"
        "ORGANIZER:mailto:aoi.tanaka@example.com\r\n"
        f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:{who}\r\n{extra}END:VEVENT\r\n"
    )


CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
    + _event("a@google.com", "Acme QBR", "20261120", "ken@acme.example")
    + _event("b@google.com", "Both of them", "20261121", "someone@shared.example")
    + _event(
        "w@google.com",
        "Acme weekly",
        "20261103",
        "ken@acme.example",
        "RRULE:FREQ=WEEKLY;COUNT=3\r\n",
    )
    + "END:VCALENDAR\r\n"
)


def with_calendar(store: Store, tmp_path: Path) -> None:
    with store.transaction() as tx:
        for account_id, email in [
            (ACME, "ken@acme.example"),
            (GLOBEX, "g@shared.example"),
            (INITECH, "i@shared.example"),
        ]:
            add_contact(tx, Contact(account_id=account_id, name=email, email=email))
    path = tmp_path / "google.ics"
    path.write_text(CALENDAR, encoding="utf-8", newline="")
    calendar.import_file(store, path)


async def open_meetings(pilot: Pilot[None], app: CsmApp) -> MeetingTable:
    await settle(pilot, lambda: type(app.screen.focused).__name__ == "AccountTable")
    await pilot.press("M")
    await settle(pilot, lambda: isinstance(app.screen, MeetingsScreen))
    table = app.screen.query_one(MeetingTable)
    await settle(pilot, lambda: table.row_count > 0)
    return table


def titles(table: MeetingTable) -> list[str]:
    return [str(table.get_row_at(row)[3]) for row in range(table.row_count)]


async def test_enter_logs_x_dismisses_X_dismisses_the_series(
    book_store: Store, make_app: AppFactory, tmp_path: Path
) -> None:
    with_calendar(book_store, tmp_path)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_meetings(pilot, app)
        assert titles(table) == ["Acme weekly"] * 3 + ["Acme QBR", "Both of them"]
        assert "Meetings to log (5)" in str(app.screen.query_one("#meetings-title").render())

        await pilot.press("enter")  # the first weekly meeting, as it is
        await settle(pilot, lambda: table.row_count == 4)
        [logged] = [a for a in activities_of(book_store, ACME) if a.note == "Acme weekly"]
        assert (logged.type, logged.minutes, logged.note, logged.recurring, logged.proactive) == (
            ActivityType.MEETING,
            45,
            "Acme weekly",
            True,
            True,
        )

        await pilot.press("X")  # the rest of the series
        await settle(pilot, lambda: table.row_count == 2)
        assert titles(table) == ["Acme QBR", "Both of them"]

        await pilot.press("x")
        await settle(pilot, lambda: table.row_count == 1)
        assert titles(table) == ["Both of them"]

        await pilot.press("enter")  # two accounts: which one?
        await settle(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press(*"Initech", "enter")
        await settle(pilot, lambda: isinstance(app.screen, MeetingsScreen) and table.row_count == 0)
        assert "Both of them" in [a.note for a in activities_of(book_store, INITECH)]
        assert "Both of them" not in [a.note for a in activities_of(book_store, GLOBEX)]
    assert calendar.proposals(book_store) == []


async def test_e_opens_the_log_form_filled_in(
    book_store: Store, make_app: AppFactory, tmp_path: Path
) -> None:
    with_calendar(book_store, tmp_path)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_meetings(pilot, app)
        await pilot.press("down", "down", "down", "e")  # Acme QBR
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        form = app.screen
        assert isinstance(form, LogActivityScreen)
        values = form.values()
        assert (values["minutes"], values["when"], values["type"], values["note"]) == (
            "45",
            "2026-11-20 01:00",
            "meeting",
            "Acme QBR",
        )
        form.query_one("#minutes").value = "50"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, MeetingsScreen) and table.row_count == 4)
        assert "Acme QBR" not in titles(table)
        [logged] = [a for a in activities_of(book_store, ACME) if a.note == "Acme QBR"]
        assert logged.minutes == 50


async def test_today_says_how_many_meetings_wait(
    book_store: Store, make_app: AppFactory, tmp_path: Path
) -> None:
    with_calendar(book_store, tmp_path)
    app = make_app(book_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        line = app.screen.query_one("#today-meetings")
        await settle(pilot, lambda: line.display)
        assert "Meetings to log (5)" in str(line.render())


async def test_a_meeting_logged_elsewhere_leaves_the_list(
    book_store: Store, make_app: AppFactory, tmp_path: Path
) -> None:
    with_calendar(book_store, tmp_path)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_meetings(pilot, app)
        assert table.row_count == 5
        # the same meeting logged off the UI thread (a sync from another device does that)
        await asyncio.to_thread(
            log_activity,
            book_store,
            ACME,
            45,
            datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
            type=ActivityType.MEETING,
        )
        await settle(pilot, lambda: table.row_count == 4)
        assert "Acme QBR" not in titles(table)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_meetings_snapshot(
    snap_compare: Any, book_store: Store, make_app: AppFactory, tmp_path: Path, language: str
) -> None:
    with_calendar(book_store, tmp_path)
    app = make_app(book_store, language=language)

    async def open_it(pilot: Pilot[None]) -> None:
        await open_meetings(pilot, app)
        await app.workers.wait_for_complete()  # the calendar read as M opens, and the reload
        await pilot.pause(0.1)
        await app.workers.wait_for_complete()
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=open_it, terminal_size=SIZE)


async def test_with_no_calendar_the_screen_says_how_to_add_one(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("M")
        await settle(pilot, lambda: isinstance(app.screen, MeetingsScreen))
        await app.workers.wait_for_complete()
        await pilot.pause()
        hint = str(app.screen.query_one("#meetings-empty").render())
        assert "csm-tui calendar import FILE.ics" in hint
