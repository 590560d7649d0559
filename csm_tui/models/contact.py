"""A person at the customer."""

from __future__ import annotations

from pydantic import Field

from csm_tui.models._base import Email, NonEmptyStr, Record, ShortStr, new_id


class Contact(Record):
    id: str = Field(default_factory=new_id)
    account_id: str
    name: NonEmptyStr
    role: ShortStr = ""
    email: Email | None = None
    is_champion: bool = False
    is_decision_maker: bool = False
    phone: ShortStr = ""
    is_key: bool = False  # a key contact, besides the champion and the decision makers
