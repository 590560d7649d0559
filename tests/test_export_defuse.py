"""CSV exports defuse formula-like cells by default (issue 19, item 8); `--raw` keeps them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_run import run

from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import log_activity
from csm_tui.services.csv_import import import_accounts
from csm_tui.services.identity import set_me
from csm_tui.store.connection import open_store

DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", "aoi.tanaka@example.com")
        create_account(store, Account(id="a1", name="=cmd|' /C calc'!A0", tags=["@risk"]))
        for index, note in enumerate(DANGEROUS):
            day = datetime(2026, 11, index + 1, 3, 0, tzinfo=UTC)
            log_activity(store, "a1", 30, day, note=note)
    return path


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def test_accounts_csv_defused_by_default_and_re_imports_unchanged(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["export", "accounts", "--db", str(book)], capsys)
    assert code == 0, err
    row = _rows(out)[0]
    assert row["name"] == "'=cmd|' /C calc'!A0"
    assert row["tags"] == "'@risk"
    exported = tmp_path / "out.csv"
    exported.write_text(out, encoding="utf-8")
    with open_store(book) as store:
        assert import_accounts(store, exported).unchanged == 1  # the import takes the ' off


def test_activities_csv_defused_by_default(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["export", "activities", "--db", str(book)], capsys)
    assert code == 0, err
    assert [row["note"] for row in _rows(out)] == ["'" + note for note in DANGEROUS]


@pytest.mark.parametrize("what", ["accounts", "activities"])
def test_raw_writes_the_literal_text(
    book: Path, what: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["export", what, "--raw", "--db", str(book)], capsys)
    assert code == 0, err
    rows = _rows(out)
    if what == "accounts":
        assert rows[0]["name"] == "=cmd|' /C calc'!A0" and rows[0]["tags"] == "@risk"
    else:
        assert [row["note"] for row in rows] == DANGEROUS


@pytest.mark.parametrize("what", ["accounts", "activities"])
def test_raw_only_with_csv(book: Path, what: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["export", what, "--format", "json", "--raw", "--db", str(book)], capsys)
    assert code == 2 and "--raw only applies to --format csv" in err and out == ""
