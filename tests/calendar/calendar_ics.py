"""Calendars written the way Google Calendar and Outlook export them, for the calendar tests.

Google: PRODID "-//Google Inc//Google Calendar 70.9054//EN", X-WR-TIMEZONE, one-off events in
UTC (…Z), recurring ones with TZID, attendees with CN/PARTSTAT/X-NUM-GUESTS, lines folded at 75.
Outlook: "Microsoft Exchange Server 2010", Windows zone names with their own VTIMEZONE blocks,
X-MICROSOFT-CDO-* properties, CRLF line ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ME = "aoi.tanaka@example.com"


def fold(line: str) -> str:
    """RFC 5545 folding: 75 octets a line, continued with a space."""
    out, current = [], line
    while len(current.encode()) > 75:
        cut = 75
        while len(current[:cut].encode()) > 75:
            cut -= 1
        out.append(current[:cut])
        current = " " + current[cut:]
    out.append(current)
    return "\r\n".join(out)


@dataclass
class Ev:
    uid: str
    summary: str
    start: str  # e.g. "20261120T010000Z" or ";TZID=Asia/Tokyo:20261120T100000" (full suffix)
    end: str
    organizer: str = ME
    attendees: list[tuple[str, str]] = field(default_factory=list)  # (email, PARTSTAT)
    extra: list[str] = field(default_factory=list)  # RRULE, EXDATE, RECURRENCE-ID, STATUS…
    description: str = ""


def _when(name: str, value: str) -> str:
    return f"{name}{value}" if value.startswith(";") else f"{name}:{value}"


def google(events: list[Ev], zone: str = "Asia/Tokyo") -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ME}",
        f"X-WR-TIMEZONE:{zone}",
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Tokyo",
        "X-LIC-LOCATION:Asia/Tokyo",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0900",
        "TZOFFSETTO:+0900",
        "TZNAME:JST",
        "DTSTART:19700101T000000",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    for ev in events:
        lines += [
            "BEGIN:VEVENT",
            _when("DTSTART", ev.start),
            _when("DTEND", ev.end),
            "DTSTAMP:20261126T000000Z",
            f"ORGANIZER;CN={ev.organizer}:mailto:{ev.organizer}",
            f"UID:{ev.uid}",
        ]
        for email, status in ev.attendees:
            lines.append(
                "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;"
                f"PARTSTAT={status};CN={email};X-NUM-GUESTS=0:mailto:{email}"
            )
        lines += ev.extra
        lines += [
            "CREATED:20261001T000000Z",
            f"DESCRIPTION:{ev.description}",
            "LAST-MODIFIED:20261101T000000Z",
            "LOCATION:",
            "SEQUENCE:0",
        ]
        if not any(line.startswith("STATUS") for line in ev.extra):
            lines.append("STATUS:CONFIRMED")
        lines.append(f"SUMMARY:{ev.summary}")
        if not any(line.startswith("TRANSP") for line in ev.extra):
            lines.append("TRANSP:OPAQUE")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"


OUTLOOK_ZONES = """BEGIN:VTIMEZONE
TZID:Tokyo Standard Time
BEGIN:STANDARD
DTSTART:16010101T000000
TZOFFSETFROM:+0900
TZOFFSETTO:+0900
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T000000
TZOFFSETFROM:+0900
TZOFFSETTO:+0900
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VTIMEZONE
TZID:Eastern Standard Time
BEGIN:STANDARD
DTSTART:16010101T020000
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=1SU;BYMONTH=11
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=2SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE"""


def outlook(events: list[Ev]) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "METHOD:PUBLISH",
        "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0",
        "X-WR-CALNAME:Calendar",
        *OUTLOOK_ZONES.splitlines(),
    ]
    for ev in events:
        lines += ["BEGIN:VEVENT"]
        lines.append(f"ORGANIZER;CN=Organizer:mailto:{ev.organizer}")
        for email, status in ev.attendees:
            lines.append(
                f"ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT={status};RSVP=TRUE;CN={email}:"
                f"mailto:{email}"
            )
        lines += [
            f"DESCRIPTION;LANGUAGE=en-US:{ev.description}",
            f"UID:{ev.uid}",
            f"SUMMARY;LANGUAGE=en-US:{ev.summary}",
            _when("DTSTART", ev.start),
            _when("DTEND", ev.end),
            "CLASS:PUBLIC",
            "PRIORITY:5",
            "DTSTAMP:20261126T000000Z",
            "SEQUENCE:0",
            "LOCATION;LANGUAGE=en-US:Microsoft Teams Meeting",
            "X-MICROSOFT-CDO-APPT-SEQUENCE:0",
            "X-MICROSOFT-CDO-BUSYSTATUS:BUSY",
            "X-MICROSOFT-CDO-INTENDEDSTATUS:BUSY",
            "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE",
            "X-MICROSOFT-CDO-IMPORTANCE:1",
            "X-MICROSOFT-CDO-INSTTYPE:0",
            *ev.extra,
        ]
        if not any(line.startswith("TRANSP") for line in ev.extra):
            lines.append("TRANSP:OPAQUE")
        if not any(line.startswith("STATUS") for line in ev.extra):
            lines.append("STATUS:CONFIRMED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
