"""`csm-tui handoff export|list`: the brief as Markdown or JSON, notes of covered accounts."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from csm_tui.clock import FixedClock, SystemClock
from csm_tui.i18n import set_language
from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.services.brief import brief_markdown, build_brief
from csm_tui.store.connection import open_store
from tests.conftest import NOW
from tests.test_brief import ME, build_known_account
from tests.test_cli import assert_one_sentence, run


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The brief tests' known account, and a second account sharing the start of its name."""
    monkeypatch.setattr(SystemClock, "now", lambda self: NOW)
    monkeypatch.setattr(SystemClock, "today", lambda self: NOW.date())
    path = tmp_path / "cli.db"
    clock = FixedClock(NOW)
    store = open_store(path, clock=clock)
    try:
        build_known_account(store, clock)
        create_account(store, Account(name="株式会社サクラ商事", external_id="CRM-2"))
    finally:
        store.close()
    yield path


def expected_markdown(path: Path, language: str = "en") -> str:
    set_language(language)
    clock = FixedClock(NOW)
    with open_store(path, clock=clock) as store:
        text = brief_markdown(build_brief(store, "sakura", clock, reader=ME))
    set_language("en")
    return text


def test_export_writes_the_brief_as_markdown(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["handoff", "export", "株式会社サクラ精", "--db", str(book)], capsys)
    assert code == 0, err
    assert out == expected_markdown(book)
    assert out.startswith("# Coverage brief: 株式会社サクラ精機\n")
    assert "- 2026-11-25 · Call back about the invoice (Ken Sato) · **overdue**" in out


def test_export_by_id_to_a_file(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "brief.md"
    code, out, err = run(
        ["handoff", "export", "sakura", "--format", "md", "-o", str(target), "--db", str(book)],
        capsys,
    )
    assert code == 0, err
    assert out == ""
    assert err == f"Wrote the brief of 株式会社サクラ精機 to {target}.\n"
    assert target.read_text(encoding="utf-8") == expected_markdown(book)


def test_export_in_japanese(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["handoff", "export", "sakura", "--lang", "ja", "--db", str(book)], capsys)
    assert code == 0, err
    assert out == expected_markdown(book, "ja")
    assert out.startswith("# 引継ぎサマリー: 株式会社サクラ精機\n")


def test_export_as_json(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["handoff", "export", "sakura", "--format", "json", "--db", str(book)], capsys
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["account"]["name"] == "株式会社サクラ精機"
    assert data["days_to_renewal"] == 95
    assert len(data["activities"]) == 10
    assert [c["text"] for c in data["commitments"]] == [
        "Call back about the invoice",
        "SSOガイドを送る",
    ]
    assert [n["unread"] for n in data["notes"]] == [True, False]
    assert data["contacts"][0]["contact"]["is_champion"] is True


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Nowhere Inc", "No account has the id, external id or name 'Nowhere Inc'."),
        (
            "株式会社サクラ",
            "matches 2 accounts (株式会社サクラ商事, 株式会社サクラ精機); be more precise.",
        ),
        ("  ", "Name an account by its id, external id or name."),
    ],
)
def test_export_of_an_unknown_or_ambiguous_account(
    book: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    code, out, err = run(["handoff", "export", name, "--db", str(book)], capsys)
    assert (code, out) == (1, "")
    assert_one_sentence(err)
    assert message in err


def test_export_to_a_missing_folder(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "no-such-folder" / "brief.md"
    code, out, err = run(
        ["handoff", "export", "sakura", "-o", str(target), "--db", str(book)], capsys
    )
    assert (code, out) == (1, "")
    assert_one_sentence(err)
    assert "the folder" in err and "does not exist" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_export_to_a_read_only_folder(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    code, _out, err = run(
        ["handoff", "export", "sakura", "-o", str(folder / "b.md"), "--db", str(book)], capsys
    )
    assert code == 1
    assert_one_sentence(err)
    assert "Cannot write" in err


def test_export_over_a_folder(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(
        ["handoff", "export", "sakura", "-o", str(tmp_path), "--db", str(book)], capsys
    )
    assert code == 2  # click refuses a folder for a file option
    assert "is a directory" in err


def test_export_with_a_wrong_format(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(
        ["handoff", "export", "sakura", "--format", "pdf", "--db", str(book)], capsys
    )
    assert code == 2
    assert "'pdf' is not one of 'md', 'json'" in err


def test_list_shows_the_notes_of_accounts_i_cover(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["handoff", "list", "--db", str(book)], capsys)
    assert code == 0, err
    assert out.splitlines() == [
        "* 2026-11-25 09:00  株式会社サクラ精機  Ken Sato  v2  Invoice dispute",
        "  2026-11-20 09:00  株式会社サクラ精機  Ken Sato  v1  SSO移行の途中",
        "2 notes, 1 unread (* unread)",
    ]
    code, out, err = run(["handoff", "list", "--unread", "--db", str(book)], capsys)
    assert code == 0, err
    assert out.splitlines()[-1] == "1 note, 1 unread (* unread)"
    assert "SSO移行の途中" not in out


def test_list_as_json_does_not_mark_anything_read(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["handoff", "list", "--format", "json", "--db", str(book)], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert [(n["account_name"], n["version"], n["unread"]) for n in data] == [
        ("株式会社サクラ精機", 2, True),
        ("株式会社サクラ精機", 1, False),
    ]
    assert data[0]["coverage"] == "active"
    _code, again, _err = run(["handoff", "list", "--unread", "--db", str(book)], capsys)
    assert "Invoice dispute" in again


def test_list_when_there_is_nothing_to_read(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store(book, clock=FixedClock(NOW)) as store:
        from csm_tui.services.handoff import notes_of, open_note

        for view in notes_of(store, "sakura", ME):
            open_note(store, view.note.note_id, ME)
    code, out, _err = run(["handoff", "list", "--unread", "--db", str(book)], capsys)
    assert (code, out) == (0, "No unread handoff notes for the accounts you cover.\n")


def test_list_needs_to_know_who_i_am(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.db"
    open_store(path, clock=FixedClock(datetime.now().astimezone())).close()
    code, out, err = run(["handoff", "list", "--db", str(path)], capsys)
    assert (code, out) == (1, "")
    assert_one_sentence(err)
    assert "who you are" in err
