"""The archived accounts (`A` on the book, or the palette): each with the day it was archived and
its last renewal outcome; Enter or `r` brings the one under the cursor back into the book.

Archiving keeps everything an account holds, so restoring is the whole of undoing it, whenever
the user changes their mind (a churned customer who signs again).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _, pgettext
from csm_tui.services.renewal_outcome import OUTCOME_WORDS
from csm_tui.ui.screens.base import DataScreen
from csm_tui.ui.textual_ext.key_bar import KeyBar
from csm_tui.ui.textual_ext.title_bar import TitleBar

if TYPE_CHECKING:
    from csm_tui.services.archive import ArchivedAccount
    from csm_tui.services.session import Session


class ArchivedTable(DataTable[Text]):
    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="archived-table")


class ArchivedScreen(DataScreen):
    SHOWS = frozenset({"accounts"})
    WORDS_IN_DATA = False  # retranslate rebuilds the table
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="archived.back"),
        Binding("r,enter", "restore", N_("Restore"), id="archived.restore"),
    ]

    DEFAULT_CSS = """
    ArchivedScreen #archived-title { padding: 0 1; background: $panel; text-style: bold; }
    ArchivedScreen ArchivedTable { height: 1fr; }
    ArchivedScreen #archived-empty { padding: 1 2; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.sub_title = _("Archived accounts")

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="archived-title")
        yield ArchivedTable()
        yield Static(id="archived-empty")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()

    def reload(self) -> None:
        table = self.query_one(ArchivedTable)
        keep = table.cursor_row
        table.clear(columns=True)
        table.add_column(_("Account"), key="account")
        table.add_column(_("Archived on"), key="archived")
        table.add_column(pgettext("column", "Last renewal"), key="outcome")
        table.add_column(_("Segment"), key="segment")
        try:
            rows = self.session.records.archived_accounts()
        except CsmError as exc:
            rows = []
            self.notify(str(exc), severity="error")
        for item in rows:
            table.add_row(*_cells(item), key=item.id)
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        self.query_one("#archived-title", Static).update(
            _("Archived accounts: {n}. Enter or r brings one back into the book.").format(
                n=len(rows)
            )
        )
        empty = "" if rows else _("No account is archived. x on the book archives one.")
        self.query_one("#archived-empty", Static).update(empty)
        self.query_one("#archived-empty").display = not rows

    def refresh_data(self) -> None:
        self.reload()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_restore()

    def action_restore(self) -> None:
        table = self.query_one(ArchivedTable)
        if table.row_count == 0:
            return
        row_key, _column = table.coordinate_to_cell_key(table.cursor_coordinate)
        account_id = str(row_key.value)
        name = str(table.get_row(row_key)[0])
        try:
            self.session.records.restore(account_id)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(_("{name} is back in the book.").format(name=name))
        self.reload()  # at once: the change signal may come after the next key

    def action_back(self) -> None:
        self.dismiss()

    def retranslate(self) -> None:
        super().retranslate()
        self.sub_title = _("Archived accounts")
        if self.is_attached and self.query(ArchivedTable):
            self.reload()


def _cells(item: ArchivedAccount) -> list[Text]:
    outcome = OUTCOME_WORDS.get(item.last_outcome or "")
    return [
        Text(item.name),
        Text(item.archived_on.isoformat()),
        Text(_(outcome) if outcome else "—", style="" if outcome else "dim"),
        Text(item.segment or "—", style="" if item.segment else "dim"),
    ]
