"""Formatting values for display: the headless rules of csm_tui/formatting.py, for the screens.

One module writes money, durations, changes, dates and labels for the app, the CLI and the brief;
the screens import it from here as `fmt`.
"""

from __future__ import annotations

from csm_tui.formatting import (
    CURRENCY_SYMBOLS,
    EMPTY,
    ROLE_LABELS,
    STAGE_LABELS,
    ZERO_DECIMAL,
    change,
    count,
    day,
    days,
    duration,
    moment,
    money,
    role,
    share,
    short_day,
    signed,
    stage,
)

__all__ = [
    "CURRENCY_SYMBOLS",
    "EMPTY",
    "ROLE_LABELS",
    "STAGE_LABELS",
    "ZERO_DECIMAL",
    "change",
    "count",
    "day",
    "days",
    "duration",
    "moment",
    "money",
    "role",
    "share",
    "short_day",
    "signed",
    "stage",
]
