"""Who owns an account and who covers it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field, model_validator

from csm_tui.models._base import Email, Record, ShortStr, new_id


class Role(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"


class OwnerAssignment(Record):
    """A user's role on an account; a secondary owner may have a coverage period."""

    id: str = Field(default_factory=new_id)
    account_id: str
    user_email: Email
    role: Role
    coverage_from: date | None = None
    coverage_to: date | None = None
    coverage_reason: ShortStr = ""

    @model_validator(mode="after")
    def _period_in_order(self) -> OwnerAssignment:
        if self.coverage_from and self.coverage_to and self.coverage_to < self.coverage_from:
            raise ValueError("the coverage period ends before it starts")
        return self
