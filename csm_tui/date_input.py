"""Dates typed by a person, read the same way in every form and CLI option (and CSV cell).

What is accepted (full-width digits and letters typed with a Japanese IME are read as ASCII,
and case does not matter):

- a full date: `2026-11-01`, `2026/11/1`, `2026.11.1`, `20261101`, `2026年11月1日`;
- 和暦: `令和8年11月1日`, `令和元年5月1日`, `R8.11.1`, `R8/11/1`, `平成31年4月30日`, `H31.4.30`;
- a day without its year: `11/1`, `11-1`, `11月1日`; the year is the one `prefer` picks (the next
  such day for a due date, the last one for work done, the nearest one otherwise); `10日` alone
  is the 10th (of the month `prefer` picks), not ten days from now (`10日後`);
- words: `today`, `yesterday`, `tomorrow`, `今日`/`きょう`/`本日`, `昨日`/`きのう`,
  `明日`/`あした`/`あす`, `一昨日`/`おととい`, `明後日`/`あさって`;
- where a relative date makes sense (`relative=True`): `+3`, `-2`, `+2w`, `3d`, `2 weeks`,
  `3日後`, `2週間後`, `3日前`, `3 days ago`, and weekdays: `monday`, `mon`, `next monday`,
  `last friday`, `月曜`, `月曜日`, `次の月曜`, `来週の月曜`, `先週の金曜`, `今週の金曜`.

`order` says how to read numbers with the year last or without it, as a CSV file from another
country writes them (`MDY`: `11/1/2026`, `11/1/26` and `11/1` are 1 November; `DMY`: `1/11/2026`
and `1/11` are 1 November; a two-digit year is 20xx). The default, `YMD`, reads `11/1` as
month/day and refuses a year written last.

Every date must fall between 2000-01-01 and `FURTHEST_YEARS` years from today: `0001-01-01`
or `20266-01-01` is a typing slip, never a plan. A wrong value raises `DateInputError` (a
`ValidationError`) with one translated sentence; `reason` lets a form put its own help instead.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from csm_tui.errors import ValidationError
from csm_tui.i18n import _

EARLIEST = date(2000, 1, 1)
FURTHEST_YEARS = 30  # a date further from today than this is refused

Prefer = Literal["future", "past", "nearest"]
Reason = Literal["unreadable", "no_such_date", "out_of_range"]


class DateOrder(StrEnum):
    """How numbers without a leading four-digit year are read."""

    YMD = "YMD"
    MDY = "MDY"
    DMY = "DMY"


class DateInputError(ValidationError):
    """A typed date that cannot be used; the message is one translated sentence."""

    def __init__(self, message: str, reason: Reason) -> None:
        super().__init__(message)
        self.reason = reason


# -- patterns ----------------------------------------------------------------------------------

_SEP = r"\s*[-/.]\s*"
_YMD = re.compile(rf"^(?P<y>\d{{4}}){_SEP}(?P<m>\d{{1,2}}){_SEP}(?P<d>\d{{1,2}})$")
_YMD_JA = re.compile(r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(?P<y>(?:19|20|21)\d{2})(?P<m>\d{2})(?P<d>\d{2})$")
_YEAR_LAST = re.compile(rf"^(?P<a>\d{{1,2}}){_SEP}(?P<b>\d{{1,2}}){_SEP}(?P<y>\d{{4}}|\d{{2}})$")
_TWO = re.compile(rf"^(?P<a>\d{{1,2}}){_SEP}(?P<b>\d{{1,2}})$")
_DAY_JA = re.compile(r"^(?P<d>\d{1,2})\s*日$")
_MD_JA = re.compile(r"^(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?$")
_ERA_JA = re.compile(
    r"^(?P<era>令和|平成|昭和)\s*(?P<n>\d{1,2}|元)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?$"
)
_ERA_LATIN = re.compile(
    rf"^(?P<era>[rhs])\s*(?P<n>\d{{1,2}}){_SEP}(?P<m>\d{{1,2}}){_SEP}(?P<d>\d{{1,2}})$"
)

# era → the Gregorian year of its first year, and its first day
_ERAS = {
    "令和": (2019, date(2019, 5, 1)),
    "r": (2019, date(2019, 5, 1)),
    "平成": (1989, date(1989, 1, 8)),
    "h": (1989, date(1989, 1, 8)),
    "昭和": (1926, date(1926, 12, 25)),
    "s": (1926, date(1926, 12, 25)),
}

_WORDS = {
    "today": 0,
    "今日": 0,
    "きょう": 0,
    "本日": 0,
    "yesterday": -1,
    "昨日": -1,
    "きのう": -1,
    "tomorrow": 1,
    "明日": 1,
    "あした": 1,
    "あす": 1,
    "一昨日": -2,
    "おととい": -2,
    "明後日": 2,
    "あさって": 2,
}

_UNIT = r"(?P<unit>d|days?|日|w|weeks?|週|週間)"
_SIGNED = re.compile(rf"^(?P<sign>[+-])\s*(?P<n>\d{{1,5}})\s*{_UNIT}?$")
_UNSIGNED = re.compile(rf"^(?P<n>\d{{1,5}})\s*{_UNIT}\s*(?P<dir>後|前|later|ago|from now)?$")

_WEEKDAYS = {
    "monday": 0,
    "mon": 0,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "wednesday": 2,
    "wed": 2,
    "thursday": 3,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "friday": 4,
    "fri": 4,
    "saturday": 5,
    "sat": 5,
    "sunday": 6,
    "sun": 6,
}
_WEEKDAY_JA = "月火水木金土日"
_WEEKDAY_EN = re.compile(r"^(?:(?P<which>next|last|this)\s+)?(?P<day>[a-z]+)$")
_WEEKDAY_JA_RE = re.compile(
    r"^(?P<which>次の|前の|来週の?|先週の?|今週の?)?\s*(?P<day>[月火水木金土日])曜日?$"
)


# -- reading -----------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Full-width digits and letters (a Japanese IME) become ASCII; trimmed, lower case."""
    return " ".join(unicodedata.normalize("NFKC", text).strip().lower().split())


