"""Where a saved brief goes by default (issue 13, item 15): never the current folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from csm_tui.paths import SAVE_DIR_ENV, save_dir


@pytest.fixture
def dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(SAVE_DIR_ENV, raising=False)
    monkeypatch.setattr(platformdirs, "user_documents_path", lambda: tmp_path / "Documents")
    monkeypatch.setattr(platformdirs, "user_downloads_path", lambda: tmp_path / "Downloads")
    monkeypatch.setattr(Path, "home", classmethod(lambda cls: tmp_path / "home"))
    return tmp_path


def test_the_documents_folder_first(dirs: Path) -> None:
    (dirs / "Documents").mkdir()
    (dirs / "Downloads").mkdir()
    assert save_dir() == dirs / "Documents"


def test_then_downloads_then_home(dirs: Path) -> None:
    assert save_dir() == dirs / "home"
    (dirs / "Downloads").mkdir()
    assert save_dir() == dirs / "Downloads"


def test_the_environment_wins(dirs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (dirs / "Documents").mkdir()
    monkeypatch.setenv(SAVE_DIR_ENV, str(dirs / "elsewhere"))
    assert save_dir() == dirs / "elsewhere"
