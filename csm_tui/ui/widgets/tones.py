"""Colours of component classes for widgets that draw their own lines (the line API)."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def tone_color(widget: Widget, prefix: str, tone: str) -> Style:
    """The foreground of the component class `{prefix}--{tone}`, to lay over another style.

    Not `get_component_rich_style(..., partial=True)`: a partial style leaves out the
    background, so a translucent colour such as $foreground-muted is not blended and the text
    comes out at full strength.
    """
    return Style(color=widget.get_component_rich_style(f"{prefix}--{tone}").color)
