"""`csm-tui tasks edit|snooze|done ID` (issue 14); the list itself: test_cli_today.py."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from tests.cli_run import run
from tests.test_cli_today import TODAY, book  # noqa: F401  (the fixture)


def listed(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, dict[str, str]]:
    code, out, err = run(["tasks", "--format", "json", "--db", str(path)], capsys)
    assert code == 0, err
    return {row["title"]: row for row in json.loads(out)}


def test_edit_snooze_and_done(book: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    tasks = listed(book, capsys)
    call = tasks["Call the champion"]["id"]
    argv = ["tasks", "edit", call[:8], "--title", "Call Ken", "--due", "12/15", "--db", str(book)]
    code, _out, err = run(argv, capsys)
    assert code == 0 and "Saved the task Call Ken." in err, err
    assert listed(book, capsys)["Call Ken"]["due_date"] == "2026-12-15"
    code, _out, err = run(["tasks", "snooze", call, "+3", "--db", str(book)], capsys)
    assert code == 0, err
    assert listed(book, capsys)["Call Ken"]["due_date"] == str(TODAY + timedelta(days=3))
    code, _out, err = run(["tasks", "snooze", call, "next monday", "--db", str(book)], capsys)
    assert code == 0 and listed(book, capsys)["Call Ken"]["due_date"] == "2026-11-30"
    code, _out, err = run(["tasks", "edit", call, "--due", "-", "--db", str(book)], capsys)
    assert code == 0 and listed(book, capsys)["Call Ken"]["due_date"] is None
    code, _out, err = run(["tasks", "done", call, "--db", str(book)], capsys)
    assert code == 0 and "Done: Call Ken." in err
    assert "Call Ken" not in listed(book, capsys)
    code, out, _err = run(["tasks", "--due", "--db", str(book)], capsys)  # the list still works
    assert code == 0 and "Send the minutes" in out


@pytest.mark.parametrize(
    ("argv", "code", "said"),
    [
        (["snooze", "ID", "soon"], 2, "is not a date"),
        (["snooze", "ID", "yesterday"], 1, "snoozed to a later day"),
        (["edit", "ID"], 2, "Give --title, --due or --item."),
        (["edit", "ID", "--title", "  "], 1, "A task needs a title."),
        (["edit", "ID", "--item", "nope"], 1, "not one of this account's items"),
        (["done", "nope"], 1, "No task with id nope"),
    ],
)
def test_bad_input(
    book: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    said: str,
) -> None:
    task_id = listed(book, capsys)["Plan the review"]["id"]
    argv = [task_id if part == "ID" else part for part in argv]
    result, _out, err = run(["tasks", *argv, "--db", str(book)], capsys)
    assert result == code and said in err, err
    assert listed(book, capsys)["Plan the review"]["due_date"] == str(TODAY + timedelta(days=10))
