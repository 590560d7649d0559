"""Text from the book cannot drive the terminal: the CLI shows control characters as escapes
(issue 19, item 12)."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from csm_tui.cli.terminal import printable
from csm_tui.models.account import Account
from csm_tui.services import checklist as cl
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import log_activity
from csm_tui.services.identity import set_me
from csm_tui.services.roadmap_templates import built_in_templates
from csm_tui.services.tasks import add_task
from csm_tui.store.connection import open_store
from tests.cli_run import run

ME = "aoi.tanaka@example.com"
EVIL = "Evil\x1b]0;pwned\x07 Corp\x1b[2J\r\u202etxt.exe\x9b31m"
NOTE = "call\x1b[31m red\x1b[0m\nsecond line\tok"
RAW = ("\x1b", "\x07", "\r", "\u202e", "\x9b")


def _clean(text: str) -> bool:
    return not any(char in text for char in RAW)


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    now = datetime.now(UTC)
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", ME)
        create_account(store, Account(id="a1", name=EVIL), primary_owner=ME)
        cl.apply_template(store, "a1", built_in_templates()["default"])
        cl.add_custom_item(store, "a1", "onboarding", EVIL, due=now.date() - timedelta(days=2))
        log_activity(store, "a1", 30, now - timedelta(hours=1), note=NOTE)
        add_task(store, "a1", "Ask \x1b[2J about it", due_date=now.date())
    return path


def test_printable_keeps_text_and_escapes_controls() -> None:
    assert printable("株式会社サクラ\tA\nB") == "株式会社サクラ\tA\nB"
    assert printable(EVIL) == (
        "Evil\\u001b]0;pwned\\u0007 Corp\\u001b[2J\\u000d\\u202etxt.exe\\u009b31m"
    )
    assert json.loads(printable(json.dumps({"n": "\x9b\x7f"}, ensure_ascii=False))) == {
        "n": "\x9b\x7f"
    }


@pytest.mark.parametrize(
    "argv",
    [
        ["checklist", "a1"],
        ["checklist", "--due"],
        ["report", "week"],
        ["report", "week", "--format", "text"],
        ["today"],
        ["tasks"],
        ["log", "a1", "15", "--note", "x"],
    ],
)
def test_every_printer_shows_escapes(
    book: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    _code, out, err = run([*argv, "--db", str(book)], capsys)
    assert _clean(out) and _clean(err), (out, err)
    assert "\\u001b" in out + err


def test_exports_keep_the_exact_text_in_a_pipe(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _err = run(["export", "activities", "--format", "json", "--db", str(book)], capsys)
    assert code == 0 and json.loads(out)[0]["note"] == NOTE


def test_an_export_to_a_terminal_is_escaped(book: Path) -> None:
    """A real pseudo-terminal: `export accounts` to a tty shows no raw ESC."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "csm_tui", "export", "accounts", "--raw", "--db", str(book)],
        stdout=follower,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "200"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert proc.wait(timeout=60) == 0
    os.close(leader)
    text = b"".join(chunks).decode("utf-8")
    assert "Evil\\u001b]0;pwned" in text and _clean(text.replace("\r\n", "\n"))


def test_every_cli_printer_goes_through_the_helper() -> None:
    """New commands too: `click.echo` only in cli/terminal.py (use its echo, show, show_data)."""
    folder = Path(__file__).parent.parent / "csm_tui" / "cli"
    direct = [
        f"{path.name}:{number}"
        for path in sorted(folder.glob("*.py"))
        if path.name != "terminal.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "click.echo(" in line or "click.secho(" in line or "print(" in line
    ]
    assert direct == []
