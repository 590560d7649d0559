"""iCalendar text → the meeting occurrences of a window, with what matching and proposing need.

icalendar parses and recurring-ical-events expands RRULE/RDATE/EXDATE and applies moved
occurrences (RECURRENCE-ID) and Google's X-WR-TIMEZONE. Parsing is the slow part (about a
millisecond an event), so a cheap look at the raw text first drops the one-off events that
start far outside the window: a two-year export of 5,000 events parses in a fraction of a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from csm_tui.models.limits import MAX_MINUTES

#: Days of slack around the window for the raw-text filter: a start written in a far-away zone
#: (UTC-12 to UTC+14) is still kept, and the exact window is applied after parsing.
_SLACK = timedelta(days=2)

_UNFOLD = re.compile(r"\r?\n[ \t]")
_VEVENT = re.compile(r"^BEGIN:VEVENT\r?$.*?^END:VEVENT\r?\n?", re.MULTILINE | re.DOTALL)
_DTSTART_DAY = re.compile(r"^DTSTART[^:\r\n]*:(\d{8})", re.MULTILINE)
_UID = re.compile(r"^UID[^:\r\n]*:(.*?)\r?$", re.MULTILINE)
_REPEATS = re.compile(r"^(RRULE|RDATE|RECURRENCE-ID)[;:]", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One meeting as it happens (a recurring event gives one per date)."""

    key: str  # UID + RECURRENCE-ID for a recurring event, the UID alone for a one-off
    uid: str
    start: datetime  # aware, in the user's zone
    minutes: int
    title: str
    description: str
    organizer: str  # lower-case e-mail, '' when none
    attendees: tuple[tuple[str, str], ...]  # (lower-case e-mail, PARTSTAT)
    recurring: bool
    all_day: bool
    cancelled: bool
    transparent: bool


def _email(value: object) -> str:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def prefilter(text: str, start: datetime, end: datetime) -> str:
    """The calendar without the one-off events that cannot start within [start, end).

    Every event of a UID that repeats (RRULE, RDATE, a moved occurrence) is kept whole: an
    occurrence of a series begun years ago can fall in the window.
    """
    text = _UNFOLD.sub("", text)
    blocks = _VEVENT.findall(text)
    if not blocks:
        return text
    repeating = set()
    for block in blocks:
        if _REPEATS.search(block):
            found = _UID.search(block)
            repeating.add(found.group(1) if found else "")
    first = (start - _SLACK).strftime("%Y%m%d")
    last = (end + _SLACK).strftime("%Y%m%d")
    kept = []
    for block in blocks:
        found = _UID.search(block)
        day = _DTSTART_DAY.search(block)
        if (
            (found.group(1) if found else "") in repeating
            or day is None
            or first <= day.group(1) <= last
        ):
            kept.append(_slim(block))
    rest = _VEVENT.sub("", text)
    closing = rest.rfind("END:VCALENDAR")
    if closing < 0:
        return rest + "".join(kept)
    return rest[:closing] + "".join(kept) + rest[closing:]


#: The properties of an event that are read; the others (a Meet link's long description in
#: Google's exports is kept, but not DTSTAMP, X-…, LOCATION, attachments or alarms) are dropped
#: before parsing, which is the slow part.
_READ = frozenset(
    {"BEGIN", "END", "UID", "DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE",
     "RECURRENCE-ID", "SUMMARY", "DESCRIPTION", "ORGANIZER", "ATTENDEE", "STATUS", "TRANSP"}
)  # fmt: skip
_NAME = re.compile(r"[A-Za-z0-9-]+")


def _slim(block: str) -> str:
    lines = []
    alarm = False
    for line in block.splitlines():
        if line.startswith("BEGIN:") and line[6:].strip() != "VEVENT":
            alarm = True  # VALARM, and any other component inside an event
        elif alarm:
            alarm = not (line.startswith("END:") and line[4:].strip() != "VEVENT")
        else:
            name = _NAME.match(line)
            if name is not None and name.group(0).upper() in _READ:
                lines.append(line)
    return "\r\n".join(lines) + "\r\n"


