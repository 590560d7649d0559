"""A logged piece of work for an account, with the minutes it took."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field, model_validator

from csm_tui.models._base import Email, LongText, Record, ShortStr, new_id
from csm_tui.models.limits import MAX_KEY_CONTACTS, Minutes, Skills


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


class Audience(StrEnum):
    """Who a piece of work was for (issue 16): one account, or many (a segment, several
    accounts, nobody in particular: a webinar, help content, an internal enablement session)."""

    ACCOUNT = "account"
    SEGMENT = "segment"
    ACCOUNTS = "accounts"
    NONE = "none"


class Activity(Record):
    id: str = Field(default_factory=new_id)
    account_id: str | None
    author_email: Email
    type: ActivityType = ActivityType.CALL
    minutes: Minutes
    occurred_at: datetime
    proactive: bool = False
    recurring: bool = False
    outcome: Outcome = Outcome.NONE
    note: LongText = ""
    checklist_item_id: str | None = None
    audience: Audience = Audience.ACCOUNT
    audience_segment: ShortStr = ""
    audience_accounts: list[str] = Field(default_factory=list, max_length=MAX_KEY_CONTACTS)
    skills: Skills = Field(default_factory=list)  # keys or words of `[activities] skills`
    # ids of the account's contacts who took part (issue 16)
    participants: list[str] = Field(default_factory=list, max_length=MAX_KEY_CONTACTS)

    @model_validator(mode="after")
    def _one_account_or_many(self) -> Activity:
        if (self.audience is Audience.ACCOUNT) != (self.account_id is not None):
            raise ValueError("an activity has an account exactly when it is for one account")
        if self.audience is Audience.SEGMENT and not self.audience_segment:
            raise ValueError("work for a segment names the segment")
        if self.audience is Audience.ACCOUNTS and not self.audience_accounts:
            raise ValueError("work for several accounts names them")
        if self.participants and self.account_id is None:
            raise ValueError("only work for one account names its contacts")
        return self

    @property
    def one_to_many(self) -> bool:
        return self.account_id is None
