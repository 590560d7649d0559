"""Roadmap templates: TOML files of stages and checklist items, in English and Japanese.

Pure (no database): the built-in templates ship in `csm_tui/templates/`, the user's own live in
`config_dir()/templates/*.toml` and win over a built-in one with the same key. A broken user file
never stops the app: `load_templates` reports it and carries on with the rest.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from csm_tui.errors import CsmError
from csm_tui.models.account import Stage
from csm_tui.services.due_rules import KICKOFF_KEY, RULE_KINDS, DueRule

DEFAULT_KEY = "default"
BUILT_IN = ("default.toml", "tech-touch.toml")
_TEMPLATE_FIELDS = {"key", "title_en", "title_ja", "segments", "stages", "items"}
_STAGE_FIELDS = {"key", "title_en", "title_ja", "order"}
_ITEM_FIELDS = {
    "key",
    "stage",
    "title_en",
    "title_ja",
    "description_en",
    "description_ja",
    "moment_of_truth",
    *RULE_KINDS,
}


class TemplateError(CsmError):
    """A template file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class StageTemplate:
    key: Stage
    title_en: str
    title_ja: str
    order: int

    def title(self, language: str) -> str:
        return self.title_ja if language == "ja" else self.title_en


@dataclass(frozen=True)
class ItemTemplate:
    key: str
    stage: Stage
    title_en: str
    title_ja: str
    description_en: str = ""
    description_ja: str = ""
    moment_of_truth: bool = False
    rule: DueRule | None = None

    def title(self, language: str) -> str:
        return self.title_ja if language == "ja" else self.title_en

    def description(self, language: str) -> str:
        return self.description_ja if language == "ja" else self.description_en


@dataclass(frozen=True)
class Template:
    """A whole roadmap; `items` are in roadmap order (by stage order, then as written)."""

    key: str
    title_en: str
    title_ja: str
    segments: tuple[str, ...]
    stages: tuple[StageTemplate, ...]
    items: tuple[ItemTemplate, ...]
    source: str  # the file it came from, for messages

    def title(self, language: str) -> str:
        return self.title_ja if language == "ja" else self.title_en

    def item(self, key: str) -> ItemTemplate | None:
        return self._by_key.get(key)

    @cached_property
    def _by_key(self) -> dict[str, ItemTemplate]:
        # looked up once per checklist row drawn: a scan per lookup showed in the profile
        return {item.key: item for item in self.items}


def parse_template(text: str, source: str) -> Template:
    """Read and check one template; raises TemplateError naming `source` and the problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TemplateError(f"{source}: not valid TOML ({exc}).") from exc
    return _Checker(source).template(data)


def load_template_file(path: Path) -> Template:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path}: cannot be read ({exc}).") from exc
    return parse_template(text, str(path))


def built_in_templates() -> dict[str, Template]:
    """The templates shipped with the app; a broken one is a bug, so it raises."""
    folder = resources.files("csm_tui.templates")
    templates = {}
    for name in BUILT_IN:
        template = parse_template(folder.joinpath(name).read_text(encoding="utf-8"), name)
        templates[template.key] = template
    return templates


def user_templates_dir() -> Path:
    from csm_tui.paths import config_dir

    return config_dir() / "templates"


def load_templates(
    user_dir: Path | None = None, segment_templates: Mapping[str, str] | None = None
) -> tuple[dict[str, Template], list[str]]:
    """Built-in templates, overridden by the user's own by key; and one message per problem.

    `user_dir` defaults to the config dir's `templates/` folder; a missing folder is no problem.
    `segment_templates` (segment name → template key) defaults to the `[[segments.rules]]` of
    the settings, when the user wrote some: a segment's `template` there wins over the
    `segments` list of a template file.
    """
    templates = built_in_templates()
    problems: list[str] = []
    folder = user_templates_dir() if user_dir is None else user_dir
    if folder.is_dir():
        for path in sorted(folder.glob("*.toml")):
            try:
                template = load_template_file(path)
            except TemplateError as exc:
                problems.append(str(exc))
                continue
            templates[template.key] = template
    if segment_templates is None:
        segment_templates = configured_segment_templates()
    problems.extend(assign_segment_templates(templates, segment_templates))
    return templates, problems


def configured_segment_templates() -> dict[str, str]:
    """Segment name → template key from the settings' own `[[segments.rules]]` (none when the
    settings have no rules of their own, or unusable ones: the templates' lists decide)."""
    from csm_tui.config import load_config
    from csm_tui.services.segments import segments_from_config

    raw = load_config().raw
    table = raw.get("segments")
    if not isinstance(table, dict) or "rules" not in table:
        return {}
    segments = segments_from_config(raw)
    if segments.warnings:
        return {}  # reported where the segments are used; the rules here would be the defaults
    return {rule.name: rule.template for rule in segments.rules}


def assign_segment_templates(
    templates: dict[str, Template], segment_templates: Mapping[str, str]
) -> list[str]:
    """Make each segment belong to the template the settings give it (in place)."""
    problems: list[str] = []
    for segment, key in segment_templates.items():
        if key not in templates:
            problems.append(
                f"segment {segment!r} asks for the roadmap template {key!r}, which does not "
                f"exist (known: {', '.join(sorted(templates))})"
            )
            continue
        wanted = segment.casefold()
        for name, template in list(templates.items()):
            others = tuple(seg for seg in template.segments if seg.casefold() != wanted)
            chosen = (segment, *others) if name == key else others
            if chosen != template.segments:
                templates[name] = replace(template, segments=chosen)
    return problems


