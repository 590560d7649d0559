"""The Overview's line on communication signals (issue 16): the survey answer rate and the event
attendance rate with their change on the month before; and the Health screen's cell of a rate."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual.widgets import Static

from csm_tui.services.session import Session

if TYPE_CHECKING:
    from csm_tui.services.signals import Rate

DROP = 5  # points: a change this big is coloured, as the Health screen colours health


def rate_cell(rate: Rate | None) -> tuple[str, str]:
    """A rate with its change on the month before, and its tone: `48% ▲18`, "bad" from a drop
    of DROP points, "good" from a rise as big (— without a rate)."""
    from csm_tui.services.signals import rate_text

    if rate is None:
        return ("—", "dim")
    change = round(rate.change) if rate.change is not None else 0
    return (rate_text(rate), "bad" if change <= -DROP else "good" if change >= DROP else "")


class SignalsLine(Static):
    """Empty (and hidden) when the account has no communication signals."""

    DEFAULT_CSS = "SignalsLine { height: auto; color: $foreground-muted; }"

    def __init__(self, session: Session, account_id: str, today: date) -> None:
        text = session.signals_text(account_id, today)
        super().__init__(text, id="signals")
        self.display = bool(text)
