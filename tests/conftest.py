"""Shared fixtures for the whole test suite.

Every test runs isolated from the user's real files and locale (see `_isolate`), so nothing here
can read or write a real book of business or config. Fixtures that only some tests need (demo
books, UI helpers) belong in those tests' own modules, not here.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from csm_tui import i18n
from csm_tui.clock import FixedClock
from csm_tui.store.connection import Store, open_store

#: The moment every test lives in: a Friday morning, 09:00 UTC.
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)

#: Who "me" is in the `me` fixture.
ME_NAME = "Aoi Tanaka"
ME_EMAIL = "aoi.tanaka@example.com"

_LOCALE_VARS = ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES")


@pytest.fixture(autouse=True)
def _isolate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point every file location and the locale at throwaway values for each test.

    - `CSM_TUI_DB` / `CSM_TUI_CONFIG` name files in `tmp_path` (they may not exist yet);
    - `XDG_DATA_HOME`, `XDG_CONFIG_HOME` and `HOME` are `tmp_path` subfolders, so the
      platformdirs defaults and `~` never reach the real home folder;
    - the locale is plain English (`LANG=C.UTF-8`, the other locale variables removed), and the
      app language is reset to English after the test;
    - the local time zone is UTC.
    """
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("CSM_TUI_DB", str(tmp_path / "default.db"))
    monkeypatch.setenv("CSM_TUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("HOME", str(home))
    for var in _LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("TZ", "UTC")  # local times on screen are the same on every machine
    time.tzset()
    yield
    i18n.set_language("en")


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing still at `NOW` (2026-11-27 09:00 UTC); tests may move it via `.at`."""
    return FixedClock(NOW)


@pytest.fixture
def store(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    """A fresh, migrated store at `tmp_path / "book.db"`, closed after the test."""
    opened = open_store(tmp_path / "book.db", clock=clock)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def me(store: Store) -> tuple[str, str]:
    """The store's current user is Aoi Tanaka; returns (name, e-mail) as `set_me` does."""
    from csm_tui.services.identity import set_me

    return set_me(store, ME_NAME, ME_EMAIL)
