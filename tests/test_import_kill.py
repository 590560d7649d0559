"""A kill during `import accounts` leaves the book as it was; a re-import repairs an import that an
older version left half done (issue 19, item 11)."""

from __future__ import annotations

import signal
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from csm_tui.services.csv_import import import_accounts
from csm_tui.services.identity import set_me
from csm_tui.store.connection import open_store
from tests.cli_run import run

ME = "aoi.tanaka@example.com"

# Runs the real entry point with a SIGKILL right after one step of the import has done its work.
KILLER = """
import os, signal, sys
import csm_tui.services.checklist as checklist
import csm_tui.services.playbooks as playbooks
import csm_tui.cli.import_cmd as import_cmd
module, name = {
    "segments": (import_cmd, "_assign_segments"),
    "roadmaps": (checklist, "add_missing_roadmaps"),
    "playbooks": (playbooks, "run_playbooks"),
}[sys.argv[1]]
original = getattr(module, name)
def killed_after(*args, **kwargs):
    original(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)
setattr(module, name, killed_after)
from csm_tui.cli.main import main
main(sys.argv[2:])
"""


def _csv(tmp_path: Path) -> Path:
    soon = date.today() + timedelta(days=30)
    path = tmp_path / "accounts.csv"
    path.write_text(
        "name,external_id,contract_value,currency,renewal_date\n"
        f"Acme,A-1,250000,USD,{soon}\n"
        f"Globex,G-2,8000,USD,{soon}\n"
        f"Initech,I-3,60000,USD,{soon}\n",
        encoding="utf-8",
    )
    return path


def _counts(book: Path) -> dict[str, int]:
    with open_store(book) as store:
        return {
            "accounts": store.query("SELECT count(*) FROM accounts")[0][0],
            "no segment": store.query("SELECT count(*) FROM accounts WHERE segment = ''")[0][0],
            "items": store.query("SELECT count(*) FROM checklist_items")[0][0],
            "tasks": store.query("SELECT count(*) FROM tasks")[0][0],
        }


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", ME)
    return path


@pytest.mark.parametrize("point", ["segments", "roadmaps", "playbooks"])
def test_a_kill_during_the_import_writes_nothing(
    book: Path, tmp_path: Path, point: str, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = _csv(tmp_path)
    argv = ["import", "accounts", str(csv_file), "--db", str(book)]
    proc = subprocess.run(
        [sys.executable, "-c", KILLER, point, *argv], capture_output=True, timeout=120
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert _counts(book) == {"accounts": 0, "no segment": 0, "items": 0, "tasks": 0}
    code, _out, err = run(argv, capsys)  # the next run does all of it
    assert code == 0, err
    counts = _counts(book)
    assert counts["accounts"] == 3 and counts["no segment"] == 0
    assert counts["items"] > 0 and counts["tasks"] > 0


def test_a_re_import_repairs_a_half_done_import(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = _csv(tmp_path)
    with open_store(book) as store:  # what a kill after the first step left, before the fix
        assert import_accounts(store, csv_file).new == 3
    assert _counts(book) == {"accounts": 3, "no segment": 3, "items": 0, "tasks": 0}
    code, _out, err = run(["import", "accounts", str(csv_file), "--db", str(book)], capsys)
    assert code == 0, err
    assert "3 unchanged" in err
    counts = _counts(book)
    assert counts["no segment"] == 0 and counts["items"] > 0 and counts["tasks"] > 0
