"""The Covering screen fits its width: long cells end with …, and the Reason column is never
pushed off the screen (it was, in Japanese at 120 columns) (issue 13, item 8)."""

from __future__ import annotations

import pytest
from conftest import AppFactory, settle

from csm_tui.store.connection import Store
from csm_tui.ui.screens.covering import CoveringScreen, CoveringTable


@pytest.mark.parametrize(("language", "size"), [("ja", (120, 30)), ("en", (80, 24))])
async def test_the_reason_stays_on_screen(
    book_store: Store, make_app: AppFactory, language: str, size: tuple[int, int]
) -> None:
    covering = book_store.query("SELECT id FROM owners WHERE coverage_reason != ''")
    with book_store.transaction() as tx:  # a long reason, in Japanese
        for row in covering:
            reason = "育児休業（2026年12月から3か月間、復帰後は時短勤務の予定）"
            tx.update("owners", row["id"], {"coverage_reason": reason})
    app = make_app(book_store, language=language)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
        await pilot.press("V")
        await settle(pilot, lambda: isinstance(app.screen, CoveringScreen))
        table = app.screen.query_one(CoveringTable)
        await settle(pilot, lambda: table.row_count > 0)
        await pilot.pause()
        widths = sum(column.get_render_width(table) for column in table.columns.values())
        if language == "ja":  # 120 columns: everything fits, the reason cut with …
            assert widths <= table.size.width
        reason = str(table.get_row_at(0)[-1])
        assert reason.startswith("育児休業") and reason.endswith("…")
