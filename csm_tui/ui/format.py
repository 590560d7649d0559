"""Formatting values for display (money, days, roles, stages) in the current language."""

from __future__ import annotations

from decimal import Decimal

from csm_tui.i18n import N_, NC_, _, pgettext

CURRENCY_SYMBOLS = {"USD": "$", "JPY": "¥", "EUR": "€", "GBP": "£", "CNY": "CN¥", "KRW": "₩"}
ZERO_DECIMAL = {"JPY", "KRW"}

STAGE_LABELS = {
    "onboarding": NC_("stage", "Onboarding"),
    "adoption": NC_("stage", "Adoption"),
    "renewal": NC_("stage", "Renewal"),
}
ROLE_LABELS = {"primary": N_("Primary"), "secondary": N_("Secondary")}


def money(value: float | Decimal | None, currency: str) -> str:
    if value is None:
        return "—"
    digits = 0 if currency in ZERO_DECIMAL or float(value) >= 10_000 else 2
    amount = f"{float(value):,.{digits}f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def stage(value: str | None) -> str:
    return pgettext("stage", STAGE_LABELS[value]) if value in STAGE_LABELS else (value or "—")


def role(value: str | None) -> str:
    return _(ROLE_LABELS[value]) if value in ROLE_LABELS else ""


def days(value: int | None) -> str:
    """Days to a date: `41 d`, or `5 d late` once it has passed (as Today words it)."""
    if value is None:
        return "—"
    if value < 0:
        return _("{n} d late").format(n=-value)
    return _("{n} d").format(n=value)


def change(value: int | None) -> str:
    """A health change with an arrow: ▲ up, ▼ down, = flat."""
    if value is None:
        return ""
    if value > 0:
        return f"▲{value}"
    if value < 0:
        return f"▼{-value}"
    return "="
