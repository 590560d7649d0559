"""The Effort screen's Trends view (5): the rates month by month, back to a period, and how it
looks in English and Japanese, on 80×24 and wide."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import NOW, AppFactory, settle
from textual.pilot import Pilot
from textual.widgets import Static

from csm_tui.models.activity import ActivityType, Outcome
from csm_tui.services.activities import log_activity
from csm_tui.services.tasks import add_task, complete_task
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.effort import EffortScreen
from csm_tui.ui.widgets.trends_view import TrendsView

SAKURA, YAMATO = "acct01", "acct03"
OUTCOMES = (Outcome.RESOLVED, Outcome.FOLLOW_UP, Outcome.NONE, Outcome.RISK_FOUND)


def add_months_of_work(store: Store) -> None:
    """Work in each of the last eight months, more of it proactive as time goes on, and two
    tasks: one due in October done on time, one due in November still open."""
    for month in range(8):
        when = NOW - timedelta(days=30 * month + 3)
        for n in range(4):
            log_activity(
                store,
                SAKURA if n % 2 else YAMATO,
                20 + 10 * n,
                when - timedelta(hours=n),
                type=ActivityType.MEETING,
                proactive=n < 4 - month // 2,
                outcome=OUTCOMES[(n + month) % 4] if month else Outcome.EXPANSION,
            )
    task = add_task(store, SAKURA, "Business review", due_date=date(2026, 10, 20))
    complete_task(store, task.id)  # on 11-27: late
    add_task(store, YAMATO, "Call back", due_date=date(2026, 11, 30))


async def open_trends(app: CsmApp, pilot: Pilot[None]) -> EffortScreen:
    await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
    await pilot.press("E")
    await settle(pilot, lambda: isinstance(app.screen, EffortScreen) and app.screen.loaded)
    await pilot.press("5")
    screen = app.screen
    assert isinstance(screen, EffortScreen)
    await settle(pilot, lambda: screen.query_one(TrendsView).loaded)
    return screen


def lines(screen: EffortScreen) -> str:
    return str(screen.query_one("#trends-lines", Static).render())


async def test_trends_and_back(book_store: Store, make_app: AppFactory) -> None:
    add_months_of_work(book_store)
    app = make_app(book_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_trends(app, pilot)
        view = screen.query_one(TrendsView)
        assert view.display and not screen.query_one("#body").display
        assert view.report is not None and view.report.mine_only
        text = lines(screen)
        assert "12 months, 2025-12 – 2026-11 · My work" in text
        assert "Proactive share of minutes" in text and "Tasks done late" in text
        assert "Enterprise" in text
        # a with the view open: everyone's work, still the trends
        await pilot.press("a")
        await settle(pilot, lambda: view.loaded and view.report is not None)
        assert view.report is not None and not view.report.mine_only
        # [ does not move a period the view does not have; 1 goes back to the week
        await pilot.press("left_square_bracket", "1")
        await settle(pilot, lambda: screen.loaded and not screen.trends)
        assert not view.display and screen.query_one("#body").display


async def test_trends_follow_new_work(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_trends(app, pilot)
        view = screen.query_one(TrendsView)
        assert view.report is not None
        minutes, proactive = view.report.minutes[-1], view.report.work[0].points[-1].part
        log_activity(book_store, SAKURA, 40, NOW - timedelta(hours=1), proactive=True)
        await settle(
            pilot, lambda: view.report is not None and view.report.minutes[-1] == minutes + 40
        )
        assert view.report.work[0].points[-1].part == proactive + 40


@pytest.mark.parametrize(
    ("language", "size"), [("en", (80, 24)), ("ja", (80, 24)), ("en", (140, 30))]
)
def test_trends_snapshot(
    snap_compare,
    book_store: Store,
    make_app: AppFactory,
    language: str,
    size: tuple[int, int],
) -> None:
    add_months_of_work(book_store)
    app = make_app(book_store, language=language)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_trends(app, pilot)
        app.clear_notifications()
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=run_before, terminal_size=size)
