"""The import's messages in Japanese under `[ui] language = "ja"` (issue 14): the summary, each
row's problem, a file that cannot be used, the playbooks' line; English stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from csm_tui.clock import SystemClock
from tests.cli_run import run
from tests.conftest import NOW


@pytest.fixture
def japanese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(SystemClock, "today", lambda self: NOW.date())
    (tmp_path / "config.toml").write_text('[ui]\nlanguage = "ja"\n', encoding="utf-8")
    return tmp_path


def test_row_problems_and_the_summary(japanese: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = japanese / "accounts.csv"
    csv.write_text(
        "name,health_score,renewal_date,contract_value\n"
        "Acme,120,2027-03-31,1000\n"
        "Globex,50,2027-02-30,abc\n"
        "Initech,60,2027-03-31,2000\n",
        encoding="utf-8",
    )
    db = japanese / "book.db"
    code, _out, err = run(["import", "accounts", str(csv), "--db", str(db)], capsys)
    assert code == 1
    assert "2 行目: ヘルススコア 120 が 0〜100 の範囲外です" in err
    assert "3 行目: " in err and "契約更新日「2027-02-30」は存在しない日付です" in err
    assert "何も取り込んでいません: 3 行中 2 行が不正です。" in err
    assert "--skip-invalid で正しい 1 行だけを取り込んでください。" in err
    code, _out, err = run(
        ["import", "accounts", str(csv), "--skip-invalid", "--db", str(db)], capsys
    )
    assert code == 0, err
    assert "1 件の顧客を取り込みました: 新規 1 件、更新 0 件、変更なし 0 件。" in err
    assert "変更なし 0 件。不正な 2 行は飛ばしました。\n" in err


def test_a_file_that_cannot_be_used(japanese: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = japanese / "book.db"
    code, _out, err = run(
        ["import", "accounts", str(japanese / "nope.csv"), "--db", str(db)], capsys
    )
    assert code == 1 and "はありません。" in err and "nope.csv" in err
    headerless = japanese / "headerless.csv"
    headerless.write_text("segment,stage\nSMB,adoption\n", encoding="utf-8")
    code, _out, err = run(["import", "accounts", str(headerless), "--db", str(db)], capsys)
    assert code == 1 and "名前の列がありません" in err


def test_english_is_unchanged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "accounts.csv"
    csv.write_text("name,health_score\nAcme,120\nGlobex,50\n", encoding="utf-8")
    db = tmp_path / "book.db"
    code, _out, err = run(["import", "accounts", str(csv), "--db", str(db)], capsys)
    assert code == 1
    assert "line 2: health_score 120 is not between 0 and 100" in err
    assert "Nothing was imported: 1 of 2 rows is invalid." in err
    assert "Fix them, or use --skip-invalid to import the valid row." in err
