"""One row of `csm-tui import metrics` checked (services/metrics_import.py reads the file): the
account, the period and its start, the usage counts and the signals; each problem is a sentence
in the user's language."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from csm_tui.i18n import N_, _
from csm_tui.models.metrics import USAGE, Period
from csm_tui.services.signals_import import read_signals

ACCOUNT_COLUMNS = ("external_id", "account", "name")  # the order a row is matched in
_PERIODS = {
    "week": Period.WEEK,
    "weekly": Period.WEEK,
    "週": Period.WEEK,
    "週次": Period.WEEK,
    "day": Period.DAY,
    "daily": Period.DAY,
    "日": Period.DAY,
    "日次": Period.DAY,
}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_ISO_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_COUNT = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")
MAX_COUNT = 1_000_000_000
# translated where shown: strftime("%A") is English (or the C locale's) whatever the language
WEEKDAYS = (
    N_("Monday"),
    N_("Tuesday"),
    N_("Wednesday"),
    N_("Thursday"),
    N_("Friday"),
    N_("Saturday"),
    N_("Sunday"),
)


@dataclass(frozen=True)
class MetricRow:
    """A checked row: the account as named in the file, and the values it gives."""

    line: int
    account: tuple[str, str]  # (column, text)
    period: Period
    start: date
    values: dict[str, int]  # only the measures with a value in this row


def cell(cells: list[str], columns: dict[str, int], name: str) -> str:
    index = columns.get(name)
    if index is None or index >= len(cells):
        return ""
    return unicodedata.normalize("NFKC", cells[index]).strip()


def check_row(
    line: int, cells: list[str], columns: dict[str, int], width: int
) -> tuple[MetricRow | None, list[str]]:
    errors: list[str] = []
    account = next(
        ((name, text) for name in ACCOUNT_COLUMNS if (text := cell(cells, columns, name))), None
    )
    if account is None:
        errors.append(_("the account is missing"))
    raw_period = cell(cells, columns, "period")
    period = _PERIODS.get(raw_period.casefold() or "week")
    if period is None:
        errors.append(_('period "{value}" is not week or day').format(value=raw_period))
    start = _start(cell(cells, columns, "period_start"), period or Period.WEEK, errors)
    values: dict[str, int] = {}
    for name in USAGE:
        text = cell(cells, columns, name)
        if not text:
            continue
        if not _COUNT.match(text):
            errors.append(
                _('{column} "{value}" is not a whole number of 0 or more').format(
                    column=name, value=text
                )
            )
            continue
        value = int(text.replace(",", ""))
        if value > MAX_COUNT:
            errors.append(
                _("{column} {value} is too large").format(column=name, value=f"{value:,}")
            )
            continue
        values[name] = value
    values.update(read_signals(lambda name: cell(cells, columns, name), errors))
    if any(text.strip() for text in cells[width:]):
        errors.append(
            _("has {n} values but the header has {columns} columns").format(
                n=len(cells), columns=width
            )
        )
    if errors or account is None or period is None or start is None:
        return None, errors
    return MetricRow(line, account, period, start, values), []


def _start(text: str, period: Period, errors: list[str]) -> date | None:
    if not text:
        errors.append(_("period_start is missing"))
        return None
    week = _ISO_WEEK.match(text)
    if week:
        if period is not Period.WEEK:
            errors.append(
                _('period_start "{value}" is a week but the period is day').format(value=text)
            )
            return None
        try:
            return date.fromisocalendar(int(week[1]), int(week[2]), 1)
        except ValueError:
            errors.append(_('period_start "{value}" is not a real week').format(value=text))
            return None
    match = _DATE.match(text)
    if match is None:
        errors.append(
            _(
                'period_start "{value}" is not a date like 2026-11-23 or a week like 2026-W48'
            ).format(value=text)
        )
        return None
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        errors.append(_('period_start "{value}" is not a real date').format(value=text))
        return None
    if period is Period.WEEK and day.weekday() != 0:
        monday = day - timedelta(days=day.weekday())
        errors.append(
            _(
                "period_start {day} is a {weekday}; a week starts on a Monday ({monday} or {next})"
            ).format(
                day=day,
                weekday=_(WEEKDAYS[day.weekday()]),
                monday=monday,
                next=monday + timedelta(days=7),
            )
        )
        return None
    return day
