"""Exports and saved briefs are written in one step, and never replace a device or a pipe."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from csm_tui.errors import CsmError
from csm_tui.services.export import write_atomically


def test_a_new_file_is_private_and_complete(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_atomically(target, "顧客,分\n".encode())
    assert target.read_text(encoding="utf-8") == "顧客,分\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".out.csv.*"))  # no temporary file left


def test_an_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o644)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new" and stat.S_IMODE(target.stat().st_mode) == 0o644


def test_dev_null_stays_a_device() -> None:
    write_atomically(Path("/dev/null"), b"thrown away")
    assert Path("/dev/null").is_char_device()


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CsmError, match="does not exist"):
        write_atomically(tmp_path / "nowhere" / "out.csv", b"x")
