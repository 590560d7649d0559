"""Segment rules from `[segments]` in config.toml: matching, bad settings, assignment."""

from __future__ import annotations

import os
import tomllib
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.services.metrics_import import import_metrics, parse_metrics_csv
from csm_tui.services.segments import (
    DEFAULT_SEGMENTS,
    Touch,
    assign_segments,
    segments_from_config,
)
from csm_tui.store.connection import Store, open_store
from tests.cli_run import run


def segments_of(store: Store) -> dict[str, str]:
    return {row[0]: row[1] for row in store.query("SELECT id, segment FROM accounts")}


@pytest.mark.parametrize(
    ("value", "currency", "segment"),
    [
        (150_000, "USD", "Enterprise"),  # a minimum is included
        (Decimal("149999.99"), "USD", "Mid-Market"),
        (40_000, "USD", "Mid-Market"),
        (39_999, "USD", "SMB"),
        (8_000, "USD", "SMB"),
        (7_999, "USD", "Tech Touch"),
        (22_500_000, "JPY", "Enterprise"),  # 150,000 USD at 150 yen
        (22_499_000, "JPY", "Mid-Market"),
        (36_800, "EUR", "Mid-Market"),  # 40,000 USD at 0.92
        (1_000_000, "CHF", "Tech Touch"),  # no rate: a value condition cannot hold
        (None, "USD", "Tech Touch"),  # no value: only the rule without conditions
    ],
)
def test_default_rules_by_contract_value(
    value: float | Decimal | None, currency: str, segment: str
) -> None:
    rule = DEFAULT_SEGMENTS.assign(value, currency, None, [])
    assert rule is not None and rule.name == segment


def test_defaults_give_touch_models_and_templates() -> None:
    assert [(r.name, r.touch, r.template) for r in DEFAULT_SEGMENTS.rules] == [
        ("Enterprise", Touch.HIGH, "default"),
        ("Mid-Market", Touch.LOW, "default"),
        ("SMB", Touch.LOW, "default"),
        ("Tech Touch", Touch.TECH, "tech-touch"),
    ]
    assert DEFAULT_SEGMENTS.template_key("tech touch") == "tech-touch"
    assert DEFAULT_SEGMENTS.template_key("Unknown") is None


CUSTOM = """
[segments]
currency = "JPY"
rates = { USD = 0.0066 }

[[segments.rules]]
name = "Strategic"
touch = "high"
min_value = 10_000_000
min_users = 200

[[segments.rules]]
name = "Manufacturing"
touch = "low"
industries = ["製造業", "Manufacturing"]
max_users = 200

[[segments.rules]]
name = "Long tail"
touch = "tech"
template = "tech-touch"
"""


def test_custom_rules_on_value_size_and_industry() -> None:
    segments = segments_from_config(tomllib.loads(CUSTOM))
    assert not segments.warnings and segments.currency == "JPY"

    def name(value: float | None, currency: str, users: int | None, tags: list[str]) -> str:
        rule = segments.assign(value, currency, users, tags)
        assert rule is not None
        return rule.name

    assert name(12_000_000, "JPY", 250, []) == "Strategic"
    assert name(12_000_000, "JPY", None, []) == "Long tail"  # size unknown: not Strategic
    assert name(12_000_000, "JPY", 199, ["製造業"]) == "Manufacturing"
    assert name(70_000, "USD", 300, []) == "Strategic"  # 70,000 USD ≈ 10.6 million yen
    assert name(1_000, "JPY", 10, ["ｍａｎｕｆａｃｔｕｒｉｎｇ"]) == "Manufacturing"  # width, case
    assert name(1_000, "JPY", 200, ["製造業"]) == "Long tail"  # a maximum is excluded
    assert segments.rule("long TAIL") is not None


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("segments = 3", "it must be a table"),
        ("[segments]\ncolour = 1", "unknown key colour"),
        ('[segments]\ncurrency = "yen"', "currency must be a code like USD"),
        ("[segments]\nrates = { JPY = 0 }", "the rate of JPY must be a number above 0"),
        ("[segments]\nrules = []", "rules must be a list"),
        ("[[segments.rules]]\ntouch = 'high'", "rule 1 has no name"),
        ("[[segments.rules]]\nname = 'A'\ntouch = 'warm'", "rule 1 (A): touch must be"),
        ("[[segments.rules]]\nname = 'A'\nmin_value = -1", "min_value must be a number of 0"),
        ("[[segments.rules]]\nname = 'A'\nmin_value = 'lots'", "min_value must be a number"),
        ("[[segments.rules]]\nname = 'A'\nmin_users = 2.5", "min_users must be a whole number"),
        (
            "[[segments.rules]]\nname = 'A'\nmin_value = 5\nmax_value = 5",
            "a minimum is not below its maximum",
        ),
        ("[[segments.rules]]\nname = 'A'\nindustries = 'IT'", "industries must be a list"),
        ("[[segments.rules]]\nname = 'A'\nsize = 3", "rule 1 (A): unknown key size"),
        ("[[segments.rules]]\nname = 'A'\n[[segments.rules]]\nname = 'a'", "rule 2 (a): the name"),
    ],
)
def test_bad_settings_warn_and_use_the_defaults(toml: str, problem: str) -> None:
    segments = segments_from_config(tomllib.loads(toml))
    assert segments.rules == DEFAULT_SEGMENTS.rules
    assert len(segments.warnings) == 1
    assert segments.warnings[0].startswith("[segments] in the settings is not used (")
    assert problem in segments.warnings[0]
    assert segments.warnings[0].endswith("; using the defaults.")


