"""Reading a due date as a CSM types it: `2026-12-15`, `12/15`, `today`, `+14`, `2w`, `明日`.

The shared reader of typed dates (csm_tui/date_input.py) does the reading; a day without its year
is the next such day. An empty value means "no date of my own": the item goes back to its rule
(or to no date). A wrong value raises `ValidationError` whose message is a msgid the form
translates.
"""

from __future__ import annotations

from datetime import date

from csm_tui.date_input import DateInputError, parse_date
from csm_tui.errors import ValidationError
from csm_tui.i18n import N_

DUE_HELP = N_("A date like 2026-12-15, 12/15, today, tomorrow, +14 (days) or 2w (weeks).")
FAR_DAYS = 3 * 366  # further than this is a typing slip, not a plan


def parse_due(text: str, today: date) -> date | None:
    """The date meant by `text`, or None for an empty value (back to the rule)."""
    try:
        due = parse_date(text, today, prefer="future")
    except DateInputError as error:
        if error.reason == "unreadable":
            raise ValidationError(DUE_HELP) from None
        raise
    if due is not None and abs((due - today).days) > FAR_DAYS:
        raise ValidationError(N_("That date is more than three years away."))
    return due
