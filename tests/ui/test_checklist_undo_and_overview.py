"""Issue 13, item 14: `u` on the Checklist screen undoes Space; the wide Overview's Health box."""

from __future__ import annotations

from conftest import AppFactory, settle
from textual.widget import Widget

from csm_tui.store import checklist as queries
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.checklist import ChecklistScreen

YAMATO = "acct03"


async def book_ready(pilot, app: CsmApp) -> None:  # type: ignore[no-untyped-def]
    await settle(pilot, lambda: type(app.screen.focused).__name__ == "AccountTable")


async def test_u_undoes_space_on_the_checklist_screen(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=(120, 34)) as pilot:
        await book_ready(pilot, app)
        await pilot.press("C")
        await settle(pilot, lambda: isinstance(app.screen, ChecklistScreen))
        screen = app.screen
        assert isinstance(screen, ChecklistScreen)
        first, second = screen.rows[0], screen.rows[1]
        await pilot.press("space", "space")
        await pilot.pause()
        for row in (first, second):
            item = queries.get_item(book_store, row.item_id)
            assert item is not None and item.done
        assert len(app._notifications) == 1  # the second toast replaced the first
        await pilot.press("u")
        await pilot.pause()
        item = queries.get_item(book_store, second.item_id)
        assert item is not None and not item.done
        assert screen.current() is not None and screen.current().item_id == second.item_id  # type: ignore[union-attr]
        await pilot.press("u")
        await pilot.pause()
        item = queries.get_item(book_store, first.item_id)
        assert item is not None and not item.done
        await pilot.press("u")  # nothing left: said, no error
        await pilot.pause()
        assert isinstance(app.screen, ChecklistScreen)


async def open_overview(app: CsmApp, pilot) -> AccountScreen:  # type: ignore[no-untyped-def]
    await book_ready(pilot, app)
    app.open_account(YAMATO)
    await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
    await pilot.pause()
    assert isinstance(app.screen, AccountScreen)
    return app.screen


async def test_wide_health_box_puts_the_components_beside_the_trend(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=(200, 50)) as pilot:
        screen = await open_overview(app, pilot)
        trend = screen.query_one("#health-trend", Widget)
        components = screen.query_one("#components", Widget)
        assert components.region.x > trend.region.x + trend.region.width - 1
        assert components.region.y == trend.region.y


async def test_narrow_health_box_puts_the_components_under_the_trend(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_overview(app, pilot)
        trend = screen.query_one("#health-trend", Widget)
        components = screen.query_one("#components", Widget)
        assert components.region.y >= trend.region.y + trend.region.height
