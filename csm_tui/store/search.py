"""Folding text for search: width, case and kana differences do not stop a match."""

from __future__ import annotations

import sqlite3
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from csm_tui.store.connection import Store

# Katakana → hiragana, so "かぶしき" finds "カブシキ".
_KANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}


def fold(text: str | None) -> str:
    if not text:
        return ""
    return unicodedata.normalize("NFKC", text).casefold().translate(_KANA)


def terms(text: str) -> list[str]:
    """The words of a filter; every one must match."""
    return [fold(word) for word in text.split() if word.strip()]


# What the book filter searches: name, segment, external id and the tags (values, not JSON).
_SEARCH_SOURCE = (
    "name || ' ' || segment || ' ' || coalesce(external_id, '') || ' ' || "
    "coalesce((SELECT group_concat(value, ' ') FROM json_each(accounts.tags)), '')"
)


def refresh_account_search(conn: sqlite3.Connection, account_id: str | None = None) -> None:
    """Recompute the derived `search` column: of one account, or of all not yet computed.

    Folding needs Python (NFKC, kana), so it is done when an account is written, once, instead
    of for every account each time the book is opened. It is done here, not in a SQL function:
    a Python function called from inside a statement needs the GIL while SQLite holds the
    connection's mutex, and a worker thread reading on the same connection holds the GIL while
    it waits for that mutex; the two then wait for each other for ever.
    """
    if account_id is None:
        sources = conn.execute(
            f"SELECT id, {_SEARCH_SOURCE} FROM accounts WHERE search = ''"
        ).fetchall()
    else:
        sources = conn.execute(
            f"SELECT id, {_SEARCH_SOURCE} FROM accounts WHERE id = ?", (account_id,)
        ).fetchall()
    conn.executemany(
        "UPDATE accounts SET search = ? WHERE id = ?",
        [(fold(source), row_id) for row_id, source in sources],
    )


def _like_prefix(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def accounts_named_like(store: Store, text: str, limit: int = 20) -> list[tuple[str, str]]:
    """(id, name) of the accounts a person means by `text`, folded as the book's filter folds.

    The accounts whose folded name starts with the folded text (`さくら` finds `サクラ建設`,
    `ＡＣＭＥ` finds `Acme`); when none does, those whose name, segment, external id or tags hold
    every word of it, as the book's `/` filter finds them. By name, at most `limit`.
    """
    wanted = fold(text.strip())
    if not wanted:
        return []
    # `search` starts with the folded name; the Python check keeps the match to the name
    rows = store.query(
        "SELECT id, name FROM accounts WHERE search LIKE ? ESCAPE '\\' "
        "ORDER BY name COLLATE NOCASE, id",
        (_like_prefix(wanted),),
    )
    found = [(row[0], row[1]) for row in rows if fold(row[1]).startswith(wanted)]
    if found:
        return found[:limit]
    words = terms(text)
    where = " AND ".join("instr(search, ?) > 0" for _ in words)
    rows = store.query(
        f"SELECT id, name FROM accounts WHERE {where} ORDER BY name COLLATE NOCASE, id LIMIT ?",
        (*words, limit),
    )
    return [(row[0], row[1]) for row in rows]
