"""The Checklist screen: every open item with a due date across the book, overdue first.

Filters by stage, segment and "moments of truth only"; Enter opens the item in its account's
Roadmap tab; space ticks it from here. SQLite walks the open-items index in due-date order and
stops at 2,000 rows, so the screen opens fast on any book.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Label, Select, Static, Switch

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _, ngettext
from csm_tui.ui import format as fmt
from csm_tui.ui.translated import TranslatedScreen
from csm_tui.ui.widgets.title_bar import TitleBar

if TYPE_CHECKING:
    from csm_tui.services.checklist import DueRow
    from csm_tui.services.session import Session

ALL = "*"
STAGES = ("onboarding", "adoption", "renewal")


class DueTable(DataTable[Text | str]):
    """The open items; row keys are checklist item ids."""

    DEFAULT_CSS = "DueTable > .due-table--overdue { color: $error; }"
    COMPONENT_CLASSES = DataTable.COMPONENT_CLASSES | {"due-table--overdue"}

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


class ChecklistScreen(TranslatedScreen):
    """Reached with `C` from anywhere; Escape goes back."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="checklist.back"),
        Binding("s", "next_stage", N_("Stage filter"), id="checklist.stage"),
        Binding("m", "toggle_moments", N_("Moments of truth"), id="checklist.moments"),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="checklist.reload"),
    ]

    DEFAULT_CSS = """
    ChecklistScreen #checklist-filters { height: auto; padding: 0 1; background: $surface; }
    ChecklistScreen #checklist-filters Label { padding: 1 1 0 0; }
    ChecklistScreen #checklist-filters Select { width: 28; margin-right: 2; }
    ChecklistScreen #checklist-filters Switch { margin-right: 1; }
    ChecklistScreen #checklist-count { padding: 0 1; height: 1; color: $foreground-muted; }
    ChecklistScreen DueTable { height: 1fr; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.rows: list[DueRow] = []
        self._loading = True  # the filters' first Changed events are not the user's
        self.book_changed = False  # the book's roadmap column is recomputed on the way back

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="checklist-filters"):
            yield Label(_("Stage"))
            yield Select(self._stage_options(), value=ALL, allow_blank=False, id="stage")
            yield Label(_("Segment"))
            yield Select(self._segment_options(), value=ALL, allow_blank=False, id="segment")
            yield Switch(False, id="moments")
            yield Label(_("Moments of truth only"))
        yield Static("", id="checklist-count")
        yield DueTable(cursor_type="row", zebra_stripes=True, id="due-table")
        yield Footer()

    def _stage_options(self) -> list[tuple[str, str]]:
        return [(_("All stages"), ALL), *((fmt.stage(stage), stage) for stage in STAGES)]

    def _segment_options(self) -> list[tuple[str, str]]:
        segments = self.session.roadmap.segments()
        return [(_("All segments"), ALL), *((segment, segment) for segment in segments)]

    def on_mount(self) -> None:
        self.sub_title = _("Checklist")
        self.load()
        self.set_focus(self.query_one(DueTable))
        self.call_after_refresh(self._loaded)

    def _loaded(self) -> None:
        self._loading = False

    # -- data ----------------------------------------------------------------------------------

    def load(self, keep: str | None = None) -> None:
        stage = self.query_one("#stage", Select).value
        segment = self.query_one("#segment", Select).value
        moments = self.query_one("#moments", Switch).value
        self.rows = self.session.roadmap.due(
            stage=None if stage == ALL else str(stage),
            segment=None if segment == ALL else str(segment),
            moments_only=moments,
        )
        self._fill(keep)

    def _fill(self, keep: str | None) -> None:
        table = self.query_one(DueTable)
        table.clear(columns=True)
        table.add_column(_("Due"), key="due")
        table.add_column(_("Account"), key="account")
        table.add_column(_("Segment"), key="segment")
        table.add_column(_("Stage"), key="stage")
        table.add_column(_("Item"), key="item")
        today = self.session.clock.today()
        overdue_style = table.get_component_rich_style("due-table--overdue", partial=True)
        overdue = 0
        roadmap = self.session.roadmap
        for row in self.rows:
            days = (row.due_date - today).days
            when = row.due_date.isoformat()
            if days < 0:
                overdue += 1
                late = ngettext("{n} day late", "{n} days late", -days).format(n=-days)
                due = Text(f"{when} ({late})", style=overdue_style)
            elif days == 0:
                due = Text(f"{when} ({_('today')})", style=overdue_style)
            else:
                due = Text(when)
            title = roadmap.due_title(row) + (" ★" if row.moment_of_truth else "")
            table.add_row(
                due, row.account_name, row.segment, fmt.stage(row.stage), title, key=row.item_id
            )
        if keep is not None:
            index = next((n for n, row in enumerate(self.rows) if row.item_id == keep), None)
            if index is not None:
                table.move_cursor(row=index)
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
        table = self.query_one(DueTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    # -- actions -------------------------------------------------------------------------------

    @on(Select.Changed)
    @on(Switch.Changed)
    def _filter_changed(self) -> None:
        if not self._loading:
            self.load()

    def action_next_stage(self) -> None:
        select = self.query_one("#stage", Select)
        values = [ALL, *STAGES]
        select.value = values[(values.index(str(select.value)) + 1) % len(values)]

    def action_toggle_moments(self) -> None:
        switch = self.query_one("#moments", Switch)
        switch.value = not switch.value

    def action_reload(self) -> None:
        current = self.current()
        self.load(current.item_id if current else None)

    def open_current(self) -> None:
        row = self.current()
        if row is None:
            return
        from csm_tui.ui.screens.account import AccountScreen

        try:
            screen = AccountScreen(self.session, row.account_id, tab="roadmap", item_id=row.item_id)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return

        def back(_result: object) -> None:
            self.book_changed = self.book_changed or screen.book_changed
            self.action_reload()

        self.app.push_screen(screen, back)

    def tick_current(self) -> None:
        row = self.current()
        if row is None:
            return
        try:
            self.session.roadmap.tick(row.item_id, True)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        index = self.query_one(DueTable).cursor_row
        self.notify(
            _("Ticked: {item} ({account})").format(
                item=self.session.roadmap.due_title(row), account=row.account_name
            )
        )
        self.book_changed = True
        self.load()
        if self.rows:
            self.query_one(DueTable).move_cursor(row=min(index, len(self.rows) - 1))

    def action_back(self) -> None:
        if self.book_changed:
            for screen in self.app.screen_stack:
                reload = getattr(screen, "reload", None)
                if callable(reload):
                    reload()  # the book's roadmap column
        self.dismiss()

    def retranslate(self) -> None:
        super().retranslate()
        self.sub_title = _("Checklist")
        self._loading = True
        stage = self.query_one("#stage", Select)
        value = stage.value
        stage.set_options(self._stage_options())
        stage.value = value
        segment = self.query_one("#segment", Select)
        value = segment.value
        segment.set_options(self._segment_options())
        segment.value = value
        current = self.current()
        self._fill(current.item_id if current else None)
        self.call_after_refresh(self._loaded)