def parse_date(
    text: str,
    today: date,
    *,
    prefer: Prefer = "nearest",
    relative: bool = True,
    order: DateOrder | str = DateOrder.YMD,
) -> date | None:
    """The date meant by `text`, or None when it is blank (each caller says what blank means).

    `today` anchors the words, the relative forms and a day written without its year.
    """
    value = normalise(text)
    if not value:
        return None
    found = _read(value, today, prefer=prefer, relative=relative, order=DateOrder(order))
    if found is None:
        raise DateInputError(
            _("“{text}” is not a date like 2026-12-01, 12/1 or 2026年12月1日.").format(
                text=text.strip()
            ),
            "unreadable",
        )
    check_range(found, today, text)
    return found


def check_range(day: date, today: date, text: str | None = None) -> date:
    """`day`, unless it is before 2000 or more than `FURTHEST_YEARS` years from today."""
    shown = (text or day.isoformat()).strip()
    if day < EARLIEST:
        raise DateInputError(
            _("{text} is before 2000; check the year.").format(text=shown), "out_of_range"
        )
    if abs(day.year - today.year) > FURTHEST_YEARS:
        raise DateInputError(
            _("{text} is more than {n} years away; check the year.").format(
                text=shown, n=FURTHEST_YEARS
            ),
            "out_of_range",
        )
    return day


def _no_such_date(text: str) -> DateInputError:
    return DateInputError(
        _("There is no such date: {text}.").format(text=text.strip()), "no_such_date"
    )


