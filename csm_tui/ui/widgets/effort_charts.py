"""Terminal charts with their numbers beside them: horizontal bars and weekly columns.

Widths are terminal cells (`rich.cells.cell_len`), so Japanese labels, two cells a character,
line up with English ones. The charts draw to whatever width they are given and redraw on resize.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget

from csm_tui.formatting import duration as duration  # the Effort screen writes effort so too
from csm_tui.formatting import duration_short
from csm_tui.i18n import N_
from csm_tui.ui.textual_ext.cursor_view import CursorView
from csm_tui.ui.widgets.account_table import fit
from csm_tui.ui.widgets.tones import tone_color

EIGHTHS = " ▏▎▍▌▋▊▉█"  # a horizontal bar grows by eighths of a cell
LEVELS = " ▁▂▃▄▅▆▇█"  # a column, or a sparkline, grows by eighths of a line
TONES = ("bar", "warning", "success", "dim")
MIN_BAR = 6
SHARE_WIDTH = 4  # "100%"


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
        duration_width = max((cell_len(duration(row.minutes)) for row in rows), default=2)
        note = max((cell_len(row.note) for row in rows), default=0)
        numbers = 1 + duration_width + 1 + SHARE_WIDTH + (1 + note if note else 0)
        label = max(min(longest, most_label, width // 2, width - numbers - 1 - MIN_BAR), 4)
        return cls(label, max(width - label - 1 - numbers, 1), duration_width, note)


def bar_segments(
    row: BarRow, layout: BarLayout, *, maximum: int, total: int, styles: dict[str, Style]
) -> list[Segment]:
    """`label  ██████▍   3 h 20 min  27%  note`, cells as wide as the layout says; `styles` has the
    plain style under "" and one per tone.
    """
    plain, dim = styles[""], styles["dim"]
    bar = hbar(row.minutes, maximum, layout.bar) if row.bar else " " * layout.bar
    segments = [
        Segment(fit(row.label, layout.label), dim if row.tone == "dim" else plain),
        Segment(" ", plain),
        Segment(bar, styles.get(row.tone, styles["bar"])),
        Segment(" " + fit(duration(row.minutes), layout.duration, right=True), plain),
        Segment(" " + fit(share(row.minutes, total), SHARE_WIDTH, right=True), dim),
    ]
    if layout.note:
        segments.append(Segment(" " + fit(row.note, layout.note), dim))
    return segments


_BAR_CSS = """
    & > .{name}--bar {{ color: $primary; }}
    & > .{name}--warning {{ color: $warning; }}
    & > .{name}--success {{ color: $success; }}
    & > .{name}--dim {{ color: $foreground-muted; }}
"""


class BarLines:
    """The lines of a chart for its widget's width, one strip each (the line API: nothing is
    measured or laid out per line, so a chart costs little to show), kept until the rows, the
    width or the styles change.
    """

    def __init__(self, widget: Widget, prefix: str, most_label: int) -> None:
        self.widget = widget
        self.prefix = prefix  # of the component classes: `{prefix}--{tone}`
        self.most_label = most_label
        self.rows: list[BarRow] = []
        self.total = 0
        self._strips: dict[tuple[int, bool], Strip] = {}
        self._layout: tuple[int, BarLayout, int] | None = None  # width, layout, longest bar
        self._colors: dict[str, Style] | None = None

    def show(self, rows: Sequence[BarRow], total: int) -> None:
        self.rows = list(rows)
        self.total = total
        self.forget()

    def forget(self, styles: bool = False) -> None:
        """Drop the drawn lines (new rows, a new width), and the colours if `styles`."""
        self._strips.clear()
        self._layout = None
        if styles:
            self._colors = None

    def line(self, index: int, width: int, base: Style, selected: bool = False) -> Strip:
        """Row `index`, exactly `width` cells, over `base` (the cursor's style if `selected`)."""
        key = (index, selected)
        strip = self._strips.get(key)
        if strip is not None and strip.cell_length == width:
            return strip
        if self._layout is None or self._layout[0] != width:
            layout = BarLayout.fit(self.rows, width, self.most_label)
            maximum = max((row.minutes for row in self.rows if row.bar), default=0)
            self._layout = (width, layout, maximum)
        if self._colors is None:
            self._colors = {tone: tone_color(self.widget, self.prefix, tone) for tone in TONES}
        styles = {tone: base + color for tone, color in self._colors.items()}
        styles[""] = base
        _width, layout, maximum = self._layout
        segments = bar_segments(
            self.rows[index], layout, maximum=maximum, total=self.total, styles=styles
        )
        strip = self._strips[key] = Strip(segments).adjust_cell_length(width, base)
        return strip


class BarChart(Widget):
    """Bars that only show (the split by type, reactive/proactive, one-off/recurring)."""

    COMPONENT_CLASSES = {f"bar-chart--{tone}" for tone in TONES}
    DEFAULT_CSS = "BarChart { height: auto; }\nBarChart {" + _BAR_CSS.format(name="bar-chart") + "}"

    def __init__(self, *, label_width: int = 16, id: str | None = None) -> None:
        super().__init__(id=id)
        self.bars = BarLines(self, "bar-chart", label_width)

    @property
    def rows(self) -> list[BarRow]:
        return self.bars.rows

    def show(self, rows: Sequence[BarRow], total: int) -> None:
        height_changed = len(rows) != len(self.bars.rows)
        self.bars.show(rows, total)
        self.refresh(layout=height_changed)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.bars.rows)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.bars.forget(styles=True)

    def render_line(self, y: int) -> Strip:
        if y >= len(self.bars.rows):
            return Strip.blank(self.size.width, self.rich_style)
        return self.bars.line(y, self.size.width, self.rich_style)


