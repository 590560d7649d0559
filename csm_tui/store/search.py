"""Folding text for search: width, case and kana differences do not stop a match."""

from __future__ import annotations

import sqlite3
import unicodedata

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
