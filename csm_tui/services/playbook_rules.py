"""Reading playbook rules from TOML: the built-in set, then the user's `playbooks/*.toml`.

A user rule with the id of a built-in one replaces it (`enabled = false` turns it off). A file
that is not valid TOML is skipped as a whole; a rule with a mistake is skipped alone, and the
message names the file and the rule: "<file>: rule 2 (renewal-call): trigger.within_days …".
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from csm_tui.errors import CsmError
from csm_tui.models.playbook import Rule, TaskAction, Trigger, TriggerKind

BUILT_IN = "default.toml"
ACTIVITY_TYPES = ("call", "meeting", "email", "chat", "inquiry", "training", "internal", "other")
STAGES = ("onboarding", "adoption", "renewal")
MAX_DAYS = 3 * 366
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_RULE_FIELDS = {"id", "name_en", "name_ja", "enabled", "segments", "stages", "trigger"}
_ACTION_FIELDS = {"key", "title_en", "title_ja", "due_in_days", "checklist_item"}
_REMINDER_FIELDS = {"key", "title_en", "title_ja", "in_days", "checklist_item"}
# each kind's fields: name → (required, default); days are whole numbers
_TRIGGER_FIELDS: dict[TriggerKind, dict[str, bool]] = {
    TriggerKind.RENEWAL_WITHOUT_ACTIVITY: {
        "within_days": True,
        "activity_types": True,
        "since_days": True,
    },
    TriggerKind.HEALTH_DROP: {"points": True, "days": True},
    TriggerKind.LOGINS_DROP: {"percent": True, "min_logins": False},
    TriggerKind.NEW_USER: {"within_days": False},
    TriggerKind.KEY_FEATURE_UNUSED: {"days": True, "go_live_item": False},
    TriggerKind.CHECKLIST_OVERDUE: {
        "days_overdue": False,
        "items": False,
        "moments_of_truth_only": False,
    },
    TriggerKind.SEGMENT_STAGE: {"days_in_stage": False},
    TriggerKind.CHAMPION_CHANGE: {"within_days": False},
    TriggerKind.NO_DECISION_MAKER_CONTACT: {"days": True},
}
_DEFAULTS = {"within_days": 7, "min_logins": 10}
# (lowest, highest) of each number
_RANGES = {
    "within_days": (1, MAX_DAYS),
    "since_days": (1, MAX_DAYS),
    "days": (1, MAX_DAYS),
    "points": (1, 100),
    "percent": (1, 100),
    "min_logins": (0, 1_000_000_000),
    "days_overdue": (0, MAX_DAYS),
    "days_in_stage": (0, MAX_DAYS),
}


class RuleError(CsmError):
    """A rule (or a whole file) that cannot be used; the message names the file and the rule."""


def built_in_rules() -> list[Rule]:
    """The rules shipped with the app; a broken one is a bug, so it raises."""
    text = resources.files("csm_tui.playbooks").joinpath(BUILT_IN).read_text(encoding="utf-8")
    rules, problems = parse_rules(text, BUILT_IN)
    if problems:
        raise RuleError(problems[0])
    return rules


def parse_rules(text: str, source: str) -> tuple[list[Rule], list[str]]:
    """The good rules of one file, and a message for each bad one (or for the whole file)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [f"{source}: not valid TOML ({exc})."]
    extra = sorted(set(data) - {"rules"})
    if extra:
        return [], [f"{source}: unknown field {', '.join(extra)} (rules go in [[rules]] tables)."]
    entries = data.get("rules", [])
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        return [], [f"{source}: rules must be [[rules]] tables."]
    rules: list[Rule] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, 1):
        label = entry.get("id")
        where = f"rule {number} ({label})" if isinstance(label, str) and label else f"rule {number}"
        try:
            rule = _Checker(source, where).rule(entry)
            if rule.id in seen:
                raise RuleError(f"{source}: {where}: the id {rule.id!r} is used twice in the file.")
        except RuleError as exc:
            problems.append(str(exc))
            continue
        seen.add(rule.id)
        rules.append(rule)
    return rules, problems


def user_rules_dir() -> Path:
    from csm_tui.paths import config_path

    return config_path().parent / "playbooks"


def load_rules(user_dir: Path | None = None) -> tuple[list[Rule], list[str]]:
    """The enabled rules (built-in, replaced or turned off by the user's by id), and one message
    per bad file or rule. `user_dir` defaults to `playbooks/` beside config.toml."""
    by_id = {rule.id: rule for rule in built_in_rules()}
    problems: list[str] = []
    folder = user_rules_dir() if user_dir is None else user_dir
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(f"{path}: cannot be read ({exc}).")
                continue
            rules, file_problems = parse_rules(text, str(path))
            problems.extend(file_problems)
            for rule in rules:
                by_id[rule.id] = rule
    return [rule for rule in by_id.values() if rule.enabled], problems


