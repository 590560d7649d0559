"""The Activities tab: the account's work, newest first, with totals; delete with undo.

An activity linked to a roadmap checklist item shows the item's title (in the current language).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from csm_tui.i18n import N_, _, ngettext
from csm_tui.ui import format as fmt
from csm_tui.ui.screens.log_activity import OUTCOME_LABELS, TYPE_LABELS, edit_form

if TYPE_CHECKING:
    from csm_tui.models.activity import Activity
    from csm_tui.services.activities import Removed
    from csm_tui.services.session import Session

SHOWN = 200  # newest first; older ones stay in the database and in the totals
ITEM_CELLS = 32  # a linked checklist item's title is cut to this many cells
NOTE_CELLS = 60  # a note's first line before the table knows its width; Enter shows it all


class ActivityTable(DataTable[str]):
    BINDINGS = [
        Binding("enter", "read", N_("Read"), id="activities.read"),
        Binding("e", "edit", N_("Edit"), id="activities.edit"),
        Binding("x,delete", "delete", N_("Delete"), id="activities.delete"),
        Binding("u", "undo", N_("Undo delete"), id="activities.undo"),
    ]

    class Changed(Message):
        """An activity was deleted or restored: totals and the book must follow."""

    def __init__(self, session: Session, account_id: str, removed: list[Removed]) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="activity-table")
        self.session = session
        self.account_id = account_id
        self.removed = removed  # owned by the screen: it outlives a redraw of this table

    def _current_id(self) -> str | None:
        if self.row_count == 0:
            return None
        row_key, _column = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    def _current(self) -> Activity | None:
        activity_id = self._current_id()
        return next(
            (a for a in self.session.activities(self.account_id, SHOWN) if a.id == activity_id),
            None,
        )

    def action_read(self) -> None:
        """The activity in full: the whole note, which the table cuts to its first line."""
        from csm_tui.ui.screens.activity_detail import ActivityDetail

        activity = self._current()
        if activity is None:
            return
        name = self.session.overview(self.account_id).account.name
        fields = [
            (_("When"), _local(activity.occurred_at)),
            (_("Type"), _(TYPE_LABELS[activity.type])),
            (_("Effort"), fmt.duration(activity.minutes)),
            (_("Flags"), ", ".join(_flags(activity))),
            (_("Outcome"), _(OUTCOME_LABELS[activity.outcome])),
        ]
        if activity.checklist_item_id:
            titles = {c.id: c.title for c in self.session.checklist_choices(self.account_id)}
            fields.append((_("Checklist item"), titles.get(activity.checklist_item_id, "—")))

        def closed(edit: bool | None) -> None:
            if edit:
                self.action_edit()

        self.app.push_screen(ActivityDetail(name, fields, activity.note), closed)

    def action_edit(self) -> None:
        activity = self._current()
        if activity is None:
            return
        name = self.session.overview(self.account_id).account.name

        def done(saved: bool | None) -> None:
            if saved:
                self.post_message(self.Changed())

        self.app.push_screen(edit_form(self.session, activity, name), done)

    def action_delete(self) -> None:
        activity_id = self._current_id()
        if activity_id is None:
            return
        self.removed.append(self.session.delete_activity(activity_id))
        self.notify(_("Activity deleted. Press u to undo."))
        self.post_message(self.Changed())

    def action_undo(self) -> None:
        if not self.removed:
            self.notify(_("Nothing to undo."), severity="warning")
            return
        self.session.restore_activity(self.removed.pop())
        self.notify(_("Activity restored."))
        self.post_message(self.Changed())


class ActivityTimeline(Vertical):
    DEFAULT_CSS = """
    ActivityTimeline { height: 1fr; }
    ActivityTimeline #activity-totals { padding: 0 1; height: auto; margin-bottom: 1; }
    ActivityTimeline DataTable { height: 1fr; }
    """

    def __init__(self, session: Session, account_id: str, removed: list[Removed]) -> None:
        super().__init__()
        self.session = session
        self.account_id = account_id
        self.removed = removed

    def compose(self) -> ComposeResult:
        yield Static(id="activity-totals")
        yield ActivityTable(self.session, self.account_id, self.removed)

    def on_mount(self) -> None:
        self.load()

    def load(self) -> None:
        totals = self.session.effort_totals(self.account_id)
        line = Text()
        for label, (count, minutes) in (
            (_("This week"), totals.week),
            (_("This month"), totals.month),
            (_("All"), totals.all),
        ):
            line.append(f"{label}: ", style="bold")
            activities = ngettext("{n} activity", "{n} activities", count).format(n=count)
            line.append(f"{activities}, {fmt.duration(minutes)}    ")
        self.query_one("#activity-totals", Static).update(line)
        listed = self.session.activities(self.account_id, SHOWN)
        titles: dict[str, str] = {}
        if any(activity.checklist_item_id for activity in listed):
            titles = {c.id: c.title for c in self.session.checklist_choices(self.account_id)}
        table = self.query_one(ActivityTable)
        table.clear(columns=True)
        table.add_column(_("When"), key="when")
        table.add_column(_("Type"), key="type")
        table.add_column(_("Effort"), key="minutes")
        table.add_column(_("Flags"), key="flags")
        table.add_column(_("Outcome"), key="outcome")
        if titles:  # only where work was linked: the note keeps its room otherwise
            table.add_column(_("Checklist item"), key="checklist")
        table.add_column(_("Note"), key="note")
        lines: list[tuple[str, list[str]]] = []
        for activity in listed:
            cells = [
                _local(activity.occurred_at),
                _(TYPE_LABELS[activity.type]),
                fmt.duration(activity.minutes),
                ", ".join(_flags(activity)),
                _(OUTCOME_LABELS[activity.outcome]),
            ]
            if titles:
                cells.append(_cut(titles.get(activity.checklist_item_id or "", ""), ITEM_CELLS))
            lines.append((activity.id, cells))
        # the note gets what the other columns leave, cut with `…` (Enter reads it whole)
        room = NOTE_CELLS
        if table.size.width:
            used = sum(
                max([cell_len(str(column.label)), *(cell_len(cells[i]) for _id, cells in lines)])
                + 2 * table.cell_padding
                for i, column in enumerate(list(table.columns.values())[:-1])
            )
            room = max(table.size.width - used - 2 * table.cell_padding - 2, 12)
        notes = {activity.id: activity.note for activity in listed}
        for activity_id, cells in lines:
            table.add_row(*cells, _first_line(notes[activity_id], room), key=activity_id)

    def on_resize(self) -> None:
        self.load()  # the note's room follows the width


def _flags(activity: Activity) -> list[str]:
    flags = [_("proactive") if activity.proactive else _("reactive")]
    if activity.recurring:
        flags.append(_("recurring"))
    return flags


def _first_line(note: str, cells: int = NOTE_CELLS) -> str:
    """The note's first line, at most `cells` cells; `…` says there is more (Enter reads it)."""
    lines = note.strip().splitlines()
    if not lines:
        return ""
    first = _cut(lines[0], cells)
    if len(lines) > 1 and not first.endswith("…"):
        first += " …"
    return first


def _cut(text: str, cells: int) -> str:
    """At most `cells` terminal cells (a Japanese character takes two), with an ellipsis."""
    cell = Text(text)
    cell.truncate(cells, overflow="ellipsis")
    return cell.plain


def _local(moment: datetime) -> str:
    return fmt.moment(moment)