def template_for_segment(templates: dict[str, Template], segment: str) -> Template:
    """The template naming this segment (any case; a user's file first), else the default."""
    wanted = segment.strip().casefold()
    if wanted:
        user_first = sorted(templates.values(), key=lambda t: t.source in BUILT_IN)
        for template in user_first:
            if wanted in (name.casefold() for name in template.segments):
                return template
    return templates.get(DEFAULT_KEY) or built_in_templates()[DEFAULT_KEY]


class _Checker:
    """Validation with messages a user can act on: "<file>: item 3 (kickoff): …"."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, problem: str) -> TemplateError:
        return TemplateError(f"{self.source}: {problem}.")

    def text(self, table: dict[str, Any], field: str, where: str, required: bool = True) -> str:
        value = table.get(field, "")
        if not isinstance(value, str):
            raise self.fail(f"{where}{field} must be text")
        value = value.strip()
        if required and not value:
            raise self.fail(f"{where}{field} is missing")
        return value

    def unknown(self, table: dict[str, Any], known: set[str], where: str) -> None:
        extra = sorted(set(table) - known)
        if extra:
            raise self.fail(f"{where}unknown field {', '.join(extra)}")

    def tables(self, data: dict[str, Any], field: str) -> list[dict[str, Any]]:
        value = data.get(field)
        if not isinstance(value, list) or not value:
            raise self.fail(f"it needs at least one [[{field}]] entry")
        if not all(isinstance(entry, dict) for entry in value):
            raise self.fail(f"{field} must be [[{field}]] tables")
        return value

    def template(self, data: dict[str, Any]) -> Template:
        self.unknown(data, _TEMPLATE_FIELDS, "")
        key = self.text(data, "key", "")
        segments = data.get("segments", [])
        if not isinstance(segments, list) or not all(isinstance(s, str) for s in segments):
            raise self.fail("segments must be a list of text")
        stages = [self.stage(n, table) for n, table in enumerate(self.tables(data, "stages"), 1)]
        seen_stages = [stage.key for stage in stages]
        for stage in stages:
            if seen_stages.count(stage.key) > 1:
                raise self.fail(f"stage {stage.key.value} is listed twice")
        stages.sort(key=lambda stage: stage.order)
        order = {stage.key: index for index, stage in enumerate(stages)}
        items = [
            self.item(n, table, order) for n, table in enumerate(self.tables(data, "items"), 1)
        ]
        keys = [item.key for item in items]
        for item in items:
            if keys.count(item.key) > 1:
                raise self.fail(f"item key {item.key!r} is used twice")
            if item.rule and item.rule.kind == "days_after_kickoff":
                if KICKOFF_KEY not in keys:
                    raise self.fail(
                        f"item {item.key!r} counts from the kickoff, but no item has "
                        f"the key {KICKOFF_KEY!r}"
                    )
                if item.key == KICKOFF_KEY:
                    raise self.fail("the kickoff item cannot count from itself")
        items.sort(key=lambda item: order[item.stage])  # stable: keeps the file's order per stage
        return Template(
            key=key,
            title_en=self.text(data, "title_en", ""),
            title_ja=self.text(data, "title_ja", ""),
            segments=tuple(s.strip() for s in segments if s.strip()),
            stages=tuple(stages),
            items=tuple(items),
            source=self.source,
        )

    def stage(self, number: int, table: dict[str, Any]) -> StageTemplate:
        where = f"stage {number}: "
        self.unknown(table, _STAGE_FIELDS, where)
        key = self.text(table, "key", where)
        if key not in {stage.value for stage in Stage}:
            choices = ", ".join(stage.value for stage in Stage)
            raise self.fail(f"{where}unknown stage {key!r} (use one of {choices})")
        order = table.get("order", number)
        if not isinstance(order, int) or isinstance(order, bool):
            raise self.fail(f"{where}order must be a whole number")
        return StageTemplate(
            key=Stage(key),
            title_en=self.text(table, "title_en", where),
            title_ja=self.text(table, "title_ja", where),
            order=order,
        )

    def item(self, number: int, table: dict[str, Any], stages: dict[Stage, int]) -> ItemTemplate:
        label = table.get("key")
        where = (
            f"item {number} ({label}): " if isinstance(label, str) and label else f"item {number}: "
        )
        self.unknown(table, _ITEM_FIELDS, where)
        key = self.text(table, "key", where)
        stage = self.text(table, "stage", where)
        if stage not in {s.value for s in stages}:
            raise self.fail(f"{where}unknown stage {stage!r} (not among the template's stages)")
        moment = table.get("moment_of_truth", False)
        if not isinstance(moment, bool):
            raise self.fail(f"{where}moment_of_truth must be true or false")
        rules = [kind for kind in RULE_KINDS if kind in table]
        if len(rules) > 1:
            raise self.fail(f"{where}has two due rules ({', '.join(rules)}); keep one")
        rule = None
        if rules:
            days = table[rules[0]]
            if not isinstance(days, int) or isinstance(days, bool) or days < 0:
                raise self.fail(f"{where}{rules[0]} must be a whole number of days, 0 or more")
            rule = DueRule(rules[0], days)
        return ItemTemplate(
            key=key,
            stage=Stage(stage),
            title_en=self.text(table, "title_en", where),
            title_ja=self.text(table, "title_ja", where),
            description_en=self.text(table, "description_en", where, required=False),
            description_ja=self.text(table, "description_ja", where, required=False),
            moment_of_truth=moment,
            rule=rule,
        )
