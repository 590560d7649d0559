"""The Trends view's report is computed ahead while the Effort screen shows a period, so that
5 shows it at once; a change to the data drops it, and 5 then shows the figures as they are."""

from __future__ import annotations

import pytest
from conftest import NOW, AppFactory, settle
from test_trends_view import add_months_of_work
from textual.pilot import Pilot

from csm_tui.models.activity import ActivityType
from csm_tui.services.activities import log_activity
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens import effort
from csm_tui.ui.screens.effort import EffortScreen
from csm_tui.ui.widgets.trends_view import TrendsView


def shown(view: TrendsView) -> bool:
    """Whether the view shows its report (a call, so that mypy does not narrow it)."""
    return view.loaded


async def open_effort(app: CsmApp, pilot: Pilot[None]) -> EffortScreen:
    """From the book, E, until the period's report is drawn."""
    await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
    await pilot.press("E")
    await settle(pilot, lambda: isinstance(app.screen, EffortScreen) and app.screen.loaded)
    screen = app.screen
    assert isinstance(screen, EffortScreen)
    return screen


async def test_the_report_made_ahead_is_shown_and_dropped_when_data_changes(
    book_store: Store, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(effort, "PREFETCH_AFTER", 600)  # the test makes it ahead itself
    add_months_of_work(book_store)
    app = make_app(book_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_effort(app, pilot)
        view = screen.query_one(TrendsView)
        fetched: list[bool] = []
        fetch = view.fetch

        def counted(mine_only: bool):  # type: ignore[no-untyped-def]
            fetched.append(mine_only)
            return fetch(mine_only)

        view.fetch = counted
        view.forget()
        screen._prefetch_trends()
        await settle(pilot, lambda: True in view._early)  # made ahead, before 5
        assert fetched == [True] and not shown(view)
        before = view._early[True]
        await pilot.press("5")
        await pilot.pause()
        assert shown(view) and view.report is before and fetched == [True]  # no second fetch
        await pilot.press("1")
        await settle(pilot, lambda: screen.loaded and not screen.trends)
        # work logged elsewhere: what was made ahead is out of date
        log_activity(book_store, "acct01", 45, NOW, type=ActivityType.CALL)
        await settle(pilot, lambda: not view._early)
        await pilot.press("5")
        await settle(pilot, lambda: shown(view) and view.report is not before)
        assert view.report is not None and view.report is not before
        assert len(fetched) >= 2  # computed again, never the old report


async def test_a_5_while_the_report_is_being_made_waits_for_it(
    book_store: Store, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(effort, "PREFETCH_AFTER", 600)  # the test makes it ahead itself
    add_months_of_work(book_store)
    app = make_app(book_store)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_effort(app, pilot)
        view = screen.query_one(TrendsView)
        view.forget()
        view._ahead.add(True)  # as if a report were being made ahead right now
        await pilot.press("5")
        await pilot.pause()
        assert not shown(view)  # waits for it: no second computation started
        view._ahead.discard(True)
        view._keep(True, view._generation, view.fetch(True))
        assert shown(view) and view.report is not None


async def test_a_moment_on_a_period_makes_the_report_ahead(
    book_store: Store, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(effort, "PREFETCH_AFTER", 0.05)
    add_months_of_work(book_store)
    app = make_app(book_store)
    async with app.run_test(size=(100, 30)) as pilot:
        view = (await open_effort(app, pilot)).query_one(TrendsView)
        await settle(pilot, lambda: True in view._early)
        await pilot.press("5")
        await pilot.pause()
        assert shown(view) and view.report is view._early[True]