def test_assigning_fills_only_blank_segments_through_the_journal(
    store: Store, tmp_path: Path
) -> None:
    create_account(store, Account(id="big", name="Big", contract_value=Decimal(500_000)))
    create_account(store, Account(id="small", name="Small", contract_value=Decimal(500)))
    create_account(store, Account(id="kept", name="Kept", segment="VIP", contract_value=1))
    create_account(store, Account(id="plant", name="Plant", tags=["製造業"]))
    segments = segments_from_config(tomllib.loads(CUSTOM))
    (tmp_path / "m.csv").write_text(
        "account,week,active_users\nbig,2026-11-16,250\nplant,2026-11-09,50\n"
    )
    import_metrics(store, parse_metrics_csv(tmp_path / "m.csv"))
    journaled = len(store.query("SELECT seq FROM journal"))
    planned = assign_segments(store, segments, dry_run=True)
    assert planned.counts == {"Strategic": 1, "Long tail": 1, "Manufacturing": 1}
    assert len(store.query("SELECT seq FROM journal")) == journaled  # a dry run writes nothing
    assert segments_of(store)["big"] == ""
    assigned = assign_segments(store, segments)
    assert segments_of(store) == {
        "big": "Strategic",
        "small": "Long tail",
        "kept": "VIP",
        "plant": "Manufacturing",
    }
    assert assigned.counts == {"Strategic": 1, "Long tail": 1, "Manufacturing": 1}
    updates = store.query(
        "SELECT row_id FROM journal WHERE table_name = 'accounts' AND operation = 'update'"
    )
    assert Counter(row[0] for row in updates) == {"big": 1, "small": 1, "plant": 1}
    assert assign_segments(store, segments).total == 0  # nothing left to place


def test_import_accounts_assigns_segments_before_the_roadmaps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "book.db"
    csv_file = tmp_path / "accounts.csv"
    csv_file.write_text(
        "name,contract_value,currency,segment\n"
        "Globex,200000,USD,\n"
        "Tiny,1200,USD,\n"
        "Chosen,1200,USD,Enterprise\n",
        encoding="utf-8",
    )
    code, _out, err = run(["import", "accounts", str(csv_file), "--db", str(db)], capsys)
    assert code == 0, err
    assert "Segments from the rules: Enterprise 1, Tech Touch 1." in err
    with open_store(db) as store:
        got = {row[0]: row[1] for row in store.query("SELECT name, segment FROM accounts")}
        assert got == {"Globex": "Enterprise", "Tiny": "Tech Touch", "Chosen": "Enterprise"}
        keys = {
            row[0]: row[1]
            for row in store.query(
                "SELECT a.name, group_concat(c.item_key) FROM accounts AS a "
                "JOIN checklist_items AS c ON c.account_id = a.id GROUP BY a.name"
            )
        }
    assert "usage-report" in keys["Tiny"]  # the tech-touch roadmap
    assert "usage-report" not in keys["Globex"]


def test_a_broken_segments_table_is_reported_on_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Path(os.environ["CSM_TUI_CONFIG"]).write_text("[segments]\ncurrency = 'yen'\n")
    csv_file = tmp_path / "accounts.csv"
    csv_file.write_text("name,contract_value\nGlobex,200000\n", encoding="utf-8")
    code, _out, err = run(
        ["import", "accounts", str(csv_file), "--db", str(tmp_path / "b.db")], capsys
    )
    assert code == 0
    assert "[segments] in the settings is not used (currency must be a code like USD)" in err
    assert "Segments from the rules: Enterprise 1." in err
