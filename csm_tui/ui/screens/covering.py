"""V: the accounts where I am a secondary owner, active coverage first, with what needs reading.

Each line: the account, the coverage period, unread handoff notes, the renewal countdown,
health with its 30-day change, open and overdue checklist items, the primary owner and why.
Enter opens the account on its Handoff tab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _, pgettext
from csm_tui.models.book import HEALTH_DROP_POINTS, RENEWAL_SOON_DAYS
from csm_tui.ui import format as fmt
from csm_tui.ui.screens.base import DataScreen
from csm_tui.ui.textual_ext.key_bar import KeyBar
from csm_tui.ui.textual_ext.title_bar import TitleBar

if TYPE_CHECKING:
    from csm_tui.services.coverage import CoveredAccount
    from csm_tui.services.session import Session

STATUS_LABELS = {
    0: N_("Now"),  # covering now
    1: N_("Later"),  # a period that starts later
    2: N_("Backup"),  # secondary owner without a period
    3: N_("Ended"),
}


class CoveringTable(DataTable[Text]):
    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="covering-table")


class CoveringScreen(DataScreen):
    SHOWS = frozenset({"owners", "notes", "accounts", "checklist"})
    WORDS_IN_DATA = False  # retranslate rebuilds the table
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="covering.back"),
        Binding("enter", "open", N_("Open on Handoff"), id="covering.open"),
    ]

    DEFAULT_CSS = """
    CoveringScreen #covering-title { padding: 0 1; background: $panel; text-style: bold; }
    CoveringScreen CoveringTable { height: 1fr; }
    CoveringScreen #covering-empty { padding: 1 2; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.sub_title = _("Accounts I cover")

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="covering-title")
        yield CoveringTable()
        yield Static(id="covering-empty")
        yield KeyBar()

    def on_mount(self) -> None:
        self.call_after_refresh(self.reload)  # once the screen has its width

    def reload(self) -> None:
        table = self.query_one(CoveringTable)
        keep = table.cursor_row
        table.clear(columns=True)  # the columns' widths follow the cells, which follow the width
        for key, title in [
            ("account", _("Account")),
            ("coverage", _("Coverage")),
            ("unread", _("Unread")),
            ("renewal", pgettext("column", "Renewal")),
            ("health", _("Health")),
            ("items", _("Checklist")),
            ("primary", _("Primary owner")),
            ("reason", _("Reason")),
        ]:
            table.add_column(title, key=key)
        try:
            rows = self.session.handoff.covering()
        except CsmError as exc:
            rows = []
            self.notify(str(exc), severity="error")
        lines = [_cells(item) for item in rows]
        titles = [str(column.label) for column in table.columns.values()]
        room = self.size.width - 2 * table.cell_padding * len(titles) - 2  # less the scrollbar
        for item, cells in zip(rows, fit_cells(titles, lines, room, SHRINK), strict=True):
            table.add_row(*cells, key=item.row.account_id)
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        active = sum(item.status == 0 for item in rows)
        unread = sum(item.unread for item in rows)
        title = _("Accounts I cover: {n}, covering now: {active}, unread notes: {unread}")
        self.query_one("#covering-title", Static).update(
            title.format(n=len(rows), active=active, unread=unread)
        )
        empty = "" if rows else _("You are not a secondary owner of any account.")
        self.query_one("#covering-empty", Static).update(empty)
        self.query_one("#covering-empty").display = not rows

    def on_resize(self) -> None:
        if self.query(CoveringTable):
            self.reload()  # the cells are cut to the width

    def refresh_data(self) -> None:
        self.reload()  # e.g. notes read on the account screen are no longer unread

    @on(DataTable.RowSelected)
    async def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        await self.action_open()

    async def action_open(self) -> None:
        table = self.query_one(CoveringTable)
        if table.row_count == 0:
            return
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        self.app.open_account(str(row_key.value), tab="handoff")

    def action_back(self) -> None:
        self.dismiss()

    def retranslate(self) -> None:
        super().retranslate()
        self.sub_title = _("Accounts I cover")
        self.call_next(self._rebuild)  # also when under an account screen (F2 there)

    async def _rebuild(self) -> None:
        if not self.is_attached or not self.query(CoveringTable):
            return  # closed before its turn came: its widgets are going
        await self.recompose()
        if self.is_attached and self.query(CoveringTable):  # not closed while rebuilding
            self.on_mount()


# the columns cut (with …) when the table is wider than the screen: the account's name first,
# then the widest of the checklist counts, the primary owner and the reason; never the period,
# the unread count, the renewal or health
SHRINK = (0, 5, 6, 7)
MIN_CELLS = 10


def fit_cells(
    titles: list[str], lines: list[list[Text]], room: int, shrink: tuple[int, ...]
) -> list[list[Text]]:
    """`lines` cut so that their columns fit in `room` cells: the first `shrink` column down to
    16 cells, then the widest of them a cell at a time (down to MIN_CELLS); a cut ends with …."""
    if not lines or room <= 0:
        return lines
    widths = [
        max([cell_len(title), *(line[i].cell_len for line in lines)])
        for i, title in enumerate(titles)
    ]
    first, floor = shrink[0], 16  # the first gives way first, to `floor`: names stay legible
    while sum(widths) > room and widths[first] > floor:
        widths[first] -= 1
    while sum(widths) > room:
        candidates = [i for i in shrink if widths[i] > MIN_CELLS]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] -= 1
    fitted = []
    for line in lines:
        cells = []
        for cell, width in zip(line, widths, strict=True):
            if cell.cell_len > width:
                cell = cell.copy()
                cell.truncate(width, overflow="ellipsis")
            cells.append(cell)
        fitted.append(cells)
    return fitted


def _cells(item: CoveredAccount) -> list[Text]:
    row = item.row
    status = Text(_(STATUS_LABELS[int(item.status)]), style="bold" if item.status == 0 else "dim")
    if row.coverage_from or row.coverage_to:
        start = fmt.short_day(row.coverage_from) or "…"
        end = fmt.short_day(row.coverage_to) or "…"
        status.append(f" {start}–{end}")
    unread = Text(str(item.unread) if item.unread else "·", style="bold" if item.unread else "dim")
    days = item.days_to_renewal
    renewal = Text(fmt.days(days))
    if days is not None and days < 0:
        renewal.stylize("bold red")
    elif days is not None and days <= RENEWAL_SOON_DAYS:
        renewal.stylize("yellow")
    health = Text("—" if row.health_score is None else str(row.health_score))
    change = item.health_change_30d
    if change is not None:
        style = "red" if change <= -HEALTH_DROP_POINTS else "green" if change > 0 else "dim"
        health.append(f" {fmt.change(change)}", style=style)
    items = Text(_("{n} open").format(n=row.open_items))
    if row.overdue_items:
        items.append(" · " + _("{n} overdue").format(n=row.overdue_items), style="bold red")
    primary = row.primary_name or row.primary_email or "—"
    reason = Text(row.coverage_reason, style="dim")
    return [Text(row.name), status, unread, renewal, health, items, Text(primary), reason]
