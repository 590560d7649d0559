"""Effort: where the time went in a week, month, quarter or any dates, and which recurring
reactive work to turn proactive. `[` and `]` step through periods; Enter opens an account.
"""

from __future__ import annotations

from datetime import date
from functools import partial

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from csm_tui.i18n import N_, _, ngettext
from csm_tui.models.activity import ActivityType
from csm_tui.services.effort import (
    REPEATS,
    Effort,
    EffortReport,
    Period,
    PeriodKind,
    local_today,
)
from csm_tui.services.session import Session
from csm_tui.services.skills import skill_label
from csm_tui.ui.screens.base import DataScreen
from csm_tui.ui.screens.effort_period import CustomPeriodScreen
from csm_tui.ui.screens.log_activity import TYPE_LABELS
from csm_tui.ui.textual_ext.key_bar import KeyBar
from csm_tui.ui.textual_ext.title_bar import TitleBar
from csm_tui.ui.widgets.effort_charts import BarChart, BarList, BarRow, WeekColumns, duration
from csm_tui.ui.widgets.trends_view import TrendsView

NARROW = 100  # below this width the sections stack instead of standing side by side

KINDS: tuple[tuple[PeriodKind, str, str], ...] = (
    (PeriodKind.WEEK, "1", N_("Week")),
    (PeriodKind.MONTH, "2", N_("Month")),
    (PeriodKind.QUARTER, "3", N_("Quarter")),
    (PeriodKind.CUSTOM, "4", N_("Custom…")),
)
CURRENT = {
    PeriodKind.WEEK: N_("this week"),
    PeriodKind.MONTH: N_("this month"),
    PeriodKind.QUARTER: N_("this quarter"),
    PeriodKind.CUSTOM: N_("includes today"),
}


def period_title(period: Period, today: date) -> str:
    """How the period bar names a period: Week of 2026-11-23 · this week, 2026-11, Q4 2026."""
    if period.kind is PeriodKind.WEEK:
        title = _("Week of {date}").format(date=period.start.isoformat())
    elif period.kind is PeriodKind.MONTH:
        month = f"{period.start.month:02d}"
        title = _("{year}-{month}").format(year=period.start.year, month=month)
    elif period.kind is PeriodKind.QUARTER:
        quarter = (period.start.month - 1) // 3 + 1
        title = _("Q{quarter} {year}").format(quarter=quarter, year=period.start.year)
    else:
        title = f"{period.start.isoformat()} – {period.end.isoformat()}"
    if period.contains(today):
        title += " · " + _(CURRENT[period.kind])
    return title


def loading_text() -> Text:
    return Text(_("Loading…"), style="italic")


def type_label(value: str) -> str:
    return _(TYPE_LABELS[ActivityType(value)])


def effort_text(effort: Effort) -> str:
    count = ngettext("{n} activity", "{n} activities", effort.count).format(n=f"{effort.count:,}")
    return f"{duration(effort.minutes)}, {count}"


# seconds on a period's effort before the Trends view's report is computed ahead of time
PREFETCH_AFTER = 0.4


class PeriodBar(Static):
    """The period keys (the chosen one lit), the period itself, and whose work is counted."""

    DEFAULT_CSS = """
    PeriodBar { height: 1; padding: 0 1; background: $surface; }
    """

    def show(self, period: Period, today: date, mine_only: bool, trends: bool = False) -> None:
        self.update(self.text(period, today, mine_only, trends))

    @staticmethod
    def text(period: Period, today: date, mine_only: bool, trends: bool = False) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for kind, key, label in [*KINDS, (None, "5", N_("Trends"))]:
            on = kind is (None if trends else period.kind)
            text.append(f" {key} ", style="bold reverse" if on else "bold")
            text.append(f" {_(label)} ", style="bold" if on else "dim")
        if not trends:  # the Trends view is the last 12 months: no period to step through
            text.append("  [ ◀ ", style="bold")
            text.append(period_title(period, today), style="bold")
            text.append(" ▶ ]  ", style="bold")
        else:
            text.append("   ")
        text.append(" a ", style="bold")
        text.append(" " + (_("My work") if mine_only else _("Everyone's work")))
        return text


SECTION_CSS = """
    border: round $primary 40%; border-title-color: $primary; border-title-style: bold;
    padding: 0 1; height: auto;
"""


