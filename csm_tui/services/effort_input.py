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
from csm_tui.errors import ValidationError
from csm_tui.i18n import N_

MAX_MINUTES = 24 * 60

_HOURS_MINUTES = re.compile(
    r"^(?:(?P<hours>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hours?|時間))?"
    r"\s*(?:(?P<minutes>\d+)\s*(?:m|min|mins|minutes?|分)?)?$"
)
_CLOCK = re.compile(r"^(?P<hours>\d{1,2}):(?P<minutes>\d{2})$")

MINUTES_HELP = N_("Minutes like 30, 90m, 1h, 1h30 or 1.5h.")
WHEN_HELP = N_("A time like 14:00, today 14:00, yesterday, or 2026-11-20 09:30.")


def _normalise(text: str) -> str:
    # full-width digits and letters (typed with a Japanese IME) become ASCII
    return unicodedata.normalize("NFKC", text).strip().lower()


def parse_minutes(text: str) -> int:
    """Effort in whole minutes, 1 to 1,440."""
    value = _normalise(text)
    if not value:
        raise ValidationError(N_("How many minutes did it take?"))
    minutes = _read_minutes(value)
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
        return int(clock["hours"]) * 60 + int(clock["minutes"])
    match = _HOURS_MINUTES.match(value)
    if not match or not (match["hours"] or match["minutes"]):
        return None
    hours = float(match["hours"]) if match["hours"] else 0.0
    minutes = int(match["minutes"]) if match["minutes"] else 0
    if match["hours"] and "." in match["hours"] and match["minutes"]:
        return None  # "1.5h30" is not a duration anyone means
    return round(hours * 60) + minutes


_DAY_WORDS = {
    "now": 0,
    "今": 0,
    "today": 0,
    "今日": 0,
    "きょう": 0,
    "yesterday": -1,
    "昨日": -1,
    "きのう": -1,
}


def parse_when(text: str, clock: Clock, zone: tzinfo | None = None) -> datetime:
    """A moment in the past (or the next few minutes), as an aware datetime in UTC.

    A date without a time means noon of that day, so it stays on that day in any time zone.
    """
    zone = zone or clock.now().astimezone().tzinfo
    now = clock.now().astimezone(zone)
    value = _normalise(text)
    if not value or value in ("now", "今"):
        return now.astimezone(clock.now().tzinfo)
    moment = _read_when(value, now)
    if moment is None:
        raise ValidationError(WHEN_HELP)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    if moment - now > timedelta(minutes=5):
        raise ValidationError(N_("That is in the future; log work once it is done."))
    return moment.astimezone(clock.now().tzinfo)


def _read_when(value: str, now: datetime) -> datetime | None:
    parts = value.split()
    if parts and parts[0] in _DAY_WORDS:
        day = now.date() + timedelta(days=_DAY_WORDS[parts[0]])
        if len(parts) == 1:
            return now if _DAY_WORDS[parts[0]] == 0 else _noon(day)
        if len(parts) == 2:
            at = _read_time(parts[1])
            return None if at is None else datetime.combine(day, at)
        return None
    if len(parts) == 1:
        at = _read_time(parts[0])
        if at is not None:
            return datetime.combine(now.date(), at)
    try:
        parsed = datetime.fromisoformat(value.replace(" ", "T", 1).upper())
    except ValueError:
        return None
    if len(value) <= 10:  # a date alone
        return _noon(parsed.date())
    return parsed


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
