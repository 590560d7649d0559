"""Refusing to write into a damaged book, at a cost a user does not notice.

`PRAGMA quick_check` reads the whole file: seconds on a book of 5,000 accounts. So it runs once
per change of the file that csm-tui did not make itself. A process that checked the file, or
found it as a csm-tui process left it, records the file's identity (inode, size, modification
time) in the user's cache folder when it closes; the next process that finds the same identity
skips the check. A file changed behind csm-tui's back (a copy, a disk fault, a kill during a
checkpoint, another program) has another identity and is checked on its first write.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from pathlib import Path

from csm_tui.errors import StoreError
from csm_tui.i18n import _


def checked_path(path: Path) -> Path:
    """The file that remembers the identity of the book last found sound: in the user's cache
    folder, named after the book's whole path, so nothing appears beside the book."""
    from csm_tui.paths import cache_dir

    key = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:32]
    return cache_dir() / "checked" / f"{key}.json"


def identity(path: Path) -> list[int] | None:
    """What changes when the file's content does: device, inode, size, modification time."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return [stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns]


def known_sound(path: Path) -> bool:
    """Whether the book is as a csm-tui process left it when that process had found it sound."""
    try:
        recorded = json.loads(checked_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return recorded is not None and recorded == identity(path)


def record_sound(path: Path) -> None:
    """Remember the book's identity now (after a close, whose checkpoint changed the file)."""
    current = identity(path)
    if current is None:
        return
    target = checked_path(path)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = target.with_name(target.name + f".{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(current))
        tmp.replace(target)


def check_file(path: Path) -> None:
    """Run `PRAGMA quick_check` on a read-only connection of its own; raise StoreError with
    the way out if the book is damaged."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            problems = [str(row[0]) for row in conn.execute("PRAGMA quick_check(3)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:  # damaged so badly that the check itself fails
        problems = [str(exc)]
    if problems == ["ok"]:
        return
    raise StoreError(damaged_message(path, problems[0]))


def damaged_message(path: Path, problem: str) -> str:
    return _(
        "The book {path} is damaged ({problem}), so csm-tui will not write to it; nothing was "
        "changed. To recover: keep a copy of the file, then either rebuild it with "
        "`sqlite3 {path} .recover | sqlite3 recovered.db` and open recovered.db with --db, or, "
        "if the book syncs with a team server, log in again with a new --db file and sync: "
        "everything that reached the server comes back."
    ).format(path=path, problem=problem)
