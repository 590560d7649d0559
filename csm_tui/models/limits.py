"""Every limit a stored record must keep, written once: the app's models (`csm_tui.models`) and
the synced rows the server validates (`csm_tui.sync.rows`) both take them from here, so the app
never accepts what the server would refuse (issue 19.5: an account with 101 tags was imported,
then refused by the server).

A test checks that each synced table's model and row agree on every one of them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sized
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

MAX_NAME = 500
"""Names and titles (accounts, contacts, checklist items, tasks), characters."""
MAX_SHORT = 200
"""Short texts: segment, role, external id, rule ids, a commitment's text."""
MAX_LONG = 20_000
"""Notes and descriptions."""
MAX_EMAIL = 254
MAX_ID = 64
MAX_TAGS = 100
"""Tags on one account."""
MAX_TAG = 50
"""Characters in one tag."""
MAX_COMPONENT = 40
"""Characters in the name of a health score's component."""
MAX_COMMITMENTS = 200
"""Commitments in one handoff note."""
MAX_KEY_CONTACTS = 200
"""Key contacts named by one handoff note."""
MAX_MINUTES = 24 * 60
"""Minutes of one activity."""
MAX_POSITION = 1_000_000
"""A checklist item's position, either way from 0."""
MAX_VERSION = 1_000_000
"""Versions of one handoff note."""
MAX_CONTRACT_VALUE = 1e13
"""A contract value (15 digits, 2 of them decimals: 9,999,999,999,999.99 at most)."""
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
MAX_COUNT = 1_000_000_000
"""A count of one account's usage or communication in one day or week (logins, surveys sent)."""
NPS_LOW, NPS_HIGH = -100, 100
"""A Net Promoter Score: % promoters (9-10) minus % detractors (0-6)."""
SIGNAL_PAIRS = (("surveys_answered", "surveys_sent"), ("events_attended", "events_invited"))
"""Communication counts that cannot exceed another count of the same row (issue 16)."""

_READING = ContextVar("csm_tui_reading_stored", default=False)
M = TypeVar("M", bound=BaseModel)


@contextmanager
def _reading() -> Iterator[None]:
    token = _READING.set(True)
    try:
        yield
    finally:
        _READING.reset(token)


def stored(model: type[M], data: Mapping[str, Any]) -> M:
    """A record as the book holds it. The limits an older csm-tui did not have (more than 100
    tags, 200 commitments…) are not applied: a record written then is still shown, as it is,
    and the limit applies when it is written again (as the server's does)."""
    with _reading():
        return model.model_validate(data)


def reading_stored() -> bool:
    return _READING.get()


def at_most(limit: int, what: str) -> AfterValidator:
    """A list of at most `limit` items, unless read as stored (see `stored`)."""

    def check(value: Sized) -> Sized:
        if len(value) > limit and not _READING.get():
            raise ValueError(f"{len(value)} {what}; at most {limit}")
        return value

    return AfterValidator(check)


def _within(low: int, high: int) -> AfterValidator:
    def check(value: int) -> int:
        if not low <= value <= high and not _READING.get():
            raise ValueError(f"{value} is not between {low} and {high}")
        return value

    return AfterValidator(check)


Tag = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TAG)]
Tags = Annotated[list[Tag], at_most(MAX_TAGS, "tags")]
MAX_SKILLS = 20
"""Skills on one activity (issue 16), each as long as a tag."""
Skills = Annotated[list[Tag], at_most(MAX_SKILLS, "skills")]
Score = Annotated[int, Field(ge=0, le=100)]
ComponentName = Annotated[str, StringConstraints(min_length=1, max_length=MAX_COMPONENT)]
Components = dict[ComponentName, Score]
Position = Annotated[int, _within(-MAX_POSITION, MAX_POSITION)]
Version = Annotated[int, Field(ge=1), _within(1, MAX_VERSION)]
Minutes = Annotated[int, Field(gt=0, le=MAX_MINUTES)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Nps = Annotated[int, Field(ge=NPS_LOW, le=NPS_HIGH)]
Percent = Annotated[int, Field(ge=0, le=100)]


def pair_problem(values: Mapping[str, Any]) -> str | None:
    """Why a row's communication counts contradict each other (more answered than sent, more
    attended than invited), or None; a count that is missing contradicts nothing."""
    for part, whole in SIGNAL_PAIRS:
        low, high = values.get(part), values.get(whole)
        if low is not None and high is not None and low > high:
            return f"{part} ({low}) is more than {whole} ({high})"
    return None


KeyId = Annotated[str, StringConstraints(max_length=MAX_ID)]


def has_nul(value: object) -> bool:
    """A NUL character in a text: the server refuses it (PostgreSQL cannot store one)."""
    return isinstance(value, str) and "\x00" in value
