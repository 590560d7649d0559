"""A generic read-only table that draws only the rows on screen (Textual's line API).

DataTable measures every cell as rows are added: two thousand rows cost about a second. Here the
rows are plain tuples of (text, tone) cells, laid out in fixed-width columns plus one flexible
column, measured in terminal cells so Japanese lines up, and drawn when they scroll into view.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from csm_tui.ui.textual_ext.cursor_view import CursorView
from csm_tui.ui.widgets.account_table import fit
from csm_tui.ui.widgets.tones import tone_color

GAP = 1
TONES = ("bad", "warning", "good", "dim")


@dataclass(frozen=True)
class LineColumn:
    title: str  # already translated
    width: int  # cells; 0 takes what the other columns leave (at least `min_width`)
    right: bool = False
    min_width: int = 12
    # when the table is too narrow for every column, whole columns give way (are left out),
    # the highest `give_way` first; 0 never goes. A column's words are never cut short to fit.
    give_way: int = 0
    max_width: int = 0  # a flexible column grows no wider (0: no limit)


Cell = tuple[str, str]  # text, tone ("" or one of TONES)


class LineTable(CursorView):
    """Rows with a cursor; Enter posts `LineTable.Chosen` with the row's index."""

    COMPONENT_CLASSES = {
        "line-table--header",
        "line-table--cursor",
        "line-table--stripe",
        *(f"line-table--{tone}" for tone in TONES),
    }

    DEFAULT_CSS = """
    LineTable {
        height: 1fr;
        scrollbar-gutter: stable;
        overflow-x: hidden;
        & > .line-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .line-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .line-table--cursor {
            background: $block-cursor-background; color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .line-table--stripe { background: $surface; }
        & > .line-table--warning { color: $warning; }
        & > .line-table--bad { color: $error; }
        & > .line-table--good { color: $success; }
        & > .line-table--dim { color: $foreground-muted; }
    }
    """

    class Chosen(Message):
        """Enter (or a double click) on a row."""

        def __init__(self, table: LineTable, index: int) -> None:
            super().__init__()
            self.table = table
            self.index = index

        @property
        def control(self) -> LineTable:
            return self.table

    def __init__(self, columns: Sequence[LineColumn] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.rows: Sequence[Sequence[Cell]] = []
        self.empty_message = ""
        self._cache: dict[tuple[int, bool], Strip] = {}
        self._widths: list[int] = []
        self._widths_for = -1

    # -- data --------------------------------------------------------------------------------

    def set_rows(
        self,
        rows: Sequence[Sequence[Cell]],
        *,
        columns: Sequence[LineColumn] | None = None,
        cursor: int = 0,
    ) -> None:
        if columns is not None:
            self.columns = list(columns)
            self._widths_for = -1
        self.rows = rows
        self._cache.clear()
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self.cursor = max(0, min(cursor, len(rows) - 1))
        self.scroll_to_cursor()
        self.refresh()

    def invalidate(self) -> None:
        self._cache.clear()
        self.refresh()

    # -- cursor ------------------------------------------------------------------------------

    def action_choose(self) -> None:
        if 0 <= self.cursor < len(self.rows):
            self.post_message(self.Chosen(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y - 1
        if event.y > 0 and 0 <= index < len(self.rows):
            if index == self.cursor and event.chain >= 2:
                self.action_choose()
            self.move_to(index)

    # -- drawing -----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(event.size.width, len(self.rows) + 1)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def _column_widths(self, total: int) -> list[int]:
        """Each column's width; 0 for a column that gives way because the table is too narrow."""
        return column_widths(self.columns, total)

    def render_line(self, y: int) -> Strip:
        width = max(self.size.width - self.styles.scrollbar_size_vertical, 0)
        if width != self._widths_for:
            self._widths_for = width
            self._widths = self._column_widths(width)
            self._cache.clear()
        if y == 0:
            header = self.get_component_rich_style("line-table--header")
            cells = [(column.title, header) for column in self.columns]
            return self._strip(cells, header, width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.rows):
            lines = self._empty_lines(width) if not self.rows else []
            if 2 <= y < 2 + len(lines):
                dim = self.rich_style + self.get_component_rich_style("line-table--dim")
                return Strip([Segment(fit("  " + lines[y - 2], width), dim)])
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        key = (index, selected)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._row(index, selected, width)
            if len(self._cache) > 1000:
                self._cache.clear()
            self._cache[key] = strip
        return strip.crop(int(self.scroll_x), int(self.scroll_x) + width)

    def _empty_lines(self, width: int) -> list[str]:
        """The empty message in lines of the width (words whole, Japanese by the character)."""
        if not self.empty_message or width <= 4:
            return []
        text = Text(self.empty_message)
        return [line.plain.rstrip() for line in text.wrap(self.app.console, width - 3)]

    def _row(self, index: int, selected: bool, width: int) -> Strip:
        base = self.rich_style
        if selected:
            base = base + self.get_component_rich_style("line-table--cursor")
        elif index % 2:
            base = base + self.get_component_rich_style("line-table--stripe", partial=True)
        tones = {tone: base + tone_color(self, "line-table", tone) for tone in TONES}
        cells = [(text, tones.get(tone, base)) for text, tone in self.rows[index]]
        return self._strip(cells, base, width)

    def _strip(self, cells: Sequence[tuple[str, Style]], base: Style, width: int) -> Strip:
        segments: list[Segment] = []
        gap = Segment(" " * GAP, base)
        for (text, style), column, cell_width in zip(
            cells, self.columns, self._widths, strict=False
        ):
            if not cell_width:
                continue  # gave way
            segments.append(Segment(fit(text, cell_width, column.right), style))
            segments.append(gap)
        used = sum(self._widths) + GAP * sum(1 for cell_width in self._widths if cell_width)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments).crop(0, width)


def column_widths(columns: Sequence[LineColumn], total: int) -> list[int]:
    """Widths for `columns` in `total` cells: fixed ones as given, flexible ones share the rest
    (each at least its `min_width`, at most its `max_width`); while they do not fit, the column
    with the highest `give_way` is left out (width 0)."""
    shown = list(range(len(columns)))

    def needed(indexes: list[int]) -> int:
        return sum((columns[i].width or columns[i].min_width) + GAP for i in indexes)

    while needed(shown) > total:
        droppable = [i for i in shown if columns[i].give_way]
        if not droppable:
            break
        shown.remove(max(droppable, key=lambda i: (columns[i].give_way, i)))
    widths = [columns[i].width if i in shown else 0 for i in range(len(columns))]
    flexible = [i for i in shown if not columns[i].width]
    left = total - sum(widths) - GAP * len(shown)
    capped = [i for i in flexible if columns[i].max_width]
    free = [i for i in flexible if not columns[i].max_width]
    for number, i in enumerate(capped):  # as wide as they may be, leaving the others their least
        column = columns[i]
        others = sum(columns[j].min_width for j in (*capped[number + 1 :], *free))
        widths[i] = max(column.min_width, min(column.max_width, left - others))
        left -= widths[i]
    share = max(left, 0) // max(len(free), 1)
    for i in free:
        widths[i] = max(columns[i].min_width, share)
    return widths
