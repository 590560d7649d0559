"""The key bar: the screen's keys on one line, following focus; a click presses the key."""

from __future__ import annotations

from conftest import AppFactory, settle

from csm_tui.store.connection import Store
from csm_tui.ui.screens.checklist import ChecklistScreen
from csm_tui.ui.textual_ext.key_bar import KeyBar


async def test_shows_the_screen_keys_and_a_click_presses_one(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot, lambda: type(app.screen.focused).__name__ == "AccountTable")
        bar = app.screen.query_one(KeyBar)
        text = bar.render().plain
        assert "Log work" in text and "Checklist" in text and text.rstrip().endswith("palette")
        start = next(start for start, _end, key in bar._spans if key == "C")
        await pilot.click(KeyBar, offset=(start + 1, 0))
        await settle(pilot, lambda: isinstance(app.screen, ChecklistScreen))
        assert isinstance(app.screen, ChecklistScreen)
        assert "Mark done" in app.screen.query_one(KeyBar).render().plain


async def test_a_narrow_bar_keeps_the_palette_key(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot, lambda: type(app.screen.focused).__name__ == "AccountTable")
        text = app.screen.query_one(KeyBar).render().plain
        assert "…" in text and text.rstrip().endswith("palette") and len(text) <= 60
