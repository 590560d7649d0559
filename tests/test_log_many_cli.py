"""`csm-tui log --segment NAME | --accounts A,B | --no-account MINUTES` (issue 16): work for many
customers from the shell, with the service's rules and one sentence for every refusal."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from cli_run import run

from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.services.identity import set_me
from csm_tui.store.connection import open_store


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", "aoi.tanaka@example.com")
        create_account(store, Account(id="acme", name="Acme Analytics", segment="Enterprise"))
        create_account(store, Account(id="sakura", name="株式会社サクラ精機", segment="SMB"))
    return path


def _rows(book: Path) -> list[tuple[object, ...]]:
    with open_store(book) as store:
        rows = store.query(
            "SELECT account_id, audience, audience_segment, audience_accounts, minutes, type, "
            "proactive FROM activities ORDER BY created_at, rowid"
        )
        return [tuple(row) for row in rows]


def test_each_audience_from_the_shell(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(book)]
    code, out, err = run(["log", "--segment", "SMB", "45", "--type", "training", *db], capsys)
    assert code == 0, err
    assert "Logged 45 min (Training) for the segment SMB" in err and len(out.strip()) == 32
    code, _out, err = run(
        ["log", "--accounts", "acme,株式会社サク", "1h", "--proactive", *db], capsys
    )
    assert code == 0, err and "for 2 accounts" in err
    code, _out, err = run(["log", "--no-account", "30", "--type", "internal", *db], capsys)
    assert code == 0, err
    assert "for no account in particular" in err
    rows = _rows(book)
    assert rows[0] == (None, "segment", "SMB", "[]", 45, "training", 0)
    assert rows[1][:3] == (None, "accounts", "") and rows[1][4:] == (60, "call", 1)
    assert json.loads(str(rows[1][3])) == ["acme", "sakura"]
    assert rows[2] == (None, "none", "", "[]", 30, "internal", 0)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--segment", "Mid-market", "30"], "No account is in the segment 'Mid-market'"),
        (["--no-account", "acme", "30"], "--no-account logs work for no single account"),
        (["--segment", "SMB", "--no-account", "30"], "Choose one of --segment, --no-account"),
        (["--accounts", "acme", "30"], "two or more"),
        (["--accounts", "acme,Nobody", "30"], "No account has"),
        (["--no-account", "0"], "at least one minute"),
    ],
)
def test_bad_input_is_one_sentence_and_writes_nothing(
    book: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(["log", *argv, "--db", str(book)], capsys)
    assert code == 1, err
    assert message in err
    assert "Traceback" not in err and out == ""
    assert _rows(book) == []


def test_plain_log_still_needs_its_minutes(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["log", "acme", "--db", str(book)], capsys)
    assert code == 2 and "ACCOUNT 30" in err
    assert _rows(book) == []


def test_refusals_in_japanese(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path(os.environ["CSM_TUI_CONFIG"]).write_text('[ui]\nlanguage = "ja"\n', encoding="utf-8")
    code, _out, err = run(["log", "--segment", "Mid", "30", "--db", str(book)], capsys)
    assert code == 1 and "セグメント 'Mid' の顧客はありません" in err
    code, _out, err = run(["log", "--no-account", "30", "--db", str(book)], capsys)
    assert code == 0 and "特定の顧客なし" in err
