"""Reading what a CSM types for an activity's effort and time, forgivingly but strictly.

Minutes: `30`, `90m`, `1h`, `1h30`, `1h 30m`, `1.5h`, `1:30`, and the Japanese `30分`, `1時間`,
`1時間30分`. When: ISO dates and times, `now`, `today 14:00`, `yesterday`, `yesterday 9:30`,
and `今日`/`昨日`. A wrong value raises `ValidationError` with a sentence for the form.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta, tzinfo

from csm_tui.clock import Clock
from csm_tui.date_input import DateInputError, check_range, parse_date
from csm_tui.errors import ValidationError
from csm_tui.i18n import N_, _

MAX_MINUTES = 24 * 60

_HOURS_MINUTES = re.compile(
    r"^(?:(?P<hours>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hours?|時間))?"
    r"\s*(?:(?P<minutes>\d+)\s*(?:m|min|mins|minutes?|分)?)?$"
)
_CLOCK = re.compile(r"^(?P<hours>\d{1,2}):(?P<minutes>\d{2})$")

MINUTES_HELP = N_("Minutes like 30, 90m, 1h, 1h30 or 1.5h.")
_MINUTES_PAST_HOUR = N_(
    "{text}: the minutes after the hours must be 0 to 59 (write 2h10, or 130 for 130 minutes)."
)
WHEN_HELP = N_("A time like 14:00, today 14:00, yesterday, or 2026-11-20 09:30.")


def _normalise(text: str) -> str:
    # full-width digits and letters (typed with a Japanese IME) become ASCII
    return unicodedata.normalize("NFKC", text).strip().lower()


def parse_minutes(text: str) -> int:
    """Effort in whole minutes, 1 to 1,440."""
    value = _normalise(text)
    if not value:
        raise ValidationError(N_("How many minutes did it take?"))
    minutes = _read_minutes(value)  # raises for "1:70" and "1h61"
    if minutes is None:
        raise ValidationError(MINUTES_HELP)
    if minutes <= 0:
        raise ValidationError(N_("Effort must be at least one minute."))
    if minutes > MAX_MINUTES:
        raise ValidationError(N_("Effort cannot be more than 24 hours."))
    return minutes


def _read_minutes(value: str) -> int | None:
    if value.startswith("-"):
        return 0  # negative: reported as "at least one minute"
    clock = _CLOCK.match(value)
    if clock:
        if int(clock["minutes"]) > 59:  # "1:70" is a slip, not 130 minutes
            raise ValidationError(_(_MINUTES_PAST_HOUR).format(text=value))
        return int(clock["hours"]) * 60 + int(clock["minutes"])
    match = _HOURS_MINUTES.match(value)
    if not match or not (match["hours"] or match["minutes"]):
        return None
    hours = float(match["hours"]) if match["hours"] else 0.0
    minutes = int(match["minutes"]) if match["minutes"] else 0
    if match["hours"] and "." in match["hours"] and match["minutes"]:
        return None  # "1.5h30" is not a duration anyone means
    if match["hours"] and minutes > 59:  # "1h61": the minutes after the hours stay under 60
        raise ValidationError(_(_MINUTES_PAST_HOUR).format(text=value))
    return round(hours * 60) + minutes


_NOW_WORDS = ("now", "今", "today", "今日", "きょう", "本日")


def parse_when(text: str, clock: Clock, zone: tzinfo | None = None) -> datetime:
    """A moment in the past (or the next few minutes), as an aware datetime in UTC.

    The day is read as every form reads one (csm_tui/date_input.py: `2026-11-20`, `11/20`,
    `yesterday`, `last friday`, `R8.11.20`…), optionally followed by a time (`9:30`); a time
    alone is today's. A date without a time means noon of that day, so it stays on that day in
    any time zone. A date before 2000 (`0001-01-01`) is refused as a slip.
    """
    zone = zone or clock.now().astimezone().tzinfo
    now = clock.now().astimezone(zone)
    value = _normalise(text)
    if not value or value in _NOW_WORDS:
        return now.astimezone(clock.now().tzinfo)
    moment = _read_when(value, now)
    if moment is None:
        raise ValidationError(WHEN_HELP)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    check_range(moment.astimezone(zone).date(), now.date(), text)
    if moment - now > timedelta(minutes=5):
        raise ValidationError(N_("That is in the future; log work once it is done."))
    return moment.astimezone(clock.now().tzinfo)


def _read_when(value: str, now: datetime) -> datetime | None:
    day_text, _sep, last = value.rpartition(" ")
    at = _read_time(last)
    if at is None:
        day_text, at = value, None
    elif not day_text:
        return datetime.combine(now.date(), at)  # a time alone: today's
    try:
        day = parse_date(day_text, now.date(), prefer="past")
    except DateInputError as error:
        if error.reason != "unreadable":
            raise
        return _iso_moment(value)
    if day is None:
        return None
    return datetime.combine(day, at) if at is not None else _noon(day)


def _iso_moment(value: str) -> datetime | None:
    """An ISO moment with a `T` or a zone: `2026-11-20T09:30`, `2026-11-20T00:30Z`."""
    try:
        return datetime.fromisoformat(value.replace(" ", "T", 1).upper())
    except ValueError:
        return None


def _read_time(value: str) -> time | None:
    match = re.match(r"^(\d{1,2}):(\d{2})$", value)
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if hours > 23 or minutes > 59:
        return None
    return time(hours, minutes)


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12, 0))
