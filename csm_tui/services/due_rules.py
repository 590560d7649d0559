"""Due-date rules of checklist items: pure date arithmetic, no database.

A rule is stored on the item as text (`days_before_renewal:120`), so a due date can be computed
again when what it counts from moves: the renewal date, the stage start or the kickoff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

RuleKind = Literal["days_after_stage_start", "days_before_renewal", "days_after_kickoff"]
RULE_KINDS: tuple[RuleKind, ...] = (
    "days_after_stage_start",
    "days_before_renewal",
    "days_after_kickoff",
)
#: The stored rule of an item whose due date was set by hand (`manual:<the rule it had>`): never
#: recomputed, and clearing the hand-set date goes back to the rule it had.
MANUAL = "manual"
#: The template key of the item the `days_after_kickoff` rule counts from.
KICKOFF_KEY = "kickoff"


@dataclass(frozen=True)
class DueRule:
    """`days` after (or before, for the renewal) the date the rule counts from."""

    kind: RuleKind
    days: int

    def encode(self) -> str:
        """The text kept in `checklist_items.due_rule`."""
        return f"{self.kind}:{self.days}"


def parse_rule(text: str) -> DueRule | None:
    """The rule stored as text; None for no rule, a hand-set date or anything unreadable."""
    kind, _, days = text.partition(":")
    for known in RULE_KINDS:
        if kind == known and days.isdigit():
            return DueRule(known, int(days))
    return None


def mark_manual(text: str) -> str:
    """The stored rule of an item once its date is set by hand; keeps the rule it had."""
    original = unmark_manual(text)
    return f"{MANUAL}:{original}" if original else MANUAL


def unmark_manual(text: str) -> str:
    """The rule an item had before its date was set by hand (the text itself if not manual)."""
    if text == MANUAL:
        return ""
    return text.removeprefix(f"{MANUAL}:")


def is_manual(text: str) -> bool:
    return text == MANUAL or text.startswith(f"{MANUAL}:")


def due_date(
    rule: DueRule | None,
    *,
    stage_start: date | None = None,
    renewal: date | None = None,
    kickoff: date | None = None,
) -> date | None:
    """The due date a rule gives, or None when the date it counts from is not known.

    Plain day arithmetic (timedelta), so 29 February and year ends need no special case:
    120 days before 2028-02-29 is 2027-11-01.
    """
    if rule is None:
        return None
    if rule.kind == "days_after_stage_start":
        return None if stage_start is None else stage_start + timedelta(days=rule.days)
    if rule.kind == "days_before_renewal":
        return None if renewal is None else renewal - timedelta(days=rule.days)
    return None if kickoff is None else kickoff + timedelta(days=rule.days)


def is_overdue(due: date | None, done: bool, today: date) -> bool:
    """Open and past its due date (due today is not overdue yet)."""
    return not done and due is not None and due < today
