"""Today's first rows at start-up, before the page is computed (issue 17).

Computing Today takes ~0.4 s on a book of 5,000 accounts; a person waits for it on every start.
So when the app closes, the top of the page it last showed is remembered in the user's cache
folder (a small JSON file, private like the book, named after the book's path); at the next
start the screen draws those rows in its first frame and replaces them with the page computed
afresh right after. The remembered rows are only used for the same book file (its inode), the
same user and the same day, and they are plain values read back into the same row types, so
they are drawn exactly as the computed ones. Nothing here is user data: a file missing or
unreadable just means the first frame waits for the page as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from csm_tui.services.today import PriorityRow, TodayView

ROWS = 60  # more than a terminal shows
VERSION = 1


def _file(book: Path) -> Path:
    from csm_tui.paths import cache_dir

    key = hashlib.sha256(str(book.resolve()).encode("utf-8")).hexdigest()[:32]
    return cache_dir() / "today" / f"{key}.json"


def _inode(book: Path) -> int | None:
    try:
        return book.stat().st_ino
    except OSError:
        return None


def remember(book: Path, view: TodayView) -> None:
    """Keep the top of `view` for the next start (quietly does nothing if it cannot)."""
    if view.me is None:
        return
    page: dict[str, Any] = {
        "version": VERSION,
        "inode": _inode(book),
        "me": view.me,
        "today": view.today.isoformat(),
        "priorities": [list(row) for row in view.priorities[:ROWS]],
    }
    target = _file(book)
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # account names
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(page, handle, ensure_ascii=False)
        tmp.replace(target)


def remembered(book: Path, me: str | None, today: date) -> list[PriorityRow]:
    """The priority rows remembered for this book, user and day; [] when there are none."""
    from csm_tui.services.today import PriorityRow

    if me is None:
        return []
    try:
        page = json.loads(_file(book).read_text(encoding="utf-8"))
        if (page["version"], page["inode"], page["me"], page["today"]) != (
            VERSION,
            _inode(book),
            me,
            today.isoformat(),
        ):
            return []
        return [PriorityRow(*row) for row in page["priorities"]]
    except (OSError, ValueError, TypeError, KeyError):  # missing, damaged, or another shape
        return []
