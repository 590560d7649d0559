"""Week (`W`): the weekly review, the page a CSM brings to a one-to-one. `[` and `]` step through
weeks, `n` comes back to this one; Enter on an account opens it. The same page comes out of
`csm-tui report week` as Markdown.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static
from textual.worker import get_current_worker

from csm_tui.i18n import N_, _, ngettext
from csm_tui.models.book import RENEWAL_SOON_DAYS
from csm_tui.services.effort import local_today
from csm_tui.services.week_report import MOVE_POINTS, WeekReport, summary_line, type_label
from csm_tui.ui import format as fmt
from csm_tui.ui.screens.base import DataScreen
from csm_tui.ui.screens.effort import Section
from csm_tui.ui.textual_ext.key_bar import KeyBar
from csm_tui.ui.textual_ext.title_bar import TitleBar
from csm_tui.ui.widgets.effort_charts import BarChart, BarList, BarRow

if TYPE_CHECKING:
    from csm_tui.services.session import Session

NARROW = 100  # below this width the sections stack
SHOWN = 12  # lines of a list on screen; `csm-tui report week` lists them all
NAME_CELLS = 24  # an account name beside a title is cut here: the title needs the room


class WeekScreen(DataScreen):
    """Reached with `W` from anywhere; Escape goes back."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="week.back"),
        Binding("left_square_bracket", "shift(-1)", N_("Previous week"), id="week.previous"),
        Binding("right_square_bracket", "shift(1)", N_("Next week"), id="week.next"),
        Binding("n", "current", N_("This week"), id="week.current"),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="week.reload"),
    ]

    DEFAULT_CSS = """
    WeekScreen #week-bar { height: 1; padding: 0 1; background: $surface; }
    WeekScreen #week-summary { height: 1; padding: 0 1; }
    WeekScreen #week-body { height: 1fr; scrollbar-gutter: stable; }
    WeekScreen .row { height: auto; }
    WeekScreen .row > Section { width: 1fr; }
    WeekScreen.-narrow .row { layout: vertical; }
    """

    def __init__(self, session: Session, monday: date | None = None) -> None:
        super().__init__()
        self.session = session
        self.today = local_today(session.clock)
        self.monday = monday or self.today - timedelta(days=self.today.weekday())
        self.report: WeekReport | None = None
        self.loaded = False  # the report on screen is the one asked for (tests and the bench)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="week-bar")
        yield Static(id="week-summary")
        with VerticalScroll(id="week-body"):
            with Horizontal(classes="row"):
                yield Section(N_("By account"), BarList(id="week-accounts"))
                yield Section(N_("By type"), BarChart(id="week-types"))
            with Horizontal(classes="row"):
                yield Section(N_("Checklist items done"), Static(id="week-items"))
                yield Section(N_("Tasks"), Static(id="week-tasks"))
            with Horizontal(classes="row"):
                yield Section(N_("Health movers in 30 days"), Static(id="week-movers"))
                yield Section(N_("Renewals overdue or within 120 days"), Static(id="week-renewals"))
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("Week")
        self.set_class(0 < self.size.width < NARROW, "-narrow")
        self.load()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(0 < event.size.width < NARROW, "-narrow")

    # -- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        self.loaded = False
        self._show_bar()
        if self.report is None:
            self.query_one("#week-summary", Static).update(Text(_("Loading…"), style="italic"))
        self._load(self.monday, dict(self.app.config.raw))

    @work(thread=True, exclusive=True, group="week", exit_on_error=False)
    def _load(self, monday: date, settings: dict[str, object]) -> None:
        report = self.session.week(monday, settings)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, report)

    def _loaded(self, report: WeekReport) -> None:
        if report.start != self.monday or not self.is_attached:
            return  # an older answer: a newer question is on its way
        self.report = report
        self.show(report)
        self.loaded = True

    def refresh_data(self) -> None:
        """After a change (the change signal), a language switch (its lines hold words)."""
        self.today = local_today(self.session.clock)
        self.load()

    # -- showing -----------------------------------------------------------------------------

    def _show_bar(self) -> None:
        from csm_tui.services.week_report import week_label

        end = self.monday + timedelta(days=6)
        bar = Text(no_wrap=True, overflow="ellipsis")
        bar.append(" [ ◀  ", style="bold")
        title = _("Week {label} ({start} – {end})").format(
            label=week_label(self.monday), start=self.monday.isoformat(), end=end.isoformat()
        )
        bar.append(title, style="bold")
        if self.monday <= self.today <= end:
            bar.append(" · " + _("this week"), style="bold")
        bar.append("  ▶ ]   ", style="bold")
        bar.append(" n ", style="bold reverse")
        bar.append(" " + _("This week"))
        self.query_one("#week-bar", Static).update(bar)

    def show(self, report: WeekReport) -> None:
        self._show_bar()
        summary = Text(summary_line(report), style="bold", no_wrap=True, overflow="ellipsis")
        if report.me is None:
            summary.append("  ·  " + _("everyone's work: the book does not know who you are"))
        self.query_one("#week-summary", Static).update(summary)
        effort = report.effort
        rows = [BarRow(a.name, a.effort.minutes, key=a.account_id) for a in effort.accounts]
        if effort.rest_accounts:
            label = ngettext(
                "The other {n} account", "The other {n} accounts", effort.rest_accounts
            ).format(n=f"{effort.rest_accounts:,}")
            rows.append(BarRow(label, effort.rest.minutes, tone="dim", bar=False))
        self.query_one("#week-accounts", BarList).show(rows, effort.total.minutes)
        types = [BarRow(type_label(t.type), t.effort.minutes) for t in effort.types]
        types += [
            BarRow(_("Proactive"), effort.proactive.minutes, tone="success"),
            BarRow(_("Reactive"), effort.reactive.minutes, tone="warning"),
        ]
        self.query_one("#week-types", BarChart).show(
            types if not effort.empty else [], effort.total.minutes
        )
        self.query_one("#week-items", Static).update(self._items(report))
        self.query_one("#week-tasks", Static).update(self._tasks(report))
        self.query_one("#week-movers", Static).update(self._movers(report))
        self.query_one("#week-renewals", Static).update(self._renewals(report))
        if not effort.empty and not isinstance(self.focused, BarList):
            self.set_focus(self.query_one("#week-accounts", BarList))

    def _grid(self, *right: int, columns: int, flexible: int) -> Table:
        """Columns that keep their width, but `flexible`, which is cut to what is left."""
        table = Table.grid(padding=(0, 1), expand=True)  # expand: the ratio column fills
        for index in range(columns):
            table.add_column(
                justify="right" if index in right else "left",
                no_wrap=True,
                overflow="ellipsis",
                ratio=1 if index == flexible else None,
                max_width=None if index == flexible else NAME_CELLS,
            )
        return table

    def _more(self, table: Table, hidden: int, columns: int) -> None:
        if hidden > 0:
            more = ngettext("…and {n} more", "…and {n} more", hidden).format(n=f"{hidden:,}")
            table.add_row(*([""] * (columns - 1)), Text(more, "dim"))

    def _items(self, report: WeekReport) -> Table | Text:
        if not report.items_done:
            return Text(_("None this week."), style="dim")
        table = self._grid(columns=3, flexible=2)
        for item in report.items_done[:SHOWN]:
            table.add_row(fmt.short_day(item.done_on), item.account, Text(item.title, "dim"))
        self._more(table, len(report.items_done) - SHOWN, 3)
        return table

    def _tasks(self, report: WeekReport) -> Table | Text:
        table = self._grid(columns=3, flexible=2)
        table.add_row(Text(_("Done: {n}").format(n=len(report.tasks_done)), "bold"), "", "")
        for task in report.tasks_done[:SHOWN]:
            when = fmt.short_day(task.done_on)
            table.add_row(when, task.account, Text(task.title, "dim"))
        self._more(table, len(report.tasks_done) - SHOWN, 3)
        table.add_row(Text(_("Overdue: {n}").format(n=len(report.tasks_overdue)), "bold"), "", "")
        for task in report.tasks_overdue[:SHOWN]:
            due = fmt.short_day(task.due)
            table.add_row(Text(due, "bold red"), task.account, Text(task.title, "dim"))
        self._more(table, len(report.tasks_overdue) - SHOWN, 3)
        return table

    def _movers(self, report: WeekReport) -> Table | Text:
        moves = [*report.drops, *report.rises]
        if not moves:
            return Text(
                _("No account moved {n} points or more.").format(n=MOVE_POINTS), style="dim"
            )
        table = self._grid(0, 1, columns=3, flexible=2)
        for move in moves:
            style = "bold red" if move.change < 0 else "bold green"
            table.add_row(Text(fmt.change(move.change), style), str(move.score), move.account)
        return table

    def _renewals(self, report: WeekReport) -> Table | Text:
        if not report.renewals and not report.outcomes:
            return Text(_("None."), style="dim")
        table = self._grid(1, 3, columns=5, flexible=2)
        if report.renewals:
            self._coming(table, report)
        if report.outcomes:  # recorded this week (issue 14), churned ones included
            table.add_row(
                Text(_("Outcomes recorded: {n}").format(n=len(report.outcomes)), "bold"),
                *([""] * 4),
            )
            tones = {"bad": "bold red", "warning": "bold yellow", "good": "bold green"}
            for outcome in report.outcomes[:SHOWN]:
                before = fmt.money(outcome.previous_value, outcome.currency)
                after = fmt.money(outcome.new_value, outcome.currency)
                table.add_row(
                    fmt.short_day(outcome.recorded_on),
                    Text(outcome.word, tones.get(outcome.tone, "")),
                    outcome.account_name,
                    "",
                    Text(f"{before} → {after}", "dim"),
                )
            self._more(table, len(report.outcomes) - SHOWN, 5)
        return table

    def _coming(self, table: Table, report: WeekReport) -> None:
        """The renewals overdue or coming, with a line of titles."""
        table.add_row(
            *(
                Text(title, "dim")
                for title in (
                    _("Renewal"),
                    _("Days"),
                    _("Account"),
                    _("Health"),
                    _("My last activity"),
                )
            )
        )
        for renewal in report.renewals[:SHOWN]:
            last = renewal.last_contact
            soon = renewal.days <= RENEWAL_SOON_DAYS // 4
            style = "bold red" if renewal.days < 0 else "bold yellow" if soon else ""
            table.add_row(
                renewal.renewal.isoformat(),
                Text(fmt.days(renewal.days), style),
                renewal.account,
                "—" if renewal.health is None else str(renewal.health),
                Text(last.isoformat() if last else _("none yet"), "dim"),
            )
        self._more(table, len(report.renewals) - SHOWN, 5)

    # -- actions -----------------------------------------------------------------------------

    def action_shift(self, steps: int) -> None:
        self.monday += timedelta(weeks=steps)
        self.load()

    def action_current(self) -> None:
        self.monday = self.today - timedelta(days=self.today.weekday())
        self.load()

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss()

    def retranslate(self) -> None:
        super().retranslate()
        self.sub_title = _("Week")
        for section in self.query(Section):
            section.border_title = _(section.title_msgid)
        if self.report is not None:
            self.show(self.report)
        else:
            self._show_bar()
