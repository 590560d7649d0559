"""A scrolling list of lines with one cursor row under a one-line header (the line-API tables)."""

from __future__ import annotations

from collections.abc import Sized

from textual.reactive import reactive
from textual.scroll_view import ScrollView


class CursorView(ScrollView, can_focus=True):
    """Cursor movement and scrolling for tables whose rows are `self.rows` (line 0 is a header)."""

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
