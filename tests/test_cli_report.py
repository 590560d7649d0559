"""`csm-tui report week`: Markdown, plain text, a file, Japanese, and bad weeks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from csm_tui.models.account import Account
from csm_tui.models.activity import ActivityType
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import log_activity
from csm_tui.services.identity import set_me
from csm_tui.store.connection import open_store
from tests.cli_run import run

ME = "aoi.tanaka@example.com"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A book with work in week 2026-W40 (2026-09-28 – 10-04), a week in the past."""
    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", ME)
        create_account(
            store,
            Account(id="a1", name="株式会社サクラ精機", renewal_date=date(2026, 12, 1)),
            primary_owner=ME,
        )
        log_activity(
            store,
            "a1",
            90,
            datetime(2026, 9, 30, 5, 0, tzinfo=UTC),
            type=ActivityType.MEETING,
            proactive=True,
        )
    return path


def test_markdown_by_default(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["report", "week", "--week", "2026-W40", "--db", str(db)], capsys)
    assert code == 0, err
    assert out.startswith("# Week 2026-W40 (2026-09-28 – 2026-10-04) · Aoi Tanaka\n")
    assert "1 h 30 min in 1 activity on 1 account · 100% proactive" in out
    assert "| 株式会社サクラ精機 | 1 h 30 min | 1 | 100% |" in out
    assert "| Meeting | 1 h 30 min | 1 | 100% |" in out
    # seen from that Sunday, the renewal on 12-01 is 58 days away
    assert "| 2026-12-01 | 58 d | 株式会社サクラ精機 |" in out


def test_text_a_date_in_the_week_and_a_file(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "week.txt"
    argv = ["report", "week", "--week", "2026-10-02", "--format", "text", "-o", str(target)]
    code, out, err = run([*argv, "--db", str(db)], capsys)
    assert code == 0 and out == ""
    assert f"Wrote the review of week 2026-W40 to {target}." in err
    text = target.read_text(encoding="utf-8")
    assert text.splitlines()[1].startswith("=====")
    assert "| " not in text and "Effort" in text


def test_japanese(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["report", "week", "--week", "2026-W40", "--lang", "ja", "--db", str(db)]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    assert "## 工数" in out
    assert "会議" in out


def test_this_week_by_default(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["report", "week", "--db", str(db)], capsys)
    today = date.today()
    monday = date.fromordinal(today.toordinal() - today.weekday())
    year, week, _day = monday.isocalendar()
    assert code == 0 and out.startswith(f"# Week {year}-W{week:02d} ({monday} – ")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--week", "2026-W99"], "There is no week 2026-W99."),
        (["--week", "soon"], "Give a week like 2026-W48, or a date in it like 2026-11-25."),
    ],
)
def test_bad_weeks(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(["report", "week", *argv, "--db", str(db)], capsys)
    assert code == 1 and out == ""
    assert message in err


def test_a_wrong_format_is_a_usage_error(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["report", "week", "--format", "pdf", "--db", str(db)], capsys)
    assert code == 2 and "pdf" in err
