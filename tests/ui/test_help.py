"""`?` shows the keys of the screen it is asked on, as its footer shows them (issue 13, item 9)."""

from __future__ import annotations

from conftest import AppFactory, settle
from test_today_screen import ready, today_store  # noqa: F401 (a fixture)

from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.book import BookScreen
from csm_tui.ui.screens.help import HelpScreen

SIZE = (120, 40)


def help_rows(app: CsmApp) -> dict[str, str]:
    screen = app.screen
    assert isinstance(screen, HelpScreen)
    return {description: keys for keys, description in screen.rows}


def help_text(app: CsmApp) -> str:
    return "\n".join(str(static.render()) for static in app.screen.query("Static"))


async def test_today_help_has_its_own_keys_and_notes(
    today_store: Store,  # noqa: F811
    make_app: AppFactory,
) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = help_rows(app)
        assert rows["Done"] == "space"  # the task table's key, while the focus is elsewhere
        assert rows["Move between the parts of this screen"] == "tab, shift+tab"
        assert rows["Book"] == "b"
        text = help_text(app)
        assert "Quick filters" not in text  # the book's tips are the book's
        assert "Tab moves between the priorities" in text


async def test_book_help_says_b_goes_back_to_today(
    today_store: Store,  # noqa: F811
    make_app: AppFactory,
) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("b")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        await pilot.press("question_mark")
        await settle(pilot, lambda: isinstance(app.screen, HelpScreen))
        rows = help_rows(app)
        assert rows.get("Today") == "b"
        assert "Book" not in rows
        assert "Quick filters" in help_text(app)
