"""The Today screen's three tables, and their lines made only when drawn (thousands of accounts
and tasks may be loaded; a line is put into words when it scrolls into view)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, overload

from textual.binding import Binding

from csm_tui.i18n import N_, _, ngettext
from csm_tui.ui.textual_ext.line_table import Cell, LineColumn, LineTable

if TYPE_CHECKING:
    from datetime import date

    from csm_tui.services.today import CoverageRow, PriorityRow, SnoozeRow, TodayView
    from csm_tui.ui.screens.today import TodayScreen


class TodayTable(LineTable):
    """A Today table: Enter opens the line's account."""

    BINDINGS = [Binding("enter", "open", N_("Open"), id="today.open")]

    def action_open(self) -> None:
        today = self.today
        if today is not None:
            today.open_line(self)

    @property
    def today(self) -> TodayScreen | None:
        """The Today screen this table is on (imported here: today.py imports this module)."""
        from csm_tui.ui.screens.today import TodayScreen

        screen = self.screen
        return screen if isinstance(screen, TodayScreen) else None


class PriorityTable(TodayTable):
    """My accounts, highest score first; z sets the one under the cursor aside."""

    BINDINGS = [Binding("z", "snooze", N_("Snooze"), id="today.snooze")]

    def action_snooze(self) -> None:
        today = self.today
        if today is not None:
            today.edits.snooze_account()


class TaskTable(TodayTable):
    """My open tasks; space marks one done, l logs the work and marks it done."""

    BINDINGS = [
        Binding("space", "done", N_("Done"), id="today.done"),
        Binding("l", "log_done", N_("Log and done"), id="today.log_done"),
        Binding("e", "edit", N_("Edit"), id="today.task_edit"),
        Binding("z", "snooze", N_("Snooze"), id="today.task_snooze"),
        Binding("d", "delete", N_("Delete"), id="today.task_delete"),
    ]

    def action_edit(self) -> None:
        today = self.today
        if today is not None:
            today.edits.edit_task()

    def action_snooze(self) -> None:
        today = self.today
        if today is not None:
            today.edits.snooze_task()

    def action_delete(self) -> None:
        today = self.today
        if today is not None:
            today.edits.delete_task()

    def action_done(self) -> None:
        today = self.today
        if today is not None:
            today.edits.complete()

    def action_log_done(self) -> None:
        today = self.today
        if today is not None:
            today.edits.log_and_complete()


class CoverageTable(TodayTable):
    """The accounts I cover this week with unread handoff notes."""


class SnoozedTable(TodayTable):
    """The accounts I set aside, the soonest back first; z brings one back now."""

    BINDINGS = [Binding("z", "unsnooze", N_("Back now"), id="today.unsnooze")]

    def action_unsnooze(self) -> None:
        today = self.today
        if today is not None:
            today.edits.unsnooze_account()


