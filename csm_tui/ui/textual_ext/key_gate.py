"""One key at a time: each key reaches the widget focused once the key before it is done.

Textual hands a key to the widget focused when the key arrives, and a key that moves focus (Tab,
Enter in a form) or opens a screen (`n`, `o`, `l`) is acted on only after it has bubbled up to
the app. Keys typed in the same instant (a fast typist, a burst over ssh, a paste without
bracketed paste) were therefore already queued on the old widget: lost, or taken as commands on
the screen below (a space ticks a checklist item). The gate sends one key, then a marker behind
it on the same widget. The next key goes out when the marker has bubbled back to the app, so
every handler and binding of the key has run; and if the key opened or closed a screen, once that
screen has focused something. A marker can be lost with a widget that is removed, so a key is
never held back for longer than `GIVE_UP` seconds.
"""

from __future__ import annotations

from collections import deque
from time import monotonic
from typing import Any

from textual import events
from textual.app import App
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer

GIVE_UP = 0.4  # seconds a key may wait for the one before it, or for a new screen's focus


class KeyHandled(Message):
    """Travels behind a key, through the same widgets: the key's handlers have all run."""

    def __init__(self, serial: int) -> None:
        super().__init__()
        self.serial = serial


class KeyGatedApp(App[None]):
    """An app whose keys (and pastes) reach widgets in order, each after the one before."""

    key_gate_give_up = GIVE_UP  # seconds; tests make it long to prove no key waits for it

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: deque[events.Key | events.Paste] = deque()
        self._in_flight = 0  # serial of the key on its way, 0 when none
        self._marker_back = False  # its marker has come back: it waits only for a new screen
        self._serial = 0
        self._sent_on: Screen[object] | None = None
        self._sent_at = 0.0
        self._give_up: Timer | None = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            if self._in_flight and monotonic() - self._sent_at >= self.key_gate_give_up:
                self._in_flight = 0  # its marker was lost with a closed widget
            if self._in_flight or self._held:
                self._held.append(event)
                self._arm_give_up()
                return
            await self._send(event)
            return
        await super().on_event(event)

    async def _send(self, event: events.Key | events.Paste) -> None:
        try:
            screen = self.screen
        except Exception:  # no screen yet, or shutting down: Textual's own path decides
            await super().on_event(event)
            return
        target = self.focused or screen
        await super().on_event(event)  # priority bindings, then forwarded to `target`
        self._serial += 1
        self._in_flight = self._serial
        self._marker_back = False
        self._sent_on = screen
        self._sent_at = monotonic()
        if not target.post_message(KeyHandled(self._serial)):
            self._in_flight = 0  # the widget is closing: nothing to wait for
            await self._send_held()
        elif self._held:
            self._arm_give_up()

    def _arm_give_up(self) -> None:
        """A timer only while keys are held (none on the path of a key typed alone)."""
        if self._give_up is not None:
            self._give_up.stop()
        left = self.key_gate_give_up - (monotonic() - self._sent_at)
        self._give_up = self.set_timer(max(left, 0.001), self._gave_up, name="key-gate")

    async def _gave_up(self) -> None:
        self._give_up = None
        self._in_flight = 0
        await self._send_held()

    async def on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        if message.serial == self._in_flight:
            self._marker_back = True
            await self._maybe_release()

    async def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        # a screen opened by the key in flight may have focused its first field
        if self._in_flight and self._marker_back:
            await self._maybe_release()

    @property
    def _waiting_for_screen(self) -> Screen[object] | None:
        try:
            screen = self.screen
        except Exception:
            return None
        if screen is self._sent_on or screen.focused is not None:
            return None
        if screen.is_mounted and not screen.focus_chain:
            return None  # a screen with nothing to focus takes its keys itself
        return screen

    async def _maybe_release(self) -> None:
        if (
            self._waiting_for_screen is not None
            and monotonic() - self._sent_at < self.key_gate_give_up
        ):
            return  # DescendantFocus, or the give-up timer, comes back here
        self._in_flight = 0
        if self._give_up is not None:
            self._give_up.stop()
            self._give_up = None
        await self._send_held()

    async def _send_held(self) -> None:
        if self._held and not self._in_flight:
            await self._send(self._held.popleft())
