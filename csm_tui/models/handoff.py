"""Handoff notes: what a covering colleague must know. Versions are kept, never overwritten."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from csm_tui.models._base import Email, LongText, Record, ShortStr, new_id
from csm_tui.models.limits import MAX_COMMITMENTS, MAX_KEY_CONTACTS, KeyId, Version, at_most


class Commitment(Record):
    text: ShortStr
    due: date | None = None
    done: bool = False


class HandoffNote(Record):
    id: str = Field(default_factory=new_id)
    note_id: str = Field(default_factory=new_id)  # the note; `id` is this version of it
    version: Version = 1
    parent_id: str | None = None
    account_id: str
    author_email: Email
    situation: LongText = ""
    goals: LongText = ""
    risks: LongText = ""
    commitments: Annotated[list[Commitment], at_most(MAX_COMMITMENTS, "commitments")] = Field(
        default_factory=list
    )
    key_contact_ids: Annotated[list[KeyId], at_most(MAX_KEY_CONTACTS, "key contacts")] = Field(
        default_factory=list
    )
    coverage_from: date | None = None
    coverage_to: date | None = None
    body: LongText = ""
    created_at: datetime | None = None
