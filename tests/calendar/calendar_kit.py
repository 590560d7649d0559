"""Types shared by the calendar tests (not in conftest: `from conftest import` is ambiguous
when several test folders run together)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from csm_tui.services import calendar
from csm_tui.store.connection import Store


@dataclass
class Book:
    acme: str
    beta: str
    gamma: str
    delta: str
    epsilon: str


ACME = "ken@acme.co.jp"


def import_ics(
    store: Store, tmp_path: Path, text: str, name: str = "cal.ics"
) -> list[calendar.Proposal]:
    """Write `text` as an .ics file, import it, and return the proposals it gives."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    calendar.import_file(store, path)
    return calendar.proposals(store)


def utc(proposal: calendar.Proposal) -> datetime:
    return proposal.start.astimezone(UTC)
