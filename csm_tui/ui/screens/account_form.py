"""Add an account (`a` on the book) or change its fields (`E` on the account), in one form.

The fields are read as the CLI reads `account add|edit` (services/records.py: the import's cell
readers, the one date reader): `¥1,200,000` is an amount in yen, `令和9年3月31日` a renewal date.
Every field in error shows its sentence beneath it; nothing typed is lost. A field a connected
CRM fills in is marked with the CRM's name: its next pass overwrites a change made here.

`RecordForm` is the base of the record forms (account, contact, renewal): Ctrl+S or Enter
saves, Escape closes a form left as it opened and asks first about one with changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Label, Select, Static

from csm_tui.errors import CsmError, FieldError
from csm_tui.i18n import N_, _
from csm_tui.models.account import Stage
from csm_tui.ui import format as fmt
from csm_tui.ui.screens.confirm import discard_question
from csm_tui.ui.screens.form_screen import FormScreen

if TYPE_CHECKING:
    from csm_tui.models.account import Account
    from csm_tui.services.session import Session

Result = TypeVar("Result")


class RecordForm(FormScreen[Result]):
    """A record's form: labels on the left, one-line fields, errors under their field."""

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("ctrl+s", "save", N_("Save")),
    ]
    DEFAULT_CSS = """
    RecordForm { align: center middle; }
    RecordForm > VerticalScroll {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    RecordForm .form-title { text-style: bold; margin-bottom: 1; }
    RecordForm .field { height: auto; }
    RecordForm .field > Label { width: 18; padding-left: 1; }
    RecordForm .field > .input { width: 1fr; }
    RecordForm Input { width: 1fr; }
    RecordForm Select { width: 1fr; }
    RecordForm .error { color: $error; height: auto; padding-left: 19; display: none; }
    RecordForm .error.-shown { display: block; }
    RecordForm .note { color: $warning; height: auto; margin-bottom: 1; }
    RecordForm .info { height: auto; margin-bottom: 1; }
    RecordForm .hint { color: $foreground-muted; margin-top: 1; }
    """

    _initial: dict[str, object]

    def field(self, label: str, widget: Widget, *, mark: str = "") -> ComposeResult:
        """A labelled one-line field with its error line (`<id>-error`) beneath it."""
        with Horizontal(classes="field"):
            yield Label(f"{label}{mark}")
            yield widget
        yield Static("", id=f"{widget.id}-error", classes="error")

    def on_mount(self) -> None:
        self._initial = self.typed()

    def typed(self) -> dict[str, object]:
        """What the fields hold now, by field id."""
        found: dict[str, object] = {}
        for widget in self.query("Input, Select, Checkbox").results():
            if widget.id and isinstance(widget, Input | Select | Checkbox):
                found[widget.id] = widget.value
        return found

    def text(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def show_field_errors(self, fields: Iterable[str], errors: dict[str, str]) -> bool:
        """Every field's error ("" clears it); True (and the first focused) if there is one."""
        return self.show_errors({field: errors.get(field, "") for field in fields})

    def show_errors(self, errors: Mapping[str, str]) -> bool:
        shown = super().show_errors(errors)
        self._fit_error_lines()  # before the field is scrolled into view (after a refresh)
        return shown

    def _fit_error_lines(self) -> None:
        """An error line takes room only while it says something."""
        for line in self.query(".error").results(Static):
            line.set_class(bool(str(line.content).strip()), "-shown")

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _changed(self) -> None:
        self.call_after_refresh(self._fit_error_lines)  # after FormScreen cleared the error

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        if self.typed() == self._initial:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(discard_question(), answered)


def amount_text(value: Decimal | None) -> str:
    """An amount as it is typed back: `240,000`, `1,200.50`."""
    if value is None:
        return ""
    text = f"{value:,.2f}"
    return text[:-3] if text.endswith(".00") else text


# the form's field ids, by the key services/records.py reads (the CLI's option names)
ACCOUNT_FIELDS = {
    "name": "acct-name",
    "external_id": "acct-external-id",
    "segment": "acct-segment",
    "contract_value": "acct-value",
    "currency": "acct-currency",
    "renewal_date": "acct-renewal",
    "health": "acct-health",
    "stage": "acct-stage",
    "tags": "acct-tags",
}
# the account's field behind each input (what a CRM may own)
_RECORD_FIELD = {"health": "health_score"}


def field_hint(key: str, message: str) -> str:
    """The sentence shown under a refused field: what the field takes, in the user's
    language, where the reader's sentence names a column (`contract_value "x" is not…`)."""
    if key == "name" and message.startswith("name is missing"):
        return _("Give the account a name.")
    if key == "contract_value":
        return _("Type an amount like 12,000, $12,000.50 or ¥1,200,000.")
    if key == "currency" and message.startswith('currency "'):
        return _("Type a 3-letter code like USD or JPY.")
    if key == "health":
        return _("Type a whole number from 0 to 100.")
    return message


class AccountFormScreen(RecordForm[str | None]):
    """Dismisses with the account's id when it was saved."""

    AUTO_FOCUS = "#acct-name"

    def __init__(self, session: Session, account: Account | None = None) -> None:
        super().__init__()
        self.session = session
        self.account = account
        records = session.records
        self.vendor = records.crm_vendor() if account is not None else ""
        every = {_RECORD_FIELD.get(key, key) for key in ACCOUNT_FIELDS}
        self.owned = set(records.crm_owned(account, every)) if account is not None else set()

    def _mark(self, key: str) -> str:
        return f" ({self.vendor})" if _RECORD_FIELD.get(key, key) in self.owned else ""

    def compose(self) -> ComposeResult:
        account = self.account
        with VerticalScroll():
            title = _("Edit {name}").format(name=account.name) if account else _("New account")
            yield Static(title, classes="form-title")
            if self.owned:
                yield Static(
                    _(
                        "{vendor} fills in the fields marked ({vendor}): its next sync "
                        "overwrites a change made here. Change them in {vendor} to keep it."
                    ).format(vendor=self.vendor),
                    classes="note",
                )
            yield from self.field(_("Name"), self._input("name", account.name if account else ""))
            external = account.external_id if account and account.external_id else ""
            yield from self.field(
                _("External ID"), self._input("external_id", external, "CRM-0001")
            )
            segment = account.segment if account else ""
            yield from self.field(_("Segment"), self._input("segment", segment, "Enterprise, SMB…"))
            value = amount_text(account.contract_value) if account else ""
            yield from self.field(
                _("Contract value"),
                self._input("contract_value", value, "12,000 · $12,000 · ¥1,200,000"),
                mark=self._mark("contract_value"),
            )
            currency = account.currency if account else ""
            yield from self.field(
                _("Currency"),
                self._input("currency", currency, _("USD, JPY… (from the amount)")),
                mark=self._mark("currency"),
            )
            renewal = account.renewal_date.isoformat() if account and account.renewal_date else ""
            yield from self.field(
                _("Renewal date"),
                self._input("renewal_date", renewal, "2027-03-31 · 令和9年3月31日"),
                mark=self._mark("renewal_date"),
            )
            health = (
                str(account.health_score) if account and account.health_score is not None else ""
            )
            yield from self.field(
                _("Health score"), self._input("health", health, "0–100"), mark=self._mark("health")
            )
            stages = [(fmt.stage(stage.value), stage.value) for stage in Stage]
            stage = account.stage.value if account else Stage.ONBOARDING.value
            select: Select[str] = Select(
                stages, value=stage, allow_blank=False, compact=True, id=ACCOUNT_FIELDS["stage"]
            )
            yield from self.field(_("Stage"), select, mark=self._mark("stage"))
            tags = "; ".join(account.tags) if account else ""
            yield from self.field(_("Tags"), self._input("tags", tags, _("vip; 製造業")))
            yield Static(_("Enter or Ctrl+S saves · Escape cancels"), classes="hint")

    def _input(self, key: str, value: str, placeholder: str = "") -> Input:
        return Input(value, placeholder=placeholder, compact=True, id=ACCOUNT_FIELDS[key])

    def given(self) -> dict[str, str | None]:
        """What is typed, by the keys services/records.py reads."""
        given: dict[str, str | None] = {
            key: self.text(field_id) for key, field_id in ACCOUNT_FIELDS.items() if key != "stage"
        }
        given["stage"] = str(self.query_one(f"#{ACCOUNT_FIELDS['stage']}", Select).value)
        return given

    def action_save(self) -> None:
        records = self.session.records
        values, errors = records.read_account(self.given())
        shown = {ACCOUNT_FIELDS[key]: field_hint(key, text) for key, text in errors.items()}
        if self.show_field_errors(ACCOUNT_FIELDS.values(), shown):
            return
        try:
            if self.account is None:
                saved = records.add_account(values)
                self.say(_("Added {name}.").format(name=saved.name))
                self.dismiss(saved.id)
                return
            edited = records.edit_account(self.account.id, values)
        except FieldError as exc:
            key = "health" if exc.field == "health_score" else exc.field
            self.show_errors({ACCOUNT_FIELDS.get(key, ACCOUNT_FIELDS["name"]): str(exc)})
            return
        except CsmError as exc:
            self.show_errors({ACCOUNT_FIELDS["name"]: str(exc)})
            return
        if edited.crm_note:
            self.say(edited.crm_note, severity="warning", timeout=10)
        elif edited.changed:
            self.say(_("Saved {name}.").format(name=edited.account.name))
        self.dismiss(edited.account.id)
