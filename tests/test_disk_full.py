"""A disk that fills before the book's WAL file exists is named as full, not as "disk I/O
error" (issue 19, item 15)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from csm_tui.store import connection


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KiB tmpfs with 4 KiB left (needs root; skipped elsewhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip("mounting a tmpfs needs root")
    try:
        (mount / "fill").write_bytes(b"\0" * 250 * 1024)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_log_on_a_full_disk_says_so(tiny_disk: Path) -> None:
    book = tiny_disk / "book.db"
    me_set = ["me", "set", "--name", "Aoi", "--email", "a@x.jp"]  # starts a book (log would not)
    proc = subprocess.run(
        [sys.executable, "-m", "csm_tui", *me_set, "--db", str(book)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr == f"csm-tui: The disk holding {book} is full; nothing was saved.\n"


def test_disk_io_error_names_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    error = sqlite3.OperationalError("disk I/O error")
    book = tmp_path / "book.db"
    assert "disk I/O error" in connection.describe_sqlite_error(error, book)  # room left
    full = os.statvfs_result((4096, 4096, 64, 0, 0, 100, 0, 0, 0, 255))
    monkeypatch.setattr(connection.os, "statvfs", lambda path: full)
    assert connection.describe_sqlite_error(error, book) == (
        f"The disk holding {book} is full; nothing was saved."
    )
