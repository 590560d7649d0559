"""Health score snapshots over time."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from csm_tui.models._base import Record, new_id

Score = Annotated[int, Field(ge=0, le=100)]


class HealthSnapshot(Record):
    """The account's health on one day, with the components it was built from (each 0–100)."""

    id: str = Field(default_factory=new_id)
    account_id: str
    date: date
    score: Score
    components: dict[Annotated[str, Field(min_length=1, max_length=40)], Score] = Field(
        default_factory=dict
    )