class _Checker:
    """Validation of one [[rules]] table, with messages a user can act on."""

    def __init__(self, source: str, where: str) -> None:
        self.source = source
        self.prefix = f"{source}: {where}: "

    def fail(self, problem: str) -> RuleError:
        return RuleError(f"{self.prefix}{problem}.")

    def unknown(self, table: dict[str, Any], known: set[str], where: str) -> None:
        extra = sorted(set(table) - known)
        if extra:
            raise self.fail(f"{where}unknown field {', '.join(extra)}")

    def text(self, table: dict[str, Any], name: str, where: str = "", required: bool = True) -> str:
        value = table.get(name, "")
        if not isinstance(value, str):
            raise self.fail(f"{where}{name} must be text")
        value = " ".join(value.split())
        if required and not value:
            raise self.fail(f"{where}{name} is missing")
        return value

    def number(self, table: dict[str, Any], name: str, where: str = "") -> int:
        value = table.get(name, _DEFAULTS.get(name, 0))
        low, high = _RANGES.get(name, (0, MAX_DAYS))
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(f"{where}{name} must be a whole number from {low} to {high}")
        return value

    def words(
        self, table: dict[str, Any], name: str, choices: tuple[str, ...] = (), where: str = ""
    ) -> list[str]:
        value = table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"{where}{name} must be a list of text")
        words = [v.strip() for v in value]
        wrong = [v for v in words if choices and v not in choices]
        if wrong:
            use = ", ".join(choices)
            raise self.fail(f"{where}{name}: unknown {wrong[0]!r} (use some of {use})")
        return words

    def rule(self, data: dict[str, Any]) -> Rule:
        self.unknown(data, _RULE_FIELDS | {"tasks", "reminders"}, "")
        rule_id = self.text(data, "id")
        if not _ID.match(rule_id):
            raise self.fail(
                f"id {rule_id!r} may only have lower-case letters, digits, - and _ (up to 64)"
            )
        enabled = data.get("enabled", True)
        if not isinstance(enabled, bool):
            raise self.fail("enabled must be true or false")
        if not enabled:  # turning a rule off needs nothing but its id
            return Rule(rule_id, "", "", Trigger(TriggerKind.SEGMENT_STAGE), (), enabled=False)
        segments = self.words(data, "segments")
        stages = self.words(data, "stages", STAGES)
        trigger = self.trigger(data.get("trigger"))
        if trigger.kind is TriggerKind.SEGMENT_STAGE and not (segments or stages):
            raise self.fail("a segment_stage trigger needs segments or stages on the rule")
        actions = [
            *self.actions(data, "tasks", _ACTION_FIELDS, reminder=False),
            *self.actions(data, "reminders", _REMINDER_FIELDS, reminder=True),
        ]
        if not actions:
            raise self.fail("it needs at least one [[rules.tasks]] or [[rules.reminders]] entry")
        keys = [action.key for action in actions]
        for key in keys:
            if keys.count(key) > 1:
                raise self.fail(f"the task key {key!r} is used twice")
        return Rule(
            id=rule_id,
            name_en=self.text(data, "name_en"),
            name_ja=self.text(data, "name_ja"),
            trigger=trigger,
            actions=tuple(actions),
            segments=tuple(segments),
            stages=tuple(stages),
            source=self.source,
        )

    def trigger(self, table: object) -> Trigger:
        if not isinstance(table, dict):
            raise self.fail("it needs a [rules.trigger] table with a kind")
        kind_text = self.text(table, "kind", "trigger.")
        kinds = ", ".join(kind.value for kind in TriggerKind)
        try:
            kind = TriggerKind(kind_text)
        except ValueError:
            raise self.fail(f"unknown trigger kind {kind_text!r} (use one of {kinds})") from None
        fields = _TRIGGER_FIELDS[kind]
        self.unknown(table, {"kind", *fields}, "trigger: ")
        missing = [name for name, required in fields.items() if required and name not in table]
        if missing:
            raise self.fail(f"a {kind.value} trigger needs trigger.{missing[0]}")
        values: dict[str, Any] = {}
        for name in fields:
            if name == "activity_types":
                types = self.words(table, name, ACTIVITY_TYPES, "trigger.")
                if not types:
                    raise self.fail("trigger.activity_types needs at least one type")
                values[name] = tuple(types)
            elif name == "items":
                values[name] = tuple(self.words(table, name, where="trigger."))
            elif name == "go_live_item":
                values[name] = self.text(table, name, "trigger.", required=False) or "go-live"
            elif name == "moments_of_truth_only":
                flag = table.get(name, False)
                if not isinstance(flag, bool):
                    raise self.fail(f"trigger.{name} must be true or false")
                values[name] = flag
            elif name in table or name in _DEFAULTS:
                values[name] = self.number(table, name, "trigger.")
        return Trigger(kind=kind, **values)

    def actions(
        self, data: dict[str, Any], name: str, known: set[str], *, reminder: bool
    ) -> list[TaskAction]:
        entries = data.get(name, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise self.fail(f"{name} must be [[rules.{name}]] tables")
        actions = []
        for number, table in enumerate(entries, 1):
            where = f"{name[:-1]} {number}: "
            self.unknown(table, known, where)
            days_field = "in_days" if reminder else "due_in_days"
            days: int | None = None
            if days_field in table or reminder:
                value = table.get(days_field)
                if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 366:
                    raise self.fail(f"{where}{days_field} must be a whole number from 0 to 366")
                days = value
            actions.append(
                TaskAction(
                    key=self.text(table, "key", where, required=False) or f"{name}-{number}",
                    title_en=self.text(table, "title_en", where),
                    title_ja=self.text(table, "title_ja", where),
                    due_in_days=days,
                    checklist_item=self.text(table, "checklist_item", where, required=False),
                    reminder=reminder,
                )
            )
        return actions
