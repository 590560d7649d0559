"""The user's settings, kept in a TOML file in the config dir.

Reading never fails the app: a broken file is reported and defaults are used, and the file is left
alone so the user can fix it. Writing is atomic (temp file + rename) and keeps keys we do not know.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from csm_tui.errors import CsmError
from csm_tui.paths import config_path

CONFIG_VERSION = 1
DEFAULT_THEME = "csm-dark"
LANGUAGES = ("en", "ja")


@dataclass
class Config:
    """Settings that persist between runs."""

    theme: str = DEFAULT_THEME
    language: str | None = None  # None: follow the locale
    path: Path | None = None
    problem: str | None = None  # why the file could not be read, if it could not
    unreadable: bool = False  # a broken file is never overwritten: the user may want it back
    raw: dict[str, Any] = field(default_factory=dict)

    def to_toml(self) -> dict[str, Any]:
        data = dict(self.raw)
        data["version"] = CONFIG_VERSION
        ui = dict(data.get("ui", {}))
        ui["theme"] = self.theme
        if self.language:
            ui["language"] = self.language
        else:
            ui.pop("language", None)
        data["ui"] = ui
        return data


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    if not path.exists():
        return Config(path=path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Config(path=path, problem=f"{path}: {exc}", unreadable=True)
    ui = raw.get("ui", {})
    config = Config(path=path, raw=raw)
    if not isinstance(ui, dict):
        config.problem = f"{path}: [ui] must be a table"
        return config
    theme = ui.get("theme")
    if isinstance(theme, str) and theme:
        config.theme = theme
    language = ui.get("language")
    if language in LANGUAGES:
        config.language = language
    elif language is not None:
        config.problem = (
            f"{path}: unknown language {language!r} (use one of {', '.join(LANGUAGES)})"
        )
    return config


def save_config(config: Config) -> None:
    """Write the settings; refuses to replace a file that could not be read."""
    import tomli_w

    path = config.path or config_path()
    if config.unreadable:
        raise CsmError(
            f"Settings not saved: {path} has errors, and overwriting it would lose what is in it. "
            "Fix or remove the file."
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = tomli_w.dumps(config.to_toml())
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
