"""Where csm-tui keeps its files (XDG dirs via platformdirs), with environment overrides."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "csm-tui"
DB_ENV = "CSM_TUI_DB"
CONFIG_ENV = "CSM_TUI_CONFIG"
SAVE_DIR_ENV = "CSM_TUI_SAVE_DIR"


def data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def default_db_path() -> Path:
    """The book of business used when neither `--db` nor `CSM_TUI_DB` names one."""
    return data_dir() / "book.db"


def demo_db_path() -> Path:
    """The demo book lives in its own file so it never mixes with a real book."""
    return data_dir() / "demo.db"


def resolve_db_path(cli_value: str | os.PathLike[str] | None) -> Path:
    """`--db` wins over `CSM_TUI_DB`, which wins over the default."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def config_path() -> Path:
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return config_dir() / "config.toml"


def save_dir() -> Path:
    """Where a file the user saves (the coverage brief) goes unless they say otherwise: their
    documents folder, else their downloads folder, else their home; `CSM_TUI_SAVE_DIR` wins.
    Never the current folder (started with `make demo`, that is the repository)."""
    env = os.environ.get(SAVE_DIR_ENV)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_documents_path, user_downloads_path

    for candidate in (user_documents_path(), user_downloads_path()):
        if candidate.is_dir():
            return candidate
    return Path.home()
