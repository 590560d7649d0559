"""Keys typed faster than focus moves still reach the widget the user moved to.

Textual hands each key to the widget focused when the key arrives, and a binding runs only once
its key has bubbled up to the app. So in "/acme⏎⏎" or "name⏎e-mail", the keys after the one
that moves focus are already queued on the old widget. Widgets that move focus call
`pass_on_if_unfocused` first thing in their `_on_key`.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget


def pass_on_if_unfocused(widget: Widget, event: events.Key) -> bool:
    """Hand a key that arrived after focus moved on to the focused widget; True if it did."""
    focused = widget.screen.focused
    if focused is None or focused is widget:
        return False
    # prevent_default also keeps the base classes' key handlers (Textual calls each) away
    event.prevent_default()
    event.stop()
    focused.post_message(events.Key(event.key, event.character))
    return True