class BarList(CursorView):
    """Bars with a cursor on the lines that have a key (an account): Enter, or a click, opens
    that account. Lines without a key (the rest of the accounts) are passed over.
    """

    BINDINGS = [
        Binding("enter", "choose", N_("Open"), show=False),
    ]
    COMPONENT_CLASSES = {"bar-list--cursor", *(f"bar-list--{tone}" for tone in TONES)}
    DEFAULT_CSS = (
        "BarList { height: auto; overflow: hidden hidden; }\n"
        "BarList {"
        + _BAR_CSS.format(name="bar-list")
        + """
    & > .bar-list--cursor { background: $block-cursor-blurred-background; }
    &:focus > .bar-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
}"""
    )

    def __init__(self, *, label_width: int = 28, id: str | None = None) -> None:
        super().__init__(id=id)
        self.bars = BarLines(self, "bar-list", label_width)
        self.rows: list[BarRow] = self.bars.rows

    def show(self, rows: Sequence[BarRow], total: int) -> None:
        """New rows; the cursor stays on the same line if it can, on a line with a key."""
        height_changed = len(rows) != len(self.rows)
        self.bars.show(rows, total)
        self.rows = self.bars.rows
        self.virtual_size = Size(self.size.width, len(self.rows))
        self.set_reactive(BarList.cursor, self._keyed(self.cursor, -1))
        self.refresh(layout=height_changed)

    @property
    def current_key(self) -> str | None:
        """The key of the line under the cursor (None when no line has one)."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor].key
        return None

    def _keyed(self, index: int, direction: int) -> int:
        """The line with a key nearest `index`, looking in `direction` first."""
        last = len(self.rows) - 1
        index = max(0, min(index, last))
        for step in (direction, -direction):
            at = index
            while 0 <= at <= last:
                if self.rows[at].key:
                    return at
                at += step
        return index

    def move_to(self, index: int) -> None:
        super().move_to(self._keyed(index, 1 if index >= self.cursor else -1))

    def action_choose(self) -> None:
        """Open the account under the cursor (every screen with these bars wants this)."""
        from csm_tui.ui.app import CsmApp

        key = self.current_key
        if key and isinstance(self.app, CsmApp):
            self.app.open_account(key)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)  # the list may have a border, as a section
        if offset is None:
            return
        index = int(self.scroll_y) + offset.y
        if 0 <= index < len(self.rows) and self.rows[index].key:
            self.move_to(index)
            self.action_choose()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows)

    def on_resize(self, event: events.Resize) -> None:
        self.bars.forget()
        self.virtual_size = Size(event.size.width, len(self.rows))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.bars.forget(styles=True)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        if index == self.cursor and self.rows[index].key is not None:
            cursor = self.rich_style + self.get_component_rich_style("bar-list--cursor")
            return self.bars.line(index, width, cursor, selected=True)
        return self.bars.line(index, width, self.rich_style)


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
        texts = [duration_short(value) if value else "·" for value in self.values]
        # as wide as the widest number or date, wider to fill the line (up to a point)
        widest = max(cell_len(t) for t in [*texts, *self.labels]) + 1
        cell = max(widest, min(self.content_size.width // len(self.values), widest + 4))
        top = max(self.values)
        bar, last, dim = (tone_color(self, "week-columns", tone) for tone in ("bar", "last", "dim"))
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
