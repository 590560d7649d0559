"""The demo book: deterministic, realistic, journaled, and never built over a real book."""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from csm_tui.cli.main import cli, main
from csm_tui.clock import FixedClock
from csm_tui.demo import book as demo
from csm_tui.demo.book import DemoSummary, build_demo, is_demo_book
from csm_tui.errors import ValidationError
from csm_tui.models.book import BookQuery, QuickFilter
from csm_tui.paths import demo_db_path
from csm_tui.services.accounts import account_overview
from csm_tui.services.identity import me_identity
from csm_tui.store.accounts import all_accounts
from csm_tui.store.book import build_book, query_book
from csm_tui.store.connection import Store, open_store
from csm_tui.store.journal import JOURNALED_TABLES

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
ME = "aoi.tanaka@example.com"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _open(path: Path) -> Store:
    return open_store(path, clock=FixedClock(NOW))


def _build(path: Path, **params: int) -> DemoSummary:
    with _open(path) as store:
        return build_demo(store, today=TODAY, **params)


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    finally:
        conn.close()


def _count(store: Store, table: str, what: str = "*") -> int:
    row = store.query_one(f"SELECT count({what}) FROM {table}")
    assert row is not None
    return int(row[0])


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The default demo (60 accounts), built once for the read-only checks."""
    path = tmp_path_factory.mktemp("demo") / "book.db"
    _build(path)
    with _open(path) as store:
        yield store


# -- determinism --------------------------------------------------------------------------------


def test_same_seed_and_day_give_the_same_rows(tmp_path: Path) -> None:
    _build(tmp_path / "a.db", accounts=30, activities=300, seed=7)
    _build(tmp_path / "b.db", accounts=30, activities=300, seed=7)
    _build(tmp_path / "c.db", accounts=30, activities=300, seed=8)
    for table in ("accounts", "owners", "contacts", "health_snapshots", "activities", "users"):
        assert _rows(tmp_path / "a.db", table) == _rows(tmp_path / "b.db", table), table
    assert _rows(tmp_path / "a.db", "accounts") != _rows(tmp_path / "c.db", "accounts")
    assert _rows(tmp_path / "a.db", "activities") != _rows(tmp_path / "c.db", "activities")


# -- what the default book holds ----------------------------------------------------------------


def test_counts_and_me(book: Store) -> None:
    assert me_identity(book) == ("Aoi Tanaka", ME)
    assert _count(book, "accounts") == 60
    assert _count(book, "activities") == 480
    assert 4 <= _count(book, "users") - 1 <= 6


def test_accounts_mix(book: Store) -> None:
    accounts = all_accounts(book)  # the app's own reader accepts every row
    assert 3 <= len({a.segment for a in accounts}) <= 4
    japanese = [a for a in accounts if JAPANESE.search(a.name)]
    english = [a for a in accounts if a.name.isascii()]
    assert len(japanese) >= 20 and len(english) >= 20
    assert all(a.currency == "JPY" for a in japanese)
    assert {a.currency for a in english} <= {"USD", "EUR"}
    assert {a.stage.value for a in accounts} == {"onboarding", "adoption", "renewal"}
    assert len({a.name for a in accounts}) == len(accounts)
    assert all(re.fullmatch(r"CRM-\d{6}", a.external_id or "") for a in accounts)
    days = [(a.renewal_date - TODAY).days for a in accounts if a.renewal_date]
    assert len(days) == 60 and all(-30 <= d <= 365 for d in days)
    assert sum(0 <= d <= 120 for d in days) >= 3
    tags = {tag for a in accounts for tag in a.tags}
    assert {"vip", "at-risk", "expansion"} <= tags


def test_health_history(book: Store) -> None:
    accounts = all_accounts(book)
    changes = []
    for account in accounts:
        history = book.query(
            "SELECT date, score, components FROM health_snapshots WHERE account_id = ? "
            "ORDER BY date",
            (account.id,),
        )
        assert len(history) >= 12
        assert history[-1]["date"] <= TODAY.isoformat()
        assert history[0]["date"] >= (TODAY - timedelta(days=366)).isoformat()
        assert account.health_score == history[-1]["score"]
        assert "usage" in history[-1]["components"]
        overview = account_overview(book, account.id, FixedClock(NOW))
        changes.append(overview.health_change_30d)
    assert sum(change is not None and change <= -10 for change in changes) >= 3
    assert sum(change is not None and change >= 5 for change in changes) >= 3


def test_owners(book: Store) -> None:
    roles = dict(book.query("SELECT account_id, role FROM owners WHERE user_email = ?", (ME,)))
    primary = sum(role == "primary" for role in roles.values())
    secondary = sum(role == "secondary" for role in roles.values())
    assert primary >= 40 and secondary >= 3 and primary + secondary < 60
    covered = book.query("SELECT coverage_reason FROM owners WHERE coverage_from IS NOT NULL")
    assert covered and all(row[0] for row in covered)
    no_primary = book.query(
        "SELECT id FROM accounts WHERE id NOT IN (SELECT account_id FROM owners "
        "WHERE role = 'primary')"
    )
    assert no_primary == []


def test_contacts(book: Store) -> None:
    per_account = book.query(
        "SELECT count(*), sum(is_champion), sum(is_decision_maker) FROM contacts "
        "GROUP BY account_id"
    )
    assert len(per_account) == 60
    assert all(1 <= row[0] <= 4 for row in per_account)
    assert sum(row[1] == 1 for row in per_account) >= 40
    assert sum(row[2] >= 1 for row in per_account) >= 40


def test_activities(book: Store) -> None:
    rows = book.query("SELECT * FROM activities")
    assert {row["type"] for row in rows} >= {"call", "meeting", "email", "inquiry"}
    assert all(5 <= row["minutes"] <= 120 for row in rows)
    assert sum(row["minutes"] % 5 == 0 for row in rows) > 0.8 * len(rows)
    for row in rows:
        at = datetime.fromisoformat(row["occurred_at"])
        assert at.tzinfo is not None and NOW - timedelta(days=125) <= at <= NOW
    assert sum(row["author_email"] == ME for row in rows) > 0.6 * len(rows)
    assert 0.2 < sum(row["proactive"] for row in rows) / len(rows) < 0.9
    assert len({row["outcome"] for row in rows}) == 5
    assert any(JAPANESE.search(row["note"]) for row in rows)
    assert any(row["note"].isascii() for row in rows)


def test_the_book_screen_finds_something_for_each_quick_filter(book: Store) -> None:
    build_book(book, ME, TODAY)
    for quick in QuickFilter:
        assert query_book(book, BookQuery(quick=frozenset({quick}))), quick


def test_every_row_is_journaled(book: Store) -> None:
    rows = sum(_count(book, table) for table in sorted(JOURNALED_TABLES))
    assert _count(book, "journal") == rows


# -- parameters and refusals --------------------------------------------------------------------


def test_activity_count_and_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "ACTIVITY_CHUNK", 1_000)  # several transactions
    summary = _build(tmp_path / "x.db", accounts=200, activities=5_000)
    assert (summary.accounts, summary.activities) == (200, 5_000)
    assert summary.snapshots >= 200 * 12 and summary.contacts >= 200
    assert summary.seconds < 10
    with _open(tmp_path / "x.db") as store:
        assert _count(store, "activities", "DISTINCT id") == 5_000


def test_no_activities(tmp_path: Path) -> None:
    assert _build(tmp_path / "x.db", accounts=3, activities=0).activities == 0


def test_refuses_a_store_with_accounts(tmp_path: Path) -> None:
    _build(tmp_path / "x.db", accounts=2, activities=5)
    with pytest.raises(ValidationError, match="already has accounts"):
        _build(tmp_path / "x.db", accounts=2, activities=5)


def test_refuses_bad_sizes(tmp_path: Path) -> None:
    with pytest.raises(ValidationError):
        _build(tmp_path / "x.db", accounts=0)
    with pytest.raises(ValidationError):
        _build(tmp_path / "y.db", activities=-1)


def test_is_demo_book(tmp_path: Path, book: Store) -> None:
    assert is_demo_book(book.path)
    open_store(tmp_path / "real.db").close()
    assert not is_demo_book(tmp_path / "real.db")
    (tmp_path / "text.db").write_text("not a database")
    assert not is_demo_book(tmp_path / "text.db")
    assert not is_demo_book(tmp_path / "missing.db")


# -- the command ---------------------------------------------------------------------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record instead of starting the app."""
    calls: list[Path] = []
    monkeypatch.setattr("csm_tui.cli.run_app.run_app", calls.append)
    return calls


