"""`csm-tui log`: from the shell, with the same rules and messages as the form."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import run

from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.services.identity import set_me
from csm_tui.store.activities import activities_of
from csm_tui.store.connection import open_store


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", "aoi.tanaka@example.com")
        create_account(store, Account(id="acme", external_id="CRM-1", name="Acme Analytics"))
        create_account(store, Account(id="acme2", name="Acme Logistics"))
        create_account(store, Account(id="sakura", name="株式会社サクラ精機"))
    return path


def test_log_by_name_prefix(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["log", "株式会社サク", "1h30", "--type", "meeting", "--proactive", "--recurring"]
    code, out, err = run(
        [*argv, "--note", "活用状況の確認", "--at", "yesterday", "--db", str(book)], capsys
    )
    assert code == 0, err
    assert "Logged 1 h 30 min (Meeting) for 株式会社サクラ精機" in err
    with open_store(book) as store:
        [activity] = activities_of(store, "sakura")
    assert out.strip() == activity.id
    assert activity.minutes == 90 and activity.proactive and activity.recurring
    assert activity.note == "活用状況の確認"


def test_log_by_external_id_defaults(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["log", "CRM-1", "30", "--db", str(book)], capsys)
    assert code == 0, err
    with open_store(book) as store:
        [activity] = activities_of(store, "acme")
    assert (activity.type.value, activity.proactive, activity.outcome.value) == (
        "call",
        False,
        "none",
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["log", "Acme", "30"], "matches 2 accounts (Acme Analytics, Acme Logistics)"),
        (["log", "Nobody", "30"], "No account has"),
        (["log", "CRM-1", "0"], "at least one minute"),
        (["log", "CRM-1", "25h"], "more than 24 hours"),
        (["log", "CRM-1", "soon"], "Minutes like"),
        (["log", "CRM-1", "30", "--at", "tomorrow"], "in the future"),
        (["log", "CRM-1", "30", "--at", "soon"], "A time like"),
    ],
)
def test_bad_input_is_one_sentence_and_writes_nothing(
    book: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run([*argv, "--db", str(book)], capsys)
    assert code == 1
    assert message in err
    assert "Traceback" not in err and out == ""
    with open_store(book) as store:
        assert store.query_one("SELECT count(*) FROM activities")[0] == 0  # type: ignore[index]


def test_unknown_type_is_a_usage_error(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["log", "CRM-1", "30", "--type", "lunch", "--db", str(book)], capsys)
    assert code == 2
    assert "lunch" in err
