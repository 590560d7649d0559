"""Pilot tests of app-wide behaviour: first start, themes, language, the command palette."""

from __future__ import annotations

import tomllib
from pathlib import Path

from conftest import ME, AppFactory, settle

from csm_tui.i18n import current_language
from csm_tui.store.connection import Store
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.book import BookScreen
from csm_tui.ui.widgets.account_table import AccountTable
from csm_tui.ui.widgets.quick_bar import QuickBar

SIZE = (120, 30)


def read_config(path: Path) -> dict[str, object]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


async def test_first_start_asks_who_i_am(empty_store: Store, make_app: AppFactory) -> None:
    from csm_tui.ui.screens.me import MeScreen

    app = make_app(empty_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MeScreen)
        await pilot.press(*"Aoi", "enter", *"not-an-email", "enter")
        assert isinstance(app.screen, MeScreen)
        error = str(app.screen.query_one("#me-error").render())
        assert "e-mail" in error
        email = app.screen.query_one("#me-email")
        email.value = "Aoi.Tanaka@Example.com"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, BookScreen)
        assert app.sub_title.startswith("Aoi <aoi.tanaka@example.com>")
    assert empty_store.get_setting("me.email") == "aoi.tanaka@example.com"


async def test_identity_is_asked_only_once(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, BookScreen)
        assert ME in app.sub_title


async def test_theme_switch_persists(
    book_store: Store, make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "csm-dark"
        assert {"csm-dark", "csm-light", "textual-dark"} <= set(app.available_themes)
        app.theme = "csm-light"
        await pilot.pause()
    assert read_config(tmp_path / "config.toml")["ui"] == {"theme": "csm-light", "language": "en"}


async def test_unknown_theme_in_config_falls_back(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store, theme="no-such-theme")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "csm-dark"


async def test_language_switch_translates_and_persists(
    book_store: Store, make_app: AppFactory, tmp_path: Path
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        assert current_language() == "ja"
        bar = str(app.screen.query_one(QuickBar).render())
        assert "主担当" in bar and "8 件中 8 件" in bar
        header = app.screen.query_one(AccountTable).render_line(0).text
        assert "顧客" in header
        assert read_config(tmp_path / "config.toml")["ui"] == {
            "theme": "csm-dark",
            "language": "ja",
        }
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        await pilot.press("f2")
        assert current_language() == "en"
        assert "Overview" in str(app.screen.query_one("Tab").render())
        await pilot.press("escape")
        assert "I own" in str(app.screen.query_one(QuickBar).render())


async def test_palette_lists_actions_and_accounts(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Sort by: Health")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BookScreen)
        assert screen.book_query.sort.value == "health"
        await pilot.press("ctrl+p", *"initech")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.overview.account.name == "Initech"


async def test_first_start_form_typed_fast(empty_store: Store, make_app: AppFactory) -> None:
    """Name, Enter, e-mail, Enter arriving at once: each part lands in its own field."""
    from textual import events

    from csm_tui.ui.screens.me import MeScreen

    app = make_app(empty_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MeScreen)
        keys = [*"Aoi", "enter", *"aoi@example.com", "enter"]
        for key in keys:
            app.post_message(events.Key(key, "\r" if key == "enter" else key))
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        assert isinstance(app.screen, BookScreen)
    assert empty_store.get_setting("me.name") == "Aoi"
    assert empty_store.get_setting("me.email") == "aoi@example.com"


async def test_language_switch_with_every_screen_open(
    book_store: Store, make_app: AppFactory
) -> None:
    """F2 on top of a stack of every screen: each one under it is rebuilt without an error."""
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter", "3")
        for key in ["C", "E", "H", "W", "V"]:
            depth = len(app.screen_stack)
            await pilot.press(key)
            # the next key must reach the screen this one opened: under load a push can take
            # seconds, and E on the account screen would open its edit form instead of Effort
            for _ in range(400):
                if len(app.screen_stack) > depth:
                    break
                await pilot.pause(0.05)
            assert len(app.screen_stack) > depth, key
        assert len(app.screen_stack) >= 7
        await pilot.press("f2")
        await pilot.pause(0.3)
        await pilot.press("f2")
        await pilot.pause(0.3)
        for _ in range(8):
            if app.return_code is not None or len(app.screen_stack) == 1:
                break
            await pilot.press("escape")
            await pilot.pause(0.1)
        assert app.return_code is None  # no screen raised on the way down
        assert len(app.screen_stack) == 1
        assert "I own" in str(app.screen.query_one(QuickBar).render())