def test_cli_builds_then_reopens(tmp_path: Path, opened: list[Path]) -> None:
    path = tmp_path / "books" / "x.db"  # the folder is created
    result = CliRunner().invoke(cli, ["demo", "--no-open", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert re.search(r"Demo book: 60 accounts, 480 activities in [\d.]+ s → ", result.stderr)
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["x.db"]  # no temp files left
    before = path.stat()

    again = CliRunner().invoke(cli, ["demo", "--no-open", "--db", str(path)])
    assert again.exit_code == 0 and "already exists" in again.stderr
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)

    opening = CliRunner().invoke(cli, ["demo", "--db", str(path)])
    assert opening.exit_code == 0 and "Opening the existing demo book" in opening.stderr
    assert opened == [path]

    reset = CliRunner().invoke(cli, ["demo", "--no-open", "--reset", "--db", str(path)])
    assert reset.exit_code == 0 and "Demo book:" in reset.stderr
    assert path.stat().st_ino != before.st_ino
    assert path.stat().st_mode & 0o777 == 0o600
    assert opened == [path]


def test_cli_group_db_and_open(tmp_path: Path, opened: list[Path]) -> None:
    path = tmp_path / "g.db"
    args = ["--db", str(path), "demo", "--accounts", "5", "--activities", "20"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert opened == [path]
    assert len(_rows(path, "accounts")) == 5


def test_cli_default_file_never_the_real_book(tmp_path: Path, opened: list[Path]) -> None:
    real = Path(os.environ["CSM_TUI_DB"])  # set by conftest, like a user's own book
    runner = CliRunner()
    for args in ([], ["--accounts", "3"], ["--seed", "7"], ["--activities", "480"]):
        assert runner.invoke(cli, ["demo", "--no-open", *args]).exit_code == 0
    assert sorted(p.name for p in demo_db_path().parent.iterdir()) == [
        "demo-3a-24x-s1.db",
        "demo-60a-480x-s7.db",
        "demo.db",
    ]
    assert not real.exists()


@pytest.mark.parametrize(
    "args", [["--accounts", "0"], ["--accounts", "20001"], ["--activities", "-1"]]
)
def test_cli_bad_values_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["demo", "--no-open", "--db", str(tmp_path / "x.db"), *args])
    assert result.exit_code == 2
    assert not (tmp_path / "x.db").exists()


def test_cli_refuses_a_file_that_is_not_a_demo(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "book.db"
    open_store(path).close()
    before = path.read_bytes()
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--no-open", "--reset", "--db", str(path)])
    assert exit_info.value.code == 1
    assert "not a csm-tui demo" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_demo_dates_follow_today(tmp_path: Path) -> None:
    with _open(tmp_path / "x.db") as store:
        build_demo(store, accounts=4, activities=10, today=date(2026, 12, 1))
        dates = [row[0] for row in store.query("SELECT DISTINCT date FROM health_snapshots")]
    assert max(dates) == "2026-12-01" and "2025-12-31" not in dates


# -- roadmap checklists -------------------------------------------------------------------------


def test_checklists_in_varied_states(book: Store) -> None:
    from csm_tui.store.checklist import current_stage_progress, items_of, overdue_counts

    accounts = all_accounts(book)
    progress = current_stage_progress(book)
    assert set(progress) == {a.id for a in accounts}  # every account has its roadmap
    complete = [aid for aid, (done, total) in progress.items() if done == total]
    overdue = overdue_counts(book, TODAY)
    assert complete and overdue  # some stages finished, some accounts behind
    assert len(overdue) < len(accounts)
    for account in accounts:
        items = items_of(book, account.id)
        keys = {item.item_key for item in items}
        assert ("usage-report" in keys) == (account.segment == "Tech Touch"), account.segment
        for item in items:
            if item.done:
                assert item.done_by and item.done_at and item.done_at <= NOW
            else:
                assert item.done_by is None and item.done_at is None
    started = book.query("SELECT count(*) FROM accounts WHERE stage_started_on <= ?", (TODAY,))
    assert started[0][0] == len(accounts)
    assert _count(book, "journal WHERE table_name = 'checklist_items'") == _count(
        book, "checklist_items"
    )


def test_checklists_are_deterministic(tmp_path: Path) -> None:
    _build(tmp_path / "a.db", accounts=20, activities=50, seed=3)
    _build(tmp_path / "b.db", accounts=20, activities=50, seed=3)
    strip = [row[:-2] for row in _rows(tmp_path / "a.db", "checklist_items")]
    assert strip == [row[:-2] for row in _rows(tmp_path / "b.db", "checklist_items")]
