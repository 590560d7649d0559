"""The command line's contract: one sentence on stderr, exit 1 (2 for usage), no traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_run import run

from csm_tui.store.connection import open_store
from csm_tui.store.migrations import SCHEMA_VERSION


def assert_one_sentence(err: str) -> None:
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("csm-tui: ")


def test_corrupt_database_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not sqlite at all, just some text that someone saved here" * 20)
    code, _out, err = run(["--db", str(bad)], capsys)
    assert code == 1
    assert_one_sentence(err)
    assert "not a csm-tui database or it is damaged" in err


def test_corrupt_database_for_a_subcommand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"\x00garbage" * 500)
    code, _out, err = run(["export", "accounts", "--db", str(bad)], capsys)
    assert code == 1
    assert_one_sentence(err)


def test_newer_database_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "new.db"
    open_store(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    code, _out, err = run(["--db", str(path)], capsys)
    assert code == 1
    assert_one_sentence(err)
    assert "newer csm-tui" in err


def test_locked_database_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "locked.db"
    open_store(path).close()
    csv = tmp_path / "a.csv"
    csv.write_text("name\nAcme\n", encoding="utf-8")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        code, _out, err = run(["import", "accounts", str(csv), "--db", str(path)], capsys)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 1
    assert_one_sentence(err)
    assert "locked" in err


def test_database_path_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["export", "accounts", "--db", str(tmp_path)], capsys)
    assert code == 2  # click rejects it as a usage error
    assert "is a directory" in err
    assert "Traceback" not in err
    folder = tmp_path / "sub"
    folder.mkdir()
    code, _out, err = run(["--db", str(folder)], capsys)
    assert code == 2


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["no-such-command"], capsys)
    assert code == 2
    assert "No such command" in err
    code, _out, err = run(["export", "accounts", "--format", "xml"], capsys)
    assert code == 2
    assert "Traceback" not in err


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["--version"], capsys)
    assert code == 0
    assert out.startswith("csm-tui, version ")
    code, out, _err = run(["--help"], capsys)
    assert code == 0
    for command in ("demo", "import", "export"):
        assert command in out


def test_db_option_precedence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--db after the subcommand wins over --db before it, which wins over CSM_TUI_DB."""
    env_db, group_db, command_db = tmp_path / "env.db", tmp_path / "group.db", tmp_path / "cmd.db"
    monkeypatch.setenv("CSM_TUI_DB", str(env_db))
    for path, name in ((env_db, "Env"), (group_db, "Group"), (command_db, "Command")):
        csv = tmp_path / f"{name}.csv"
        csv.write_text(f"name\n{name} Ltd\n", encoding="utf-8")
        run(["import", "accounts", str(csv), "--db", str(path)], capsys)

    def exported(argv: list[str]) -> str:
        code, out, _err = run(argv, capsys)
        assert code == 0
        return out

    assert "Env Ltd" in exported(["export", "accounts"])
    assert "Group Ltd" in exported(["--db", str(group_db), "export", "accounts"])
    assert "Command Ltd" in exported(
        ["--db", str(group_db), "export", "accounts", "--db", str(command_db)]
    )
