"""`csm-tui import metrics` in Japanese under `[ui] language = "ja"` (issue 14): a file it
refuses, each row's problem and the summary; the weekday is Japanese, not strftime's English."""

from __future__ import annotations

from pathlib import Path

import pytest

from csm_tui.clock import SystemClock
from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.store.connection import open_store
from tests.cli_run import run
from tests.conftest import NOW


@pytest.fixture
def japanese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(SystemClock, "today", lambda self: NOW.date())
    (tmp_path / "config.toml").write_text('[ui]\nlanguage = "ja"\n', encoding="utf-8")
    return tmp_path


def test_a_refused_file_and_row_problems(
    japanese: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = japanese / "book.db"
    with open_store(db) as store:
        create_account(store, Account(id="a1", external_id="CRM-1", name="Acme Analytics"))
    no_metrics = japanese / "no_metrics.csv"
    no_metrics.write_text("account,week,segment\na1,2026-11-16,x\n", encoding="utf-8")
    code, _out, err = run(["import", "metrics", str(no_metrics), "--db", str(db)], capsys)
    assert code == 1
    assert "に指標の列がありません。" in err and "has no metrics" not in err
    bad = japanese / "bad.csv"
    bad.write_text(
        "account,week,logins\na1,2026-11-18,5\na1,2026-11-16,abc\na1,2026-W99,1\n",
        encoding="utf-8",
    )
    code, _out, err = run(["import", "metrics", str(bad), "--db", str(db)], capsys)
    assert code == 1
    assert (
        "2 行目: 開始日 2026-11-18 は水曜日です。週は月曜日から始まります"
        "（2026-11-16 または 2026-11-23）" in err
    )
    assert "3 行目: logins「abc」は 0 以上の整数ではありません" in err
    assert "4 行目: 開始日「2026-W99」は存在しない週です" in err
    assert "何も取り込んでいません: 3 行中 3 行が不正です。" in err
    assert "Wednesday" not in err and "is not" not in err
    good = japanese / "good.csv"
    good.write_text("account,week,logins\nCRM-1,2026-11-16,12\n", encoding="utf-8")
    code, _out, err = run(["import", "metrics", str(good), "--db", str(db)], capsys)
    assert code == 0, err
    assert (
        "1 社の指標 1 行を取り込みました: 新規 1 行、更新 0 行、変更なし 0 行"
        "（2026-11-16〜2026-11-16）。" in err
    )
