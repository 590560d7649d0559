"""Handoff notes: what a covering colleague must know. Versions are kept, never overwritten."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from csm_tui.models._base import Email, LongText, Record, ShortStr, new_id


class Commitment(Record):
    text: ShortStr
    due: date | None = None
    done: bool = False


class HandoffNote(Record):
    id: str = Field(default_factory=new_id)
    note_id: str = Field(default_factory=new_id)  # the note; `id` is this version of it
    version: int = Field(default=1, ge=1)
    parent_id: str | None = None
    account_id: str
    author_email: Email
    situation: LongText = ""
    goals: LongText = ""
    risks: LongText = ""
    commitments: list[Commitment] = Field(default_factory=list)
    key_contact_ids: list[str] = Field(default_factory=list)
    coverage_from: date | None = None
    coverage_to: date | None = None
    body: LongText = ""
    created_at: datetime | None = None
