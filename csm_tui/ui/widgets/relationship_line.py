"""The Overview's line on who was met (issue 16): meetings with a decision maker in 90 days and
the days since the champion was last met, from the contacts named on the work."""

from __future__ import annotations

from datetime import date

from textual.widgets import Static

from csm_tui.services.session import Session


class RelationshipLine(Static):
    """Empty (and hidden) when the account marks no champion or decision maker."""

    DEFAULT_CSS = "RelationshipLine { height: auto; color: $foreground-muted; }"

    def __init__(self, session: Session, account_id: str, today: date) -> None:
        text = session.relationship_text(account_id, today)
        super().__init__(text, id="relationship")
        self.display = bool(text)
