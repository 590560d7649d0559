"""The book-of-business table: a line-API widget that draws only the rows on screen.

Textual's DataTable measures every row as it is added (about a second at 10,000 rows); this table
takes a list of rows, renders the visible ones on demand and caches them, so a new filter result of
5,000 rows costs nothing until it is drawn. Cell widths are measured in terminal cells, so Japanese
(double-width) names line up.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from csm_tui.i18n import N_, NC_, _, pgettext
from csm_tui.models.book import HEALTH_DROP_POINTS, RENEWAL_SOON_DAYS, BookRow, SortKey
from csm_tui.services.book import BookService
from csm_tui.ui import format as fmt
from csm_tui.ui.textual_ext.cursor_view import CursorView


@dataclass(frozen=True)
class Column:
    key: SortKey
    title: str  # a msgid in the "column" context, translated when drawn
    width: int  # 0: takes the remaining width
    right: bool = False
    # too narrow for every column (80 cells), whole columns are left out, the highest first;
    # 0 never goes. Cells are never cut to fit ("17 d late" stays whole).
    give_way: int = 0


COLUMNS: tuple[Column, ...] = (
    Column(SortKey.NAME, NC_("column", "Account"), 0),
    Column(SortKey.SEGMENT, NC_("column", "Segment"), 12, give_way=4),
    Column(SortKey.STAGE, NC_("column", "Roadmap"), 17, give_way=1),
    Column(SortKey.HEALTH, NC_("column", "Health"), 9, right=True),
    Column(SortKey.VALUE, NC_("column", "Contract"), 13, right=True),
    Column(SortKey.RENEWAL, NC_("column", "Renewal"), 10, right=True),
    Column(SortKey.ROLE, NC_("column", "My role"), 13, give_way=2),
    Column(SortKey.LAST_ACTIVITY, NC_("column", "Last activity"), 13, give_way=3),
    # the last renewal outcome (issue 14): the first to give way when the terminal is narrow
    Column(SortKey.OUTCOME, NC_("column", "Last renewal"), 14, give_way=5),
)
MIN_NAME_WIDTH = 16
GAP = 1


def roadmap_cell(row: BookRow) -> str:
    """Stage, progress through it and overdue items: "Adoption 4/7 !2"."""
    text = fmt.stage(row.stage)
    if row.stage_total:
        text += f" {row.stage_done}/{row.stage_total}"
    if row.overdue_items:
        text += f" !{row.overdue_items}"
    return text


def role_cell(row: BookRow) -> str:
    """My role, and the handoff notes I have not read yet: "Secondary ✉2"."""
    text = fmt.role(row.my_role)
    if row.unread_notes:
        text += f" ✉{row.unread_notes}"
    return text


def fit(text: str, width: int, right: bool = False) -> str:
    """Pad or cut `text` to exactly `width` cells; a cut shows an ellipsis."""
    if width <= 0:
        return ""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    padding = " " * (width - length)
    return padding + text if right else text + padding


class AccountTable(CursorView):
    """Rows of accounts with a cursor; Enter posts `AccountTable.Opened`.
    Its cursor keys add g/G (as in a pager) to the ones every CursorView has."""

    BINDINGS = [
        Binding("enter", "open", N_("Open"), id="table.open"),
        Binding("g", "jump(0)", N_("First"), show=False),  # the rest come from CursorView
        Binding("G", "jump(-1)", N_("Last"), show=False),
    ]

    COMPONENT_CLASSES = {
        "account-table--header",
        "account-table--sorted",
        "account-table--cursor",
        "account-table--warning",
        "account-table--bad",
        "account-table--good",
        "account-table--dim",
    }

    DEFAULT_CSS = """
    AccountTable {
        height: 1fr;
        scrollbar-gutter: stable;
        & > .account-table--header { text-style: bold; background: $panel; color: $foreground; }
        & > .account-table--sorted {
            text-style: bold underline; background: $panel; color: $accent;
        }
        & > .account-table--cursor { background: $block-cursor-blurred-background; }
        &:focus > .account-table--cursor {
            background: $block-cursor-background; color: $block-cursor-foreground;
            text-style: bold;
        }
        & > .account-table--warning { color: $warning; }
        & > .account-table--bad { color: $error; }
        & > .account-table--good { color: $success; }
        & > .account-table--dim { color: $foreground-muted; }
    }
    """

    class Opened(Message):
        """The user asked to open the account under the cursor."""

        def __init__(self, account_id: str) -> None:
            super().__init__()
            self.account_id = account_id

    class SortRequested(Message):
        """The user clicked a column title."""

        def __init__(self, key: SortKey) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[BookRow] = []
        self.sort_key = SortKey.RENEWAL
        self.descending = False
        self._cache: dict[tuple[str, bool], Strip] = {}  # by account id: kept across filters
        self._widths: list[int] = []
        self._widths_for = -1  # the content width `_widths` was computed for
        self.type_target: Widget | None = None  # where `/` sends the typing (the filter box)
        self.empty_message = ""  # shown when there are no rows: why, and what to do
        # sorted by Contract, values in another currency show converted, marked `≈`
        self.book: BookService | None = None

    # -- data --------------------------------------------------------------------------------

    def set_rows(self, rows: list[BookRow], keep_id: str | None = None) -> None:
        """Show new rows; the cursor stays on `keep_id` if it is still there."""
        self.rows = rows
        virtual = Size(self.size.width, len(rows) + 1)
        if virtual != self.virtual_size:  # a new size means new scrollbars: only when needed
            self.virtual_size = virtual
        index = 0
        if keep_id is not None:
            index = next((i for i, row in enumerate(rows) if row.id == keep_id), 0)
        self.cursor = min(index, max(len(rows) - 1, 0))
        self.scroll_to_cursor()
        self.refresh()

    def set_sort(self, key: SortKey, descending: bool) -> None:
        if SortKey.VALUE in (key, self.sort_key) and key != self.sort_key:
            self._cache.clear()  # the Contract cells change with this sort
        self.sort_key = key
        self.descending = descending
        self._widths_for = -1  # the sorted column is always shown
        self.refresh()

    def contract_cell(self, row: BookRow) -> str:
        """The contract value; sorted by Contract, one in another currency is shown as the sort
        ranks it: converted with `[segments] rates`, marked `≈` (`≈$8,000` for ¥1,200,000)."""
        book = self.book
        if book is None or self.sort_key != SortKey.VALUE:
            return fmt.money(row.contract_value, row.currency)
        currency = book.segments.currency
        converted = book.value_in_base(row)
        if row.currency == currency or converted is None:
            return fmt.money(row.contract_value, row.currency)
        return fmt.money(converted, currency, approx=True)

    @property
    def current(self) -> BookRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def invalidate(self) -> None:
        """Forget cached lines (after a theme or language change)."""
        self._cache.clear()
        self.refresh()

    # -- cursor and scrolling ----------------------------------------------------------------

    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Opened(row.id))

    async def _on_key(self, event: events.Key) -> None:
        """`/` moves to the filter, where what is typed after it lands (see ui/key_gate.py)."""
        if event.key == "slash" and self.type_target is not None:
            event.prevent_default()
            event.stop()
            self.screen.set_focus(self.type_target)

    def _on_paste(self, event: events.Paste) -> None:
        """A name pasted onto the table (from a CRM, a mail) becomes the filter."""
        if self.type_target is not None and event.text.strip():
            event.stop()
            self.screen.set_focus(self.type_target)
            self.type_target.post_message(events.Paste(event.text.strip()))

    # -- mouse -------------------------------------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        if event.y == 0:
            key = self._column_at(event.x + int(self.scroll_x))
            if key is not None:
                self.post_message(self.SortRequested(key))
            return
        index = int(self.scroll_y) + event.y - 1
        if 0 <= index < len(self.rows):
            if index == self.cursor and event.chain >= 2:
                self.action_open()
            self.move_to(index)

    def _column_at(self, x: int) -> SortKey | None:
        start = 0
        for column, width in zip(COLUMNS, self._widths, strict=False):
            if not width:
                continue  # gave way
            if start <= x < start + width + GAP:
                return column.key
            start += width + GAP
        return None

    # -- drawing -----------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(event.size.width, len(self.rows) + 1)
        self.scroll_to_cursor()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def _content_width(self) -> int:
        """The width rows are drawn to; cheap, since render_line asks for every line.

        The scrollbar gutter is stable (reserved even without a scrollbar), so this is the
        widget's width less the scrollbar's.
        """
        return max(self.size.width - self.styles.scrollbar_size_vertical, 0)

    def _column_widths(self, total: int) -> list[int]:
        """Each column's width, 0 for one that gives way (never the one the rows are sorted by);
        the account's name takes what the others leave."""
        shown = list(COLUMNS)

        def needed() -> int:
            return sum((column.width or MIN_NAME_WIDTH) + GAP for column in shown)

        while needed() > total:
            droppable = [c for c in shown if c.give_way and c.key != self.sort_key]
            if not droppable:
                break
            shown.remove(max(droppable, key=lambda column: column.give_way))
        fixed = sum(column.width + GAP for column in shown if column.width)
        name = max(MIN_NAME_WIDTH, total - fixed - GAP)
        return [(column.width or name) if column in shown else 0 for column in COLUMNS]

    def render_line(self, y: int) -> Strip:
        width = self._content_width()
        if width != self._widths_for:
            self._widths_for = width
            self._widths = self._column_widths(width)
            self._cache.clear()
        if y == 0:
            return self._header(width).crop(int(self.scroll_x), int(self.scroll_x) + width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.rows):
            if not self.rows and y == 2 and self.empty_message:
                style = self.rich_style + self.get_component_rich_style(
                    "account-table--dim", partial=True
                )
                return Strip([Segment(fit("  " + self.empty_message, width), style)])
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        row = self.rows[index]
        key = (row.id, selected)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._row(row, selected, width)
            if len(self._cache) > 2000:
                self._cache.clear()
            self._cache[key] = strip
        return strip.crop(int(self.scroll_x), int(self.scroll_x) + width)

    def _header(self, width: int) -> Strip:
        header = self.get_component_rich_style("account-table--header")
        sorted_style = self.get_component_rich_style("account-table--sorted")
        segments: list[Segment] = []
        for column, cell_width in zip(COLUMNS, self._widths, strict=True):
            if not cell_width:
                continue  # gave way
            title = pgettext("column", column.title)
            if column.key == self.sort_key:
                # the arrow always shows: the title gives way to it when the column is narrow
                arrow = " ▼" if self.descending else " ▲"
                text = fit(title, cell_width - 2).rstrip() + arrow
                segments.append(Segment(fit(text, cell_width, column.right), sorted_style))
            else:
                segments.append(Segment(fit(title, cell_width, column.right), header))
            segments.append(Segment(" " * GAP, header))
        used = sum(self._widths) + GAP * sum(1 for cell_width in self._widths if cell_width)
        if used < width:
            segments.append(Segment(" " * (width - used), header))
        return Strip(segments)

    @staticmethod
    def _outcome_cell(row: BookRow, tones: dict[str, Style], dim: Style) -> tuple[str, Style]:
        """The last renewal outcome in a word ("Expanded"), coloured by what it means."""
        if row.last_outcome is None:
            return ("—", dim)
        from csm_tui.services.renewal_outcome import OUTCOME_WORDS, TONES

        word = _(OUTCOME_WORDS.get(row.last_outcome, row.last_outcome))
        return (word, tones.get(TONES.get(row.last_outcome, ""), dim))

    def _row(self, row: BookRow, selected: bool, width: int) -> Strip:
        base = self.rich_style
        if selected:
            base = base + self.get_component_rich_style("account-table--cursor")
        warning = base + self.get_component_rich_style("account-table--warning", partial=True)
        bad = base + self.get_component_rich_style("account-table--bad", partial=True)
        good = base + self.get_component_rich_style("account-table--good", partial=True)
        dim = base + self.get_component_rich_style("account-table--dim", partial=True)

        health_style = base
        if row.health_change is not None and row.health_change <= -HEALTH_DROP_POINTS:
            health_style = bad
        elif row.health_change is not None and row.health_change >= HEALTH_DROP_POINTS:
            health_style = good
        renewal_style = base
        if row.days_to_renewal is not None:
            if row.days_to_renewal < 0:
                renewal_style = bad
            elif row.days_to_renewal <= RENEWAL_SOON_DAYS:
                renewal_style = warning
        health = "—" if row.health is None else f"{row.health} {fmt.change(row.health_change)}"
        cells: list[tuple[str, Style]] = [
            (row.name, base),
            (row.segment, base),
            (roadmap_cell(row), warning if row.overdue_items else base),
            (health.rstrip(), health_style),
            (self.contract_cell(row), base),
            (fmt.days(row.days_to_renewal), renewal_style),
            (role_cell(row), (warning if row.unread_notes else base) if row.my_role else dim),
            (row.last_activity or "—", base if row.last_activity else dim),
            self._outcome_cell(row, {"bad": bad, "warning": warning, "good": good}, dim),
        ]
        segments: list[Segment] = []
        gap = Segment(" " * GAP, base)
        for (text, style), column, cell_width in zip(cells, COLUMNS, self._widths, strict=True):
            if not cell_width:
                continue  # gave way
            segments.append(Segment(fit(text, cell_width, column.right), style))
            segments.append(gap)
        used = sum(self._widths) + GAP * sum(1 for cell_width in self._widths if cell_width)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        return Strip(segments)
