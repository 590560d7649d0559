"""Terminal charts with their numbers beside them: horizontal bars and weekly columns.

Widths are terminal cells (`rich.cells.cell_len`), so Japanese labels, two cells a character,
line up with English ones. The charts draw to whatever width they are given and redraw on resize.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from csm_tui.ui.widgets.account_table import fit

EIGHTHS = " ▏▎▍▌▋▊▉█"  # a horizontal bar grows by eighths of a cell
LEVELS = " ▁▂▃▄▅▆▇█"  # a column, or a sparkline, grows by eighths of a line
TONES = ("bar", "warning", "success", "dim")
MIN_BAR = 6
SHARE_WIDTH = 4  # "100%"


def duration(minutes: int) -> str:
    """45m, 3h05, 1,204h30: the same way the Activities tab writes effort."""
    hours, rest = divmod(minutes, 60)
    return f"{hours:,}h{rest:02d}" if hours else f"{rest}m"


def share(part: int, whole: int) -> str:
    """A whole percentage; a sliver that would round to nothing shows as <1%."""
    if whole <= 0:
        return "—"
    if part > 0 and part * 100 < whole:
        return "<1%"
    return f"{round(part * 100 / whole)}%"


def hbar(value: int, maximum: int, width: int) -> str:
    """A bar of exactly `width` cells, full at `maximum`; any work shows at least a sliver."""
    if width <= 0:
        return ""
    if value <= 0 or maximum <= 0:
        return " " * width
    eighths = max(1, round(min(value / maximum, 1.0) * width * 8))
    full, part = divmod(eighths, 8)
    return ("█" * full + (EIGHTHS[part] if part else "")).ljust(width)


def sparkline(values: Sequence[int]) -> str:
    """One character per value, scaled to the largest; zero is a blank."""
    top = max(values, default=0)
    if top <= 0:
        return " " * len(values)
    return "".join(LEVELS[0 if v <= 0 else max(1, round(v / top * 8))] for v in values)


@dataclass(frozen=True)
class BarRow:
    """One line of a bar chart; `key` is what choosing it means (an account id), if anything."""

    label: str
    minutes: int
    tone: str = "bar"  # one of TONES
    key: str | None = None
    note: str = ""  # more numbers, after the share ("6 times, 1.5 a week")
    bar: bool = True  # False: numbers only (the rest of the accounts, not comparable)


@dataclass(frozen=True)
class BarLayout:
    """Cell widths of a chart's columns: `label  bar  duration  share  note`."""

    label: int
    bar: int
    duration: int
    note: int

    @classmethod
    def fit(cls, rows: Sequence[BarRow], width: int, most_label: int) -> BarLayout:
        """Labels as wide as the longest, up to `most_label` and half the line; the bar takes
        what is left (at least a few cells: a cut label is better than no bar).
        """
        longest = max((cell_len(row.label) for row in rows), default=0)
        duration_width = max((len(duration(row.minutes)) for row in rows), default=2)
        note = max((cell_len(row.note) for row in rows), default=0)
        numbers = 1 + duration_width + 1 + SHARE_WIDTH + (1 + note if note else 0)
        label = max(min(longest, most_label, width // 2, width - numbers - 1 - MIN_BAR), 4)
        return cls(label, max(width - label - 1 - numbers, 1), duration_width, note)


def bar_line(
    row: BarRow, layout: BarLayout, *, maximum: int, total: int, styles: dict[str, Style]
) -> Text:
    """`label  ██████▍   3h20  27%  note`, cells as wide as the layout says."""
    line = Text(no_wrap=True, overflow="crop", end="")
    line.append(fit(row.label, layout.label), styles["dim"] if row.tone == "dim" else None)
    line.append(" ")
    if row.bar:
        line.append(hbar(row.minutes, maximum, layout.bar), styles.get(row.tone, styles["bar"]))
    else:
        line.append(" " * layout.bar)
    line.append(" " + fit(duration(row.minutes), layout.duration, right=True))
    line.append(" " + fit(share(row.minutes, total), SHARE_WIDTH, right=True), styles["dim"])
    if layout.note:
        line.append(" " + fit(row.note, layout.note), styles["dim"])
    return line


def tone_styles(widget: Widget, prefix: str) -> dict[str, Style]:
    """Bar styles from the theme, through the widget's component classes `{prefix}--{tone}`."""
    return {
        tone: widget.get_component_rich_style(f"{prefix}--{tone}", partial=True) for tone in TONES
    }


_BAR_CSS = """
    & > .{name}--bar {{ color: $primary; }}
    & > .{name}--warning {{ color: $warning; }}
    & > .{name}--success {{ color: $success; }}
    & > .{name}--dim {{ color: $foreground-muted; }}
"""


class BarChart(Widget):
    """Bars that only show (the split by type, reactive/proactive, one-off/recurring)."""

    COMPONENT_CLASSES = {f"bar-chart--{tone}" for tone in TONES}
    DEFAULT_CSS = "BarChart { height: auto; }\nBarChart {" + _BAR_CSS.format(name="bar-chart") + "}"

    def __init__(self, *, label_width: int = 16, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[BarRow] = []
        self.total = 0
        self.most_label = label_width

    def show(self, rows: Sequence[BarRow], total: int) -> None:
        self.rows = list(rows)
        self.total = total
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows)

    def render(self) -> Text:
        width = self.content_size.width
        styles = tone_styles(self, "bar-chart")
        layout = BarLayout.fit(self.rows, width, self.most_label)
        maximum = max((row.minutes for row in self.rows if row.bar), default=0)
        lines = [
            bar_line(row, layout, maximum=maximum, total=self.total, styles=styles)
            for row in self.rows
        ]
        return Text("\n", no_wrap=True).join(lines)


class BarList(OptionList):
    """Bars with a cursor: Enter on a line with a key posts `OptionList.OptionSelected`."""

    COMPONENT_CLASSES = OptionList.COMPONENT_CLASSES | {f"bar-list--{tone}" for tone in TONES}
    DEFAULT_CSS = (
        "BarList { height: auto; max-height: 100%; padding: 0; }\n"
        "BarList, BarList:focus { border: none; background: transparent; }\n"
        "BarList {" + _BAR_CSS.format(name="bar-list") + "}"
    )

    def __init__(self, *, label_width: int = 28, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[BarRow] = []
        self.total = 0
        self.most_label = label_width
        self._drawn_for = -1

    def show(self, rows: Sequence[BarRow], total: int) -> None:
        self.rows = list(rows)
        self.total = total
        self._draw()

    def _draw(self) -> None:
        width = self.scrollable_content_region.width
        self._drawn_for = width
        highlighted = self.highlighted
        if width <= 0:
            self.clear_options()
            return
        styles = tone_styles(self, "bar-list")
        layout = BarLayout.fit(self.rows, width, self.most_label)
        maximum = max((row.minutes for row in self.rows if row.bar), default=0)
        self.set_options(
            Option(
                bar_line(row, layout, maximum=maximum, total=self.total, styles=styles),
                id=f"{index}:{row.key}" if row.key else None,
                disabled=row.key is None,
            )
            for index, row in enumerate(self.rows)
        )
        if any(row.key for row in self.rows):  # the cursor stays where it was, on a real line
            self.highlighted = min(highlighted or 0, len(self.rows) - 1)

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on an account's line opens the account (every screen with bars wants this)."""
        account_id = self.key_at(event.option_id)
        open_account = getattr(self.app, "open_account", None)
        if account_id and callable(open_account):
            event.stop()
            open_account(account_id)

    def key_at(self, option_id: str | None) -> str | None:
        """The row's key from an option id (ids are unique per line; keys may repeat)."""
        return option_id.split(":", 1)[1] if option_id else None

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._drawn_for:
            self._draw()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.rows and self.is_mounted:
            self._draw()


class WeekColumns(Widget):
    """One column per week, its hours above it and its Monday below: a trend you can read."""

    COMPONENT_CLASSES = {"week-columns--bar", "week-columns--last", "week-columns--dim"}
    DEFAULT_CSS = """
    WeekColumns { height: auto; }
    WeekColumns > .week-columns--bar { color: $primary; }
    WeekColumns > .week-columns--last { color: $accent; }
    WeekColumns > .week-columns--dim { color: $foreground-muted; }
    """
    BAR_LINES = 4

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.values: list[int] = []
        self.labels: list[str] = []

    def show(self, values: Sequence[int], labels: Sequence[str]) -> None:
        self.values = list(values)
        self.labels = list(labels)
        self.refresh(layout=True)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.BAR_LINES + 2 if self.values else 0

    def render(self) -> Text:
        if not self.values:
            return Text("")
        texts = [duration(value) if value else "·" for value in self.values]
        # as wide as the widest number or date, wider to fill the line (up to a point)
        widest = max(cell_len(t) for t in [*texts, *self.labels]) + 1
        cell = max(widest, min(self.content_size.width // len(self.values), widest + 4))
        top = max(self.values)
        bar = self.get_component_rich_style("week-columns--bar", partial=True)
        last = self.get_component_rich_style("week-columns--last", partial=True)
        dim = self.get_component_rich_style("week-columns--dim", partial=True)
        thick = max(3, (cell - 1) // 2)  # the bar's width in cells
        lines = [Text(no_wrap=True, end="") for _ in range(self.BAR_LINES + 2)]
        for index, (value, text, label) in enumerate(
            zip(self.values, texts, self.labels, strict=True)
        ):
            style = last if index == len(self.values) - 1 else bar
            lines[0].append(fit(text, cell - 1, right=True) + " ", dim if not value else None)
            eighths = round(value / top * self.BAR_LINES * 8) if top else 0
            if value and not eighths:
                eighths = 1
            for line in range(self.BAR_LINES):  # from the top line down
                filled = eighths - (self.BAR_LINES - 1 - line) * 8
                block = LEVELS[max(0, min(filled, 8))]
                lines[line + 1].append(" " * (cell - 1 - thick) + block * thick + " ", style)
            lines[-1].append(fit(label, cell - 1, right=True) + " ", dim)
        return Text("\n", no_wrap=True).join(lines)