class Section(Vertical):
    """A titled box, like the panels of the account overview (a chart alone in its box is
    the box itself: see `EffortScreen.TITLES`).
    """

    DEFAULT_CSS = "Section {" + SECTION_CSS + "}\nSection > .muted { color: $foreground-muted; }"

    def __init__(self, title: str, *children: Widget, id: str | None = None) -> None:
        super().__init__(*children, id=id)
        self.title_msgid = title
        self.border_title = _(title)


class EffortScreen(DataScreen):
    """Opened with E from anywhere; Escape goes back."""

    SHOWS = frozenset({"activities", "accounts"})

    AUTO_FOCUS = "#accounts"  # Enter opens the account under the cursor

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="effort.back"),
        Binding("1", "period('week')", N_("Week"), show=False, id="effort.week"),
        Binding("2", "period('month')", N_("Month"), show=False, id="effort.month"),
        Binding("3", "period('quarter')", N_("Quarter"), show=False, id="effort.quarter"),
        Binding("4", "custom", N_("Custom period"), show=False, id="effort.custom"),
        Binding("5", "trends", N_("Trends"), show=False, id="effort.trends"),
        Binding("left_square_bracket", "shift(-1)", N_("Previous"), id="effort.previous"),
        Binding("right_square_bracket", "shift(1)", N_("Next"), id="effort.next"),
        Binding("n", "current", N_("Current period"), show=False, id="effort.current"),
        Binding("a", "toggle_mine", N_("Mine/everyone's"), show=False, id="effort.mine"),
        Binding("l", "log", N_("Log work"), id="effort.log"),
    ]

    DEFAULT_CSS = """
    EffortScreen #summary { height: 1; padding: 0 1; }
    EffortScreen #body { height: 1fr; scrollbar-gutter: stable; }
    EffortScreen .row { height: auto; }
    EffortScreen .row > .section { width: 1fr; }
    EffortScreen.-narrow .row { layout: vertical; }
    EffortScreen #empty { padding: 1 2; color: $foreground-muted; height: auto; }
    """ + ("EffortScreen .section {" + SECTION_CSS + "}")

    # the charts that are boxes of their own, and their titles
    TITLES = {
        "accounts": N_("By account"),
        "types": N_("By type"),
        "initiative": N_("Reactive or proactive"),
        "recurrence": N_("One-off or recurring"),
        "audience": N_("One-to-one or one-to-many"),
        "skills": N_("By skill (an activity counts for each of its skills)"),
        "weeks": N_("Per week, the last 12 weeks"),
    }

    def __init__(self, session: Session, kind: PeriodKind = PeriodKind.WEEK) -> None:
        super().__init__()
        self.session = session
        self.today = local_today(session.clock)
        self.period = Period.around(kind, self.today)
        self.mine_only = True
        self.trends = False  # the Trends view (5) instead of the period's effort
        self.sub_title = _("Effort")
        self.report: EffortReport | None = None
        self.loaded = False  # the shown report is the one asked for (tests and the bench wait)
        self._asked: tuple[Period, bool] | None = None
        self._arrived_early: EffortReport | None = None  # a report done before on_mount
        self._mounted = False
        # ask at once: SQLite works in a thread while the screen is composed and mounted
        self._ask()

    def compose(self) -> ComposeResult:
        yield TitleBar()
        # drawn complete at once: no second frame to pay for while the report is worked out
        yield PeriodBar(PeriodBar.text(self.period, self.today, self.mine_only), id="period")
        yield Static(loading_text(), id="summary")  # the report comes after the mount
        # hidden until the first report is in: the frames before it draw only the bars above
        with VerticalScroll(id="body") as body:
            body.display = False
            yield Static(id="empty")
            with Horizontal(id="top", classes="row"):
                yield self._titled(BarList(id="accounts"))
                yield self._titled(BarChart(id="types"))
            with Horizontal(id="flags", classes="row"):
                yield self._titled(BarChart(id="initiative"))
                yield self._titled(BarChart(id="recurrence"))
                yield self._titled(BarChart(id="audience"))
            yield self._titled(BarChart(id="skills"))
            yield self._titled(WeekColumns(id="weeks"))
            yield Section(
                N_("Recurring reactive work: candidates to turn proactive"),
                BarList(label_width=48, id="candidates"),
                Static(classes="muted", id="candidates-note"),
                id="candidates-section",
            )
        trends = TrendsView(lambda mine: self.session.trends(mine_only=mine), id="trends")
        trends.display = False
        yield trends
        yield KeyBar()

    def _titled(self, widget: Widget) -> Widget:
        widget.add_class("section")
        widget.border_title = _(self.TITLES[widget.id or ""])
        return widget

    def on_mount(self) -> None:
        self._set_narrow(self.size.width)
        self._mounted = True
        early, self._arrived_early = self._arrived_early, None
        if early is not None:  # the first frame is complete
            self._present(early)

    def on_resize(self, event: events.Resize) -> None:
        self._set_narrow(event.size.width)

    def _set_narrow(self, width: int) -> None:
        self.set_class(0 < width < NARROW, "-narrow")

    # -- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        """Show the report of the current period when it is ready (keys stay live meanwhile)."""
        self._show_trends(False)
        self.query_one(PeriodBar).show(self.period, self.today, self.mine_only)
        self._ask()
        # the last period stays on screen: say so only if the new one takes a while
        self.set_timer(0.2, self._loading_hint)

    def _ask(self) -> None:
        self.loaded = False
        self._asked = asked = (self.period, self.mine_only)
        self.app.run_worker(
            partial(self._fetch, asked),
            thread=True,
            exclusive=True,
            group="effort",
            exit_on_error=False,
        )

    def _fetch(self, asked: tuple[Period, bool]) -> None:
        """In a thread: the analytics, handed to the UI thread."""
        report = self.session.effort(asked[0], mine_only=asked[1])
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, asked, report)

    def _loading_hint(self) -> None:
        if not self.loaded:
            self.query_one("#summary", Static).update(loading_text())

    def _loaded(self, asked: tuple[Period, bool], report: EffortReport) -> None:
        if asked != self._asked:
            return  # an older answer: a newer question is on its way
        if not self._mounted:
            self._arrived_early = report  # on_mount shows it
        elif self.is_attached:
            self._present(report)

    def _present(self, report: EffortReport) -> None:
        self.report = report
        self.show(report)
        self.query_one("#body").display = not self.trends
        self.loaded = True
        if not self.trends:  # the Trends view (5) ready before it is asked for: once the
            # user looks at this view (a 5 pressed at once computes it as it is asked)
            self.set_timer(PREFETCH_AFTER, self._prefetch_trends)

    def _prefetch_trends(self) -> None:
        if self.is_attached and not self.trends:
            self.query_one(TrendsView).prefetch(self.mine_only)

    def refresh_data(self) -> None:
        """After work was logged (the change signal), a language switch."""
        self.today = local_today(self.session.clock)
        self.query_one(TrendsView).forget()
        if self.trends:
            self.query_one(TrendsView).load(self.mine_only)
        else:
            self.load()

    # -- showing -----------------------------------------------------------------------------

    def show(self, report: EffortReport) -> None:
        self.query_one(PeriodBar).show(report.period, self.today, report.mine_only, self.trends)
        summary = Text(no_wrap=True, overflow="ellipsis")
        summary.append(effort_text(report.total), style="bold")
        if not report.empty:
            accounts = ngettext("{n} account", "{n} accounts", report.account_count)
            summary.append("  ·  " + accounts.format(n=f"{report.account_count:,}"))
        summary.append(
            f"  ·  {report.period.start.isoformat()} – {report.period.end.isoformat()}",
            style="dim",
        )
        self.query_one("#summary", Static).update(summary)
        empty = self.query_one("#empty", Static)
        empty.display = report.empty
        for part in ("#top", "#flags", "#candidates-section"):
            self.query_one(part).display = not report.empty
        if report.empty:
            self.query_one("#skills").display = False
            empty.update(_("No work logged in this period. Press [ for the period before."))
        else:
            self._show_accounts(report)
            self._show_flags(report)
            self._show_candidates(report)
        labels = [week.start.strftime("%m/%d") for week in report.weeks]
        self.query_one(WeekColumns).show([w.effort.minutes for w in report.weeks], labels)

    def _show_accounts(self, report: EffortReport) -> None:
        rows = [BarRow(a.name, a.effort.minutes, key=a.account_id) for a in report.accounts]
        if report.rest_accounts:
            label = ngettext(
                "The other {n} account", "The other {n} accounts", report.rest_accounts
            ).format(n=f"{report.rest_accounts:,}")
            rows.append(BarRow(label, report.rest.minutes, tone="dim", bar=False))
        self.query_one("#accounts", BarList).show(rows, report.total.minutes)
        types = [BarRow(type_label(t.type), t.effort.minutes) for t in report.types]
        self.query_one("#types", BarChart).show(types, report.total.minutes)

    def _show_flags(self, report: EffortReport) -> None:
        initiative = [
            BarRow(_("Reactive"), report.reactive.minutes, tone="warning"),
            BarRow(_("Proactive"), report.proactive.minutes, tone="success"),
        ]
        self.query_one("#initiative", BarChart).show(initiative, report.total.minutes)
        recurrence = [
            BarRow(_("One-off"), report.one_off.minutes),
            BarRow(_("Recurring"), report.recurring.minutes),
        ]
        self.query_one("#recurrence", BarChart).show(recurrence, report.total.minutes)
        audience = [  # issue 16: work for one account, or for a segment, several or none
            BarRow(_("One account"), report.one_to_one.minutes),
            BarRow(_("Many or none"), report.one_to_many.minutes),
        ]
        self.query_one("#audience", BarChart).show(audience, report.total.minutes)
        skills = [BarRow(skill_label(s.skill), s.effort.minutes) for s in report.skills]
        chart = self.query_one("#skills", BarChart)
        chart.display = bool(skills)  # nothing to show until skills are logged
        chart.show(skills, report.total.minutes)

    def _show_candidates(self, report: EffortReport) -> None:
        rows = []
        for candidate in report.candidates:
            times = ngettext("{n} time", "{n} times", candidate.effort.count)
            note = times.format(n=candidate.effort.count)
            if report.period.days > 7:
                note += ", " + _("{rate} a week").format(rate=f"{candidate.per_week:.1f}")
            label = f"{type_label(candidate.type)} · {candidate.name}"
            rows.append(
                BarRow(label, candidate.effort.minutes, key=candidate.account_id, note=note)
            )
        self.query_one("#candidates", BarList).show(rows, report.reactive.minutes)
        if not rows:
            note = _("No reactive work came back in this period.")
        else:
            note = _(
                "Reactive work for one account, flagged recurring or done {repeats} times or "
                "more. Shares are of all reactive minutes."
            ).format(repeats=REPEATS)
            if report.more_candidates:
                more = ngettext("…and {n} more.", "…and {n} more.", report.more_candidates)
                note = more.format(n=f"{report.more_candidates:,}") + " " + note
        self.query_one("#candidates-note", Static).update(note)

    # -- actions -----------------------------------------------------------------------------

    def action_period(self, kind: str) -> None:
        chosen = PeriodKind(kind)
        # a new kind of period shows the one holding the same day, the current one if it can
        day = self.today if self.period.contains(self.today) else self.period.start
        self.period = Period.around(chosen, day)
        self.load()

    def action_trends(self) -> None:
        self._show_trends(True)
        self.query_one(TrendsView).load(self.mine_only)

    def _show_trends(self, on: bool) -> None:
        self.trends = on
        self.query_one(PeriodBar).show(self.period, self.today, self.mine_only, on)
        self.query_one(TrendsView).display = on
        for part in ("#summary", "#body"):
            self.query_one(part).display = not on and (part == "#summary" or bool(self.report))

    def action_shift(self, steps: int) -> None:
        if self.trends:
            return
        self.period = self.period.shifted(steps)
        self.load()

    def action_current(self) -> None:
        if self.trends:
            return
        kind = self.period.kind
        if kind is PeriodKind.CUSTOM:
            self.period = Period.custom(
                self.today - (self.period.end - self.period.start), self.today
            )
        else:
            self.period = Period.around(kind, self.today)
        self.load()

    def action_toggle_mine(self) -> None:
        self.mine_only = not self.mine_only
        if self.trends:
            self.action_trends()
        else:
            self.load()

    def action_custom(self) -> None:
        def chosen(period: Period | None) -> None:
            if period is not None:
                self.period = period
                self.load()

        self.app.push_screen(CustomPeriodScreen(self.session, self.period), chosen)

    def _current_account(self) -> str | None:
        focused = self.focused
        return focused.current_key if isinstance(focused, BarList) else None

    def action_log(self) -> None:
        # off an account (the rest row, another chart): the form asks who it was for
        self.app.call_later(self.app.log_work, self._current_account())

    def action_back(self) -> None:
        self.dismiss()

    def retranslate(self) -> None:
        super().retranslate()
        self.sub_title = _("Effort")
        for section in self.query(Section):
            section.border_title = _(section.title_msgid)
        for name, title in self.TITLES.items():
            self.query_one(f"#{name}").border_title = _(title)
        if self.report is not None:
            self.show(self.report)
        self.query_one(PeriodBar).show(self.period, self.today, self.mine_only, self.trends)
        self.query_one(TrendsView).redraw()
