"""The injected clock: production reads the system clock, tests and snapshots use a fixed one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Protocol


class Clock(Protocol):
    """Where the current time comes from."""

    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...

    def today(self) -> date:
        """The user's current local date."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return date.today()


@dataclass
class FixedClock:
    """A clock that stands still until told to move; for tests, snapshots and the demo."""

    at: datetime

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.date()


def iso_now(clock: Clock) -> str:
    """The clock's current time as an ISO-8601 UTC string with seconds precision."""
    return clock.now().astimezone(UTC).isoformat(timespec="seconds")
