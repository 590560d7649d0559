"""Skills (issue 16): the list of `[activities] skills`, checked on every activity, offered again
by type, and the minutes by skill on a book with known answers."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from csm_tui.clock import FixedClock
from csm_tui.errors import ValidationError
from csm_tui.i18n import set_language
from csm_tui.models.account import Account
from csm_tui.models.activity import ActivityType, Audience
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import edit_activity, log_activity, log_for_many
from csm_tui.services.effort import Period, PeriodKind, effort_report
from csm_tui.services.skills import BUILT_IN, checked_skills, skill_label, skills_from_config
from csm_tui.store import activities as queries
from csm_tui.store import effort as effort_queries
from csm_tui.store.connection import Store

WEEK = Period(PeriodKind.WEEK, date(2026, 11, 23), date(2026, 11, 29))
ME = "aoi.tanaka@example.com"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text + "+00:00")


def _config(text: str) -> None:
    Path(os.environ["CSM_TUI_CONFIG"]).write_text(text, encoding="utf-8")


@pytest.fixture
def book(store: Store, me: tuple[str, str]) -> Store:
    create_account(store, Account(id="a", name="A"))
    return store


def test_the_list_from_config() -> None:
    assert skills_from_config({}).skills == tuple(BUILT_IN)
    own = skills_from_config({"activities": {"skills": ["product", " Salesforce 管理 "]}})
    assert own == skills_from_config({"activities": {"skills": ["product", "Salesforce 管理"]}})
    assert own.skills == ("product", "Salesforce 管理") and own.problem is None
    for broken in ([], "product", ["product", "product"], ["x" * 51], [""], [3]):
        found = skills_from_config({"activities": {"skills": broken}})
        assert found.skills == tuple(BUILT_IN) and found.problem, broken
    assert skills_from_config({"activities": 3}).problem


def test_labels_in_both_languages() -> None:
    assert skill_label("technical") == "Technical / integration"
    assert skill_label("Salesforce 管理") == "Salesforce 管理"
    set_language("ja")
    try:
        assert skill_label("negotiation") == "交渉"
        # a built-in skill by its label in either language, any case
        assert checked_skills(["交渉", "DATA ANALYSIS"], tuple(BUILT_IN)) == ["negotiation", "data"]
    finally:
        set_language("en")


def test_unknown_skills_are_refused_naming_the_list(book: Store) -> None:
    with pytest.raises(ValidationError, match=r"'cooking' is not one of your skills \(Product"):
        log_activity(book, "a", 30, at("2026-11-24T10:00:00"), skills=["product", "cooking"])
    assert book.query_one("SELECT count(*) FROM activities")[0] == 0  # type: ignore[index]
    _config('[activities]\nskills = ["Salesforce 管理"]\n')
    with pytest.raises(ValidationError, match="not one of your skills"):
        log_activity(book, "a", 30, at("2026-11-24T10:00:00"), skills=["product"])
    logged = log_activity(book, "a", 30, at("2026-11-24T10:00:00"), skills=["salesforce 管理"])
    assert logged.skills == ["Salesforce 管理"]


def test_skills_are_stored_synced_edited_and_offered_again(book: Store) -> None:
    first = log_activity(
        book,
        "a",
        30,
        at("2026-11-23T10:00:00"),
        type=ActivityType.MEETING,
        skills=["Negotiation", "product", "negotiation"],
    )
    assert first.skills == ["negotiation", "product"]
    assert queries.get_activity(book, first.id) == first
    payload = json.loads(
        book.query_one("SELECT payload FROM journal ORDER BY seq DESC LIMIT 1")[0]  # type: ignore[index]
    )
    assert payload["skills"] == '["negotiation", "product"]'
    log_activity(book, "a", 10, at("2026-11-24T10:00:00"), type=ActivityType.MEETING)  # none
    log_activity(book, "a", 10, at("2026-11-25T10:00:00"), type=ActivityType.CALL, skills=["data"])
    assert queries.last_skills(book, ME, "meeting") == ["negotiation", "product"]
    assert queries.last_skills(book, ME, "call") == ["data"]
    assert queries.last_skills(book, ME, "email") == []
    assert edit_activity(book, first.id, skills=["training"]).skills == ["training"]
    with pytest.raises(ValidationError, match="not one of your skills"):
        edit_activity(book, first.id, skills=["cooking"])
    assert queries.last_skills(book, ME, "meeting") == ["training"]


def test_minutes_by_skill(book: Store, clock: FixedClock) -> None:
    log_activity(book, "a", 30, at("2026-11-23T10:00:00"), skills=["product", "technical"])
    log_activity(book, "a", 20, at("2026-11-24T10:00:00"), skills=["technical"])
    log_activity(book, "a", 45, at("2026-11-25T10:00:00"))  # no skill: in no skill's minutes
    log_for_many(book, Audience.NONE, 60, at("2026-11-26T10:00:00"), skills=["training"])
    log_activity(book, "a", 99, at("2026-11-30T10:00:00"), skills=["product"])  # next week
    report = effort_report(book, WEEK, clock, zone=UTC)
    assert [(s.skill, s.effort.count, s.effort.minutes) for s in report.skills] == [
        ("training", 1, 60),
        ("technical", 2, 50),
        ("product", 1, 30),
    ]
    scope = effort_queries.Scope("2026-11-23T00:00:00+00:00", "2026-11-30T00:00:00+00:00", "x@y.z")
    assert effort_queries.skill_minutes(book, scope) == []  # another author's


def test_log_and_export_skills_from_the_shell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli_run import run

    from csm_tui.services.identity import set_me
    from csm_tui.store.connection import open_store

    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", ME)
        create_account(store, Account(id="acme", name="Acme Analytics"))
    db = ["--db", str(path)]
    argv = ["log", "acme", "30", "--skill", "product", "--skill", "Data analysis", *db]
    code, _out, err = run(argv, capsys)
    assert code == 0, err
    code, _out, err = run(["log", "--no-account", "45", "--skill", "training", *db], capsys)
    assert code == 0, err
    code, out, err = run(["log", "acme", "30", "--skill", "cooking", *db], capsys)
    assert code == 1 and "'cooking' is not one of your skills" in err and out == ""
    with open_store(path) as store:
        rows = store.query("SELECT skills FROM activities ORDER BY created_at, rowid")
        assert [json.loads(r[0]) for r in rows] == [["product", "data"], ["training"]]
    code, out, err = run(["export", "activities", "--format", "json", *db], capsys)
    assert code == 0, err
    assert [r["skills"] for r in json.loads(out)] == [["product", "data"], ["training"]]
    code, out, err = run(["export", "activities", *db], capsys)
    assert code == 0 and out.splitlines()[1].endswith(",product;data,"), out
