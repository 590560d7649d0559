"""A logged piece of work for an account, with the minutes it took."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from csm_tui.models._base import Email, LongText, Record, new_id
from csm_tui.models.limits import Minutes


class ActivityType(StrEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    CHAT = "chat"
    INQUIRY = "inquiry"
    TRAINING = "training"
    INTERNAL = "internal"
    OTHER = "other"


class Outcome(StrEnum):
    RESOLVED = "resolved"
    FOLLOW_UP = "follow_up"
    RISK_FOUND = "risk_found"
    EXPANSION = "expansion"
    NONE = "none"


class Activity(Record):
    id: str = Field(default_factory=new_id)
    account_id: str
    author_email: Email
    type: ActivityType = ActivityType.CALL
    minutes: Minutes
    occurred_at: datetime
    proactive: bool = False
    recurring: bool = False
    outcome: Outcome = Outcome.NONE
    note: LongText = ""
    checklist_item_id: str | None = None
