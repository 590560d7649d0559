"""Roadmap templates: the shipped ones, the user's own, and a clear error for every broken file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from csm_tui.models.account import Stage
from csm_tui.services.due_rules import DueRule
from csm_tui.services.roadmap_templates import (
    TemplateError,
    built_in_templates,
    load_templates,
    parse_template,
    template_for_segment,
)

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

MINIMAL = """
key = "mine"
title_en = "Mine"
title_ja = "自分用"
segments = ["Enterprise"]

[[stages]]
key = "onboarding"
title_en = "Onboarding"
title_ja = "導入期"
order = 1

[[items]]
key = "kickoff"
stage = "onboarding"
title_en = "Kickoff"
title_ja = "キックオフ"
"""


def test_shipped_templates_load() -> None:
    templates = built_in_templates()
    assert set(templates) == {"default", "tech-touch"}
    default = templates["default"]
    assert [stage.key for stage in default.stages] == list(Stage)
    assert [stage.title_ja for stage in default.stages] == ["導入期", "活用期", "契約更新期"]
    assert len(default.items) >= 15
    assert len(templates["tech-touch"].items) < len(default.items)


@pytest.mark.parametrize("key", ["default", "tech-touch"])
def test_every_item_has_english_and_japanese(key: str) -> None:
    template = built_in_templates()[key]
    assert JAPANESE.search(template.title_ja)
    for item in template.items:
        assert item.title_en.isascii() and item.title_en, item.key
        assert JAPANESE.search(item.title_ja), item.key
        assert bool(item.description_en) == bool(item.description_ja), item.key
        if item.description_ja:
            assert JAPANESE.search(item.description_ja), item.key


def test_default_moments_of_truth() -> None:
    default = built_in_templates()["default"]
    moments = {item.key for item in default.items if item.moment_of_truth}
    assert moments == {
        "handoff",
        "kickoff",
        "go-live",
        "champion-change",
        "business-review",
        "renewal-contact",
    }
    renewal_contact = default.item("renewal-contact")
    assert renewal_contact is not None
    assert renewal_contact.rule == DueRule("days_before_renewal", 120)
    assert renewal_contact.stage is Stage.RENEWAL


def test_items_are_in_stage_order() -> None:
    for template in built_in_templates().values():
        order = [list(Stage).index(item.stage) for item in template.items]
        assert order == sorted(order)


def test_segment_mapping() -> None:
    templates = built_in_templates()
    assert template_for_segment(templates, "Tech Touch").key == "tech-touch"
    assert template_for_segment(templates, "tech touch").key == "tech-touch"
    assert template_for_segment(templates, "Enterprise").key == "default"
    assert template_for_segment(templates, "").key == "default"


def test_user_templates_add_and_override(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(MINIMAL, encoding="utf-8")
    override = MINIMAL.replace('key = "mine"', 'key = "default"').replace(
        'segments = ["Enterprise"]', ""
    )
    (tmp_path / "default.toml").write_text(override, encoding="utf-8")
    templates, problems = load_templates(tmp_path)
    assert problems == []
    assert {"default", "tech-touch", "mine"} <= set(templates)
    assert templates["default"].source == str(tmp_path / "default.toml")
    assert template_for_segment(templates, "Enterprise").key == "mine"
    assert template_for_segment(templates, "SMB").key == "default"


def test_the_config_dir_is_the_default_place(tmp_path: Path) -> None:
    from csm_tui.services.roadmap_templates import user_templates_dir

    folder = user_templates_dir()
    folder.mkdir(parents=True)
    (folder / "mine.toml").write_text(MINIMAL, encoding="utf-8")
    templates, problems = load_templates()
    assert "mine" in templates and problems == []


def test_a_broken_user_file_is_reported_and_the_rest_loads(tmp_path: Path) -> None:
    (tmp_path / "broken.toml").write_text("key = ", encoding="utf-8")
    (tmp_path / "mine.toml").write_text(MINIMAL, encoding="utf-8")
    templates, problems = load_templates(tmp_path)
    assert "default" in templates and "mine" in templates
    assert len(problems) == 1 and str(tmp_path / "broken.toml") in problems[0]


def test_a_missing_folder_is_no_problem(tmp_path: Path) -> None:
    templates, problems = load_templates(tmp_path / "nothing-here")
    assert "default" in templates and problems == []


BROKEN = [
    ("key = ", "not valid TOML"),
    (MINIMAL.replace('key = "mine"\n', ""), "key is missing"),
    (MINIMAL.replace('title_ja = "自分用"\n', ""), "title_ja is missing"),
    (MINIMAL.replace('title_en = "Kickoff"\n', ""), "item 1 (kickoff): title_en is missing"),
    (MINIMAL.replace('key = "onboarding"', 'key = "launch"'), "unknown stage 'launch'"),
    (
        MINIMAL.replace('stage = "onboarding"', 'stage = "renewal"'),
        "unknown stage 'renewal' (not among",
    ),
    (MINIMAL + MINIMAL[MINIMAL.index("[[items]]") :], "item key 'kickoff' is used twice"),
    (
        MINIMAL + MINIMAL[MINIMAL.index("[[stages]]") : MINIMAL.index("[[items]]")],
        "stage onboarding is listed twice",
    ),
    (
        MINIMAL + "days_after_stage_start = 3\ndays_before_renewal = 90\n",
        "two due rules (days_after_stage_start, days_before_renewal)",
    ),
    (MINIMAL + "days_before_renewal = -1\n", "must be a whole number of days"),
    (MINIMAL + "days_before_renewal = 1.5\n", "must be a whole number of days"),
    (MINIMAL + "moment_of_truth = 'yes'\n", "moment_of_truth must be true or false"),
    (MINIMAL + "due_in = 3\n", "unknown field due_in"),
    (MINIMAL[: MINIMAL.index("[[items]]")], "at least one [[items]]"),
    (
        MINIMAL.replace('key = "kickoff"', 'key = "start"') + "days_after_kickoff = 2\n",
        "counts from the kickoff, but no item has the key 'kickoff'",
    ),
    (MINIMAL + "days_after_kickoff = 2\n", "cannot count from itself"),
    (MINIMAL.replace("order = 1", 'order = "first"'), "order must be a whole number"),
    (MINIMAL.replace('segments = ["Enterprise"]', "segments = 3"), "segments must be a list"),
]


@pytest.mark.parametrize(("text", "problem"), BROKEN)
def test_every_problem_names_the_file(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "team.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        parse_template(text, str(path))
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    assert problem in message
    _templates, problems = load_templates(tmp_path)
    assert problems == [message]


def test_minimal_template_parses() -> None:
    template = parse_template(MINIMAL, "mine.toml")
    assert template.key == "mine" and template.segments == ("Enterprise",)
    assert template.title("ja") == "自分用" and template.items[0].title("en") == "Kickoff"
    assert template.items[0].rule is None and not template.items[0].moment_of_truth


# -- the settings' segments choose their template -------------------------------------------

SEGMENT_RULES = """
[[segments.rules]]
name = "Strategic"
touch = "high"
template = "default"
min_value = 200000

