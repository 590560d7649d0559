"""Reading a due date as a CSM types it: `2026-12-15`, `12/15`, `today`, `+14`, `2w`, `明日`.

An empty value means "no date of my own": the item goes back to its rule (or to no date).
A wrong value raises `ValidationError` whose message is a msgid the form translates.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from csm_tui.errors import ValidationError
from csm_tui.i18n import N_

DUE_HELP = N_("A date like 2026-12-15, 12/15, today, tomorrow, +14 (days) or 2w (weeks).")
FAR_DAYS = 3 * 366  # further than this is a typing slip, not a plan

_WORDS = {"today": 0, "今日": 0, "tomorrow": 1, "明日": 1}
_RELATIVE = re.compile(r"^\+?(?P<n>\d{1,4})\s*(?P<unit>d|days?|日|w|weeks?|週|週間)?$")
_YMD = re.compile(r"^(?P<y>\d{4})[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?$")
_MD = re.compile(r"^(?P<m>\d{1,2})[-/月](?P<d>\d{1,2})日?$")


def parse_due(text: str, today: date) -> date | None:
    """The date meant by `text`, or None for an empty value (back to the rule)."""
    value = unicodedata.normalize("NFKC", text).strip().lower()
    if not value:
        return None
    due = _read(value, today)
    if due is None:
        raise ValidationError(DUE_HELP)
    if abs((due - today).days) > FAR_DAYS:
        raise ValidationError(N_("That date is more than three years away."))
    return due


def _read(value: str, today: date) -> date | None:
    if value in _WORDS:
        return today + timedelta(days=_WORDS[value])
    relative = _RELATIVE.match(value)
    if relative and (value.startswith("+") or relative["unit"]):
        weeks = (relative["unit"] or "d")[0] in "w週"
        return today + timedelta(days=int(relative["n"]) * (7 if weeks else 1))
    full = _YMD.match(value)
    if full:
        return _date(int(full["y"]), int(full["m"]), int(full["d"]))
    short = _MD.match(value)
    if short:
        # a month and day without a year: the next such day from today
        this_year = _date(today.year, int(short["m"]), int(short["d"]))
        if this_year is None or this_year >= today:
            return this_year
        return _date(today.year + 1, int(short["m"]), int(short["d"]))
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
