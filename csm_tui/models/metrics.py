"""Usage metrics: the leading signals of an account's health, per day or per ISO week."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from csm_tui.models._base import Record, new_id

Count = Annotated[int, Field(ge=0, le=1_000_000_000)]
MEASURES = ("logins", "active_users", "key_feature_uses", "inquiries", "new_users")


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week: weekly rows are keyed by it, whatever day a file names."""
    return day - timedelta(days=day.weekday())


class UsageMetric(Record):
    """One account's usage in one day or week; a measure the source does not report is None."""

    id: str = Field(default_factory=new_id)
    account_id: str = Field(min_length=1)
    period: Period = Period.WEEK
    period_start: date
    logins: Count | None = None
    active_users: Count | None = None
    key_feature_uses: Count | None = None
    inquiries: Count | None = None
    new_users: Count | None = None

    @model_validator(mode="after")
    def _monday(self) -> UsageMetric:
        if self.period is Period.WEEK and self.period_start.weekday() != 0:
            raise ValueError("a week starts on a Monday")
        return self