def _make(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _no_such_date(text) from None


def _read(
    value: str, today: date, *, prefer: Prefer, relative: bool, order: DateOrder
) -> date | None:
    if value in _WORDS:
        return today + timedelta(days=_WORDS[value])
    for pattern in (_YMD, _YMD_JA, _COMPACT):
        full = pattern.match(value)
        if full:
            return _make(int(full["y"]), int(full["m"]), int(full["d"]), value)
    era = _ERA_JA.match(value) or _ERA_LATIN.match(value)
    if era:
        return _era_date(era["era"], era["n"], int(era["m"]), int(era["d"]), value)
    year_last = _YEAR_LAST.match(value)
    if year_last:
        if order is DateOrder.YMD:
            return None  # 11/1/2026 or 1/11/2026: which is meant depends on the country
        month, day = _month_day(int(year_last["a"]), int(year_last["b"]), order)
        year = int(year_last["y"])  # 3/31/27, as HubSpot and Excel write it: 2027
        return _make(year + 2000 if len(year_last["y"]) == 2 else year, month, day, value)
    two = _TWO.match(value)
    if two:
        month, day = _month_day(int(two["a"]), int(two["b"]), order)
        return _without_year(month, day, today, prefer, value)
    ja = _MD_JA.match(value)
    if ja:
        return _without_year(int(ja["m"]), int(ja["d"]), today, prefer, value)
    day_only = _DAY_JA.match(value)
    if day_only:  # 「10日」 is the 10th, not ten days from now (that is 「10日後」)
        return _without_month(int(day_only["d"]), today, prefer, value)
    if relative:
        return _relative(value, today, prefer)
    return None


def _month_day(a: int, b: int, order: DateOrder) -> tuple[int, int]:
    return (b, a) if order is DateOrder.DMY else (a, b)


def _era_date(era: str, number: str, month: int, day: int, text: str) -> date:
    first_year, first_day = _ERAS[era]
    year = first_year + (1 if number == "元" else int(number)) - 1
    found = _make(year, month, day, text)
    if found < first_day or (number != "元" and int(number) < 1):
        raise _no_such_date(text)
    return found


def _without_year(month: int, day: int, today: date, prefer: Prefer, text: str) -> date:
    """A day written without its year: the next one, the last one, or the nearest one."""
    years = {
        "future": (today.year, today.year + 1),
        "past": (today.year, today.year - 1),
        "nearest": (today.year - 1, today.year, today.year + 1),
    }[prefer]
    candidates = []
    for year in years:
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue  # 29 February in a year without it
    if prefer == "future":
        candidates = [found for found in candidates if found >= today] or candidates[-1:]
    elif prefer == "past":
        candidates = [found for found in candidates if found <= today] or candidates[-1:]
    if not candidates:
        raise _no_such_date(text)
    return min(candidates, key=lambda found: (abs((found - today).days), found))


def _without_month(day: int, today: date, prefer: Prefer, text: str) -> date:
    """「10日」: the 10th of this month, or of the next or last one, as `prefer` picks."""
    months = []
    for step in (-1, 0, 1):
        month = today.month + step
        year = today.year + (month - 1) // 12
        months.append((year, (month - 1) % 12 + 1))
    candidates = []
    for year, month in months:
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue  # the 31st of a month without one
    if prefer == "future":
        candidates = [found for found in candidates if found >= today]
    elif prefer == "past":
        candidates = [found for found in candidates if found <= today]
    if not candidates:
        raise _no_such_date(text)
    return min(candidates, key=lambda found: (abs((found - today).days), found))


def _relative(value: str, today: date, prefer: Prefer) -> date | None:
    signed = _SIGNED.match(value)
    unsigned = None if signed else _UNSIGNED.match(value)
    match = signed or unsigned
    if match:
        days = int(match["n"]) * (7 if (match["unit"] or "d")[0] in "w週" else 1)
        if signed:
            backwards = signed["sign"] == "-"
        elif unsigned and unsigned["dir"]:
            backwards = unsigned["dir"] in ("前", "ago")
        else:
            backwards = prefer == "past"  # "3 days" logging work: three days ago
        if days > 366 * (FURTHEST_YEARS + 1):
            return None
        return today + timedelta(days=-days if backwards else days)
    return _weekday(value, today, prefer)


def _weekday(value: str, today: date, prefer: Prefer) -> date | None:
    english = _WEEKDAY_EN.match(value)
    japanese = None if english else _WEEKDAY_JA_RE.match(value)
    if english and english["day"] in _WEEKDAYS:
        weekday, which = _WEEKDAYS[english["day"]], english["which"] or ""
    elif japanese:
        weekday = _WEEKDAY_JA.index(japanese["day"])
        which = {
            "次の": "next",
            "前の": "last",
            "来週": "next week",
            "来週の": "next week",
            "先週": "last week",
            "先週の": "last week",
            "今週": "this",
            "今週の": "this",
        }.get(japanese["which"] or "", "")
    else:
        return None
    ahead = (weekday - today.weekday()) % 7  # 0..6 days to the next such day (0: today)
    monday = today - timedelta(days=today.weekday())
    if which == "next":
        return today + timedelta(days=ahead or 7)
    if which == "last":
        return today - timedelta(days=(7 - ahead) % 7 or 7)
    if which == "this":
        return monday + timedelta(days=weekday)
    if which == "next week":
        return monday + timedelta(days=7 + weekday)
    if which == "last week":
        return monday + timedelta(days=weekday - 7)
    after, before = today + timedelta(days=ahead), today - timedelta(days=(7 - ahead) % 7)
    if prefer == "future":
        return after
    if prefer == "past":
        return before
    return min((after, before), key=lambda found: (abs((found - today).days), found))
