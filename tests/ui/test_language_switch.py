"""F2 switches every word on the screen at once, without Ctrl+R (issue 13, defect 3): what the
screens computed from the data (a playbook rule's name, a roadmap item's title), and Textual's
own words (the palette's system commands and placeholder, the key bar's `^p palette`)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from conftest import AppFactory, settle
from rich.console import Console
from textual.command import CommandInput, CommandPalette
from textual.widgets import Static

from csm_tui.i18n import set_language
from csm_tui.services.playbook_rules import built_in_rules
from csm_tui.services.playbooks import run_playbooks
from csm_tui.services.roadmap_templates import built_in_templates
from csm_tui.store.connection import Store
from csm_tui.ui.screens.today import TaskTable, TodayScreen
from csm_tui.ui.screens.week import WeekScreen
from csm_tui.ui.textual_ext.key_bar import KeyBar

SIZE = (160, 40)


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    yield
    set_language("en")


def text(widget: Static) -> str:
    console = Console(width=200, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()


async def test_f2_on_today_switches_the_created_by_column(
    book_store: Store, make_app: AppFactory
) -> None:
    rules = built_in_rules()
    run_playbooks(book_store, book_store.clock, rules=rules)
    app = make_app(book_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen) and app.screen.loaded)
        screen = app.screen
        assert isinstance(screen, TodayScreen) and screen.view is not None
        task = next(task for task in screen.view.tasks if task.source == "playbook")
        rule = next(rule for rule in rules if rule.id == task.rule_id)
        index = screen.view.tasks.index(task) + 1  # line 0 is the header

        def created_by() -> str:  # the column is narrow: the start of the name
            return screen.query_one(TaskTable).render_line(index).text

        assert rule.name("en")[:15] in created_by()
        await pilot.press("f2")
        await settle(pilot, lambda: rule.name("ja")[:8] in created_by())
        assert rule.name("ja")[:8] in created_by()
        assert screen.view.rule_names[rule.id] == rule.name("ja")


async def test_f2_on_the_week_view_switches_the_ticked_items(
    book_store: Store, make_app: AppFactory
) -> None:
    titles = {
        item.title_en: item.title_ja
        for template in built_in_templates().values()
        for item in template.items
    }
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("W")
        await settle(pilot, lambda: isinstance(app.screen, WeekScreen) and app.screen.loaded)
        screen = app.screen
        assert isinstance(screen, WeekScreen) and screen.report is not None
        english = screen.report.items_done[0].title
        japanese = titles[english]
        assert english in text(screen.query_one("#week-items", Static))
        await pilot.press("f2")
        await settle(pilot, lambda: japanese in text(screen.query_one("#week-items", Static)))
        assert english not in text(screen.query_one("#week-items", Static))


async def test_f2_switches_the_palette_and_its_key(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: app.session.book.loaded)
        assert "palette" in str(app.screen.query_one(KeyBar).render())
        await pilot.press("f2")
        await pilot.pause()
        key_bar = str(app.screen.query_one(KeyBar).render())
        assert "palette" not in key_bar and "パレット" in key_bar
        await pilot.press("ctrl+p")
        await settle(pilot, lambda: isinstance(app.screen, CommandPalette))
        palette = app.screen
        assert palette.query_one(CommandInput).placeholder == "コマンドを検索…"
        titles = [str(title) for title, *_rest in app.get_system_commands(palette)]
        assert "テーマ" in titles and "Theme" not in titles