class LazyLines(Sequence[Sequence[Cell]]):
    """Rows as table lines, made only when a line is drawn (thousands may be loaded)."""

    def line(self, index: int) -> Sequence[Cell]:
        raise NotImplementedError

    @overload
    def __getitem__(self, index: int) -> Sequence[Cell]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Sequence[Cell]]: ...

    def __getitem__(self, index: int | slice) -> Sequence[Cell] | Sequence[Sequence[Cell]]:
        if isinstance(index, slice):
            return [self.line(i) for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self.line(index % len(self))


class PriorityLines(LazyLines):
    """My accounts as table lines, the reasons put into words when drawn."""

    def __init__(self, rows: list[PriorityRow]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def line(self, index: int) -> Sequence[Cell]:
        from csm_tui.services.today import reason_text

        row = self.rows[index]
        tone = "bad" if row.score >= 50 else "warning" if row.score >= 30 else ""
        return (
            (str(index + 1), "dim"),
            (row.name, ""),
            (f"{row.score:.0f}", tone),
            (reason_text(row), ""),
        )


class TaskLines(LazyLines):
    """My open tasks as table lines, made when drawn."""

    def __init__(self, view: TodayView) -> None:
        self.view = view

    def __len__(self) -> int:
        return len(self.view.tasks)

    def line(self, index: int) -> Sequence[Cell]:
        from csm_tui.services.tasks import task_title

        task = self.view.tasks[index]
        if task.source == "playbook":
            source: Cell = (self.view.rule_names.get(task.rule_id, task.rule_id), "dim")
        else:
            source = (_("by hand"), "dim")
        title = ("⏰ " if task.remind_on else "") + task_title(task)
        due = due_cell(task.due_date, self.view.today)
        return (due, (task.account_name, ""), (title, ""), source)


def due_cell(due: str | None, today: date) -> Cell:
    """`2026-11-20 (7 days late)`, `2026-11-27 (today)`, or the date."""
    from datetime import date as Date

    if due is None:
        return (_("no date"), "dim")
    days = (Date.fromisoformat(due) - today).days
    if days < 0:
        late = ngettext("{n} day late", "{n} days late", -days).format(n=-days)
        return (f"{due} ({late})", "bad")
    if days == 0:
        return (f"{due} ({_('today')})", "warning")
    return (due, "")


# -- columns and the lines that are few -------------------------------------------------------


def priority_columns() -> list[LineColumn]:
    return [
        LineColumn("#", 4, right=True, min_width=2),
        LineColumn(_("Account"), 30),
        LineColumn(_("Score"), 6, right=True, min_width=6),
        LineColumn(_("Why"), 0, min_width=30),
    ]


def task_columns() -> list[LineColumn]:
    """Narrow, "Created by" gives way and the account's name is shortened; the due date (with
    how late it is) and the task stay."""
    return [
        LineColumn(_("Due"), 25),
        LineColumn(_("Account"), 0, min_width=18, max_width=24),
        LineColumn(_("Task"), 0, min_width=30),
        LineColumn(_("Created by"), 20, give_way=1),
    ]


def coverage_columns() -> list[LineColumn]:
    """Narrow, the owner gives way: the section is about the unread notes, which stay."""
    return [
        LineColumn(_("Account"), 0, min_width=20, max_width=30),
        LineColumn(_("Coverage"), 26),
        LineColumn(_("Owner"), 22, give_way=1),
        LineColumn(_("Unread notes"), 0, min_width=14),
    ]


def coverage_lines(rows: list[CoverageRow]) -> list[tuple[Cell, ...]]:
    lines: list[tuple[Cell, ...]] = []
    for row in rows:
        if row.coverage_to:
            period = _("until {day}").format(day=row.coverage_to)
        else:
            period = _("from {day}").format(day=row.coverage_from)
        unread = ngettext("{n} unread note", "{n} unread notes", row.unread).format(n=row.unread)
        lines.append(
            ((row.name, ""), (period, ""), (row.primary_name or "", "dim"), (unread, "warning"))
        )
    return lines


def snoozed_columns() -> list[LineColumn]:
    """Narrow, the reason gives way to the account and the day it comes back."""
    return [
        LineColumn(_("Account"), 0, min_width=20, max_width=30),
        LineColumn(_("Back on"), 12),
        LineColumn(_("Reason"), 0, min_width=20, give_way=1),
    ]


def snoozed_lines(rows: list[SnoozeRow]) -> list[tuple[Cell, ...]]:
    return [((row.name, ""), (row.until, "dim"), (row.reason, "")) for row in rows]


def more_line(hidden: int, limit: int) -> str:
    """Under the ranked list: how many more there are, and the key that shows them."""
    if hidden > 0:
        return ngettext(
            "… and {n} more: m shows them all", "… and {n} more: m shows them all", hidden
        ).format(n=hidden)
    return _("m shows the top {n} only").format(n=limit)


def summary(view: TodayView) -> str:
    """The line above the lists: the day, how many accounts need attention, tasks, coverage."""
    parts = [view.today.strftime("%Y-%m-%d")]
    if view.mine:
        parts.append(
            ngettext(
                "{n} of my {total} accounts needs attention",
                "{n} of my {total} accounts need attention",
                len(view.priorities),
            ).format(n=len(view.priorities), total=view.mine)
        )
    tasks = ngettext("{n} open task", "{n} open tasks", len(view.tasks)).format(n=len(view.tasks))
    if view.overdue_tasks:
        tasks += " " + _("({n} overdue)").format(n=view.overdue_tasks)
    parts.append(tasks)
    if view.coverage:
        n = len(view.coverage)
        parts.append(
            ngettext(
                "{n} covered account with unread notes",
                "{n} covered accounts with unread notes",
                n,
            ).format(n=n)
        )
    return " · ".join(parts)
