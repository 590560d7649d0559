"""Shared pydantic configuration and field types."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from csm_tui.models.limits import (
    EMAIL_PATTERN,
    MAX_EMAIL,
    MAX_LONG,
    MAX_NAME,
    MAX_SHORT,
    has_nul,
    reading_stored,
)

NonEmptyStr = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_NAME)
]
ShortStr = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_SHORT)]
LongText = Annotated[str, StringConstraints(max_length=MAX_LONG)]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, max_length=MAX_EMAIL, pattern=EMAIL_PATTERN
    ),
]


def new_id() -> str:
    """Client-generated ids: unique across machines, so records can sync without renumbering."""
    return uuid.uuid4().hex


class Record(BaseModel):
    """Base for stored records: strict about unknown fields, tolerant of surrounding spaces."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        """The server refuses a NUL character in any text (`csm_tui.sync.rows.Row`): so does
        the app, before anything is stored."""
        if reading_stored() or not isinstance(data, dict):
            return data
        if any(has_nul(value) for value in data.values()):
            raise ValueError("text may not contain a NUL character")
        return data
