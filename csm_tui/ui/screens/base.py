"""The base of every screen that shows data from the book.

It declares what the app may ask of a data screen (`refresh_data`, `retranslate`), subscribes the
screen to the app's change signal (csm_tui/ui/changes.py), and decides when to refresh: at once
when the screen is on top, else when it is shown again (a screen under another one, a form
included, only notes that it is stale, and refreshes as the form closes).

"On top" is Textual's `Screen.is_active`, not `is_current`: `is_current` is also true of the
screen just below the top one, as it may show through a translucent background.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.events import Mount, ScreenResume

from csm_tui.errors import CsmError
from csm_tui.ui.changes import KINDS, DataChanged, Kind
from csm_tui.ui.textual_ext.translated import TranslatedScreen

if TYPE_CHECKING:
    from csm_tui.ui.app import CsmApp


class DataScreen(TranslatedScreen):
    """A screen showing data: it follows the app's change signal and the language."""

    SHOWS: ClassVar[frozenset[Kind]] = KINDS
    """The kinds of data the screen shows: a change to any other kind leaves it alone."""

    UPDATES_ITSELF: ClassVar[bool] = False
    """The screen redraws itself after the edits made on it: a change saved while it was on
    top (`DataChanged.origin`) is its own, and it does not refresh again for it."""

    WORDS_IN_DATA: ClassVar[bool] = True
    """What the screen computes from the data holds translated words ("by hand", a type's
    name): a language switch computes it again. False: `retranslate` redraws it all."""

    stale: bool = False
    """Data it shows changed while it was hidden: it refreshes when shown again."""

    if TYPE_CHECKING:  # `self.app` is the CsmApp: its methods are typed
        from textual import getters

        app = getters.app(CsmApp)

    def refresh_data(self) -> None:
        """Show the data as it is now (after a change, a sync, a language switch)."""

    def current_account_id(self) -> str | None:
        """The account the user is on (the timer's `t`), if any."""
        return None

    def retranslate(self) -> None:
        """After a language switch: the bindings, and (`WORDS_IN_DATA`) what was computed
        from the data, now or when shown again. Screens override to redraw their titles."""
        super().retranslate()
        if self.WORDS_IN_DATA:
            if self.is_active:
                self.safe_refresh()
            else:
                self.stale = True

    def concerns(self, change: DataChanged) -> bool:
        """Whether the change is one this screen shows; override to narrow it further (an
        account's screen: that account)."""
        return change.touches(self.SHOWS)

    @on(Mount)
    def _subscribe_to_changes(self) -> None:
        self.app.data_changed.subscribe(self, self.data_changed)

    def data_changed(self, change: DataChanged) -> None:
        """The app's change signal: refresh now if on top, else when shown again."""
        if not self.concerns(change) or (self.UPDATES_ITSELF and change.origin is self):
            return
        if self.is_active:
            self.safe_refresh()
        else:
            self.stale = True

    @on(ScreenResume)
    def _refresh_if_stale(self) -> None:
        if self.stale:
            self.safe_refresh()

    def safe_refresh(self) -> None:
        """`refresh_data`, telling the user when it cannot (a sync took the account away)."""
        self.stale = False
        try:
            self.refresh_data()
        except CsmError as exc:
            self.notify(str(exc), severity="warning", timeout=10)
