"""The three screens a CSM lives in, at the smallest terminal csm-tui supports: 80x24.

Narrow, whole columns give way in an order each screen decides (issue 13, item 7): the words that
carry meaning, like how late a renewal or an item is, are never cut.
"""

from __future__ import annotations

import pytest
from conftest import AppFactory, settle
from test_today_screen import ready, today_store  # noqa: F401 (a fixture)
from textual.pilot import Pilot

from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.checklist import ChecklistScreen
from csm_tui.ui.widgets.account_table import AccountTable

SMALL = (80, 24)
LANGUAGES = ["en", "ja"]


async def book_ready(pilot: Pilot[None], app: CsmApp) -> None:
    await settle(pilot, lambda: type(app.screen.focused).__name__ == "AccountTable")


@pytest.mark.parametrize("language", LANGUAGES)
def test_book_80x24(snap_compare, book_store: Store, make_app: AppFactory, language: str) -> None:
    """Segment, Last activity and My role give way; the renewal says `5 d late` whole."""
    app = make_app(book_store, language=language)
    assert snap_compare(app, run_before=lambda pilot: book_ready(pilot, app), terminal_size=SMALL)


@pytest.mark.parametrize("language", LANGUAGES)
def test_today_80x24(
    snap_compare,
    today_store: Store,  # noqa: F811
    make_app: AppFactory,
    language: str,
) -> None:
    """Created by and the owner of a covered account give way; due dates and tasks stay."""
    app = make_app(today_store, language=language, landing="today")

    async def loaded(pilot: Pilot[None]) -> None:
        await ready(pilot, app)

    assert snap_compare(app, run_before=loaded, terminal_size=SMALL)


@pytest.mark.parametrize("language", LANGUAGES)
def test_checklist_80x24(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    """Segment and Stage give way; the item stays, and a filter that does not fit wraps whole."""
    app = make_app(book_store, language=language)

    async def show(pilot: Pilot[None]) -> None:
        await book_ready(pilot, app)
        await pilot.press("C")
        await settle(pilot, lambda: isinstance(app.screen, ChecklistScreen))
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=show, terminal_size=SMALL)


async def test_a_late_renewal_is_never_cut(book_store: Store, make_app: AppFactory) -> None:
    """The book at 80 columns: the Renewal column shows `5 d late`, not `5 d`."""
    app = make_app(book_store)
    async with app.run_test(size=SMALL) as pilot:
        await book_ready(pilot, app)
        table = app.screen.query_one(AccountTable)
        await pilot.pause()
        lines = [table.render_line(y).text for y in range(0, 4)]
        assert "Renewal" in lines[0]
        assert any("5 d late" in line for line in lines), lines
