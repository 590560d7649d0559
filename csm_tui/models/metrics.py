"""Usage metrics: the leading signals of an account's health, per day or per ISO week.

Besides usage, a row may carry communication signals (issue 16, article 001's leading
indicators): surveys sent and answered, the NPS (-100..100) and CSAT (% satisfied, 0..100) of
the answers, feedback items, events invited to and attended. A month's rates are read from the
rows that start in it (services/signals.py)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from pydantic import Field, model_validator

from csm_tui.models._base import Record, new_id
from csm_tui.models.limits import Count, Nps, Percent, pair_problem

USAGE = ("logins", "active_users", "key_feature_uses", "inquiries", "new_users")
SIGNAL_COUNTS = (
    "surveys_sent",
    "surveys_answered",
    "feedback_items",
    "events_invited",
    "events_attended",
)
SIGNALS = (
    "surveys_sent",
    "surveys_answered",
    "nps",
    "csat",
    "feedback_items",
    "events_invited",
    "events_attended",
)
"""The communication signals (issue 16), columns of usage_metrics like the usage counts."""
MEASURES = (*USAGE, *SIGNALS)
"""Every value column of a usage_metrics row."""


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
    surveys_sent: Count | None = None
    surveys_answered: Count | None = None
    nps: Nps | None = None
    csat: Percent | None = None
    feedback_items: Count | None = None
    events_invited: Count | None = None
    events_attended: Count | None = None

    @model_validator(mode="after")
    def _monday(self) -> UsageMetric:
        if self.period is Period.WEEK and self.period_start.weekday() != 0:
            raise ValueError("a week starts on a Monday")
        problem = pair_problem(self.__dict__)
        if problem is not None:
            raise ValueError(problem)
        return self
