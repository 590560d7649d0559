"""A customer account in the book of business."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator

from csm_tui.models._base import NonEmptyStr, Record, ShortStr, new_id
from csm_tui.models.limits import Score, Tags


class Stage(StrEnum):
    """Stages of the success roadmap, in order."""

    ONBOARDING = "onboarding"
    ADOPTION = "adoption"
    RENEWAL = "renewal"


Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
HealthScore = Score


class Account(Record):
    """A customer company: what it pays, when it renews, how healthy it is, where it stands."""

    id: str = Field(default_factory=new_id)
    external_id: ShortStr | None = None
    name: NonEmptyStr
    segment: ShortStr = ""
    contract_value: Decimal | None = Field(default=None, ge=0, max_digits=15, decimal_places=2)
    currency: Currency = "USD"
    renewal_date: date | None = None
    health_score: HealthScore | None = None
    stage: Stage = Stage.ONBOARDING
    tags: Tags = Field(default_factory=list)

    @field_validator("tags", mode="before")
    @classmethod
    def _split_tags(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.split(";")
        if isinstance(value, list):
            seen: list[str] = []
            for tag in value:
                tag = str(tag).strip()
                if tag and tag not in seen:
                    seen.append(tag)
            return seen
        return value

    @field_validator("external_id", mode="after")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None
