"""The Overview's line on communication signals (issue 16): the survey answer rate and the event
attendance rate with their change on the month before, and the NPS."""

from __future__ import annotations

from datetime import date

from textual.widgets import Static

from csm_tui.services.session import Session


class SignalsLine(Static):
    """Empty (and hidden) when the account has no communication signals."""

    DEFAULT_CSS = "SignalsLine { height: auto; color: $foreground-muted; }"

    def __init__(self, session: Session, account_id: str, today: date) -> None:
        text = session.signals_text(account_id, today)
        super().__init__(text, id="signals")
        self.display = bool(text)
