"""`csm-tui report trends`: Markdown, JSON, CSV, Japanese, the months."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from csm_tui.clock import SystemClock
from csm_tui.models.account import Account
from csm_tui.models.activity import Outcome
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import log_activity
from csm_tui.services.identity import set_me
from csm_tui.services.tasks import add_task
from csm_tui.store.connection import open_store
from tests.cli_run import run

ME = "aoi.tanaka@example.com"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """October: 60 minutes, all proactive, resolved; November: 100 minutes, a quarter
    proactive, no outcome; an open task due in November. Enterprise has two accounts."""
    monkeypatch.setattr(SystemClock, "now", lambda self: NOW)
    monkeypatch.setattr(SystemClock, "today", lambda self: NOW.date())
    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", ME)
        for account_id in ("a1", "a2"):
            create_account(
                store, Account(id=account_id, name="株式会社サクラ精機", segment="Enterprise")
            )
        log_activity(
            store,
            "a1",
            60,
            datetime(2026, 10, 5, tzinfo=UTC),
            proactive=True,
            outcome=Outcome.RESOLVED,
        )
        log_activity(store, "a1", 25, datetime(2026, 11, 5, tzinfo=UTC), proactive=True)
        log_activity(store, "a2", 75, datetime(2026, 11, 6, tzinfo=UTC))
        add_task(store, "a2", "Call", due_date=date(2026, 11, 30))
    return path


def test_markdown(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["report", "trends", "--months", "2", "--db", str(db)], capsys)
    assert code == 0, err
    assert out.startswith("# Trends 2026-10 – 2026-11 · Aoi Tanaka\n")
    assert "| Rate | 2026-10 | 2026-11 | Change |" in out
    assert "| Time | 1 h | 1 h 40 min |  |" in out
    assert "| Proactive share of minutes | 100% | 25% | -75 pt |" in out
    assert "| Outcome: resolved | 100% | 0% | -100 pt |" in out
    assert "| Tasks still open | — | 100% | — |" in out
    assert "| Tasks made by hand: open | — | 100% | — |" in out
    # 60 and 100 minutes over the two Enterprise accounts
    assert "| Enterprise | 30 min | 50 min | +20 min |" in out


def test_json_and_csv(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["report", "trends", "--months", "2", "--format", "json", "--db", str(db)], capsys
    )
    assert code == 0, err
    document = json.loads(out)
    assert document["months"] == ["2026-10", "2026-11"]
    assert document["minutes"] == [60, 100]
    proactive = [r for r in document["rates"] if r["rate"] == "proactive"]
    assert [(r["part"], r["whole"], r["value"], r["change"]) for r in proactive] == [
        (60, 60, 1.0, None),
        (25, 100, 0.25, -0.75),
    ]
    target = tmp_path / "trends.csv"
    argv = ["report", "trends", "--months", "2", "--format", "csv", "-o", str(target)]
    code, out, err = run([*argv, "--db", str(db)], capsys)
    assert code == 0 and out == "" and str(target) in err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    enterprise = [r for r in rows if r["rate"] == "segment.Enterprise"]
    assert [(r["month"], r["part"], r["whole"], r["value"], r["change"]) for r in enterprise] == [
        ("2026-10", "60", "2", "30.0", ""),
        ("2026-11", "100", "2", "50.0", "20.0"),
    ]


def test_months_are_checked(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["report", "trends", "--months", "0", "--db", str(db)], capsys)
    assert code == 2 and "--months" in err


def test_twelve_months_by_default_in_japanese(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["report", "trends", "--lang", "ja", "--db", str(db)], capsys)
    assert code == 0, err
    assert out.startswith("# 推移 2025-12〜2026-11 · Aoi Tanaka\n")
    assert "## 活動の内訳" in out
    assert "プロアクティブ" in out and "-75pt" in out
