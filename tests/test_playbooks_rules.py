"""Playbook rule files: the built-in set, the user's own, and clear errors naming the file and
the rule, while the other rules still run."""

from __future__ import annotations

from pathlib import Path

import pytest

from csm_tui.models.playbook import TriggerKind
from csm_tui.services.playbook_rules import built_in_rules, load_rules, parse_rules

GOOD = """
[[rules]]
id = "quiet"
name_en = "Quiet account"
name_ja = "連絡のない顧客"
stages = ["adoption"]

[rules.trigger]
kind = "renewal_without_activity"
within_days = 60
activity_types = ["call"]
since_days = 14

[[rules.tasks]]
title_en = "Call"
title_ja = "電話する"
due_in_days = 2

[[rules.reminders]]
title_en = "Check again"
title_ja = "もう一度確認する"
in_days = 14
"""

TRIGGER = '[rules.trigger]\nkind = "health_drop"\npoints = 10\ndays = 30\n'
TASK = '[[rules.tasks]]\ntitle_en = "Look"\ntitle_ja = "見る"\n'


def one_rule(body: str, trigger: str = TRIGGER, task: str = TASK) -> str:
    return f'[[rules]]\nid = "r"\nname_en = "R"\nname_ja = "R"\n{body}\n{trigger}\n{task}'


def test_the_built_in_rules_cover_every_trigger() -> None:
    rules = built_in_rules()
    assert {rule.trigger.kind for rule in rules} == set(TriggerKind)
    assert all(rule.name_en and rule.name_ja for rule in rules)
    renewal = next(rule for rule in rules if rule.id == "renewal-contact-120")
    assert renewal.trigger.within_days == 120
    assert [action.checklist_item for action in renewal.actions] == ["renewal-contact", "roi"]
    assert renewal.actions[1].reminder and renewal.actions[1].due_in_days == 30


def test_a_good_file() -> None:
    [rule], problems = parse_rules(GOOD, "mine.toml")
    assert problems == []
    assert rule.stages == ("adoption",) and rule.trigger.activity_types == ("call",)
    assert [(a.key, a.reminder, a.due_in_days) for a in rule.actions] == [
        ("tasks-1", False, 2),
        ("reminders-1", True, 14),
    ]
    assert rule.source == "mine.toml" and rule.name("ja") == "連絡のない顧客"


def test_defaults_of_optional_trigger_fields() -> None:
    [rule], _ = parse_rules(
        one_rule("", '[rules.trigger]\nkind = "logins_drop"\npercent = 40\n'), "f"
    )
    assert rule.trigger.min_logins == 10
    [rule], _ = parse_rules(one_rule("", '[rules.trigger]\nkind = "new_user"\n'), "f")
    assert rule.trigger.within_days == 7


@pytest.mark.parametrize(
    ("body", "trigger", "task", "problem"),
    [
        (
            "",
            '[rules.trigger]\nkind = "renewal"\n',
            TASK,
            "unknown trigger kind 'renewal' (use one of renewal_without_activity, ",
        ),
        (
            "",
            '[rules.trigger]\nkind = "health_drop"\npoints = 10\n',
            TASK,
            "a health_drop trigger needs trigger.days",
        ),
        (
            "",
            '[rules.trigger]\nkind = "health_drop"\npoints = "ten"\ndays = 30\n',
            TASK,
            "trigger.points must be a whole number from 1 to 100",
        ),
        (
            "",
            '[rules.trigger]\nkind = "health_drop"\npoints = 10\ndays = 0\n',
            TASK,
            "trigger.days must be a whole number from 1 to 1098",
        ),
        (
            "",
            '[rules.trigger]\nkind = "health_drop"\npoints = 10\ndays = 30\nwithin_days = 3\n',
            TASK,
            "trigger: unknown field within_days",
        ),
        (
            "",
            '[rules.trigger]\nkind = "renewal_without_activity"\nwithin_days = 9\n'
            'since_days = 9\nactivity_types = ["phone"]\n',
            TASK,
            "trigger.activity_types: unknown 'phone' (use some of call, meeting, email, ",
        ),
        ("", "", TASK, "it needs a [rules.trigger] table with a kind"),
        ("", TRIGGER, "", "it needs at least one [[rules.tasks]] or [[rules.reminders]] entry"),
        ("", TRIGGER, '[[rules.tasks]]\ntitle_en = "Look"\n', "task 1: title_ja is missing"),
        (
            "",
            TRIGGER,
            '[[rules.tasks]]\ntitle_en = "L"\ntitle_ja = "L"\ndue_in_days = -1\n',
            "task 1: due_in_days must be a whole number from 0 to 366",
        ),
        (
            "",
            TRIGGER,
            '[[rules.reminders]]\ntitle_en = "L"\ntitle_ja = "L"\n',
            "reminder 1: in_days must be a whole number from 0 to 366",
        ),
        (
            "",
            TRIGGER,
            TASK + TASK.replace("[[rules.tasks]]", '[[rules.tasks]]\nkey = "tasks-1"'),
            "the task key 'tasks-1' is used twice",
        ),
        ('stages = ["churned"]', TRIGGER, TASK, "stages: unknown 'churned'"),
        ("segments = 3", TRIGGER, TASK, "segments must be a list of text"),
        ('colour = "red"', TRIGGER, TASK, "unknown field colour"),
        ('enabled = "yes"', TRIGGER, TASK, "enabled must be true or false"),
        (
            "",
            '[rules.trigger]\nkind = "segment_stage"\n',
            TASK,
            "a segment_stage trigger needs segments or stages",
        ),
    ],
)
def test_a_bad_rule_names_file_rule_and_problem(
    body: str, trigger: str, task: str, problem: str
) -> None:
    rules, [message] = parse_rules(one_rule(body, trigger, task), "/home/aoi/mine.toml")
    assert rules == []
    assert message.startswith(f"/home/aoi/mine.toml: rule 1 (r): {problem}")