[[segments.rules]]
name = "SMB"
touch = "tech"
template = "{smb}"
"""


def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smb: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(SEGMENT_RULES.replace("{smb}", smb), encoding="utf-8")
    monkeypatch.setenv("CSM_TUI_CONFIG", str(config))


def test_a_segment_of_the_settings_gets_the_template_it_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings(tmp_path, monkeypatch, smb="tech-touch")
    templates, problems = load_templates(tmp_path / "none")
    assert problems == []
    assert template_for_segment(templates, "smb").key == "tech-touch"
    assert template_for_segment(templates, "Strategic").key == "default"
    assert template_for_segment(templates, "Tech Touch").key == "tech-touch"  # its file says so


def test_the_settings_win_over_a_template_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings(tmp_path, monkeypatch, smb="default")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "mine.toml").write_text(MINIMAL.replace('["Enterprise"]', '["SMB"]'), "utf-8")
    templates, _problems = load_templates(folder)
    assert template_for_segment(templates, "SMB").key == "default"  # the settings chose
    assert "SMB" not in templates["mine"].segments


def test_a_template_the_settings_name_but_nobody_has_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _settings(tmp_path, monkeypatch, smb="light")
    templates, problems = load_templates(tmp_path / "none")
    assert len(problems) == 1
    assert "'SMB'" in problems[0] and "'light'" in problems[0] and "tech-touch" in problems[0]
    assert template_for_segment(templates, "SMB").key == "default"


def test_without_rules_in_the_settings_the_template_files_decide(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[segments]\ncurrency = "JPY"\nrates = { USD = 0.0067 }\n', "utf-8")
    monkeypatch.setenv("CSM_TUI_CONFIG", str(config))
    templates, problems = load_templates(tmp_path / "none")
    assert problems == [] and templates == built_in_templates()


def test_a_new_account_of_the_segment_gets_that_roadmap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csm_tui.models.account import Account
    from csm_tui.services.accounts import create_account
    from csm_tui.services.checklist import add_missing_roadmaps
    from csm_tui.store.connection import open_store

    _settings(tmp_path, monkeypatch, smb="tech-touch")
    tech = {item.key for item in built_in_templates()["tech-touch"].items}
    with open_store(tmp_path / "book.db") as store:
        account = create_account(store, Account(name="Small Co", segment="SMB"))
        assert add_missing_roadmaps(store) == 1  # as an import does
        keys = {
            row[0]
            for row in store.query(
                "SELECT item_key FROM checklist_items WHERE account_id = ?", (account.id,)
            )
        }
    assert keys == tech
