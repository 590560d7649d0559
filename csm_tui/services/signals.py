"""Communication signals per account (issue 16; article 001's leading indicators): the survey
answer rate (answered ÷ sent) and the event attendance rate (attended ÷ invited) month by month,
each with its change against the month before, in percentage points.

An account's rate is its latest month with something to divide by among the last `MONTHS`
(this month and the two before: an older rate says little about now); the change compares it
with the calendar month just before (None when that month has no rate: a gap is not a change).
The sums and the division are SQL (store/metrics.py), over four months of rows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from csm_tui import formatting
from csm_tui.i18n import _
from csm_tui.store.connection import Store
from csm_tui.store.metrics import SignalMonth, signal_months

MONTHS = 3  # the months an account's latest rate may be from, this one included


@dataclass(frozen=True)
class Rate:
    """A rate in percent in `month`, and its change in points since the month before."""

    month: date
    value: float
    change: float | None


@dataclass(frozen=True)
class AccountSignals:
    """An account's latest answer and attendance rates (None: none in the last MONTHS months)."""

    answer: Rate | None
    attendance: Rate | None
    nps: float | None = None  # in the month of the latest NPS
    nps_month: date | None = None

    def components(self) -> dict[str, int]:
        """The rates as health components (0-100), by the names `[health] weights` gives them."""
        found: dict[str, int] = {}
        if self.answer is not None:
            found["answer_rate"] = round(self.answer.value)
        if self.attendance is not None:
            found["attendance"] = round(self.attendance.value)
        return found


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def monthly_signals(
    store: Store, today: date, months: int = MONTHS + 1, account_id: str | None = None
) -> list[SignalMonth]:
    """The months from `months - 1` months before today's to today's, by account and month."""
    this_month = month_start(today)
    return signal_months(store, add_months(this_month, 1 - months), add_months(this_month, 1),
                         account_id)  # fmt: skip


def signals_by_account(
    store: Store, today: date, account_id: str | None = None
) -> dict[str, AccountSignals]:
    """Every account with a rate or an NPS in the last MONTHS months (one query over the partial
    index of the rows with signals)."""
    by_account: dict[str, dict[date, SignalMonth]] = {}
    for month in monthly_signals(store, today, account_id=account_id):
        by_account.setdefault(month.account_id, {})[month.month] = month
    first = add_months(month_start(today), 1 - MONTHS)  # the month before it only compares
    found: dict[str, AccountSignals] = {}
    for key, months in by_account.items():
        answer = _latest(months, "answer_rate", first)
        attendance = _latest(months, "attendance_rate", first)
        with_nps = [m for m in months.values() if m.nps is not None and m.month >= first]
        latest_nps = max(with_nps, key=lambda m: m.month, default=None)
        if answer is None and attendance is None and latest_nps is None:
            continue
        found[key] = AccountSignals(
            answer,
            attendance,
            latest_nps.nps if latest_nps else None,
            latest_nps.month if latest_nps else None,
        )
    return found


def _latest(months: Mapping[date, SignalMonth], name: str, first: date) -> Rate | None:
    dated = sorted((m.month, getattr(m, name)) for m in months.values())
    with_rate = [(month, value) for month, value in dated if value is not None and month >= first]
    if not with_rate:
        return None
    month, value = with_rate[-1]
    before = months.get(add_months(month, -1))
    previous = getattr(before, name) if before is not None else None
    return Rate(month, value, None if previous is None else value - previous)


def account_signals(store: Store, account_id: str, today: date) -> AccountSignals | None:
    return signals_by_account(store, today, account_id).get(account_id)


# -- words -------------------------------------------------------------------------------------


def rate_text(rate: Rate | None) -> str:
    """`38% ▼4` (no arrow without a month before; — without a rate)."""
    if rate is None:
        return formatting.EMPTY
    value = f"{round(rate.value)}%"
    if rate.change is None:
        return value
    return f"{value} {formatting.change(round(rate.change))}"


def signals_text(store: Store, account_id: str, today: date) -> str:
    """The Overview's line ("" when the account has no rate): short enough for the Health
    panel at 80 columns, so the NPS is left to the Health screen's data; a rate older than last
    month names its month."""
    signals = account_signals(store, account_id, today)
    if signals is None:
        return ""
    recent = add_months(month_start(today), -1)

    def when(rate: Rate) -> str:
        return (
            ""
            if rate.month >= recent
            else _(" ({month})").format(month=rate.month.strftime("%Y-%m"))
        )

    parts = []
    if signals.answer is not None:
        parts.append(_("Answered {rate}").format(rate=rate_text(signals.answer)))
        parts[-1] += when(signals.answer)
    if signals.attendance is not None:
        parts.append(_("Attended {rate}").format(rate=rate_text(signals.attendance)))
        parts[-1] += when(signals.attendance)
    return " · ".join(parts)
