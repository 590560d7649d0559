"""The keys of the screen, on one line at the bottom: one widget, redrawn as text.

Textual's Footer builds a widget per key and rebuilds them all whenever the bindings change (every
focus change); with a dozen keys that was about 120 ms of styling on each screen opened. This bar
draws the same keys as one line of text, and a click on a key presses it.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

PALETTE = "ctrl+p"


class KeyBar(Widget):
    """The active screen's shown bindings, then the command palette's key at the right."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1; background: $footer-background; color: $footer-foreground;
    }
    KeyBar > .key-bar--key { color: $footer-key-foreground; text-style: bold; }
    KeyBar > .key-bar--description { color: $footer-description-foreground; }
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}

    def __init__(self) -> None:
        super().__init__(id="key-bar")
        self._spans: list[tuple[int, int, str]] = []  # cells [start, end) → key

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        description_style = self.get_component_rich_style("key-bar--description", partial=True)
        text = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        seen: set[str] = set()
        palette = None
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.key == PALETTE and self.app.ENABLE_COMMAND_PALETTE:
                palette = binding
                continue
            if not binding.show or binding.action in seen:
                continue
            seen.add(binding.action)  # one entry per action, as Textual's Footer shows them
            start = text.cell_len
            text.append(f" {self.app.get_key_display(binding)} ", style=key_style)
            text.append(binding.description, style=description_style)
            if not enabled:
                text.stylize("dim", start)
            self._spans.append((start, text.cell_len, binding.key))
            text.append(" ")
        if palette is not None:
            hint = Text(f" {self.app.get_key_display(palette)} ", style=key_style)
            hint.append(palette.description + " ", style=description_style)
            room = self.size.width - hint.cell_len
            if room > 0:
                text.truncate(room, overflow="ellipsis", pad=True)
                self._spans.append((room, self.size.width, palette.key))
                text.append_text(hint)
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
