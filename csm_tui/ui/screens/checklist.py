"""The Checklist screen: every open item with a due date across the book, overdue first.

Filters by stage, segment and "moments of truth only"; Enter opens the item in its account's
Roadmap tab; space ticks it from here. SQLite walks the open-items index in due-date order and
stops at 2,000 rows, so the screen opens fast on any book.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _, ngettext
from csm_tui.ui import format as fmt
from csm_tui.ui.screens.base import DataScreen
from csm_tui.ui.textual_ext.key_bar import KeyBar
from csm_tui.ui.textual_ext.line_table import Cell, LineColumn, LineTable
from csm_tui.ui.textual_ext.title_bar import TitleBar

if TYPE_CHECKING:
    from csm_tui.services.checklist import DueRow
    from csm_tui.services.session import Session

STAGES = ("onboarding", "adoption", "renewal")


class DueTable(LineTable):
    """The open items, one per line; drawn as they scroll into view."""

    BINDINGS = [
        Binding("enter", "open", N_("Open"), id="checklist.open"),
        Binding("space", "tick", N_("Mark done"), id="checklist.tick"),
    ]

    def action_open(self) -> None:
        screen = self.screen
        if isinstance(screen, ChecklistScreen):
            screen.open_current()

    def action_tick(self) -> None:
        screen = self.screen
        if isinstance(screen, ChecklistScreen):
            screen.tick_current()


class ChecklistScreen(DataScreen):
    """Reached with `C` from anywhere; Escape goes back."""

    SHOWS = frozenset({"checklist", "accounts"})
    UPDATES_ITSELF = True  # Space ticks and redraws
    WORDS_IN_DATA = False  # retranslate redraws the lines

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="checklist.back"),
        Binding("s", "next_stage", N_("Stage filter"), id="checklist.stage"),
        Binding("g", "next_segment", N_("Segment filter"), id="checklist.segment"),
        Binding("m", "toggle_moments", N_("Moments of truth"), id="checklist.moments"),
        Binding("u", "undo", N_("Undo done"), show=False, id="checklist.undo"),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="checklist.reload"),
    ]

    DEFAULT_CSS = """
    ChecklistScreen #checklist-filters {
        height: auto; padding: 0 1; background: $surface; color: $foreground-muted;
    }
    ChecklistScreen #checklist-count { padding: 0 1; height: 1; color: $foreground-muted; }
    ChecklistScreen DueTable { height: 1fr; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.rows: list[DueRow] = []
        self.stage: str | None = None  # None: every stage
        self.segment: str | None = None
        self.moments_only = False
        self._segments: list[str] | None = None
        self.ticked: list[str] = []  # items marked done here, newest last, for `u`

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="checklist-filters")
        yield Static("", id="checklist-count")
        yield DueTable(id="due-table")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = _("Checklist")
        self.load()
        self.set_focus(self.query_one(DueTable))

    # -- data ----------------------------------------------------------------------------------

    def load(self, keep: str | None = None) -> None:
        self.rows = self.session.roadmap.due(
            stage=self.stage, segment=self.segment, moments_only=self.moments_only
        )
        self._show_filters()
        self._fill(keep)

    def _show_filters(self) -> None:
        """The filters and their values; a filter that does not fit goes whole to the next line."""
        bar = Text()
        room = max(self.size.width - 2, 20)
        line = 0
        for key, label, value in (
            ("s", _("Stage"), fmt.stage(self.stage) if self.stage else _("All stages")),
            ("g", _("Segment"), self.segment or _("All segments")),
            ("m", _("Moments of truth only"), _("on") if self.moments_only else _("off")),
        ):
            chunk = Text()
            chunk.append(f" {key} ", style="bold reverse")
            chunk.append(f" {label}: ")
            chunk.append(value, style="bold")
            if line and line + 3 + chunk.cell_len > room:
                bar.append("\n")
                line = 0
            elif line:
                bar.append("   ")
                line += 3
            bar.append_text(chunk)
            line += chunk.cell_len
        self.query_one("#checklist-filters", Static).update(bar)

    def on_resize(self) -> None:
        self._show_filters()

    def set_filters(
        self, *, stage: str | None = None, segment: str | None = None, moments_only: bool = False
    ) -> None:
        """Show the items of one stage and segment (None: all), moments of truth only or not."""
        self.stage, self.segment, self.moments_only = stage, segment, moments_only
        self.load()

    def _columns(self) -> list[LineColumn]:
        """Narrow (80 columns), Segment and then Stage give way; the due date with how late it
        is, the account and the item always stay (the filters above say the stage and segment)."""
        return [
            LineColumn(_("Due"), 27),
            LineColumn(_("Account"), 0, min_width=20, max_width=28),
            LineColumn(_("Segment"), 12, give_way=2),
            LineColumn(_("Stage"), 10, give_way=1),
            LineColumn(_("Item"), 0, min_width=24),
        ]

    def _fill(self, keep: str | None) -> None:
        today = self.session.clock.today()
        roadmap = self.session.roadmap
        lines: list[tuple[Cell, ...]] = []
        overdue = 0
        cursor = 0
        for index, row in enumerate(self.rows):
            days = (row.due_date - today).days
            when = row.due_date.isoformat()
            if days < 0:
                overdue += 1
                late = ngettext("{n} day late", "{n} days late", -days).format(n=-days)
                due: Cell = (f"{when} ({late})", "bad")
            elif days == 0:
                due = (f"{when} ({_('today')})", "bad")
            else:
                due = (when, "")
            title = roadmap.due_title(row) + (" ★" if row.moment_of_truth else "")
            lines.append(
                (
                    due,
                    (row.account_name, ""),
                    (row.segment, "dim"),
                    (fmt.stage(row.stage), ""),
                    (title, ""),
                )
            )
            if row.item_id == keep:
                cursor = index
        table = self.query_one(DueTable)
        table.empty_message = _("No open items with a due date match. Change the filters above.")
        table.set_rows(lines, columns=self._columns(), cursor=cursor)
        self._show_count(overdue)

    def _show_count(self, overdue: int) -> None:
        count = self.query_one("#checklist-count", Static)
        if not self.rows:
            count.update(_("No open items with a due date match. Change the filters above."))
            return
        text = ngettext("{n} open item", "{n} open items", len(self.rows)).format(n=len(self.rows))
        if overdue:
            text += " · " + ngettext("{n} overdue", "{n} overdue", overdue).format(n=overdue)
        if len(self.rows) >= 2000:
            text += " · " + _("the earliest 2,000 are shown")
        count.update(text)

    def current(self) -> DueRow | None:
        cursor = self.query_one(DueTable).cursor
        return self.rows[cursor] if 0 <= cursor < len(self.rows) else None

    # -- actions -------------------------------------------------------------------------------

    def action_next_stage(self) -> None:
        values: list[str | None] = [None, *STAGES]
        self.stage = values[(values.index(self.stage) + 1) % len(values)]
        self.load()

    def action_next_segment(self) -> None:
        if self._segments is None:
            self._segments = self.session.roadmap.segments()
        values: list[str | None] = [None, *self._segments]
        index = values.index(self.segment) if self.segment in values else 0
        self.segment = values[(index + 1) % len(values)]
        self.load()

    def action_toggle_moments(self) -> None:
        self.moments_only = not self.moments_only
        self.load()

    def action_reload(self) -> None:
        current = self.current()
        self.load(current.item_id if current else None)

    def open_current(self) -> None:
        row = self.current()
        if row is None:
            return
        # what is ticked there comes back here through the change signal
        self.app.open_account(row.account_id, tab="roadmap", item_id=row.item_id)

    def tick_current(self) -> None:
        row = self.current()
        if row is None:
            return
        try:
            self.session.roadmap.tick(row.item_id, True)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self.ticked.append(row.item_id)
        index = self.query_one(DueTable).cursor
        self.app.clear_notifications()  # one toast at a time: a stack of them hides the columns
        self.notify(
            _("Done: {item} · u undoes").format(item=self.session.roadmap.due_title(row)),
            timeout=4,
        )
        self.load()
        self.query_one(DueTable).move_to(index)

    def action_undo(self) -> None:
        """Open again the item last marked done here (as `u` on Today reopens a task)."""
        if not self.ticked:
            self.notify(_("Nothing to bring back."), severity="warning")
            return
        item_id = self.ticked.pop()
        try:
            self.session.roadmap.tick(item_id, False)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.clear_notifications()
        self.notify(_("Open again."), timeout=4)
        self.load(item_id)

    def action_back(self) -> None:
        self.dismiss()

    def refresh_data(self) -> None:
        current = self.current()
        self.load(current.item_id if current else None)

    def retranslate(self) -> None:
        super().retranslate()
        self.sub_title = _("Checklist")
        self._show_filters()
        current = self.current()
        self._fill(current.item_id if current else None)
