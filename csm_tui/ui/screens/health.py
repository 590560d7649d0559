"""Health (`H`): month-over-month and year-over-year change per segment and per account, the
last 12 months as sparklines, and the biggest movers with the component that moved them.

The numbers come from SQL (services/health.py, store/health.py) in a worker; the account list
is a `LineTable`, which draws only the rows on screen, so a 5,000-account book opens quickly.
`s` changes the order, `g` the segment, Enter opens the account.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, overload

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Static
from textual.worker import get_current_worker

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _, ngettext
from csm_tui.services.segments import TOUCH_LABELS
from csm_tui.ui import format as fmt
from csm_tui.ui.screens.base import DataScreen
from csm_tui.ui.textual_ext.key_bar import KeyBar
from csm_tui.ui.textual_ext.line_table import Cell, LineColumn, LineTable
from csm_tui.ui.textual_ext.title_bar import TitleBar
from csm_tui.ui.widgets.effort_charts import LEVELS
from csm_tui.ui.widgets.signals_line import rate_cell

if TYPE_CHECKING:
    from csm_tui.services.health import HealthReport, HealthRow, Mover
    from csm_tui.services.segments import Segments
    from csm_tui.services.session import Session
    from csm_tui.services.signals import AccountSignals

DROP = 5  # a change of this many points or more is coloured (the book's "dropping" filter)
SORTS: tuple[tuple[str, str], ...] = (
    ("mom", N_("month-over-month change")),
    ("yoy", N_("year-over-year change")),
    ("health", N_("health, lowest first")),
    ("name", N_("name")),
)


_SPARK = [LEVELS[max(1, min(8, round(score / 100 * 8)))] for score in range(101)]


def trend(values: Sequence[float | None]) -> str:
    """A sparkline on the 0–100 scale, one character a month (· for a month without a score),
    so two accounts' lines compare at a glance."""
    return "".join("·" if v is None else _SPARK[max(0, min(100, round(v)))] for v in values)


