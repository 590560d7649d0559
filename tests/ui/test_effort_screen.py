"""The Effort screen: periods, the custom form, opening an account, and how it looks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import COLLEAGUE, NOW, AppFactory, settle
from textual.pilot import Pilot
from textual.widgets import Input, Static

from csm_tui.models.activity import ActivityType
from csm_tui.services.activities import log_activity
from csm_tui.services.effort import PeriodKind
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.effort import CustomPeriodScreen, EffortScreen
from csm_tui.ui.screens.log_activity import LogActivityScreen
from csm_tui.ui.widgets.effort_charts import BarList

SIZE = (120, 40)
SAKURA, YAMATO, INITECH = "acct01", "acct03", "acct04"


def add_work(store: Store) -> None:
    """This week (from Monday 2026-11-23): a long meeting for Sakura, inquiries that keep
    coming back from Yamato, one colleague's call. The fixture's calls add 30 minutes each
    to acct00 (Tuesday) and Sakura (Monday)."""
    log_activity(
        store, SAKURA, 150, NOW - timedelta(days=2), type=ActivityType.MEETING, proactive=True
    )
    for days, minutes in ((1, 25), (2, 35), (3, 20)):
        log_activity(
            store,
            YAMATO,
            minutes,
            NOW - timedelta(days=days, hours=2),
            type=ActivityType.INQUIRY,
            recurring=days == 1,
        )
    log_activity(store, INITECH, 15, NOW - timedelta(hours=3), type=ActivityType.EMAIL)
    with store.transaction() as tx:
        tx.insert(
            "activities",
            {
                "id": "colleague",
                "account_id": INITECH,
                "author_email": COLLEAGUE,
                "type": "call",
                "minutes": 600,
                "occurred_at": (NOW - timedelta(days=1)).isoformat(),
                "created_at": tx.now,
                "updated_at": tx.now,
            },
        )


def effort_screen(app: CsmApp) -> EffortScreen:
    screen = app.screen
    assert isinstance(screen, EffortScreen)
    return screen


async def open_effort(app: CsmApp, pilot: Pilot[None]) -> EffortScreen:
    await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
    await settle(pilot, lambda: len(app.screen.query_one("AccountTable").rows) >= 8)
    await pilot.press("E")
    await settle(pilot, lambda: isinstance(app.screen, EffortScreen) and app.screen.loaded)
    return effort_screen(app)


async def press_and_load(app: CsmApp, pilot: Pilot[None], *keys: str) -> EffortScreen:
    await pilot.press(*keys)
    await settle(pilot, lambda: isinstance(app.screen, EffortScreen) and app.screen.loaded)
    return effort_screen(app)


def summary(screen: EffortScreen) -> str:
    return str(screen.query_one("#summary", Static).render())


def account_lines(screen: EffortScreen) -> list[str]:
    return [str(row.label) for row in screen.query_one("#accounts", BarList).rows]


async def test_periods_week_month_quarter_and_stepping(
    book_store: Store, make_app: AppFactory
) -> None:
    add_work(book_store)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_effort(app, pilot)
        report = screen.report
        assert report is not None and report.period.kind is PeriodKind.WEEK
        # 150 + 30 (Sakura), 80 (Yamato), 15 (Initech), 30 (acct00): 305 minutes
        assert report.total.minutes == 305
        assert summary(screen).startswith("5 h 5 min, 7 activities  ·  4 accounts")
        assert account_lines(screen)[:2] == ["株式会社サクラ精機", "ヤマト食品ホールディングス"]
        assert [c.name for c in report.candidates] == ["ヤマト食品ホールディングス"]

        screen = await press_and_load(app, pilot, "2")
        assert screen.period.kind is PeriodKind.MONTH
        assert screen.report is not None and screen.report.account_count == 8
        assert "2026-11 · this month" in str(screen.query_one("#period").render())

        screen = await press_and_load(app, pilot, "right_square_bracket")
        assert screen.period.start.isoformat() == "2026-12-01"
        assert screen.query_one("#empty").display
        assert not screen.query_one("#top").display
        assert "No work logged in this period" in str(screen.query_one("#empty").render())

        screen = await press_and_load(app, pilot, "left_square_bracket", "left_square_bracket")
        assert screen.period.start.isoformat() == "2026-10-01"
        assert screen.report is not None and screen.report.empty

        screen = await press_and_load(app, pilot, "n")
        assert screen.period.start.isoformat() == "2026-11-01"
        screen = await press_and_load(app, pilot, "3")
        assert (screen.period.start.isoformat(), screen.period.end.isoformat()) == (
            "2026-10-01",
            "2026-12-31",
        )
        assert not screen.query_one("#empty").display

        await pilot.press("escape")
        await settle(pilot, lambda: not isinstance(app.screen, EffortScreen))


async def test_everyones_work(book_store: Store, make_app: AppFactory) -> None:
    add_work(book_store)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_effort(app, pilot)
        assert "My work" in str(screen.query_one("#period").render())
        screen = await press_and_load(app, pilot, "a")
        assert screen.report is not None and screen.report.total.minutes == 905
        assert account_lines(screen)[0] == "Initech"  # the colleague's ten-hour call
        assert "Everyone's work" in str(screen.query_one("#period").render())


async def test_enter_opens_the_account(book_store: Store, make_app: AppFactory) -> None:
    add_work(book_store)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_effort(app, pilot)
        assert isinstance(app.focused, BarList) and app.focused.id == "accounts"
        await pilot.press("down", "enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert isinstance(app.screen, AccountScreen) and app.screen.account_id == YAMATO
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen)
        # the candidates list opens its account too
        candidates = screen.query_one("#candidates", BarList)
        screen.set_focus(candidates)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert isinstance(app.screen, AccountScreen) and app.screen.account_id == YAMATO


async def test_the_rest_line_opens_nothing(book_store: Store, make_app: AppFactory) -> None:
    from csm_tui.models.account import Account
    from csm_tui.services.accounts import create_account

    for number in range(12):
        create_account(book_store, Account(id=f"x{number:02d}", name=f"Extra {number:02d}"))
        log_activity(book_store, f"x{number:02d}", 60 + number, NOW - timedelta(hours=1))
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_effort(app, pilot)
        lines = account_lines(screen)
        assert len(lines) == 11 and lines[-1] == "The other 4 accounts"
        accounts = screen.query_one("#accounts", BarList)
        assert accounts.rows[10].key is None
        await pilot.press("end")
        assert accounts.cursor == 9  # the cursor skips the line that is no account
        await pilot.press("down")
        assert accounts.cursor == 9 and accounts.current_key == "x02"  # the 10th most minutes
        await pilot.press("home", "up")
        assert accounts.cursor == 0
        # a click on the rest line neither opens anything nor moves the cursor there
        await pilot.click("#accounts", offset=(3, 11))  # (the box's border is line 0)
        await pilot.pause(0.1)
        assert app.screen is screen and accounts.cursor == 0
        await pilot.click("#accounts", offset=(3, 3))  # a click on an account opens it
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert isinstance(app.screen, AccountScreen)
        assert app.screen.account_id == accounts.rows[2].key


async def test_custom_period_form(book_store: Store, make_app: AppFactory) -> None:
    add_work(book_store)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_effort(app, pilot)
        await pilot.press("4")
        await settle(pilot, lambda: isinstance(app.screen, CustomPeriodScreen))
        form = app.screen
        assert form.query_one("#from", Input).value == "2026-11-23"  # the week shown
        form.query_one("#from", Input).value = "2026-13-01"
        form.query_one("#to", Input).value = "someday"
        form.set_focus(form.query_one("#to", Input))
        await pilot.press("enter")
        await pilot.pause(0.1)
        error = str(form.query_one("#from-error", Static).render())
        assert error == "There is no such date: 2026-13-01."
        assert "A date like" in str(form.query_one("#to-error", Static).render())
        assert app.focused is form.query_one("#from", Input)

        form.query_one("#from", Input).value = "2026-11-20"
        form.query_one("#to", Input).value = "2026-11-10"
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert str(form.query_one("#from-error", Static).render()) == ""
        assert "before the start" in str(form.query_one("#to-error", Static).render())

        form.query_one("#from", Input).value = "2026-11-24"
        form.query_one("#to", Input).value = "today"
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is screen and screen.loaded)
        assert screen.period.kind is PeriodKind.CUSTOM
        assert (screen.period.start.isoformat(), screen.period.end.isoformat()) == (
            "2026-11-24",
            "2026-11-27",
        )
        # only Sakura's Monday call is before the 24th
        assert screen.report is not None and screen.report.total.minutes == 305 - 30

        screen = await press_and_load(app, pilot, "left_square_bracket")  # the 4 days before
        assert screen.period.start.isoformat() == "2026-11-20"

        await pilot.press("4")
        await settle(pilot, lambda: isinstance(app.screen, CustomPeriodScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen)
        assert screen.period.start.isoformat() == "2026-11-20"


async def test_log_work_from_the_screen_updates_it(book_store: Store, make_app: AppFactory) -> None:
    add_work(book_store)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_effort(app, pilot)
        await pilot.press("l")  # the highlighted account: Sakura, the most minutes
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        assert isinstance(app.screen, LogActivityScreen) and app.screen.account_id == SAKURA
        await pilot.press("4", "5", "enter")
        await settle(pilot, lambda: app.screen is screen and screen.loaded)
        await settle(
            pilot, lambda: screen.report is not None and screen.report.total.minutes == 350
        )
        assert screen.report is not None and screen.report.total.minutes == 350


@pytest.mark.parametrize("language", ["en", "ja"])
def test_effort_snapshot(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    """Japanese names and labels line up with the bars and numbers."""
    add_work(book_store)
    app = make_app(book_store, language=language)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_effort(app, pilot)
        app.clear_notifications()  # start-up messages of other features are not this screen
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_effort_snapshot_empty(snap_compare, book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_effort(app, pilot)
        await press_and_load(app, pilot, "right_square_bracket")
        app.clear_notifications()
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=run_before, terminal_size=(100, 30))
