"""The skills a piece of work needed (issue 16): the list in `[activities] skills` of config.toml.

    [activities]
    skills = ["product", "technical", "training", "negotiation", "data", "facilitation",
              "Salesforce 管理"]

A built-in key (`product`, `technical`, `training`, `negotiation`, `data`, `facilitation`) shows in
the user's language; any other entry is the user's own word, shown as written. Without the key
the built-in six are used; a broken list is reported in one sentence and the built-in six used.
An activity stores the entries it was given (keys or words), so the analysis groups by them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from csm_tui.errors import ValidationError
from csm_tui.i18n import N_, _
from csm_tui.models.limits import MAX_SKILLS, MAX_TAG

BUILT_IN: dict[str, str] = {
    "product": N_("Product knowledge"),
    "technical": N_("Technical / integration"),
    "training": N_("Training"),
    "negotiation": N_("Negotiation"),
    "data": N_("Data analysis"),
    "facilitation": N_("Facilitation"),
}
MAX_LISTED = 50  # skills in the configured list


@dataclass(frozen=True)
class SkillList:
    skills: tuple[str, ...]
    problem: str | None = None  # why the configured list was not used


def skill_label(skill: str) -> str:
    """A skill as the user reads it: a built-in one in their language, their own as written."""
    return _(BUILT_IN[skill]) if skill in BUILT_IN else skill


def skills_from_config(raw: Mapping[str, Any]) -> SkillList:
    """The skills of a loaded config.toml (`Config.raw`)."""
    table = raw.get("activities", {})
    if not isinstance(table, Mapping) or "skills" not in table:
        return SkillList(tuple(BUILT_IN), None if isinstance(table, Mapping) else _BROKEN_TABLE)
    listed = table["skills"]
    if not isinstance(listed, list) or not listed or len(listed) > MAX_LISTED:
        return SkillList(tuple(BUILT_IN), _("[activities] skills must be a list of 1 to 50 words."))
    seen: list[str] = []
    for entry in listed:
        word = entry.strip() if isinstance(entry, str) else ""
        if not word or len(word) > MAX_TAG or word in seen:
            problem = _(
                "[activities] skills: {entry!r} is not a skill (a word of 1 to {n} characters, "
                "listed once)."
            ).format(entry=entry, n=MAX_TAG)
            return SkillList(tuple(BUILT_IN), problem)
        seen.append(word)
    return SkillList(tuple(seen))


_BROKEN_TABLE = N_("[activities] in config.toml must be a table.")


def configured_skills() -> SkillList:
    """The skills of the user's config.toml (read now: the CLI and the services share it)."""
    from csm_tui.config import load_config

    return skills_from_config(load_config().raw)


def checked_skills(wanted: Sequence[str], allowed: Sequence[str]) -> list[str]:
    """`wanted` as stored: each one of `allowed` (a built-in skill also by its label in either
    language, any case), once each, in the order given; else one sentence naming the skills."""
    by_name: dict[str, str] = {}
    for skill in allowed:
        by_name[skill.casefold()] = skill
        if skill in BUILT_IN:
            by_name[BUILT_IN[skill].casefold()] = skill
            by_name[_(BUILT_IN[skill]).casefold()] = skill
    chosen: list[str] = []
    for word in wanted:
        found = by_name.get(word.strip().casefold())
        if found is None:
            names = ", ".join(skill_label(s) for s in allowed)
            raise ValidationError(
                _(
                    "{skill!r} is not one of your skills ({names}; [activities] skills in "
                    "config.toml)."
                ).format(skill=word, names=names)
            )
        if found not in chosen:
            chosen.append(found)
    if len(chosen) > MAX_SKILLS:
        raise ValidationError(_("An activity has at most {n} skills.").format(n=MAX_SKILLS))
    return chosen
