"""Rows and queries of the book-of-business table: plain classes, cheap to build by the thousand."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple


class BookRow(NamedTuple):
    """One account as the book table shows it."""

    id: str
    name: str
    segment: str
    stage: str
    health: int | None
    health_change: int | None  # over the last 30 days
    contract_value: float | None
    currency: str
    renewal_date: str | None
    days_to_renewal: int | None
    my_role: str | None
    last_activity: str | None  # ISO date
    stage_total: int = 0  # checklist items of the current stage
    stage_done: int = 0
    overdue_items: int = 0  # open items due before today, any stage
    unread_notes: int = 0  # handoff notes whose latest version I have not read
    last_outcome: str | None = None  # the last recorded renewal outcome (issue 14)
    last_outcome_on: str | None = None  # ISO date it was recorded


class SortKey(StrEnum):
    NAME = "name"
    SEGMENT = "segment"
    STAGE = "stage"  # then progress through it
    HEALTH = "health"
    VALUE = "value"
    RENEWAL = "renewal"
    ROLE = "role"
    LAST_ACTIVITY = "last_activity"
    OUTCOME = "outcome"  # the last renewal outcome, by the day it was recorded


class QuickFilter(StrEnum):
    I_OWN = "own"
    I_COVER = "cover"
    RENEWAL_SOON = "renewal"
    HEALTH_DROPPING = "dropping"
    OVERDUE_ITEMS = "overdue"


RENEWAL_SOON_DAYS = 120
HEALTH_DROP_POINTS = 5  # a 30-day change at or below -5 counts as dropping


@dataclass
class BookQuery:
    """What the user asked the table to show."""

    text: str = ""
    quick: frozenset[QuickFilter] = field(default_factory=frozenset)
    sort: SortKey = SortKey.RENEWAL
    descending: bool = False
