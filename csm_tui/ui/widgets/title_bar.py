"""The top line of every screen: the app, who is using it and on which book (or the account).

One Static that re-renders itself when a title changes; Textual's Header looks up its child
widgets on every change, which fails if a title changes while the header is still mounting.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class TitleBar(Static):
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        text-align: center;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "title", self._changed, init=False)
        self.watch(self.app, "sub_title", self._changed, init=False)
        self.watch(self.screen, "sub_title", self._changed, init=False)
        self._changed()

    def _changed(self) -> None:
        screen_sub_title = self.screen.sub_title
        sub_title = screen_sub_title if screen_sub_title else self.app.sub_title
        text = Text(self.app.title, style="bold")
        if sub_title:
            text.append(" — " + sub_title, style="")
        self.update(text)
