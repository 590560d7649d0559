"""An item of an account's roadmap checklist."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from csm_tui.models._base import Email, LongText, NonEmptyStr, Record, ShortStr, new_id
from csm_tui.models.account import Stage
from csm_tui.models.limits import Position


class ChecklistItem(Record):
    id: str = Field(default_factory=new_id)
    account_id: str
    stage: Stage
    item_key: ShortStr = ""  # the template item it came from; empty for custom items
    title: NonEmptyStr
    description: LongText = ""
    moment_of_truth: bool = False
    due_date: date | None = None
    due_rule: ShortStr = ""
    position: Position = 0
    custom: bool = False
    done: bool = False
    done_by: Email | None = None
    done_at: datetime | None = None
    done_note: LongText = ""
