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
    of for every account each time the book is opened.
    """
    if account_id is None:
        conn.execute(f"UPDATE accounts SET search = fold({_SEARCH_SOURCE}) WHERE search = ''")
    else:
        conn.execute(
            f"UPDATE accounts SET search = fold({_SEARCH_SOURCE}) WHERE id = ?", (account_id,)
        )
