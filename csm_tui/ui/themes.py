"""The app's own themes (TOML files) turned into Textual themes.

Shipped themes live in `themes/` (inside the package when installed); a user's own themes go in
the config dir's `themes/` folder. A broken theme file is reported and skipped, never fatal.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from textual.theme import Theme

from csm_tui.paths import config_dir

COLOR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "warning",
    "error",
    "success",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
)


def shipped_themes_dir() -> Path:
    packaged = Path(__file__).resolve().parent.parent / "themes"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "themes"  # a source checkout


@dataclass
class LoadedThemes:
    themes: list[Theme] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def theme_from_file(path: Path) -> Theme:
    """Read one theme file; raises ValueError with a sentence naming the file and the problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{path.name}: {exc}") from exc
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError(f"{path.name}: a theme needs a name")
    if not isinstance(data.get("primary"), str):
        raise ValueError(f"{path.name}: a theme needs a primary colour")
    from textual.color import Color, ColorParseError

    colors: dict[str, str] = {}
    for key in COLOR_KEYS:
        value = data.get(key)
        if value is None:
            continue
        try:
            Color.parse(str(value))
        except ColorParseError as exc:
            raise ValueError(f"{path.name}: {key} = {value!r} is not a colour") from exc
        colors[key] = str(value)
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ValueError(f"{path.name}: [variables] must be a table")
    return Theme(
        name=name,
        dark=bool(data.get("dark", True)),
        variables={str(k): str(v) for k, v in variables.items()},
        **colors,  # type: ignore[arg-type]
    )


def load_themes(user_dir: Path | None = None) -> LoadedThemes:
    loaded = LoadedThemes()
    folders = [shipped_themes_dir(), user_dir if user_dir is not None else config_dir() / "themes"]
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.toml")):
            try:
                loaded.themes.append(theme_from_file(path))
            except ValueError as exc:
                loaded.problems.append(str(exc))
    return loaded
