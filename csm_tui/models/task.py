"""A task for an account: added by hand, or created by a playbook rule when its trigger fired."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from csm_tui.models._base import Email, NonEmptyStr, Record, ShortStr, new_id


class TaskSource(StrEnum):
    MANUAL = "manual"
    PLAYBOOK = "playbook"


class Task(Record):
    """One thing to do. A playbook's task says which rule and which occurrence of its trigger
    made it; `remind_on` makes it a reminder that stays out of Today until that day."""

    id: str = Field(default_factory=new_id)
    account_id: str = Field(min_length=1)
    title: NonEmptyStr
    title_ja: ShortStr = ""  # shown instead of `title` when the app speaks Japanese
    due_date: date | None = None
    remind_on: date | None = None
    checklist_item_id: str | None = None
    source: TaskSource = TaskSource.MANUAL
    rule_id: ShortStr = ""
    occurrence: ShortStr = ""
    assignee_email: Email
    done: bool = False
    done_at: datetime | None = None
    done_by: Email | None = None
