"""A broken config.toml is named on stderr, with its line, by every command (issue 19, item 15);
an import, whose segments follow the rules in it, refuses to run on an unreadable one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from csm_tui.services.identity import set_me
from csm_tui.store.connection import open_store
from tests.cli_run import run

BROKEN = '[ui]\ntheme = "csm-dark"\nlanguage = \n'  # line 3: a key without a value


@pytest.fixture
def config() -> Path:
    path = Path(os.environ["CSM_TUI_CONFIG"])
    path.write_text(BROKEN, encoding="utf-8")
    return path


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", "aoi.tanaka@example.com")
    return path


@pytest.mark.parametrize(
    "argv",
    [["today"], ["tasks"], ["checklist", "--due"], ["report", "week"], ["export", "accounts"]],
)
def test_every_command_names_the_file_and_line(
    config: Path, book: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run([*argv, "--db", str(book)], capsys)
    assert code == 0, err
    assert err.startswith(f"Warning: settings not used ({config}: ")
    assert "(at line 3, column 12)" in err
    assert "the defaults apply until it is fixed." in err
    assert config.read_text(encoding="utf-8") == BROKEN  # left for the user to fix


def test_a_wrong_value_is_named_too(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Path(os.environ["CSM_TUI_CONFIG"]).write_text('[ui]\nlanguage = "fr"\n', encoding="utf-8")
    code, _out, err = run(["tasks", "--db", str(book)], capsys)
    assert code == 0 and "unknown language 'fr'" in err


def test_import_refuses_an_unreadable_file(
    config: Path, book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "a.csv"
    data.write_text("name,contract_value\nAcme,250000\n", encoding="utf-8")
    code, _out, err = run(["import", "accounts", str(data), "--db", str(book)], capsys)
    assert code == 1
    assert err.startswith(f"csm-tui: Nothing was imported: the settings cannot be read ({config}:")
    assert "(at line 3, column 12)" in err
    with open_store(book) as store:
        assert store.query("SELECT count(*) FROM accounts")[0][0] == 0
    code, _out, err = run(["import", "accounts", str(data), "--dry-run", "--db", str(book)], capsys)
    assert code == 0 and "would import 1 account" in err


def test_no_file_no_word(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["tasks", "--db", str(book)], capsys)
    assert code == 0 and err == ""
