"""Books, settings and crash logs are private to the user who owns them."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cli_run import run

from csm_tui.config import Config, load_config, save_config
from csm_tui.store.connection import open_store


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("content", [b"", None])
def test_an_existing_readable_file_given_to_db_becomes_a_private_book(
    tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "shared.db"
    if content is None:  # a book of csm-tui's whose mode someone loosened
        open_store(path).close()
    else:
        path.write_bytes(content)
    path.chmod(0o644)
    open_store(path).close()
    assert _mode(path) == 0o600


def test_the_cli_on_a_loose_book_tightens_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "book.db"
    path.touch(mode=0o666)
    path.chmod(0o664)
    code, _out, err = run(["tasks", "--db", str(path)], capsys)
    assert _mode(path) == 0o600, err
    del code


def test_the_settings_folder_is_created_private(tmp_path: Path) -> None:
    config = load_config(tmp_path / "fresh" / "csm-tui" / "config.toml")
    assert isinstance(config, Config)
    save_config(config)
    assert _mode(tmp_path / "fresh" / "csm-tui") == 0o700
    assert _mode(tmp_path / "fresh" / "csm-tui" / "config.toml") == 0o600
