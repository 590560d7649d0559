"""Shared pydantic configuration and field types."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

NonEmptyStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
ShortStr = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    ),
]


def new_id() -> str:
    """Client-generated ids: unique across machines, so records can sync without renumbering."""
    return uuid.uuid4().hex


class Record(BaseModel):
    """Base for stored records: strict about unknown fields, tolerant of surrounding spaces."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True, frozen=False)
