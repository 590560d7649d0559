"""Applying a partial change to a record: validate the whole result, keep only what differs."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel

Model = TypeVar("Model", bound=BaseModel)


def changed_fields(before: BaseModel, after: BaseModel, fields: tuple[str, ...]) -> dict[str, Any]:
    """The fields (of `fields`) whose values differ; the journal records only these."""
    old, new = before.model_dump(mode="python"), after.model_dump(mode="python")
    return {key: new[key] for key in fields if old[key] != new[key]}


def with_changes(current: Model, changes: dict[str, Any]) -> Model:
    """`current` with `changes` applied, validated as a whole (raises pydantic's error)."""
    return type(current).model_validate({**current.model_dump(), **changes})
