"""`csm-tui export activities`: a period of the log as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cli_run import run

from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import log_activity
from csm_tui.services.identity import set_me
from csm_tui.store.connection import open_store


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", "aoi.tanaka@example.com")
        create_account(store, Account(id="sakura", external_id="CRM-7", name="株式会社サクラ精機"))
        for day, minutes, note in ((1, 30, "=cmd"), (15, 45, "研修\n二行目"), (30, 60, "")):
            log_activity(
                store, "sakura", minutes, datetime(2026, 11, day, 3, 0, tzinfo=UTC), note=note
            )
    return path


def test_csv_period_inclusive(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["export", "activities", "--since", "2026-11-15", "--until", "2026-11-30"]
    code, out, err = run([*argv, "--db", str(book)], capsys)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [row["minutes"] for row in rows] == ["45", "60"]
    assert rows[0]["account_name"] == "株式会社サクラ精機"
    assert rows[0]["note"] == "研修\n二行目"
    assert rows[0]["proactive"] == "false"


def test_json_all_and_excel_file(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(["export", "activities", "--format", "json", "--db", str(book)], capsys)
    assert code == 0
    records = json.loads(out)
    assert [r["minutes"] for r in records] == [30, 45, 60]
    assert records[0]["account_external_id"] == "CRM-7" and records[0]["recurring"] is False
    target = tmp_path / "out.csv"
    code, _out, err = run(
        ["export", "activities", "--excel", "-o", str(target), "--db", str(book)], capsys
    )
    assert code == 0 and "Exported" in err
    text = target.read_text(encoding="utf-8")
    assert text.startswith("\ufeff") and "'=cmd" in text


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["--since", "2026-13-01"], 2, "no such date"),
        (["--since", "soon"], 2, "is not a date"),
        (["--since", "2026-11-30", "--until", "2026-11-01"], 1, "ends before it starts"),
        (["--format", "xml"], 2, "xml"),
        (["--format", "json", "--excel"], 2, "--excel"),
    ],
)
def test_bad_arguments(
    book: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str
) -> None:
    got, out, err = run(["export", "activities", *argv, "--db", str(book)], capsys)
    assert got == code
    assert message in err and "Traceback" not in err and out == ""
