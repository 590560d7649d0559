"""The change journal: one entry per mutation, written in the same transaction as the rows."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel


class Operation(StrEnum):
    INSERT = "insert"
    UPDATE = "update"
    DELETE = "delete"


class JournalEntry(BaseModel):
    seq: int
    uuid: str
    table_name: str
    row_id: str
    operation: Operation
    payload: dict[str, Any]
    created_at: str