def test_bad_ids() -> None:
    _, [message] = parse_rules(one_rule("").replace('id = "r"', 'id = "Renewal Call"'), "f.toml")
    assert message.startswith("f.toml: rule 1 (Renewal Call): id 'Renewal Call' may only have")
    _, [message] = parse_rules(one_rule("").replace('id = "r"\n', ""), "f.toml")
    assert message == "f.toml: rule 1: id is missing."
    rules, [message] = parse_rules(one_rule("") + "\n" + one_rule(""), "f.toml")
    assert (
        len(rules) == 1 and message == "f.toml: rule 2 (r): the id 'r' is used twice in the file."
    )


def test_a_bad_rule_is_skipped_and_the_others_in_its_file_run() -> None:
    text = GOOD + one_rule("").replace('id = "r"', 'id = "broken"').replace(
        "days = 30", "days = -3"
    )
    rules, [message] = parse_rules(text, "mine.toml")
    assert [rule.id for rule in rules] == ["quiet"]
    assert "rule 2 (broken): trigger.days" in message


def test_a_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "playbooks"
    folder.mkdir()
    (folder / "a-broken.toml").write_text("[[rules]\nid = ", encoding="utf-8")
    (folder / "b-good.toml").write_text(GOOD, encoding="utf-8")
    (folder / "c-latin1.toml").write_bytes("name = 'caf\xe9'".encode("latin-1"))
    (folder / "d-stray.toml").write_text('title = "x"\n', encoding="utf-8")
    rules, problems = load_rules(folder)
    assert "quiet" in {rule.id for rule in rules}
    assert len(rules) == len(built_in_rules()) + 1
    assert problems[0].startswith(f"{folder / 'a-broken.toml'}: not valid TOML (")
    assert problems[1].startswith(f"{folder / 'c-latin1.toml'}: cannot be read (")
    assert problems[2] == (
        f"{folder / 'd-stray.toml'}: unknown field title (rules go in [[rules]] tables)."
    )


def test_user_rules_replace_and_turn_off_built_in_ones(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(
        GOOD.replace('id = "quiet"', 'id = "renewal-contact-120"')
        + '\n[[rules]]\nid = "tech-touch-welcome"\nenabled = false\n',
        encoding="utf-8",
    )
    rules, problems = load_rules(tmp_path)
    assert problems == []
    by_id = {rule.id: rule for rule in rules}
    assert "tech-touch-welcome" not in by_id
    assert by_id["renewal-contact-120"].trigger.within_days == 60
    assert by_id["renewal-contact-120"].source == str(tmp_path / "mine.toml")


def test_no_user_folder_is_fine(tmp_path: Path) -> None:
    rules, problems = load_rules(tmp_path / "nothing-here")
    assert problems == [] and len(rules) == len(built_in_rules())
