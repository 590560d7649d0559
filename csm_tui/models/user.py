"""The person using the app ("me") and the colleagues the book knows."""

from __future__ import annotations

from csm_tui.models._base import Email, NonEmptyStr, Record


class User(Record):
    email: Email
    name: NonEmptyStr
