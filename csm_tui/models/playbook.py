"""Playbook rules: "when this happens on an account, create these tasks". Declarative only.

A rule is a trigger from a fixed set, optional filters on segment and stage, and the tasks (or
reminders) to create. Rules come from TOML files (see `csm_tui/playbooks/default.toml`); these
classes are what a checked file turns into. Plain dataclasses: nothing here evaluates user code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class TriggerKind(StrEnum):
    # renewal within `within_days`, and no activity of `activity_types` in the last `since_days`
    RENEWAL_WITHOUT_ACTIVITY = "renewal_without_activity"
    # health score down `points` or more against `days` ago
    HEALTH_DROP = "health_drop"
    # logins of the last full week down `percent` % or more against the week before
    LOGINS_DROP = "logins_drop"
    # usage metrics report new users in the last `within_days` (a champion change, maybe)
    NEW_USER = "new_user"
    # `days` after go-live (the roadmap item `go_live_item` ticked), the key feature never used
    KEY_FEATURE_UNUSED = "key_feature_unused"
    # a checklist item `days_overdue` days past its due date (`items`, moments of truth only)
    CHECKLIST_OVERDUE = "checklist_overdue"
    # the account is in one of the rule's segments and stages (for `days_in_stage` days)
    SEGMENT_STAGE = "segment_stage"
    # the account's champion changed in the last `within_days` (contacts, issue 14)
    CHAMPION_CHANGE = "champion_change"
    # the account has a decision maker, and none was met (a meeting or call naming them) in the
    # last `days` (issue 16)
    NO_DECISION_MAKER_CONTACT = "no_decision_maker_contact"


@dataclass(frozen=True)
class Trigger:
    """What fires a rule. Only the fields of its kind are set; the others keep their defaults."""

    kind: TriggerKind
    within_days: int = 0
    since_days: int = 0
    activity_types: tuple[str, ...] = ()
    points: int = 0
    days: int = 0
    percent: int = 0
    min_logins: int = 0
    go_live_item: str = "go-live"
    items: tuple[str, ...] = ()
    moments_of_truth_only: bool = False
    days_overdue: int = 1
    days_in_stage: int = 0


@dataclass(frozen=True)
class TaskAction:
    """A task the rule creates; a reminder is a task kept out of Today until its day."""

    key: str  # stable within the rule: part of the task's id
    title_en: str
    title_ja: str
    due_in_days: int | None = None  # None: no due date
    checklist_item: str = ""  # template key of the roadmap item to link, if the account has it
    reminder: bool = False

    def title(self, language: str) -> str:
        return self.title_ja if language == "ja" else self.title_en


@dataclass(frozen=True)
class Rule:
    id: str
    name_en: str
    name_ja: str
    trigger: Trigger
    actions: tuple[TaskAction, ...]
    segments: tuple[str, ...] = ()  # empty: every segment
    stages: tuple[str, ...] = ()  # empty: every stage
    enabled: bool = True
    source: str = field(default="", compare=False)  # the file it came from, for messages

    def name(self, language: str) -> str:
        return self.name_ja if language == "ja" else self.name_en
