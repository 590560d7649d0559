"""The owners of an account: assign and remove secondary owners, set when they cover and why.

The e-mail field completes from the colleagues the book already knows (→ accepts the
suggestion). Enter on an owner in the table fills the form with them, to change their period.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, Label, Static

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.ui import format as fmt
from csm_tui.ui.screens.confirm import ConfirmScreen
from csm_tui.ui.screens.form_screen import FormScreen

if TYPE_CHECKING:
    from csm_tui.services.accounts import OwnerView
    from csm_tui.services.session import Session


class OwnerTable(DataTable[str | Text]):
    BINDINGS = [Binding("x,delete", "remove", N_("Remove secondary owner"), id="owners.remove")]

    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="owner-table")

    def current_email(self) -> str | None:
        if self.row_count == 0:
            return None
        row_key, _column = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value

    def action_remove(self) -> None:
        screen = self.screen
        if isinstance(screen, OwnersEditor):
            screen.ask_to_remove(self.current_email())


class OwnersEditor(FormScreen[bool]):
    """Dismisses with True if any owner changed."""

    # every field's error is said on the one line under the form
    ERROR_LINES: ClassVar[dict[str, str]] = dict.fromkeys(
        ("email", "from", "to", "reason"), "owners-error"
    )
    BINDINGS = [
        Binding("escape", "close", N_("Close")),
        Binding("ctrl+s", "save", N_("Save")),
    ]
    AUTO_FOCUS = "#email"

    DEFAULT_CSS = """
    OwnersEditor { align: center middle; }
    OwnersEditor > Vertical {
        width: 100; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 2;
    }
    OwnersEditor #owners-title { text-style: bold; margin-bottom: 1; }
    OwnersEditor OwnerTable { height: auto; max-height: 8; margin-bottom: 1; }
    OwnersEditor .row { height: auto; }
    OwnersEditor .row > Vertical { width: 1fr; height: auto; }
    OwnersEditor #reason-box { width: 2fr; }
    OwnersEditor #owners-error { color: $error; height: auto; }
    OwnersEditor .hint { color: $foreground-muted; margin-top: 1; }
    """

    def __init__(self, session: Session, account_id: str, account_name: str) -> None:
        super().__init__()
        self.session = session
        self.account_id = account_id
        self.account_name = account_name
        self.changed = False

    def compose(self) -> ComposeResult:
        people = self.session.handoff.known_people()
        with Vertical():
            yield Static(_("Owners of {name}").format(name=self.account_name), id="owners-title")
            yield OwnerTable()
            yield Label(_("Secondary owner's e-mail"))
            suggester = SuggestFromList([email for email, _name in people], case_sensitive=False)
            yield Input(placeholder="ken.sato@example.com", suggester=suggester, id="email")
            with Horizontal(classes="row"):
                with Vertical():
                    yield Label(_("Covers from"))
                    yield Input(placeholder="2026-12-01", id="from")
                with Vertical():
                    yield Label(_("until"))
                    yield Input(placeholder="2026-12-14", id="to")
                with Vertical(id="reason-box"):
                    yield Label(_("Reason"))
                    yield Input(placeholder=_("parental leave"), id="reason")
            yield Static("", id="owners-error")
            yield Static(
                _(
                    "Enter assigns the colleague or saves their period · Enter on an owner "
                    "edits them · x removes a secondary owner · Escape closes"
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        table = self.query_one(OwnerTable)
        table.add_column(_("Name"), key="name")
        table.add_column(_("E-mail"), key="email")
        table.add_column(_("Role"), key="role")
        table.add_column(_("Coverage"), key="coverage")
        self.load()

    def owners(self) -> list[OwnerView]:
        return self.session.overview(self.account_id).owners

    def load(self) -> None:
        table = self.query_one(OwnerTable)
        table.clear()
        for owner in self.owners():
            period = ""
            if owner.coverage_from or owner.coverage_to:
                start = owner.coverage_from.isoformat() if owner.coverage_from else "…"
                end = owner.coverage_to.isoformat() if owner.coverage_to else "…"
                period = f"{start} – {end}"
            if owner.coverage_reason:
                period += f"  {owner.coverage_reason}"
            name = Text(owner.name, style="bold" if owner.is_me else "")
            table.add_row(name, owner.email, fmt.role(owner.role), period, key=owner.email)

    # -- filling the form from the table -----------------------------------------------------

    @on(DataTable.RowSelected, "OwnerTable")
    def _chosen(self, event: DataTable.RowSelected) -> None:
        email = event.row_key.value
        owner = next((o for o in self.owners() if o.email == email), None)
        if owner is None or owner.role.value != "secondary":
            self._error(_("Only secondary owners are changed here."))
            return
        self.query_one("#email", Input).value = owner.email
        self.query_one("#from", Input).value = (
            owner.coverage_from.isoformat() if owner.coverage_from else ""
        )
        self.query_one("#to", Input).value = (
            owner.coverage_to.isoformat() if owner.coverage_to else ""
        )
        self.query_one("#reason", Input).value = owner.coverage_reason
        self.query_one("#from", Input).focus()

    # -- saving ------------------------------------------------------------------------------

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        from csm_tui.services.coverage import parse_day

        email = self.query_one("#email", Input).value.strip()
        reason = self.query_one("#reason", Input).value
        today = self.session.clock.today()
        service = self.session.handoff
        errors = {"email": "", "from": "", "to": ""}
        start = end = None
        try:
            start = parse_day(self.query_one("#from", Input).value, today)
        except CsmError as exc:
            errors["from"] = str(exc)
        try:
            end = parse_day(self.query_one("#to", Input).value, today)
        except CsmError as exc:
            errors["to"] = str(exc)
        if self.show_errors(errors):
            return
        try:
            current = {o.email: o for o in self.owners()}
            existing = current.get(email.lower())
            if existing is not None and existing.role.value == "secondary":
                service.set_coverage(self.account_id, email, start, end, reason)
                message = _("Coverage of {email} saved.").format(email=email.lower())
            else:
                service.assign_secondary(self.account_id, email, start, end, reason)
                message = _("{email} is now a secondary owner.").format(email=email.lower())
        except CsmError as exc:
            self.show_errors({"email": str(exc)})  # who, or their period: said under the form
            return
        self._done(message)
        for name in ("#email", "#from", "#to", "#reason"):
            self.query_one(name, Input).value = ""
        self.query_one("#email", Input).focus()

    def ask_to_remove(self, email: str | None) -> None:
        owner = next((o for o in self.owners() if o.email == email), None)
        if owner is None or owner.role.value != "secondary":
            self._error(_("Only a secondary owner can be removed here."))
            return

        def answered(remove: bool | None) -> None:
            if not remove:
                return
            try:
                self.session.handoff.remove_secondary(self.account_id, owner.email)
            except CsmError as exc:
                self._error(str(exc))
                return
            self._done(_("{email} is no longer a secondary owner.").format(email=owner.email))

        question = _("Remove {name} as secondary owner of {account}?").format(
            name=owner.name, account=self.account_name
        )
        self.app.push_screen(ConfirmScreen(question, _("Remove"), _("Keep")), answered)

    def _done(self, message: str) -> None:
        self.changed = True
        self._error("")
        self.load()
        self.notify(message)

    def _error(self, text: str) -> None:
        self.query_one("#owners-error", Static).update(text)

    def action_close(self) -> None:
        self.dismiss(self.changed)
