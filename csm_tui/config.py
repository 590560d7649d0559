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
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # settings are private
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


# The Today screen's score: the weight of each part (see csm_tui/services/today.py). They add up
# to 100, so the score reads as points out of 100; any non-negative numbers work.
TODAY_WEIGHTS: dict[str, float] = {
    "health": 25.0,
    "renewal": 25.0,
    "overdue": 15.0,
    "contact": 15.0,
    "tasks": 10.0,
    "value": 10.0,
}


def today_weights(config: Config) -> tuple[dict[str, float], list[str]]:
    """`[today.weights]` over the defaults, and a message for each value that cannot be used
    (that weight keeps its default; all weights zero means all defaults)."""
    weights = dict(TODAY_WEIGHTS)
    where = f"{config.path or config_path()}: [today.weights]"
    today = config.raw.get("today", {})
    table = today.get("weights", {}) if isinstance(today, dict) else None
    if not isinstance(table, dict):
        return weights, [f"{where} must be a table of numbers; the defaults are used"]
    problems = []
    for name, value in table.items():
        if name not in TODAY_WEIGHTS:
            known = ", ".join(TODAY_WEIGHTS)
            problems.append(f"{where}: unknown weight {name!r} (use {known}); it is ignored")
        elif (
            isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1000
        ):
            problems.append(
                f"{where}: {name} = {value!r} is not a number from 0 to 1000; "
                f"the default {TODAY_WEIGHTS[name]:g} is used"
            )
        else:
            weights[name] = float(value)
    if not any(weights.values()):
        problems.append(f"{where}: every weight is 0; the defaults are used")
        weights = dict(TODAY_WEIGHTS)
    return weights, problems
