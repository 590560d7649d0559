"""Today's keys of issue 14, driven as a CSM would: z sets an account aside (listed under
Snoozed, z there brings it back), u undoes; the top `[today] limit` with "N more" and m; on a
task, e edits it, z snoozes it (`+3`, `next monday`, 来週の月曜), d deletes it; bad input is
explained in the form and changes nothing. And what it looks like at 80x24, in both languages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from conftest import ME, AppFactory, settle
from test_today_screen import INITECH, TODAY, YAMATO, ready, today_store  # noqa: F401
from textual.pilot import Pilot
from textual.widgets import Input, Select

from csm_tui.services import snoozes
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.snooze_form import AccountSnoozeForm, TaskSnoozeForm
from csm_tui.ui.screens.task_form import TaskFormScreen
from csm_tui.ui.screens.today import TodayScreen
from csm_tui.ui.screens.today_tables import PriorityTable, SnoozedTable, TaskTable

SIZE = (120, 34)


def _names(screen: TodayScreen) -> list[str]:
    return [row.name for row in screen.view.priorities] if screen.view else []


def _snoozed(screen: TodayScreen) -> list[str]:
    return [row.name for row in screen.view.snoozed] if screen.view else []


async def _snooze_first(pilot: Pilot[None], app: CsmApp, screen: TodayScreen, *keys: str) -> str:
    first = _names(screen)[0]
    await pilot.press("z")
    await settle(pilot, lambda: isinstance(app.screen, AccountSnoozeForm))
    form = app.screen
    form.query_one("#snooze-days", Input).value = ""
    await pilot.press(*keys)
    return first


async def test_z_sets_an_account_aside_and_u_brings_it_back(
    today_store: Store,  # noqa: F811
    make_app: AppFactory,
) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        first = await _snooze_first(pilot, app, screen, *"3", "tab", *"budget", "enter")
        await settle(pilot, lambda: first in _snoozed(screen))
        assert first not in _names(screen)
        line = screen.query_one(SnoozedTable).render_line(1).text
        back = (TODAY + timedelta(days=3)).isoformat()
        assert first in line and back in line and "budget" in line
        await pilot.press("u")
        await settle(pilot, lambda: first in _names(screen))
        assert not _snoozed(screen) and not screen.query_one(SnoozedTable).display
        # z on a snoozed account: back now, u sets it aside again
        await _snooze_first(pilot, app, screen, *"+5", "enter")
        await settle(pilot, lambda: first in _snoozed(screen))
        screen.set_focus(screen.query_one(SnoozedTable))
        await pilot.press("z")
        await settle(pilot, lambda: first in _names(screen))
        await pilot.press("u")
        await settle(pilot, lambda: first in _snoozed(screen))
        [row] = snoozes.snoozed(today_store, ME, TODAY)
        assert row.until == (TODAY + timedelta(days=5)).isoformat()


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("0", "one day or more"),
        ("someday", "A date like 2026-12-15"),
        ("", "How many days?"),
        ("400", "1 to 365 days"),
    ],
)
async def test_a_wrong_snooze_is_explained_and_changes_nothing(
    today_store: Store,  # noqa: F811
    make_app: AppFactory,
    typed: str,
    said: str,
) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await _snooze_first(pilot, app, screen, *typed, "enter")
        await pilot.pause()
        if isinstance(app.screen, AccountSnoozeForm):  # refused in the form
            assert said in str(app.screen.query_one("#snooze-days-error").render())
            await pilot.press("escape")
        else:  # refused by the service: a notice
            await settle(pilot, lambda: any(said in n.message for n in app._notifications))
        assert not snoozes.snoozed(today_store, ME, TODAY)
        assert isinstance(app.screen, TodayScreen)


async def test_the_top_n_and_m_for_the_rest(
    today_store: Store,  # noqa: F811
    make_app: AppFactory,
) -> None:
    app = make_app(today_store, landing="today")
    app.config.raw = {"today": {"limit": 2}}
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        total = len(_names(screen))
        assert total > 2
        table = screen.query_one(PriorityTable)
        assert len(table.rows) == 2
        more = str(screen.query_one("#today-more").render())
        assert f"… and {total - 2} more: m shows them all" in more
        await pilot.press("m")
        await settle(pilot, lambda: len(table.rows) == total)
        assert "m shows the top 2 only" in str(screen.query_one("#today-more").render())
        await pilot.press("m")
        await settle(pilot, lambda: len(table.rows) == 2)


async def _task_on(pilot: Pilot[None], screen: TodayScreen, title: str) -> None:
    tasks = screen.query_one(TaskTable)
    screen.set_focus(tasks)
    assert screen.view is not None
    tasks.move_to(next(i for i, t in enumerate(screen.view.tasks) if t.title == title))
    await pilot.pause()


def _task(store: Store, title: str) -> tuple[str, str | None, str | None] | None:
    row = store.query_one(
        "SELECT id, due_date, checklist_item_id FROM tasks WHERE title = ?", (title,)
    )
    return None if row is None else (row[0], row[1], row[2])


async def test_e_edits_a_task(
    today_store: Store,  # noqa: F811
    make_app: AppFactory,
) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await _task_on(pilot, screen, "Send the renewal quote")
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, TaskFormScreen))
        form = app.screen
        assert form.query_one("#task-title", Input).value == "Send the renewal quote"
        form.query_one("#task-due", Input).value = "someday"
        await pilot.press("enter")
        assert "A date like 2026-12-15" in str(form.query_one("#task-due-error").render())
        form.query_one("#task-title", Input).value = "Send the signed quote"
        form.query_one("#task-due", Input).value = "+3"
        items = form.query_one("#task-item", Select)
        item = next(value for _label, value in items._options if value)
        items.value = item
        form.query_one("#task-title", Input).focus()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen))
        found = _task(today_store, "Send the signed quote")
        assert found is not None and found[1:] == ("2026-11-30", item)


def _due(store: Store) -> str | None:
    found = _task(store, "Send the renewal quote")
    return None if found is None else found[1]


@pytest.mark.parametrize(
    ("typed", "due"),
    [("+3", date(2026, 11, 30)), ("next monday", date(2026, 11, 30)), ("来週の月曜", None)],
)
async def test_z_snoozes_a_task_and_u_puts_it_back(
    today_store: Store,  # noqa: F811
    make_app: AppFactory,
    typed: str,
    due: date | None,
) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await _task_on(pilot, screen, "Send the renewal quote")
        await pilot.press("z")
        await settle(pilot, lambda: isinstance(app.screen, TaskSnoozeForm))
        await pilot.press(*"yesterday", "enter")  # not a later day: said, kept open
        assert "later day" in str(app.screen.query_one("#task-snooze-when-error").render())
        app.screen.query_one("#task-snooze-when", Input).value = typed
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen))
        before = (TODAY - timedelta(days=1)).isoformat()
        await settle(
            pilot, lambda: (_task(today_store, "Send the renewal quote") or "")[1] != before
        )
        moved = _task(today_store, "Send the renewal quote")
        assert moved is not None and moved[1] is not None and moved[1] > TODAY.isoformat()
        if due is not None:
            assert moved[1] == due.isoformat()
        await pilot.press("u")
        await settle(
            pilot, lambda: (_task(today_store, "Send the renewal quote") or "")[1] == before
        )


async def test_d_deletes_a_task_and_u_brings_it_back(
    today_store: Store,  # noqa: F811
    make_app: AppFactory,
) -> None:
    app = make_app(today_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        screen = await ready(pilot, app)
        await _task_on(pilot, screen, "Send the renewal quote")
        kept = _task(today_store, "Send the renewal quote")
        await pilot.press("d")
        await settle(pilot, lambda: _task(today_store, "Send the renewal quote") is None)
        await pilot.press("u")
        await settle(pilot, lambda: _task(today_store, "Send the renewal quote") is not None)
        assert _task(today_store, "Send the renewal quote") == kept


@pytest.mark.parametrize("language", ["en", "ja"])
def test_today_snoozed_and_more_snapshot(
    snap_compare: Callable[..., bool],
    today_store: Store,  # noqa: F811
    make_app: AppFactory,
    language: str,
) -> None:
    snoozes.snooze(today_store, ME, INITECH, 5, "waiting for their budget")
    app = make_app(today_store, language=language, landing="today")
    app.config.raw = {"today": {"limit": 2}}

    async def loaded(pilot: Pilot[None]) -> None:
        await ready(pilot, app)

    assert snap_compare(app, run_before=loaded, terminal_size=(80, 24))
