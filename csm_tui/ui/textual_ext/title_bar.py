"""The top line of every screen: the sync status at the left, the app, who is using it and on
which book (or the account) in the middle, and the running work timer at the right (what the
`t` key does with the timer: csm_tui/ui/flows/timer.py).

Rendered by the widget itself, not by Textual's Header: the Header looks up its child widgets
on every change, which fails if a title changes while the header is still mounting. The timer
ticks once a second with a repaint of this one line, never a layout pass.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.timer import Timer
from textual.widget import Widget

from csm_tui.i18n import _

if TYPE_CHECKING:
    from csm_tui.services.crm_background import CrmStatus
    from csm_tui.services.timer import RunningTimer
    from csm_tui.sync.engine import SyncStatus

TIMER_NAME_CELLS = 30  # the account name beside the timer is cut to this many cells


def format_elapsed(elapsed: timedelta) -> str:
    """`25:03` under an hour, `1:05:03` from then on (hours go past 24 if they must)."""
    seconds = int(elapsed.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


class TitleBar(Widget):
    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        text-align: center;
    }
    TitleBar > .title-bar--timer { background: $accent; color: $background; text-style: bold; }
    TitleBar > .title-bar--sync { color: $text-muted; }
    TitleBar > .title-bar--sync-busy { color: $accent; }
    TitleBar > .title-bar--sync-warning { color: $warning; }
    TitleBar > .title-bar--sync-error { color: $error; text-style: bold; }
    """
    COMPONENT_CLASSES = {
        "title-bar--timer",
        "title-bar--sync",
        "title-bar--sync-busy",
        "title-bar--sync-warning",
        "title-bar--sync-error",
    }

    def __init__(self) -> None:
        super().__init__()
        self._ticker: Timer | None = None

    def on_mount(self) -> None:
        self.watch(self.app, "title", self._changed, init=False)
        self.watch(self.app, "sub_title", self._changed, init=False)
        self.watch(self.screen, "sub_title", self._changed, init=False)
        self.watch(self.app, "timer", self._timer_changed)
        if hasattr(self.app, "sync_status"):
            self.watch(self.app, "sync_status", self._changed, init=False)
        if hasattr(self.app, "crm_status"):
            self.watch(self.app, "crm_status", self._changed, init=False)
            # "synced 3 min ago" ages: a repaint of this line now and then, no layout
            self.set_interval(30, self._tick, name="title-bar-sync-age")

    @property
    def _timer(self) -> RunningTimer | None:
        timer: RunningTimer | None = getattr(self.app, "timer", None)
        return timer

    def _changed(self) -> None:
        self.refresh()

    def _timer_changed(self) -> None:
        running = self._timer is not None
        if running and self._ticker is None:
            self._ticker = self.set_interval(1, self._tick, name="title-bar-timer")
        elif not running and self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        self.refresh()

    def _tick(self) -> None:
        if self.screen.is_current:  # the bars of the screens underneath wait until shown
            self.refresh()

    def render(self) -> Text:
        screen_sub_title = self.screen.sub_title
        sub_title = screen_sub_title if screen_sub_title else self.app.sub_title
        title = Text(self.app.title, style="bold")
        if sub_title:
            title.append(" — " + sub_title, style="")
        timer = self._timer_text()
        sync = self._sync_text()
        crm = self._crm_text()
        if crm is not None:
            sync = crm if sync is None else Text.assemble(sync, crm, no_wrap=True)
        if timer is None and sync is None:
            return title  # centred by the CSS
        timer = timer or Text()
        sync = sync or Text()
        width = self.size.width
        room = max(0, width - timer.cell_len - sync.cell_len - 2)
        title.truncate(room, overflow="ellipsis")
        # centred on the line if the sides leave room, else between them
        start = (width - title.cell_len) // 2
        start = max(sync.cell_len + 1, min(start, width - timer.cell_len - 1 - title.cell_len))
        gap_left = max(0, start - sync.cell_len)
        gap_right = max(0, width - sync.cell_len - gap_left - title.cell_len - timer.cell_len)
        return Text.assemble(sync, " " * gap_left, title, " " * gap_right, timer, no_wrap=True)

    def _sync_text(self) -> Text | None:
        """ "Synced 3 min ago · 2 pending" at the left, coloured by what it asks of the user."""
        status: SyncStatus | None = getattr(self.app, "sync_status", None)
        session = getattr(self.app, "session", None)
        if status is None or session is None:
            return None
        state = status.state.value
        if state == "not_connected":
            if not status.message:
                return None  # the engine's first word, before it has looked at the book
            text, style = _("Local book"), "title-bar--sync"
        else:
            text = status.label(session.clock.now())
            style = {
                "syncing": "title-bar--sync-busy",
                "offline": "title-bar--sync-warning",
                "error": "title-bar--sync-error",
                "disabled": "title-bar--sync-warning",
            }.get(state, "title-bar--sync")
        label = Text(f" {text} ", no_wrap=True)
        label.truncate(max(12, self.size.width // 3), overflow="ellipsis")
        label.stylize(self.get_component_rich_style(style))
        return label

    def _crm_text(self) -> Text | None:
        """ "CRM: synced 3 min ago" / "CRM: error — …" after the sync status, when connected."""
        status: CrmStatus | None = getattr(self.app, "crm_status", None)
        session = getattr(self.app, "session", None)
        if status is None or session is None or not status.connected:
            return None
        style = {"syncing": "title-bar--sync-busy", "error": "title-bar--sync-error"}
        label = Text(f" {status.label(session.clock.now())} ", no_wrap=True)
        label.truncate(max(12, self.size.width // 4), overflow="ellipsis")
        label.stylize(self.get_component_rich_style(style.get(status.state, "title-bar--sync")))
        return label

    def on_click(self, event: events.Click) -> None:
        """A click on the sync status syncs now."""
        sync = self._sync_text()
        if sync is not None and event.x < sync.cell_len:
            sync_now = getattr(self.app, "action_sync_now", None)
            if callable(sync_now):
                sync_now()

    def _timer_text(self) -> Text | None:
        timer = self._timer
        session = getattr(self.app, "session", None)
        if timer is None or session is None:
            return None
        name = Text(timer.account_name)
        name.truncate(TIMER_NAME_CELLS, overflow="ellipsis")
        elapsed = format_elapsed(timer.elapsed(session.clock.now()))
        label = Text.assemble(" ", _("Timer"), " ", elapsed, " · ", name, " ")
        label.stylize(self.get_component_rich_style("title-bar--timer"))
        return label
