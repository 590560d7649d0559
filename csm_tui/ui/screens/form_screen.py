"""The base of every form: errors stand under their field, the first one is brought into view.

A form names an error line per field: `Static(id="<field>-error", classes="error")` under the
field `#<field>`, or another line through `ERROR_LINES` (several fields may share one line).
`show_errors` writes them all at once, then moves the focus to the first field in error (in the
order they appear on screen) and scrolls so that both the field and its error can be read, even
when the error is far down a long form. Changing a field clears its error at once: a message never
stays under a value that was fixed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Generic, TypeVar

from textual import on
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Select, Static, Switch, TextArea

Result = TypeVar("Result")


class FormScreen(ModalScreen[Result], Generic[Result]):
    """A modal form with errors beside their fields (see the module's docstring)."""

    # field id -> the id of its error line, when that is not "<field>-error"
    ERROR_LINES: ClassVar[dict[str, str]] = {}

    def say(self, message: str, **kwargs: Any) -> None:
        """A toast of one sentence: "Logged 20 min for Atlas Retail Inc." ends with one period,
        not two, when the name that ends it has its own."""
        self.notify(one_period(message), **kwargs)

    def error_line_id(self, field: str) -> str:
        """The id of the line that shows `field`'s error."""
        return self.ERROR_LINES.get(field, f"{field}-error")

    def _error_line(self, field: str) -> Static | None:
        for line in self.query(f"#{self.error_line_id(field)}").results(Static):
            return line
        return None

    def show_errors(self, errors: Mapping[str, str]) -> bool:
        """Show each field's error ("" clears it); True when one was shown (it is focused)."""
        lines: dict[str, str] = {}
        for field, message in errors.items():
            line_id = self.error_line_id(field)
            lines[line_id] = lines.get(line_id) or message  # a shared line keeps the first
        for line_id, message in lines.items():
            for line in self.query(f"#{line_id}").results(Static):
                line.update(message)
        wrong = [field for field, message in errors.items() if message]
        if not wrong:
            return False
        fields = [widget for field in wrong for widget in self.query(f"#{field}").results(Widget)]
        if not fields:
            return True
        order = {id(node): index for index, node in enumerate(self.walk_children(with_self=False))}
        first = min(fields, key=lambda widget: order.get(id(widget), 0))
        self.set_focus(first, scroll_visible=False)
        self.call_after_refresh(self._bring_into_view, first, self._error_line(first.id or ""))
        return True

    def _bring_into_view(self, field: Widget, line: Static | None) -> None:
        """The error first, then its field: both end up visible when they fit together."""
        if line is not None:
            self.scroll_to_widget(line, animate=False, immediate=True)
        self.scroll_to_widget(field, animate=False, immediate=True)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Switch.Changed)
    @on(TextArea.Changed)
    def _clear_field_error(
        self, event: Input.Changed | Select.Changed | Switch.Changed | TextArea.Changed
    ) -> None:
        field = event.control.id if event.control is not None else None
        if not field:
            return
        line = self._error_line(field)
        if line is not None and str(line.content).strip():
            line.update("")


def one_period(text: str) -> str:
    """`text` without the second of two closing periods (an ellipsis `...` stays)."""
    if text.endswith("..") and not text.endswith("..."):
        return text[:-1]
    return text
