"""`R` on an account: how its renewal went (services/renewals.py records it).

The form shows the contract value and renewal date as they are, and the next renewal date the
service proposes (a year on) when none is typed. Renewed, downgraded and expanded start the next
cycle; churned archives the account (restorable), which the form says before it is saved.
Amounts and dates are read as the CLI reads `renewal record` (services/records.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Select, Static

from csm_tui.errors import CsmError, FieldError
from csm_tui.i18n import N_, _, pgettext
from csm_tui.ui import format as fmt
from csm_tui.ui.screens.account_form import RecordForm, field_hint

if TYPE_CHECKING:
    from csm_tui.services.session import Session

OUTCOMES = {
    "renewed": N_("Renewed"),
    "expanded": N_("Expanded"),
    "downgraded": N_("Downgraded"),
    "churned": N_("Churned"),
}
# the form's field ids, by the service's field names
FIELDS = {
    "outcome": "renewal-outcome",
    "new_renewal_date": "renewal-date",
    "contract_value": "renewal-value",
    "note": "renewal-note",
}


class RenewalFormScreen(RecordForm[bool]):
    """Dismisses with True when the outcome was recorded."""

    AUTO_FOCUS = "#renewal-outcome"

    def __init__(self, session: Session, account_id: str) -> None:
        super().__init__()
        self.session = session
        self.preview = session.records.renewal_preview(account_id)
        self.account = self.preview.account

    def compose(self) -> ComposeResult:
        account = self.account
        with VerticalScroll():
            title = _("Renewal of {name}").format(name=account.name)
            yield Static(title, classes="form-title")
            yield Static(self._now(), classes="info")
            outcomes = [(_(label), value) for value, label in OUTCOMES.items()]
            select: Select[str] = Select(
                outcomes, value="renewed", allow_blank=False, compact=True, id=FIELDS["outcome"]
            )
            yield from self.field(pgettext("renewal", "Outcome"), select)
            yield from self.field(
                _("Next renewal"),
                Input(
                    placeholder=fmt.day(self.preview.proposed_date),
                    compact=True,
                    id=FIELDS["new_renewal_date"],
                ),
            )
            yield from self.field(
                _("New value"),
                Input(
                    placeholder=fmt.money(self.preview.previous_value, account.currency),
                    compact=True,
                    id=FIELDS["contract_value"],
                ),
            )
            yield from self.field(_("Note"), Input(compact=True, id=FIELDS["note"]))
            yield Static(self._what_happens("renewed"), id="renewal-effect", classes="info")
            yield Static(_("Enter or Ctrl+S saves · Escape cancels"), classes="hint")

    def _now(self) -> Text:
        account = self.account
        text = Text(_("Contract value now: "))
        text.append(fmt.money(self.preview.previous_value, account.currency), style="bold")
        text.append("  ·  " + _("Renewal date: "))
        text.append(fmt.day(account.renewal_date), style="bold")
        return text

    def _what_happens(self, outcome: str) -> Text:
        if outcome == "churned":
            return Text(
                _(
                    "{name} will be archived: it leaves the book and Today, with its history "
                    "kept (csm-tui account restore brings it back)."
                ).format(name=self.account.name),
                style="bold red",
            )
        return Text(
            _(
                "The next cycle starts: next renewal {day} unless you type another date, back "
                "to the adoption stage and its checklist."
            ).format(day=fmt.day(self.preview.proposed_date))
        )

    @on(Select.Changed, "#renewal-outcome")
    def _outcome_changed(self, event: Select.Changed) -> None:
        outcome = str(event.value)
        self.query_one("#renewal-effect", Static).update(self._what_happens(outcome))
        churned = outcome == "churned"
        for key in ("new_renewal_date", "contract_value"):
            self.query_one(f"#{FIELDS[key]}", Input).disabled = churned

    def action_save(self) -> None:
        records = self.session.records
        outcome = str(self.query_one(f"#{FIELDS['outcome']}", Select).value)
        churned = outcome == "churned"
        given = {
            "renewal_date": None if churned else self.text(FIELDS["new_renewal_date"]),
            "contract_value": None if churned else self.text(FIELDS["contract_value"]),
        }
        values, errors = records.read_account(given)  # as `renewal record` reads its options
        shown = {
            FIELDS["new_renewal_date"]: errors.get("renewal_date", ""),
            FIELDS["contract_value"]: field_hint("contract_value", errors["contract_value"])
            if "contract_value" in errors
            else "",
        }
        if self.show_errors(shown):
            return
        try:
            done = records.record_renewal(
                self.account.id,
                outcome,
                new_renewal_date=values.get("renewal_date"),
                contract_value=values.get("contract_value"),
                note=self.text(FIELDS["note"]),
            )
        except FieldError as exc:
            self.show_errors({FIELDS.get(exc.field, FIELDS["outcome"]): str(exc)})
            return
        except CsmError as exc:
            self.show_errors({FIELDS["outcome"]: str(exc)})
            return
        name = self.account.name
        if done.archived:
            self.say(_("Recorded: {name} churned; it is archived.").format(name=name))
        else:
            currency = self.account.currency
            self.say(
                _("Recorded: {name} {outcome} ({before} → {after}); next renewal {day}.").format(
                    name=name,
                    outcome=_(OUTCOMES[outcome]).lower(),
                    before=fmt.money(done.previous_value, currency),
                    after=fmt.money(done.new_value, currency),
                    day=fmt.day(done.new_renewal_date),
                )
            )
        self.dismiss(True)
