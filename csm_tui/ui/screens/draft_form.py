"""Forms that never lose what was typed: a draft saved on every change, Escape asks first.

The draft lives in the database (a setting), so a crash or a kill leaves it behind; the next
start, or the next time the same form opens, brings it back. Errors are shown the way every form
shows them (`FormScreen`).
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from textual import on
from textual.widgets import Input, Select, Switch, TextArea

from csm_tui.errors import CsmError
from csm_tui.services.session import Session
from csm_tui.ui.screens.confirm import discard_question
from csm_tui.ui.screens.form_screen import FormScreen

Result = TypeVar("Result")


class DraftForm(FormScreen[Result], Generic[Result]):
    """Subclasses name their `DRAFT`, and give `values()` and `has_input()`."""

    DRAFT: ClassVar[str]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self._restoring = True  # no drafts are written while the fields are being filled
        self._opened_with: dict[str, Any] | None = None  # the values as the form opened

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def has_input(self) -> bool:
        """Whether Escape would throw away something the user typed."""
        raise NotImplementedError

    def on_mount(self) -> None:
        self.call_after_refresh(self._restored)

    def _restored(self) -> None:
        self._restoring = False
        self._opened_with = self.values()

    def unchanged(self) -> bool:
        """Whether every field still holds what it held when the form opened."""
        return self._opened_with is not None and self.values() == self._opened_with

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Switch.Changed)
    @on(TextArea.Changed)
    def _save_draft(self) -> None:
        if self._restoring:
            return
        try:
            self.session.save_draft(self.DRAFT, self.values())
        except CsmError as exc:  # a locked database must not stop the typing
            self.notify(str(exc), severity="warning")

    def finish(self, result: Result) -> None:
        """Close the form for good: its draft goes with it."""
        self.session.clear_draft(self.DRAFT)
        self.dismiss(result)

    def cancel(self, result: Result) -> None:
        """Escape: close at once if nothing was typed, else ask before discarding it."""
        if not self.has_input():
            self.finish(result)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.finish(result)

        self.app.push_screen(discard_question(), answered)