class Lines(Sequence[tuple[Cell, ...]]):
    """The table's lines, made when the table draws them: 5,000 accounts are not formatted to
    show the forty on screen."""

    def __init__(
        self,
        rows: list[HealthRow],
        trends: dict[str, list[int | None]],
        signals: dict[str, AccountSignals],
    ) -> None:
        self.rows = rows
        self.trends = trends
        self.signals = signals

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> tuple[Cell, ...]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[Cell, ...]]: ...
    def __getitem__(self, index: int | slice) -> tuple[Cell, ...] | Sequence[tuple[Cell, ...]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = self.rows[index]
        signals = self.signals.get(row.id)
        return (
            (row.name, ""),
            (row.segment, "dim"),
            ("—" if row.score is None else str(row.score), ""),
            change_cell(row.mom),
            change_cell(row.yoy),
            rate_cell(signals.answer if signals else None),
            rate_cell(signals.attendance if signals else None),
            (trend(self.trends.get(row.id, [])), "dim"),
        )


def change_cell(value: float | None) -> Cell:
    """▼12 in red, ▲8 in green (from DROP points), = for no change, — for no comparison."""
    if value is None:
        return ("—", "dim")
    points = round(value)
    text = fmt.change(points) if value == points else _signed(value)
    tone = "bad" if points <= -DROP else "good" if points >= DROP else ""
    return (text, tone)


def _signed(value: float) -> str:
    """An average change with one decimal: ▼2.3, ▲0.5."""
    if round(value, 1) == 0:
        return "="
    return f"▲{value:.1f}" if value > 0 else f"▼{-value:.1f}"


def _average(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


class HealthTable(LineTable):
    """The accounts, one a line; Enter opens the account."""

    BINDINGS = [Binding("enter", "open", N_("Open"), id="health.open")]

    def action_open(self) -> None:
        screen = self.screen
        if isinstance(screen, HealthScreen):
            screen.open_current()


class HealthScreen(DataScreen):
    """Reached with `H` from anywhere; Escape goes back."""

    SHOWS = frozenset({"accounts"})
    WORDS_IN_DATA = False  # retranslate redraws the report

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="health.back"),
        Binding("s", "next_sort", N_("Order"), id="health.sort"),
        Binding("g", "next_segment", N_("Segment filter"), id="health.segment"),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="health.reload"),
    ]

    DEFAULT_CSS = """
    HealthScreen #health-summary { height: 1; padding: 0 1; color: $foreground-muted; }
    HealthScreen .panel {
        border: round $primary 40%; border-title-color: $primary; border-title-style: bold;
        padding: 0 1; height: auto;
    }
    HealthScreen #health-movers { height: auto; }
    HealthScreen #health-movers > .panel { width: 1fr; }
    HealthScreen #health-filters {
        height: 1; padding: 0 1; background: $surface; color: $foreground-muted;
    }
    HealthScreen HealthTable { height: 1fr; min-height: 6; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.report: HealthReport | None = None
        self.rows: list[HealthRow] = []  # the rows on screen, in their order
        self.sort = "mom"
        self.segment: str | None = None  # None: every segment
        self.loaded = False  # the report is on screen (tests and the bench wait for it)
        self._segments: Segments | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="health-summary")
        yield Static(id="health-segments", classes="panel")
        with Horizontal(id="health-movers"):
            yield Static(id="health-drops", classes="panel")
            yield Static(id="health-rises", classes="panel")
        yield Static(id="health-filters")
        yield HealthTable(id="health-table")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("Health")
        self._titles()
        self.query_one("#health-summary", Static).update(Text(_("Loading…"), style="italic"))
        self.set_focus(self.query_one(HealthTable))
        settings = self._settings()
        from csm_tui.services.health import weights_from_config
        from csm_tui.services.segments import segments_from_config

        self._segments = segments_from_config(settings)
        warnings = (*weights_from_config(settings).warnings, *self._segments.warnings)
        for warning in warnings:
            self.notify(warning, severity="warning", timeout=15)
        self.load()

    def _settings(self) -> dict[str, object]:
        return dict(self.app.config.raw)

    def _titles(self) -> None:
        self.query_one("#health-segments").border_title = _("Segments")
        self.query_one("#health-drops").border_title = _("Biggest drops in 30 days")
        self.query_one("#health-rises").border_title = _("Biggest rises in 30 days")

    # -- loading -----------------------------------------------------------------------------

    def load(self) -> None:
        self.loaded = False
        self._load(self._settings())

    @work(thread=True, exclusive=True, group="health", exit_on_error=False)
    def _load(self, settings: dict[str, object]) -> None:
        report = self.session.health(settings)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._loaded, report)

    def _loaded(self, report: HealthReport) -> None:
        if not self.is_attached:
            return
        current = self.current()
        self.report = report
        self.show(keep=current.id if current else None)
        self.loaded = True

    def refresh_data(self) -> None:
        """After a change (the change signal)."""
        self.load()

    # -- showing -----------------------------------------------------------------------------

    def show(self, keep: str | None = None) -> None:
        report = self.report
        if report is None:
            return
        summary = ngettext("{n} account", "{n} accounts", len(report.accounts)).format(
            n=f"{len(report.accounts):,}"
        )
        summary += "  ·  " + _(
            "month over month: against 30 days ago · year over year: against 365 days ago"
        )
        self.query_one("#health-summary", Static).update(summary)
        self.query_one("#health-segments", Static).update(self._segment_table(report))
        self.query_one("#health-drops", Static).update(self._movers(report.drops))
        self.query_one("#health-rises", Static).update(self._movers(report.rises))
        self._show_filters()
        self._fill(keep)

    def _segment_table(self, report: HealthReport) -> Table | Text:
        if not report.segments:
            return Text(_("No accounts yet."), style="italic")
        table = Table.grid(padding=(0, 2))
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        for _number in range(4):
            table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True)
        first, last = report.months[0], report.months[-1]
        table.add_row(
            *(
                Text(title, style="bold")
                for title in (
                    _("Segment"),
                    _("Touch"),
                    _("Accounts"),
                    _("Health"),
                    _("MoM"),
                    _("YoY"),
                    _("{first} – {last}").format(
                        first=first.strftime("%Y-%m"), last=last.strftime("%Y-%m")
                    ),
                )
            )
        )
        for segment in report.segments:
            rule = self._segments.rule(segment.segment) if self._segments else None
            touch = _(TOUCH_LABELS[rule.touch]) if rule else "—"
            table.add_row(
                segment.segment or _("(no segment)"),
                touch,
                f"{segment.accounts:,}",
                _average(segment.score),
                _tone_text(change_cell(segment.mom)),
                _tone_text(change_cell(segment.yoy)),
                trend(segment.trend),
            )
        return table

    def _movers(self, movers: list[Mover]) -> Table | Text:
        if not movers:
            return Text(_("No account moved in the last 30 days."), style="italic")
        from csm_tui.services.health import component_label

        table = Table.grid(padding=(0, 1), expand=True)  # expand: the name takes what is left
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        table.add_column(no_wrap=True)
        for mover in movers:
            why = ""
            if mover.driver is not None:
                why = f"{component_label(mover.driver.name)} {fmt.change(mover.driver.change)}"
            table.add_row(_tone_text(change_cell(mover.row.mom)), mover.row.name, why)
        return table

    def _show_filters(self) -> None:
        bar = Text(no_wrap=True, overflow="ellipsis")
        label = dict(SORTS)[self.sort]
        for key, title, value in (
            ("s", _("Order"), _(label)),
            ("g", _("Segment"), self.segment if self.segment is not None else _("All segments")),
        ):
            bar.append(f" {key} ", style="bold reverse")
            bar.append(f" {title}: ")
            bar.append(value or _("(no segment)"), style="bold")
            bar.append("   ")
        self.query_one("#health-filters", Static).update(bar)

    def _columns(self) -> list[LineColumn]:
        return [
            LineColumn(_("Account"), 0, min_width=20),
            LineColumn(_("Segment"), 12, give_way=1),
            LineColumn(_("Health"), 6, right=True),
            LineColumn(_("MoM"), 6, right=True),
            LineColumn(_("YoY"), 6, right=True, give_way=2),
            # the communication signals (issue 16): the latest month's rate and its change; when
            # the table is narrow, the trend goes first, then YoY, then the segment
            LineColumn(_("Answers"), 9, right=True),
            LineColumn(_("Events"), 9, right=True),
            LineColumn(_("Last 12 months"), 14, give_way=3),
        ]

    def _ordered(self) -> list[HealthRow]:
        assert self.report is not None
        rows = [
            r for r in self.report.accounts if self.segment is None or r.segment == self.segment
        ]
        last = 1_000  # rows without the value go last
        if self.sort == "mom":
            rows.sort(key=lambda r: (last if r.mom is None else r.mom, r.name))
        elif self.sort == "yoy":
            rows.sort(key=lambda r: (last if r.yoy is None else r.yoy, r.name))
        elif self.sort == "health":
            rows.sort(key=lambda r: (last if r.score is None else r.score, r.name))
        return rows  # by name already

    def _fill(self, keep: str | None) -> None:
        assert self.report is not None
        self.rows = self._ordered()
        lines = Lines(self.rows, self.report.trends, self.report.signals)
        cursor = next((i for i, row in enumerate(self.rows) if row.id == keep), 0)
        table = self.query_one(HealthTable)
        table.empty_message = _("No accounts in this segment.")
        table.set_rows(lines, columns=self._columns(), cursor=cursor)

    def current(self) -> HealthRow | None:
        cursor = self.query_one(HealthTable).cursor
        return self.rows[cursor] if 0 <= cursor < len(self.rows) else None

    # -- actions -----------------------------------------------------------------------------

    def action_next_sort(self) -> None:
        keys = [key for key, _label in SORTS]
        self.sort = keys[(keys.index(self.sort) + 1) % len(keys)]
        if self.report is not None:
            self._show_filters()
            self._fill(None)

    def action_next_segment(self) -> None:
        if self.report is None:
            return
        values: list[str | None] = [None, *sorted(s.segment for s in self.report.segments)]
        index = values.index(self.segment) if self.segment in values else 0
        self.segment = values[(index + 1) % len(values)]
        self._show_filters()
        self._fill(None)

    def action_reload(self) -> None:
        self.load()

    def open_current(self) -> None:
        row = self.current()
        if row is None:
            return
        from csm_tui.ui.screens.account import AccountScreen

        try:
            screen = AccountScreen(self.session, row.id)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.push_screen(screen)

    def action_back(self) -> None:
        self.dismiss()

    def retranslate(self) -> None:
        super().retranslate()
        self.sub_title = _("Health")
        self._titles()
        current = self.current()
        self.show(keep=current.id if current else None)


def _tone_text(cell: Cell) -> Text:
    text, tone = cell
    style = {"bad": "bold red", "good": "bold green", "dim": "dim"}.get(tone, "")
    return Text(text, style=style)