def read_calendar(text: str, start: datetime, end: datetime, zone: tzinfo) -> list[Occurrence]:
    """The occurrences starting within [start, end) (aware datetimes), in `zone`.

    Floating times (no zone, no X-WR-TIMEZONE) are read in `zone`: a calendar without zones was
    written for the person reading it. Raises ValueError when the text is not iCalendar.
    """
    import icalendar
    import recurring_ical_events

    try:
        calendar = icalendar.Calendar.from_ical(prefilter(text, start, end))
    except Exception as exc:  # icalendar raises ValueError, and others on odd input
        raise ValueError(str(exc) or type(exc).__name__) from exc
    events = calendar.walk("VEVENT")
    repeating = {
        str(event.get("UID", ""))
        for event in events
        if event.get("RRULE") or event.get("RDATE") or event.get("RECURRENCE-ID")
    }
    floating = _floating_zone(calendar, zone)
    found: dict[str, Occurrence] = {}

    def keep(occurrence: Occurrence | None) -> None:
        if occurrence is not None and start <= occurrence.start < end:
            found.setdefault(occurrence.key, occurrence)

    # one-off events are read as they are; only series go through the expansion, which copies
    # every occurrence it returns
    series = icalendar.Calendar()
    for name, value in calendar.property_items(recursive=False):
        if name not in ("BEGIN", "END"):
            series.add(name, value)
    for zone_component in calendar.walk("VTIMEZONE"):
        series.add_component(zone_component)
    for event in events:
        if str(event.get("UID", "")) in repeating:
            series.add_component(event)
        else:
            keep(_occurrence(event, repeating, zone, floating))
    if repeating:
        expanded = recurring_ical_events.of(series, skip_bad_series=True).between(
            start.astimezone(zone), end.astimezone(zone)
        )
        for event in expanded:
            keep(_occurrence(event, repeating, zone, floating))
    return sorted(found.values(), key=lambda item: (item.start, item.key))


def _floating_zone(calendar: Any, zone: tzinfo) -> tzinfo:
    """Google writes X-WR-TIMEZONE for the times written without a zone; else the user's."""
    name = str(calendar.get("X-WR-TIMEZONE", "")).strip()
    if name:
        from zoneinfo import ZoneInfo

        try:
            return ZoneInfo(name)
        except (ValueError, OSError, KeyError):
            pass
    return zone


def _moment(value: date | datetime, zone: tzinfo, floating: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=zone)
    if value.tzinfo is None:
        return value.replace(tzinfo=floating).astimezone(zone)
    return value.astimezone(zone)


def _occurrence(
    event: Any, repeating: set[str], zone: tzinfo, floating: tzinfo
) -> Occurrence | None:
    raw_start = event.get("DTSTART")
    if raw_start is None:
        return None
    uid = str(event.get("UID", "")).strip()
    first = raw_start.dt
    all_day = not isinstance(first, datetime)
    start = _moment(first, zone, floating)
    raw_end = event.get("DTEND")
    if raw_end is not None:
        end = _moment(raw_end.dt, zone, floating)
    elif event.get("DURATION") is not None:
        end = start + event["DURATION"].dt
    else:
        end = start + (timedelta(days=1) if all_day else timedelta())
    minutes = max(0, min(MAX_MINUTES, round((end - start).total_seconds() / 60)))
    recurring = uid in repeating
    key = uid
    if recurring:
        recurrence = event.get("RECURRENCE-ID")
        original = _moment(recurrence.dt, zone, floating) if recurrence is not None else start
        key = f"{uid}|{original.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"
    attendees = event.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    return Occurrence(
        key=key,
        uid=uid,
        start=start,
        minutes=minutes,
        title=str(event.get("SUMMARY", "")).strip(),
        description=str(event.get("DESCRIPTION", "")).strip(),
        organizer=_email(event.get("ORGANIZER")),
        attendees=tuple(
            (_email(who), str(getattr(who, "params", {}).get("PARTSTAT", "NEEDS-ACTION")).upper())
            for who in attendees
            if _email(who)
        ),
        recurring=recurring,
        all_day=all_day,
        cancelled=str(event.get("STATUS", "")).upper() == "CANCELLED",
        transparent=str(event.get("TRANSP", "")).upper() == "TRANSPARENT",
    )
