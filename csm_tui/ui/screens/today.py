"""Today, the landing screen: my accounts ranked by what needs attention (with the reasons in
words), my open tasks by due date (overdue first), and the accounts I cover this week with
unread handoff notes. Enter on any line opens the account at the tab that line is about.

The page (one query for the facts of my accounts, ranked in one pass, one for my tasks, one for
coverage) is computed as the screen mounts, so its first frame shows it (when the app starts,
right after a first frame with the headings); after a change it is computed again in a worker.
Lines are put into words only when they scroll into view (see today_tables.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Static

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.ui.screens.base import DataScreen
from csm_tui.ui.screens.today_edits import TodayEdits
from csm_tui.ui.screens.today_first import remember, show_remembered
from csm_tui.ui.screens.today_tables import (
    CoverageTable,
    PriorityLines,
    PriorityTable,
    SnoozedTable,
    TaskLines,
    TaskTable,
    TodayTable,
    coverage_columns,
    coverage_lines,
    more_line,
    priority_columns,
    snoozed_columns,
    snoozed_lines,
    summary,
    task_columns,
)
from csm_tui.ui.textual_ext.key_bar import KeyBar
from csm_tui.ui.textual_ext.title_bar import TitleBar

if TYPE_CHECKING:
    from csm_tui.services.session import Session
    from csm_tui.services.today import CoverageRow, PriorityRow, SnoozeRow, TaskRow, TodayView

_Row = TypeVar("_Row")
MAX_COVERAGE_LINES = 5
MAX_SNOOZED_LINES = 3  # more scroll: the ranked list keeps the room


class TodayScreen(DataScreen):
    """The base screen: Escape elsewhere comes back here; `b` opens the book."""

    UPDATES_ITSELF = True  # its own changes (today_edits.py) and u (undo) reload the page

    BINDINGS = [
        Binding("l", "log", N_("Log work"), id="today.log"),
        Binding("b", "app.book", N_("Book"), id="today.book"),
        Binding("n", "new_task", N_("New task"), id="today.new_task"),
        Binding("u", "undo", N_("Undo the last change"), show=False, id="today.undo"),
        Binding("m", "more", N_("More"), show=False, id="today.more"),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="today.reload"),
    ]

    DEFAULT_CSS = """
    TodayScreen #today-summary { height: auto; padding: 0 1; background: $surface; }
    TodayScreen #today-meetings { height: auto; padding: 0 1; color: $accent; }
    TodayScreen #today-more { height: 1; padding: 0 1; color: $foreground-muted; }
    TodayScreen .today-heading {
        height: 1; padding: 0 1; text-style: bold; color: $accent; margin-top: 1;
    }
    TodayScreen PriorityTable, TodayScreen TaskTable { height: 1fr; }
    """

    class Loaded(Message):
        """The page was shown for the first time (the app runs the playbooks after it)."""

    def __init__(
        self, session: Session, weights: dict[str, float], *, frame_first: bool = False
    ) -> None:
        """`frame_first`: draw a frame with the headings, and compute the page when the app
        says its first frame is out (`first_load`): at start-up the terminal shows something at
        once. Else the page is computed as the screen mounts, and its first frame has it all."""
        super().__init__()
        self.session = session
        self.weights = weights
        self.frame_first = frame_first
        self.view: TodayView | None = None
        self.edits = TodayEdits(self)  # what the keys change, and undo
        self.limit = 10  # the top this many accounts; `[today] limit` (read on mount)
        self.show_all = False  # m: every account that needs attention

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(_("Loading…"), id="today-summary")
        yield Static("", id="today-meetings")  # issue 15: shown when meetings wait to be logged
        yield Static(_("Priorities"), id="priorities-heading", classes="today-heading")
        yield PriorityTable(priority_columns(), id="priorities")
        yield Static("", id="today-more")
        yield Static(_("My tasks"), id="tasks-heading", classes="today-heading")
        yield TaskTable(task_columns(), id="tasks")
        yield Static(
            _("Covering this week: unread handoff notes"),
            id="coverage-heading",
            classes="today-heading",
        )
        yield CoverageTable(coverage_columns(), id="coverage")
        yield Static(_("Snoozed"), id="snoozed-heading", classes="today-heading")
        yield SnoozedTable(snoozed_columns(), id="snoozed")
        yield KeyBar()

    def on_mount(self) -> None:
        from csm_tui.services.today import today_limit

        self.sub_title = _("Today")
        self.limit = today_limit(self.app.config.raw)[0]  # the app warns of a wrong value
        hidden = ("#coverage-heading", "#coverage", "#today-meetings", "#today-more")
        for widget in (*hidden, "#snoozed-heading", "#snoozed"):
            self.query_one(widget).display = False
        self.set_focus(self.query_one(PriorityTable))
        if not self.frame_first:
            self.first_load()
        else:  # rows in the first frame: those of the last session, until first_load
            show_remembered(self)

    def first_load(self) -> None:
        """The page, computed on the UI thread: before the first layout, or (`frame_first`)
        when the app calls this after its first frame, before any other work of the start.

        Not in a worker: while a screen is new, the UI thread is busy laying it out and styling
        it, and a worker competing with it took twice as long to show the page (bench/today.py).
        Reloads go to a worker: by then the UI thread has nothing else to do.
        """
        if self.view is not None:
            return
        try:
            view = self.session.today(self.weights)
        except CsmError as exc:
            self.notify(str(exc), severity="error", timeout=10)
            return
        self.show(view)
        self.post_message(self.Loaded())

    # -- data ----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Compute the page again (after an import, a logged activity, a ticked item…)."""
        self._load()

    def refresh_data(self) -> None:
        if self.loaded:  # else its first page is on its way (first_load)
            self.reload()

    @work(thread=True, exclusive=True, group="today-load", exit_on_error=False)
    def _load(self) -> None:
        view = self.session.today(self.weights)
        self.app.call_from_thread(self.show, view)

    @property
    def loaded(self) -> bool:
        return self.view is not None

    def show(self, view: TodayView) -> None:
        """Draw the page; the lines under the cursors stay where they were if still there."""
        if not self.is_attached:
            return
        keep = {table.id: self._current_key(table) for table in self.query(TodayTable)}
        self.view = view
        self._fill_priorities(keep.get("priorities"))
        self._fill_tasks(keep.get("tasks"))
        self._fill_coverage(keep.get("coverage"))
        self._fill_snoozed(keep.get("snoozed"))
        self._show_summary()
        self._count_meetings()
        self.call_after_refresh(remember, self)  # the next start's first rows (issue 17)

    @work(thread=True, exclusive=True, group="today-meetings", exit_on_error=False)
    def _count_meetings(self) -> None:
        """The line "Meetings to log (N)" under the summary, when the calendar has any."""
        waiting = self.session.calendar.count(refresh=True)  # reads stale calendars first
        self.app.call_from_thread(self._show_meetings, waiting)

    def _show_meetings(self, waiting: int) -> None:
        if not self.is_attached:
            return
        line = self.query_one("#today-meetings", Static)
        line.update(_("Meetings to log ({n}): press M").format(n=waiting) if waiting else "")
        line.display = waiting > 0

    def _current_key(self, table: TodayTable) -> str | None:
        """The id of the line under the table's cursor (its account's, for coverage lines)."""
        if isinstance(table, PriorityTable):
            priority = self.current_priority()
            return priority.id if priority else None
        if isinstance(table, TaskTable):
            task = self.current_task()
            return task.id if task else None
        if isinstance(table, SnoozedTable):
            snoozed = self.current_snoozed()
            return snoozed.account_id if snoozed else None
        coverage = self.current_coverage()
        return coverage.account_id if coverage else None

    @staticmethod
    def _index(ids: list[str], key: str | None) -> int:
        return ids.index(key) if key in ids else 0

    def _fill_priorities(self, keep: str | None) -> None:
        assert self.view is not None
        table = self.query_one(PriorityTable)
        if self.view.me is None:
            table.empty_message = _("Tell csm-tui who you are to see your accounts here.")
        elif not self.view.mine:
            table.empty_message = _(
                "None of the accounts is yours yet. b opens the book; csm-tui import accounts "
                "FILE.csv brings yours in (or try csm-tui demo)."
            )
        else:
            table.empty_message = _("Nothing pressing on your accounts today.")
        rows = self.shown_priorities()
        hidden = len(self.view.priorities) - len(rows)
        more = self.query_one("#today-more", Static)
        more.display = hidden > 0 or (self.show_all and 0 < self.limit < len(rows))
        more.update(more_line(hidden, self.limit))
        # the tables share what they need; empty, room for a hint of up to three lines
        table.styles.max_height = (len(rows) if rows else 4) + 1
        table.set_rows(
            PriorityLines(rows),
            columns=priority_columns(),
            cursor=self._index([row.id for row in rows], keep),
        )

    def _fill_tasks(self, keep: str | None) -> None:
        assert self.view is not None
        view = self.view
        table = self.query_one(TaskTable)
        table.empty_message = _("No open tasks. n adds one for the account under the cursor.")
        table.styles.max_height = max(len(view.tasks), 2) + 1
        table.set_rows(
            TaskLines(view),
            columns=task_columns(),
            cursor=self._index([task.id for task in view.tasks], keep),
        )

    def _fill_coverage(self, keep: str | None) -> None:
        assert self.view is not None
        rows = self.view.coverage
        for widget in ("#coverage-heading", "#coverage"):
            self.query_one(widget).display = bool(rows)
        lines = coverage_lines(rows)
        table = self.query_one(CoverageTable)
        table.styles.height = min(len(lines), MAX_COVERAGE_LINES) + 1
        table.set_rows(
            lines,
            columns=coverage_columns(),
            cursor=self._index([row.account_id for row in rows], keep),
        )

    def _fill_snoozed(self, keep: str | None) -> None:
        assert self.view is not None
        rows = self.view.snoozed
        for widget in ("#snoozed-heading", "#snoozed"):
            self.query_one(widget).display = bool(rows)
        table = self.query_one(SnoozedTable)
        table.styles.height = min(len(rows), MAX_SNOOZED_LINES) + 1
        table.set_rows(
            snoozed_lines(rows),
            columns=snoozed_columns(),
            cursor=self._index([row.account_id for row in rows], keep),
        )

    def shown_priorities(self) -> list[PriorityRow]:
        """The ranked accounts on screen: the top `limit`, or all of them after m."""
        rows = self.view.priorities if self.view else []
        return rows if self.show_all or self.limit == 0 else rows[: self.limit]

    def action_more(self) -> None:
        """m: every account that needs attention, or the top `limit` again."""
        self.show_all = not self.show_all
        if self.view is not None:
            self.show(self.view)

    def _show_summary(self) -> None:
        assert self.view is not None
        self.query_one("#today-summary", Static).update(summary(self.view))

    # -- the line under the cursor -------------------------------------------------------------

    def _focused_table(self) -> TodayTable:
        focused = self.focused
        return focused if isinstance(focused, TodayTable) else self.query_one(PriorityTable)

    @staticmethod
    def _at(rows: Sequence[_Row], table: TodayTable) -> _Row | None:
        return rows[table.cursor] if 0 <= table.cursor < len(rows) else None

    def current_priority(self) -> PriorityRow | None:
        return self._at(self.shown_priorities(), self.query_one(PriorityTable))

    def current_task(self) -> TaskRow | None:
        rows = self.view.tasks if self.view else []
        return self._at(rows, self.query_one(TaskTable))

    def current_coverage(self) -> CoverageRow | None:
        rows = self.view.coverage if self.view else []
        return self._at(rows, self.query_one(CoverageTable))

    def current_snoozed(self) -> SnoozeRow | None:
        rows = self.view.snoozed if self.view else []
        return self._at(rows, self.query_one(SnoozedTable))

    def current_account(self) -> tuple[str, str] | None:
        """(id, name) of the account of the line under the cursor in the focused table."""
        table = self._focused_table()
        if isinstance(table, TaskTable):
            task = self.current_task()
            return (task.account_id, task.account_name) if task else None
        if isinstance(table, CoverageTable):
            coverage = self.current_coverage()
            return (coverage.account_id, coverage.name) if coverage else None
        if isinstance(table, SnoozedTable):
            snoozed = self.current_snoozed()
            return (snoozed.account_id, snoozed.name) if snoozed else None
        priority = self.current_priority()
        return (priority.id, priority.name) if priority else None

    def current_account_id(self) -> str | None:
        """What the app's timer key and log form use as "the account I am on"."""
        current = self.current_account()
        return current[0] if current else None

    def open_line(self, table: TodayTable) -> None:
        """Enter: the account, at the tab the line is about."""
        from csm_tui.services.today import best_tab

        target: tuple[str, str, str | None] | None = None
        if isinstance(table, PriorityTable):
            priority = self.current_priority()
            target = (priority.id, best_tab(priority), None) if priority else None
        elif isinstance(table, TaskTable):
            task = self.current_task()
            if task is not None:
                item = task.checklist_item_id
                target = (task.account_id, "roadmap" if item else "overview", item)
        elif isinstance(table, SnoozedTable):
            snoozed = self.current_snoozed()
            target = (snoozed.account_id, "overview", None) if snoozed else None
        else:
            coverage = self.current_coverage()
            target = (coverage.account_id, "handoff", None) if coverage else None
        if target is not None:
            self.app.open_account(target[0], tab=target[1], item_id=target[2])

    # -- actions -------------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def action_log(self) -> None:
        current = self.current_account()  # none: the picker
        self.app.call_later(self.app.log_work, current[0] if current else None)

    def action_undo(self) -> None:
        self.edits.undo()

    def action_new_task(self) -> None:
        """A task of my own for the account under the cursor (or one picked first)."""
        from csm_tui.ui.screens.task_form import TaskFormScreen

        current = self.current_account()

        # the new task comes back through the change signal
        if current is not None:
            self.app.push_screen(TaskFormScreen(self.session, *current))
            return
        from csm_tui.ui.screens.account_picker import AccountPickerScreen

        def chosen(picked: str | None) -> None:
            if picked:
                name = self.session.overview(picked).account.name
                self.app.push_screen(TaskFormScreen(self.session, picked, name))

        self.app.push_screen(
            AccountPickerScreen(self.session, _("A task for which account?")), chosen
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.sub_title = _("Today")
        self.query_one("#priorities-heading", Static).update(_("Priorities"))
        self.query_one("#tasks-heading", Static).update(_("My tasks"))
        self.query_one("#coverage-heading", Static).update(
            _("Covering this week: unread handoff notes")
        )
        self.query_one("#snoozed-heading", Static).update(_("Snoozed"))
        if self.view is not None:
            self.show(self.view)
