"""First start on an empty database: who is using it? Asked once, kept in the database."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Input, Label, Static

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.services.session import Session
from csm_tui.ui.screens.form_screen import FormScreen


class MeInput(Input):
    """A field of the form: Enter moves on at once (the next keys belong to the next field)."""

    def __init__(self, *, next_id: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.next_id = next_id

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and self.next_id:
            event.prevent_default()
            event.stop()
            self.screen.set_focus(self.screen.query_one(f"#{self.next_id}"))


class MeScreen(FormScreen[tuple[str, str]]):
    """Asks for the user's name and e-mail; the e-mail is how owners and sync know them."""

    ERROR_LINES: ClassVar[dict[str, str]] = {"me-name": "me-error", "me-email": "me-error"}

    BINDINGS = [Binding("ctrl+q", "app.quit", N_("Quit"))]

    DEFAULT_CSS = """
    MeScreen { align: center middle; }
    MeScreen > Vertical {
        width: 64; height: auto; border: thick $primary; background: $surface; padding: 1 2;
    }
    MeScreen Input { margin: 0 0 1 0; }
    MeScreen #me-error { color: $error; height: auto; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(_("Welcome to csm-tui. Who is using this book of business?"))
            yield Label(_("Your name"))
            yield MeInput(id="me-name", next_id="me-email", placeholder=_("e.g. Aoi Tanaka"))
            yield Label(_("Your work e-mail"))
            yield MeInput(id="me-email", placeholder="aoi.tanaka@example.com")
            yield Static("", id="me-error")
            yield Button(_("Save"), id="me-save", variant="primary")

    @on(Input.Submitted, "#me-email")
    @on(Button.Pressed, "#me-save")
    def _save(self) -> None:
        name = self.query_one("#me-name", Input).value
        email = self.query_one("#me-email", Input).value
        try:
            result = self.session.set_me(name, email)
        except CsmError as exc:
            # the name is checked first: with one given, the e-mail is what was refused
            wrong = "me-email" if name.strip() else "me-name"
            self.show_errors({wrong: _(str(exc))})
            return
        self.dismiss(result)
