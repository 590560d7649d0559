"""A scrolling list of lines with one cursor row under a one-line header (the line-API tables)."""

from __future__ import annotations

from collections.abc import Sized

from textual.binding import Binding
from textual.reactive import reactive
from textual.scroll_view import ScrollView

from csm_tui.i18n import N_


class CursorView(ScrollView, can_focus=True):
    """Cursor movement and scrolling for tables whose rows are `self.rows` (line 0 is a header)."""

    BINDINGS = [
        Binding("up,k", "cursor(-1)", N_("Up"), show=False),
        Binding("down,j", "cursor(1)", N_("Down"), show=False),
        Binding("pageup", "page(-1)", N_("Page up"), show=False),
        Binding("pagedown", "page(1)", N_("Page down"), show=False),
        Binding("home", "jump(0)", N_("First"), show=False),
        Binding("end", "jump(-1)", N_("Last"), show=False),
    ]
    cursor = reactive(0, always_update=True)
    rows: Sized

    def watch_cursor(self) -> None:
        self.refresh()

    @property
    def page_height(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def scroll_to_cursor(self) -> None:
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + self.page_height:
            self.scroll_to(y=self.cursor - self.page_height + 1, animate=False)

    def move_to(self, index: int) -> None:
        if len(self.rows):
            self.cursor = max(0, min(index, len(self.rows) - 1))
            self.scroll_to_cursor()

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        self.move_to(self.cursor + direction * self.page_height)

    def action_jump(self, where: int) -> None:
        self.move_to(len(self.rows) - 1 if where < 0 else 0)
