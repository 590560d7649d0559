"""Health score snapshots over time."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from csm_tui.models._base import Record, new_id
from csm_tui.models.limits import Components, Score

__all__ = ["HealthSnapshot", "Score"]


class HealthSnapshot(Record):
    """The account's health on one day, with the components it was built from (each 0–100)."""

    id: str = Field(default_factory=new_id)
    account_id: str
    date: date
    score: Score
    components: Components = Field(default_factory=dict)
