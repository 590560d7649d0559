"""The Today screen, driven with keys as a CSM would each morning; and what it looks like."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import COLLEAGUE, ME, NOW, AppFactory, settle
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from csm_tui.i18n import current_language
from csm_tui.services import tasks as ts
from csm_tui.services.playbook_rules import built_in_rules
from csm_tui.services.playbooks import run_playbooks
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.book import BookScreen
from csm_tui.ui.screens.log_activity import LogActivityScreen
from csm_tui.ui.screens.task_form import TaskFormScreen
from csm_tui.ui.screens.today import CoverageTable, PriorityTable, TaskTable, TodayScreen

SIZE = (120, 34)
TODAY = NOW.date()
YAMATO = "acct03"  # I cover it now; renewal in 40 days, health down 16
INITECH = "acct04"


@pytest.fixture
def today_store(book_store: Store) -> Store:
    """The small book with the playbooks already run (so the app's own run adds nothing), a
    task of my own due yesterday, and an unread handoff note on an account I cover."""
    run_playbooks(book_store, book_store.clock, rules=built_in_rules())
    ts.add_task(book_store, INITECH, "Send the renewal quote", due_date=TODAY - timedelta(days=1))
    with book_store.transaction() as tx:
        tx.insert(
            "handoff_notes",
            {
                "id": "note-v1",
                "note_id": "note",
                "version": 1,
                "account_id": YAMATO,
                "author_email": COLLEAGUE,
                "situation": "更新交渉中",
                "created_at": tx.now,
            },
        )
    return book_store


def today(app: CsmApp) -> TodayScreen:
    screen = app.screen
    assert isinstance(screen, TodayScreen)
    return screen


async def ready(pilot: Pilot[None], app: CsmApp) -> TodayScreen:
    """Today is up with its data, and the background work of the start is done."""
    await settle(pilot, lambda: isinstance(app.screen, TodayScreen) and app.screen.loaded)
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    return today(app)


async def test_today_is_where_the_app_opens(today_store: Store, make_app: AppFactory) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        view = screen.view
        assert view is not None
        names = [row.name for row in view.priorities]
        assert names[0] == "ヤマト食品ホールディングス"
        assert "Acme Analytics" not in names  # nothing pressing there
        line = screen.query_one(PriorityTable).render_line(1).text
        assert "renewal in 40 days · health -16 in 30 days · 4 overdue checklist items" in line
        first_task = view.tasks[0]
        assert (first_task.title, first_task.account_name) == ("Send the renewal quote", "Initech")
        assert "(1 day late)" in screen.query_one(TaskTable).render_line(1).text
        assert [row.name for row in view.coverage] == ["ヤマト食品ホールディングス"]
        summary = str(screen.query_one("#today-summary").render())
        assert "6 of my 7 accounts need attention" in summary
        assert "1 covered account with unread notes" in summary


async def test_enter_opens_the_account_at_the_right_tab(
    today_store: Store, make_app: AppFactory
) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("enter")  # ヤマト食品 has overdue checklist items: the roadmap
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        account = app.screen
        assert isinstance(account, AccountScreen) and account.account_id == YAMATO
        await settle(pilot, lambda: account.query_one("TabbedContent").active == "roadmap")
        await pilot.press("escape")
        screen = await ready(pilot, app)
        screen.set_focus(screen.query_one(CoverageTable))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await settle(pilot, lambda: app.screen.query_one("TabbedContent").active == "handoff")
        await pilot.press("escape")
        screen = await ready(pilot, app)
        tasks = screen.query_one(TaskTable)
        screen.set_focus(tasks)
        item_task = next(i for i, t in enumerate(screen.view.tasks) if t.checklist_item_id)  # type: ignore[union-attr]
        tasks.move_to(item_task)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await settle(pilot, lambda: app.screen.query_one("TabbedContent").active == "roadmap")


async def test_space_marks_a_task_done_and_u_brings_it_back(
    today_store: Store, make_app: AppFactory
) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        screen.set_focus(screen.query_one(TaskTable))
        task = screen.current_task()
        assert task is not None and task.title == "Send the renewal quote"
        count = len(screen.view.tasks)  # type: ignore[union-attr]
        await pilot.press("space")
        await settle(pilot, lambda: len(screen.view.tasks) == count - 1)  # type: ignore[union-attr]
        row = today_store.query_one("SELECT done, done_by FROM tasks WHERE id = ?", (task.id,))
        assert row is not None and tuple(row) == (1, ME)
        await pilot.press("u")
        await settle(pilot, lambda: len(screen.view.tasks) == count)  # type: ignore[union-attr]
        assert ts.TaskService(today_store, today_store.clock).get(task.id).done == 0
        await pilot.press("u")  # nothing left to bring back: said, not an error
        await pilot.pause()
        assert ts.TaskService(today_store, today_store.clock).get(task.id).done == 0


async def test_l_on_a_task_logs_the_work_and_marks_it_done(
    today_store: Store, make_app: AppFactory
) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        screen.set_focus(screen.query_one(TaskTable))
        task = screen.current_task()
        assert task is not None
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        form = app.screen
        assert form.query_one("#note", TextArea).text == "Send the renewal quote"
        assert form.query_one("#proactive").value is True
        await pilot.press("escape", "y")  # the note was filled in: it asks; discarded
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen))
        assert isinstance(app.screen, TodayScreen)
        assert ts.TaskService(today_store, today_store.clock).get(task.id).done == 0
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        await pilot.press(*"25", "enter")
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen))
        assert isinstance(app.screen, TodayScreen)
        await settle(
            pilot, lambda: ts.TaskService(today_store, today_store.clock).get(task.id).done == 1
        )
        logged = today_store.query_one(
            "SELECT minutes, note, proactive FROM activities WHERE account_id = ? "
            "ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (INITECH,),
        )
        assert logged is not None and tuple(logged) == (25, "Send the renewal quote", 1)


async def test_n_adds_a_task_and_a_bad_date_is_explained(
    today_store: Store, make_app: AppFactory
) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await pilot.press("n")  # for the account under the cursor: ヤマト食品
        await settle(pilot, lambda: isinstance(app.screen, TaskFormScreen))
        form = app.screen
        await pilot.press("enter")  # no title
        assert "Give the task a title." in str(form.query_one("#task-title-error").render())
        form.query_one("#task-title", Input).value = "議事録を送る"
        form.query_one("#task-due", Input).value = "someday"
        await pilot.press("enter")
        assert "A date like 2026-12-15" in str(form.query_one("#task-due-error").render())
        assert isinstance(app.screen, TaskFormScreen)
        form.query_one("#task-due", Input).value = "+3"
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen))
        await settle(pilot, lambda: any(t.title == "議事録を送る" for t in screen.view.tasks))  # type: ignore[union-attr]
        added = next(t for t in screen.view.tasks if t.title == "議事録を送る")  # type: ignore[union-attr]
        assert added.account_id == YAMATO and added.due_date == "2026-11-30"


async def test_b_opens_the_book_and_b_comes_back(today_store: Store, make_app: AppFactory) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("b")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        footer = app.screen.active_bindings
        assert footer["b"].binding.action == "today"
        await settle(pilot, lambda: type(app.screen.focused).__name__ == "AccountTable")
        await pilot.press("enter")  # an account from the book, then b: the book again
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await pilot.press("b")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        assert len(app.screen_stack) == 2  # the same book, not a second one
        await pilot.press("b")
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen))
        assert len(app.screen_stack) == 1


async def test_the_palette_goes_back_to_today(today_store: Store, make_app: AppFactory) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        app.open_account(INITECH, tab="activities")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await pilot.press("ctrl+p", *"Today")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen))


async def test_language_switch(today_store: Store, make_app: AppFactory) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await pilot.press("f2")
        assert current_language() == "ja"
        await settle(
            pilot, lambda: "更新まで40日" in screen.query_one(PriorityTable).render_line(1).text
        )
        assert str(screen.query_one("#priorities-heading").render()) == "優先順位"
        assert "1 日超過" in screen.query_one(TaskTable).render_line(1).text


async def test_first_start_asks_who_i_am_then_shows_today(
    empty_store: Store, make_app: AppFactory
) -> None:
    from csm_tui.ui.screens.me import MeScreen

    app = make_app(empty_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, MeScreen))
        await pilot.press(*"Aoi", "enter", *"aoi@example.com", "enter")
        screen = await ready(pilot, app)
        assert screen.view is not None and screen.view.me == "aoi@example.com"
        assert "b opens the book" in screen.query_one(PriorityTable).render_line(2).text


@pytest.mark.parametrize("language", ["en", "ja"])
def test_today_snapshot(
    snap_compare, today_store: Store, make_app: AppFactory, language: str
) -> None:
    app = make_app(today_store, language=language, landing="today")

    async def loaded(pilot: Pilot[None]) -> None:
        await ready(pilot, app)

    assert snap_compare(app, run_before=loaded, terminal_size=SIZE)
