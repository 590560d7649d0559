"""Export the README screenshots from the app itself, on the demo book at a fixed date.

.venv/bin/python scripts/screenshot.py
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from csm_tui.clock import FixedClock
from csm_tui.config import Config
from csm_tui.demo.book import build_demo
from csm_tui.i18n import set_language
from csm_tui.services.session import Session
from csm_tui.store.connection import open_store
from csm_tui.ui.app import CsmApp

DOCS = Path(__file__).resolve().parents[1] / "docs"
CLOCK = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))


async def shoot(language: str, name: str, keys: list[str], landing: str = "book") -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "demo.db", clock=CLOCK)
        build_demo(store, today=CLOCK.today())
        set_language(language)
        config = Config(language=language, path=Path(folder) / "config.toml")
        app = CsmApp(Session(store, CLOCK), config, save_settings=False, landing=landing)
        async with app.run_test(size=(128, 34)) as pilot:
            await pilot.pause(0.5)
            for key in keys:
                await pilot.press(key)
            await pilot.pause(0.2)
            app.save_screenshot(filename=name, path=str(DOCS))
        store.close()
    print(f"wrote {DOCS / name}")


def main() -> None:
    DOCS.mkdir(exist_ok=True)
    asyncio.run(shoot("en", "today.svg", [], landing="today"))
    asyncio.run(shoot("en", "book.svg", []))
    asyncio.run(shoot("ja", "account-ja.svg", ["down", "down", "down", "down", "down", "enter"]))
    asyncio.run(shoot("ja", "roadmap-ja.svg", ["down", "enter", "3"]))
    asyncio.run(shoot("en", "checklist.svg", ["C"]))


if __name__ == "__main__":
    main()
