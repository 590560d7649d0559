"""The work timer in the app: t starts, the title bar counts, t stops into the log form."""

from __future__ import annotations

from datetime import timedelta

from conftest import AppFactory, settle
from textual.pilot import Pilot

from csm_tui.clock import FixedClock
from csm_tui.store.activities import activities_of
from csm_tui.store.connection import Store, open_store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.book import BookScreen
from csm_tui.ui.screens.confirm import ConfirmScreen
from csm_tui.ui.screens.log_activity import LogActivityScreen
from csm_tui.ui.textual_ext.title_bar import TitleBar
from csm_tui.ui.widgets.account_table import AccountTable

SIZE = (120, 34)
FIRST = "acct07"  # カブシキガイシャ・ミライ: the first row (renewal overdue)
SECOND = "acct04"  # Initech: the second row


def title(app: CsmApp) -> str:
    return str(app.screen.query_one(TitleBar).render())


def notes(app: CsmApp) -> str:
    return " | ".join(str(n.message) for n in app._notifications)


async def book_ready(app: CsmApp, pilot: Pilot[None]) -> None:
    await settle(
        pilot,
        lambda: (
            isinstance(app.screen, BookScreen) and len(app.screen.query_one(AccountTable).rows) == 8
        ),
    )


async def form_open(app: CsmApp, pilot: Pilot[None]) -> LogActivityScreen:
    """Wait for the form and its fields (those in rows are mounted after the others)."""
    await settle(
        pilot,
        lambda: (
            isinstance(app.screen, LogActivityScreen)
            and bool(app.screen.query("#minutes"))
            and bool(app.screen.query("#recurring"))
        ),
    )
    assert isinstance(app.screen, LogActivityScreen)
    return app.screen


async def test_t_twice_logs_the_timed_minutes(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        assert "Timer" not in title(app)
        await pilot.press("t")
        await settle(pilot, lambda: app.timer is not None)
        assert app.timer is not None and app.timer.account_id == FIRST
        assert "Timer 0:00 · カブシキガイシャ・ミライ" in title(app)
        assert "Timer started for カブシキガイシャ・ミライ — press t again" in notes(app)
        clock.at += timedelta(minutes=25, seconds=3)
        await settle(pilot, lambda: "25:03" in title(app))  # the bar ticks by itself
        assert "Timer 25:03 · カブシキガイシャ・ミライ" in title(app)
        await pilot.press("t")
        form = await form_open(app, pilot)
        assert form.account_id == FIRST
        assert form.query_one("#minutes").value == "26"  # rounded up
        assert app.timer is None
        assert book_store.get_setting("timer") is None
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        assert "Timer" not in title(app)
    assert [a.minutes for a in activities_of(book_store, FIRST)] == [26, 30]
    assert book_store.get_setting("draft:activity") is None


async def test_timer_runs_on_across_a_restart(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        await pilot.press("down", "t")
        await settle(pilot, lambda: app.timer is not None)
    # the app is gone; an hour later it starts again on a new store over the same file
    clock.at += timedelta(hours=1)
    with open_store(book_store.path, clock=clock) as reopened:
        app = make_app(reopened)
        async with app.run_test(size=SIZE) as pilot:
            await book_ready(app, pilot)
            assert app.timer is not None and app.timer.account_id == SECOND
            await settle(pilot, lambda: "Timer 1:00:00 · Initech" in title(app))
            await pilot.press("t")
            form = await form_open(app, pilot)
            assert form.account_id == SECOND
            assert form.query_one("#minutes").value == "60"
            await pilot.press("enter")
            await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        assert [a.minutes for a in activities_of(reopened, SECOND)] == [60, 30]


async def test_timer_from_the_account_screen(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        app.open_account("acct00")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await pilot.press("t")
        await settle(pilot, lambda: app.timer is not None)
        assert app.timer is not None and app.timer.account_id == "acct00"
        assert "Timer 0:00 · Acme Analytics" in title(app)
        await pilot.press("escape")  # back on the book, the timer still shows
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        clock.at += timedelta(seconds=42)
        await settle(pilot, lambda: "Timer 0:42 · Acme Analytics" in title(app))


async def test_t_on_another_account_stops_the_old_timer_into_its_form(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    """No new timer starts by accident (after a restart the cursor is on the first row)."""
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        await pilot.press("t")
        await settle(pilot, lambda: app.timer is not None)
        clock.at += timedelta(minutes=10)
        await pilot.press("down", "t")
        form = await form_open(app, pilot)
        assert (form.account_id, form.query_one("#minutes").value) == (FIRST, "10")
        assert app.timer is None
        assert "Stopped the timer of カブシキガイシャ・ミライ" in notes(app)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        assert "Timer" not in title(app)
        await pilot.press("t")  # now on the second row, as the message said
        await settle(pilot, lambda: app.timer is not None)
        assert app.timer is not None and app.timer.account_id == SECOND
        assert "Timer 0:00 · Initech" in title(app)
    assert [a.minutes for a in activities_of(book_store, FIRST)] == [10, 30]


async def test_escape_on_the_timed_form_asks_and_a_kill_keeps_the_minutes(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        await pilot.press("t")
        await settle(pilot, lambda: app.timer is not None)
        clock.at += timedelta(minutes=44, seconds=10)
        await pilot.press("t")
        await form_open(app, pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # keep editing
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        # the app is killed here: the timer is gone, but its minutes are a draft
    assert book_store.get_setting("timer") is None
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        form = await form_open(app, pilot)
        assert (form.account_id, form.query_one("#minutes").value) == (FIRST, "45")
        await pilot.press("escape", "y")  # now discarded on purpose
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
    assert book_store.get_setting("draft:activity") is None
    assert len(activities_of(book_store, FIRST)) == 1


async def test_a_timer_left_running_over_a_day_is_capped_and_said_so(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        await pilot.press("t")
        await settle(pilot, lambda: app.timer is not None)
        clock.at += timedelta(hours=26, minutes=3)
        await settle(pilot, lambda: "Timer 26:03:00" in title(app))
        await pilot.press("t")
        form = await form_open(app, pilot)
        assert form.query_one("#minutes").value == "1440"
        assert "The timer ran 26:03:00, longer than one activity can take" in notes(app)
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"8h", "enter")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
    assert [a.minutes for a in activities_of(book_store, FIRST)] == [480, 30]


async def test_t_without_an_account_explains(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        await pilot.press("slash", *"zzzz", "enter")  # the filter matches nothing
        await settle(pilot, lambda: not app.screen.query_one(AccountTable).rows)
        await pilot.press("t")
        await settle(pilot, lambda: "Choose an account first" in notes(app))
        assert app.timer is None
        assert book_store.get_setting("timer") is None


async def test_t_inside_the_log_form_does_not_touch_the_timer(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        await pilot.press("l")
        form = await form_open(app, pilot)
        form.set_focus(form.query_one("#proactive"))  # a switch: `t` is not typed anywhere
        await pilot.press("t")
        await pilot.pause(0.1)
        assert app.timer is None
        assert app.screen is form
        assert book_store.get_setting("timer") is None


async def test_the_timed_account_was_deleted_meanwhile(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        await pilot.press("t")
        await settle(pilot, lambda: app.timer is not None)
        with book_store.transaction() as tx:
            tx.delete("accounts", FIRST)
        clock.at += timedelta(minutes=5)
        app.action_timer()  # the cursor's row is gone from the database, not yet from the table
        await settle(pilot, lambda: "no longer exists" in notes(app))
        assert not isinstance(app.screen, LogActivityScreen)
        assert app.timer is None
    assert book_store.get_setting("draft:activity") is None
