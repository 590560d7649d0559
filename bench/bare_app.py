"""The baseline for start-up: the smallest Textual app, run the same way as csm-tui."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("BARE-READY")


if __name__ == "__main__":
    Bare().run()
