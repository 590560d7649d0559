"""How values are written for people, the same on every screen, in the CLI and in the brief.

The rules (what a CSM expects to read, in English and Japanese):

- **Money**: the currency's symbol before the amount when it has a well-known one (`¥18,240,000`,
  `$8,000`, `€1,200.50`), else the amount then the code (`1,200 CHF`). Cents only when the
  currency has them *and* the value has a non-zero fraction: `$8,000`, not `$8,000.00`; yen and
  won never show a fraction. An approximate (converted) amount is marked `≈` and rounded.
- **Durations**: `45 min`, `1 h`, `4 h 58 min` (`45 分`, `1 時間`, `4 時間 58 分`); in a narrow
  column, rounded to whole hours from one hour up (`5 h`).
- **Signed changes**: `+3`, `-3`, `0`, with the ASCII minus everywhere: U+2212 is an ambiguous-
  width character, drawn two cells wide by many Japanese terminals, which breaks the columns.
  A health change in a table keeps its arrow form (`▲6`, `▼12`, `=`).
- **Dates**: ISO (`2026-11-27`); where room is short, `11/27`; a moment in the local time
  zone, `2026-11-27 14:05`.
- **Days to a date**: `41 d`, `5 d late` (`41 日`, `5 日超過`).

Headless: no Textual; the UI's csm_tui/ui/format.py re-exports these.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from csm_tui.i18n import N_, NC_, _, pgettext

CURRENCY_SYMBOLS = {"USD": "$", "JPY": "¥", "EUR": "€", "GBP": "£", "CNY": "CN¥", "KRW": "₩"}
# currencies without minor units (ISO 4217 exponent 0)
ZERO_DECIMAL = {"JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF", "HUF", "TWD"}
MINUS = "-"  # the one minus sign (see above)
EMPTY = "—"  # a value that is not known

STAGE_LABELS = {
    "onboarding": NC_("stage", "Onboarding"),
    "adoption": NC_("stage", "Adoption"),
    "renewal": NC_("stage", "Renewal"),
}
ROLE_LABELS = {"primary": N_("Primary"), "secondary": N_("Secondary")}


# -- money -------------------------------------------------------------------------------------


def money(value: float | Decimal | None, currency: str, *, approx: bool = False) -> str:
    """`¥18,240,000`, `$8,000`, `$1,200.50`, `1,200 CHF`; `≈$8,000` for a converted amount."""
    if value is None:
        return EMPTY
    amount = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if approx:
        amount = amount.to_integral_value()
    cents = amount.quantize(Decimal("0.01"))
    digits = 0 if currency in ZERO_DECIMAL or cents == cents.to_integral_value() else 2
    number = f"{abs(cents):,.{digits}f}"
    sign = MINUS if cents < 0 else ""
    symbol = CURRENCY_SYMBOLS.get(currency)
    text = f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"
    return ("≈" if approx else "") + text


# -- durations ---------------------------------------------------------------------------------


def duration(minutes: int) -> str:
    """`45 min`, `1 h`, `4 h 58 min`, `1,204 h` (`45 分`, `1 時間`, `4 時間 58 分`)."""
    sign = MINUS if minutes < 0 else ""
    hours, rest = divmod(abs(minutes), 60)
    if not hours:
        return sign + _("{n} min").format(n=rest)
    if not rest:
        return sign + _("{h} h").format(h=f"{hours:,}")
    return sign + _("{h} h {m} min").format(h=f"{hours:,}", m=rest)


def duration_short(minutes: int) -> str:
    """A duration for a narrow column, in whole hours from one hour up: `45 min`, `5 h`."""
    if abs(minutes) < 60:
        return duration(minutes)
    return duration(round(minutes / 60) * 60)


# -- numbers and changes -----------------------------------------------------------------------


def count(value: int) -> str:
    """A count with thousands separators: `12,480`."""
    return f"{value:,}".replace("-", MINUS)


def signed(value: int | float, digits: int = 0) -> str:
    """A change with its sign: `+3`, `-3`, `0` (`+2.5` with `digits=1`)."""
    text = f"{abs(value):,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        return text
    return ("+" if value > 0 else MINUS) + text


def change(value: int | None) -> str:
    """A health change with an arrow, as the tables show it: ▲ up, ▼ down, = flat."""
    if value is None:
        return ""
    if value > 0:
        return f"▲{value}"
    if value < 0:
        return f"▼{-value}"
    return "="


def share(part: int | float, whole: int | float) -> str:
    """A share in whole percent: `58%` (`—` of nothing)."""
    return EMPTY if whole <= 0 else f"{round(part * 100 / whole)}%"


# -- dates -------------------------------------------------------------------------------------


def day(value: date | None) -> str:
    """`2026-11-27`; `—` for no date."""
    return EMPTY if value is None else value.isoformat()


def short_day(value: date | None) -> str:
    """A day this year, where room is short: `11/27` (as the date reader reads it back)."""
    return "" if value is None else f"{value.month:02d}/{value.day:02d}"


def moment(value: datetime | None) -> str:
    """A moment in the local time zone: `2026-11-27 14:05`."""
    return EMPTY if value is None else value.astimezone().strftime("%Y-%m-%d %H:%M")


def days(value: int | None) -> str:
    """Days to a date: `41 d`, or `5 d late` once it has passed (as Today words it)."""
    if value is None:
        return EMPTY
    if value < 0:
        return _("{n} d late").format(n=-value)
    return _("{n} d").format(n=value)


# -- words -------------------------------------------------------------------------------------


def stage(value: str | None) -> str:
    return pgettext("stage", STAGE_LABELS[value]) if value in STAGE_LABELS else (value or EMPTY)


def role(value: str | None) -> str:
    return _(ROLE_LABELS[value]) if value in ROLE_LABELS else ""


TYPE_LABELS = {
    "call": N_("Call"),
    "meeting": N_("Meeting"),
    "email": N_("E-mail"),
    "chat": N_("Chat"),
    "inquiry": N_("Inquiry"),
    "training": N_("Training"),
    "internal": N_("Internal work"),
    "other": N_("Other"),
}


def activity_type(value: str) -> str:
    """An activity's type in words of the current language ("call" -> "Call" / "電話")."""
    return _(TYPE_LABELS.get(value, value))
