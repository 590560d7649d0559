"""The Effort screen's Trends view (`5`): each rate of services/trends.py on one line, month by
month as a sparkline, with the last month's value and its change against the month before.

One line a rate, so the whole view fits an 80×24 terminal; a wide one gets wider sparklines and
the month before beside the last. The view loads its report in a thread of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.worker import get_current_worker

from csm_tui import formatting
from csm_tui.i18n import N_, _
from csm_tui.services.trends import Point, Series, TrendsReport, Unit
from csm_tui.ui.widgets.account_table import fit
from csm_tui.ui.widgets.effort_charts import LEVELS

WIDE = 110  # from this width: wider sparklines and the month before
VALUE = 12  # "1 h 20 min", "1 時間 20 分"; a share takes four cells
CHANGE = 13  # "+1 時間 20 分"
# which way is good news for a rate (1: up, -1: down); the others are only information
GOOD = {
    "proactive": 1,
    "one_to_many": 1,
    "tasks.on_time": 1,
    "tasks.late": -1,
    "tasks.open": -1,
    "outcome.resolved": 1,
    "outcome.expansion": 1,
}
SECTIONS: tuple[tuple[str, Callable[[TrendsReport], tuple[Series, ...]]], ...] = (
    (N_("Work"), lambda r: r.work),
    (N_("Tasks due each month"), lambda r: r.tasks),
    (N_("Outcomes (share of activities)"), lambda r: r.outcomes),
    (N_("Minutes per account, by segment"), lambda r: r.segments),
)


Styles = dict[str, Style]
TONES = ("bar", "last", "dim", "good", "bad", "heading")


def spark(series: Series, cells: int, styles: Styles) -> Text:
    """`cells` characters a month: shares on a fixed 0–100% scale, minutes scaled to the most;
    a month with nothing to measure is a dim dot."""
    rates = series.rates
    top = 1.0 if series.unit is Unit.SHARE else max((r for r in rates if r), default=0.0)
    text = Text(no_wrap=True, end="")
    for index, rate in enumerate(rates):
        style = styles["last" if index == len(rates) - 1 else "bar"]
        if rate is None:
            text.append(fit("·", cells, right=True), styles["dim"])
            continue
        level = 0 if rate <= 0 or top <= 0 else max(1, round(min(rate / top, 1.0) * 8))
        text.append(LEVELS[level] * cells, style)
    return text


def value(series: Series, point: Point) -> str:
    if point.rate is None:
        return formatting.EMPTY
    if series.unit is Unit.SHARE:
        return formatting.share(point.part, point.whole)
    return formatting.duration(round(point.rate))


def change(series: Series) -> tuple[str, str]:
    """The change against the month before, and its colour: green good news, red bad."""
    delta = series.change
    if delta is None:
        return formatting.EMPTY, "dim"
    if series.unit is Unit.SHARE:
        points = round(delta * 100)
        text, steps = _("{n} pt").format(n=formatting.signed(points)), points
    else:
        steps = round(delta)
        text = ("+" if steps > 0 else "") + formatting.duration(steps)
    good = GOOD.get(series.key, 0) * steps
    return text, "good" if good > 0 else "bad" if good < 0 else ""


def render_report(report: TrendsReport, width: int, styles: Styles | None = None) -> Text:
    """The view as text for a width in cells; `styles` colours each tone (TONES)."""
    styles = {tone: Style() for tone in TONES} | (styles or {})
    months = len(report.months)
    cells = max(1, min(3, (width - 60) // months)) if width >= WIDE else 1
    before = width >= WIDE and months > 1
    label_width = max(
        12, width - months * cells - VALUE * (2 if before else 1) - CHANGE - (4 if before else 3)
    )
    label_width = min(label_width, 40)
    first, last = report.months[0], report.months[-1]
    lines: list[Text] = []
    intro = _("{n} months, {start} – {end}").format(
        n=months, start=first.strftime("%Y-%m"), end=last.strftime("%Y-%m")
    )
    intro += " · " + (_("My work") if report.mine_only else _("Everyone's work"))
    if report.empty:
        lines.append(Text(intro, style="bold", no_wrap=True, overflow="ellipsis"))
        lines.append(Text(_("No work logged and no tasks due in these months."), styles["dim"]))
        return Text("\n").join(lines)
    header = Text(no_wrap=True, overflow="ellipsis")
    header.append(fit(intro, label_width + 1 + months * cells), "bold")
    if before:
        header.append(" " + fit(report.months[-2].strftime("%Y-%m"), VALUE, right=True))
    header.append(" " + fit(last.strftime("%Y-%m"), VALUE, right=True), "bold")
    header.append(" " + fit(_("change"), CHANGE, right=True))
    lines.append(header)
    for title, part in SECTIONS:
        series = part(report)
        if not series:
            continue
        lines.append(Text(_(title), styles["heading"], no_wrap=True, overflow="ellipsis"))
        for s in series:
            name = s.label if s.literal else _(s.label)
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append(fit(" " + name, label_width) + " ")
            line.append_text(spark(s, cells, styles))
            if before:
                line.append(" " + fit(value(s, s.points[-2]), VALUE, right=True), styles["dim"])
            line.append(" " + fit(value(s, s.points[-1]), VALUE, right=True), "bold")
            text, style = change(s)
            line.append(" " + fit(text, CHANGE, right=True), styles.get(style, Style()))
            lines.append(line)
    return Text("\n", no_wrap=True).join(lines)


class TrendsView(VerticalScroll):
    """The rates over time; `load()` asks for them, `loaded` says they are on screen."""

    COMPONENT_CLASSES = {f"trends-view--{tone}" for tone in TONES}
    DEFAULT_CSS = """
    TrendsView { height: 1fr; padding: 0 1; scrollbar-gutter: stable; }
    TrendsView > #trends-lines { height: auto; }
    TrendsView > .trends-view--bar { color: $primary; }
    TrendsView > .trends-view--last { color: $accent; text-style: bold; }
    TrendsView > .trends-view--dim { color: $foreground-muted; }
    TrendsView > .trends-view--good { color: $success; }
    TrendsView > .trends-view--bad { color: $error; }
    TrendsView > .trends-view--heading { color: $primary; text-style: bold; }
    """

    def __init__(self, fetch: Callable[[bool], TrendsReport], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.fetch = fetch  # mine_only → the report (in a thread)
        self.report: TrendsReport | None = None
        self.loaded = False
        self._asked: bool | None = None
        # reports computed ahead (`prefetch`) while another view was shown, by mine_only, and
        # the ones still being computed; `forget` drops them when the data changed
        self._early: dict[bool, TrendsReport] = {}
        self._ahead: set[bool] = set()
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield Static(Text(_("Loading…"), style="italic"), id="trends-lines")

    def prefetch(self, mine_only: bool) -> None:
        """Compute the report now, in a thread, so that `5` shows it at once: twelve months
        of a large book take a few hundred milliseconds, which the user would otherwise wait."""
        if mine_only in self._early or mine_only in self._ahead:
            return
        self._ahead.add(mine_only)
        generation = self._generation
        self.run_worker(
            lambda: self._fetch_ahead(mine_only, generation),
            thread=True,
            group="trends-ahead",
            exit_on_error=False,
        )

    def _fetch_ahead(self, mine_only: bool, generation: int) -> None:
        try:
            report = self.fetch(mine_only)
        except Exception:
            self.app.call_from_thread(self._ahead.discard, mine_only)
            raise
        self.app.call_from_thread(self._keep, mine_only, generation, report)

    def _keep(self, mine_only: bool, generation: int, report: TrendsReport) -> None:
        self._ahead.discard(mine_only)
        waiting = self._asked == mine_only and not self.loaded
        if generation != self._generation:  # the data changed meanwhile: not this one
            if waiting:
                self.load(mine_only)
            return
        self._early[mine_only] = report
        if waiting:
            self._arrived(mine_only, report)

    def forget(self) -> None:
        """The data changed: what was computed ahead is out of date."""
        self._generation += 1
        self._early.clear()

    def load(self, mine_only: bool) -> None:
        self.loaded = False
        self._asked = mine_only
        early = self._early.get(mine_only)
        if early is not None:
            self._arrived(mine_only, early)
            return
        if mine_only in self._ahead:
            return  # being computed ahead of time: it is shown as it arrives (`_keep`)
        self.run_worker(
            lambda: self._fetch(mine_only),
            thread=True,
            exclusive=True,
            group="trends",
            exit_on_error=False,
        )

    def _fetch(self, mine_only: bool) -> None:
        report = self.fetch(mine_only)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._arrived, mine_only, report)

    def _arrived(self, mine_only: bool, report: TrendsReport) -> None:
        if mine_only != self._asked or not self.is_attached:
            return
        self.report = report
        self.redraw()
        self.loaded = True

    def redraw(self) -> None:
        """Draw the report again: after a resize or a language switch."""
        if self.report is not None:
            width = self.scrollable_content_region.width or self.app.size.width - 4
            styles = {tone: self.get_component_rich_style(f"trends-view--{tone}") for tone in TONES}
            lines = render_report(self.report, width, styles)
            self.query_one("#trends-lines", Static).update(lines)

    def on_resize(self) -> None:
        self.redraw()
