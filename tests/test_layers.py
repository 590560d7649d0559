"""Import rules that keep start-up fast and the core headless (import-linter checks the rest)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

START_UP = (
    "csm_tui.cli.main",
    "csm_tui.cli.run_app",
    "csm_tui.config",
    "csm_tui.i18n",
    "csm_tui.store.connection",
    "csm_tui.services.session",
    "csm_tui.ui.app",
    "csm_tui.ui.screens.book",
    "csm_tui.ui.screens.today",  # the landing screen
)


def imported_after(modules: tuple[str, ...]) -> set[str]:
    code = f"import sys; import {', '.join(modules)}; print('\\n'.join(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(result.stdout.split())


def test_first_screen_does_not_import_heavy_libraries() -> None:
    """pydantic and sqlite-utils cost as much as Textual itself here: not before the first frame."""
    loaded = imported_after(START_UP)
    for heavy in ("pydantic", "sqlite_utils", "httpx", "keyring", "tomli_w"):
        assert heavy not in loaded, f"{heavy} is imported on the start-up path"


def test_making_the_app_does_not_import_heavy_libraries(tmp_path: Path) -> None:
    """Not only the imports: building the session and the app object stays light too (the
    roadmap service, and pydantic with it, once came in through the app's constructor)."""
    code = (
        "import sys, pathlib\n"
        "from csm_tui.config import Config\n"
        "from csm_tui.services.session import Session\n"
        "from csm_tui.store.connection import open_store\n"
        "from csm_tui.ui.app import CsmApp\n"
        f"folder = pathlib.Path({str(tmp_path)!r})\n"
        "store = open_store(folder / 'book.db')\n"
        "CsmApp(Session(store), Config(path=folder / 'config.toml'))\n"
        "print('\\n'.join(sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    loaded = set(result.stdout.split())
    for heavy in ("pydantic", "sqlite_utils", "httpx", "keyring"):
        assert heavy not in loaded, f"{heavy} is imported when the app is made"


def test_core_does_not_import_textual() -> None:
    loaded = imported_after(
        (
            "csm_tui.models.account",
            "csm_tui.store.journal",
            "csm_tui.services.accounts",
            "csm_tui.services.csv_import",
            "csm_tui.demo.book",
            "csm_tui.services.export",
        )
    )
    assert not any(name == "textual" or name.startswith("textual.") for name in loaded)
