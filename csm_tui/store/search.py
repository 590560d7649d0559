"""Folding text for search: width, case and kana differences do not stop a match."""

from __future__ import annotations

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
