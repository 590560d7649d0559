"""One activity in full, opened with Enter on the Activities tab: the whole note, not its first
line cut to the table's width."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from csm_tui.i18n import N_, _


class ActivityDetail(ModalScreen[bool]):
    """Shows `fields` (label, value) and the note; dismisses with True when `e` asks to edit."""

    BINDINGS = [
        Binding("escape,enter,q", "close", N_("Close")),
        Binding("e", "edit", N_("Edit")),
    ]

    DEFAULT_CSS = """
    ActivityDetail { align: center middle; }
    ActivityDetail > VerticalScroll {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    ActivityDetail #detail-title { text-style: bold; margin-bottom: 1; }
    ActivityDetail #detail-note { margin-top: 1; }
    ActivityDetail #detail-hint { color: $foreground-muted; margin-top: 1; }
    """

    def __init__(self, title: str, fields: list[tuple[str, str]], note: str) -> None:
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.note = note

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
        for label, value in self.fields:
            table.add_row(label, value)
        note = Text(self.note) if self.note.strip() else Text(_("No note."), style="italic")
        with VerticalScroll():
            yield Static(self.title_text, id="detail-title")
            yield Static(table, id="detail-fields")
            yield Static(note, id="detail-note")
            yield Static(_("e edits · Escape or Enter closes"), id="detail-hint")

    def action_close(self) -> None:
        self.dismiss(False)

    def action_edit(self) -> None:
        self.dismiss(True)
