"""`csm-tui today` and `csm-tui tasks`: text and JSON, English and Japanese, bad input; and the
playbooks running after `csm-tui import accounts`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from csm_tui.clock import FixedClock, SystemClock
from csm_tui.models.account import Account
from csm_tui.services import tasks as ts
from csm_tui.services.accounts import create_account
from csm_tui.services.identity import set_me
from csm_tui.store.connection import open_store
from tests.conftest import ME_EMAIL, NOW
from tests.test_cli import assert_one_sentence, run
from tests.test_playbooks import activity, snapshot

TODAY = NOW.date()


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Three accounts of mine and three tasks; the CLI's clock stands at the test's day."""
    monkeypatch.setattr(SystemClock, "today", lambda self: TODAY)
    path = tmp_path / "today.db"
    store = open_store(path, clock=FixedClock(NOW))
    try:
        set_me(store, "Aoi Tanaka", ME_EMAIL)
        urgent = create_account(
            store,
            Account(
                name="株式会社サクラ精機", renewal_date=TODAY + timedelta(days=40), health_score=40
            ),
            primary_owner=ME_EMAIL,
        ).id
        snapshot(store, urgent, TODAY - timedelta(days=30), 60)
        quiet = create_account(store, Account(name="Globex"), primary_owner=ME_EMAIL).id
        calm = create_account(store, Account(name="Calm Corp"), primary_owner=ME_EMAIL).id
        activity(store, calm, 1)
        ts.add_task(store, urgent, "Call the champion", due_date=TODAY - timedelta(days=2))
        ts.add_task(store, quiet, "Send the minutes", due_date=TODAY)
        ts.add_task(store, quiet, "Plan the review", due_date=TODAY + timedelta(days=10))
    finally:
        store.close()
    yield path


def test_today_as_text(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["today", "--db", str(book)], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "2026-11-27 · 2 of my 3 accounts need attention · 2 tasks due (1 overdue)"
    assert lines[2] == "Priorities"
    assert lines[3].startswith("   1  株式会社サクラ精機")
    assert lines[3].endswith(
        "renewal in 40 days, no renewal contact yet · health -20 in 30 days · no contact logged"
        " · 1 open task, 1 overdue"
    )
    assert lines[4].startswith("   2  Globex")
    assert "Tasks due by today" in lines
    due = lines[lines.index("Tasks due by today") + 1 :]
    assert due[0].startswith("  2026-11-25  OVERDUE   株式会社サクラ精機")
    assert due[0].endswith("Call the champion")
    assert due[1].startswith("  2026-11-27            Globex")
    assert due[2] == "  1 more open task later (csm-tui tasks)"


def test_today_limit_and_japanese(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["today", "--db", str(book), "--limit", "1", "--lang", "ja"], capsys)
    assert code == 0, err
    assert "更新まで40日、更新の連絡がまだ" in out
    assert "Globex" not in out.split("期限")[0]  # one account only
    assert "--limit 0" in out


def test_today_as_json(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["today", "--db", str(book), "--format", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["today"] == "2026-11-27" and data["my_accounts"] == 3
    first = data["priorities"][0]
    assert first["name"] == "株式会社サクラ精機" and first["rank"] == 1
    assert first["facts"]["health_change_30d"] == -20
    assert first["reasons"][0] == "renewal in 40 days, no renewal contact yet"
    assert [task["title"] for task in data["tasks"]] == [
        "Call the champion",
        "Send the minutes",
        "Plan the review",
    ]
    assert data["tasks"][0]["overdue"] is True and data["tasks"][0]["source"] == "manual"
    assert set(data["weights"]) == {"health", "renewal", "overdue", "contact", "tasks", "value"}


def test_today_warns_about_bad_weights(
    book: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "config.toml").write_text('[today.weights]\nhealth = "a lot"\n', encoding="utf-8")
    code, out, err = run(["today", "--db", str(book)], capsys)
    assert code == 0
    assert err.startswith("Warning: ") and "health = 'a lot' is not a number" in err
    assert "Priorities" in out


def test_tasks(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["tasks", "--db", str(book)], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split()[-1] for line in lines[:3]] == ["champion", "minutes", "review"]
    assert lines[-1] == "3 open tasks (1 overdue)"
    code, out, _ = run(["tasks", "--db", str(book), "--due"], capsys)
    assert code == 0 and out.splitlines()[-1] == "2 open tasks (1 overdue)"
    code, out, _ = run(["tasks", "--db", str(book), "--due", "--within", "10"], capsys)
    assert out.splitlines()[-1] == "3 open tasks (1 overdue)"
    code, out, _ = run(["tasks", "--db", str(book), "--format", "json", "--due"], capsys)
    assert [task["due_date"] for task in json.loads(out)] == ["2026-11-25", "2026-11-27"]


def test_tasks_in_japanese_and_none_due(
    book: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(["tasks", "--db", str(book), "--lang", "ja"], capsys)
    assert code == 0 and "期限切れ" in out
    empty = tmp_path / "empty.db"
    store = open_store(empty)
    set_me(store, "Aoi Tanaka", ME_EMAIL)
    store.close()
    code, out, _ = run(["tasks", "--db", str(empty), "--due"], capsys)
    assert (code, out) == (0, "No open tasks due.\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tasks", "--within", "3"], "--within only applies to --due"),
        (["tasks", "--due", "--within", "-1"], "-1 is not in the range"),
        (["tasks", "--format", "xml"], "'xml' is not one of 'text', 'json'"),
        (["today", "--limit", "-5"], "-5 is not in the range"),
        (["today", "--lang", "fr"], "'fr' is not one of 'en', 'ja'"),
    ],
)
def test_bad_options(
    book: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run([*argv, "--db", str(book)], capsys)
    assert code == 2 and out == ""
    assert message in err


@pytest.mark.parametrize("command", ["today", "tasks"])
def test_a_book_that_does_not_know_me(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    path = tmp_path / "anonymous.db"
    open_store(path).close()
    code, out, err = run([command, "--db", str(path)], capsys)
    assert code == 1 and out == ""
    assert_one_sentence(err)
    assert "does not know who you are yet" in err


def test_import_runs_the_playbooks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SystemClock, "today", lambda self: TODAY)
    path = tmp_path / "import.db"
    store = open_store(path)
    set_me(store, "Aoi Tanaka", ME_EMAIL)
    store.close()
    csv = tmp_path / "accounts.csv"
    renewal = (TODAY + timedelta(days=30)).isoformat()
    csv.write_text(f"name,renewal_date\nAcme,{renewal}\n", encoding="utf-8")
    code, _, err = run(["import", "accounts", str(csv), "--db", str(path)], capsys)
    assert code == 0, err
    assert "Playbooks created" in err
    code, out, _ = run(["tasks", "--db", str(path), "--format", "json"], capsys)
    titles = {task["title"] for task in json.loads(out)}
    assert "Start the renewal conversation" in titles
    code, _, err = run(["import", "accounts", str(csv), "--db", str(path)], capsys)
    assert code == 0 and "Playbooks created" not in err  # the same occurrence: nothing new
