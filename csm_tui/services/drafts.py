"""Unsaved form contents, kept in the database as they are typed, so a crash loses nothing.

Drafts are local and personal: stored in the `settings` table, not journaled, never synced.
"""

from __future__ import annotations

import json
from typing import Any

from csm_tui.store.connection import Store, immediate, translate_errors

_PREFIX = "draft:"


def save_draft(store: Store, name: str, data: dict[str, Any]) -> None:
    store.set_setting(_PREFIX + name, json.dumps(data, ensure_ascii=False, sort_keys=True))


def load_draft(store: Store, name: str) -> dict[str, Any] | None:
    raw = store.get_setting(_PREFIX + name)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return None  # a damaged draft is not worth an error: there is nothing to restore
    return data if isinstance(data, dict) else None


def clear_draft(store: Store, name: str) -> None:
    with translate_errors(store.path), store.lock, immediate(store.conn):
        store.conn.execute("DELETE FROM settings WHERE key = ?", (_PREFIX + name,))
