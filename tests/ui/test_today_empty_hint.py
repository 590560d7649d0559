"""Today on a book with none of my accounts: its hint is shown whole, over as many lines as it
needs, at 80 columns and in Japanese (it was cut to one line) (issue 13, item 8)."""

from __future__ import annotations

import pytest
from conftest import AppFactory, settle

from csm_tui.i18n import _
from csm_tui.services.identity import set_me
from csm_tui.store.connection import Store
from csm_tui.ui.screens.today import TodayScreen
from csm_tui.ui.screens.today_tables import PriorityTable

HINT = (
    "None of the accounts is yours yet. b opens the book; csm-tui import accounts "
    "FILE.csv brings yours in (or try csm-tui demo)."
)


@pytest.mark.parametrize("language", ["en", "ja"])
async def test_the_first_run_hint_is_whole(
    empty_store: Store, make_app: AppFactory, language: str
) -> None:
    set_me(empty_store, "Aoi Tanaka", "aoi.tanaka@example.com")
    app = make_app(empty_store, language=language, landing="today")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen) and app.screen.loaded)
        await pilot.pause()
        table = app.screen.query_one(PriorityTable)
        lines = [table.render_line(y).text.strip() for y in range(table.size.height)]
        shown = "".join(line for line in lines[2:] if line)
        assert "…" not in shown
        assert shown.replace(" ", "") == _(HINT).replace(" ", "")
