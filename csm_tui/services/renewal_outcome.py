"""The last recorded renewal outcome of accounts (issue 14), as the book, the brief and the week
report show it: renewed, churned, downgraded or expanded, on which day, the value before and
after (`renewals`, recorded by services/renewals.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from csm_tui import formatting as fmt
from csm_tui.i18n import N_, _
from csm_tui.store.connection import Store

OUTCOME_WORDS = {
    "renewed": N_("Renewed"),
    "churned": N_("Churned"),
    "downgraded": N_("Downgraded"),
    "expanded": N_("Expanded"),
}
TONES = {"churned": "bad", "downgraded": "warning", "expanded": "good"}
"""How an outcome is coloured: churned and downgraded are bad news, expanded good."""


@dataclass(frozen=True)
class LastOutcome:
    account_id: str
    account_name: str
    outcome: str  # renewed, churned, downgraded or expanded
    recorded_on: date
    previous_value: float | None
    new_value: float | None
    currency: str

    @property
    def word(self) -> str:
        """`Renewed`, in the current language."""
        return _(OUTCOME_WORDS[self.outcome])

    @property
    def tone(self) -> str:
        """How the book colours it: churned and downgraded are bad news, expanded good."""
        return TONES.get(self.outcome, "")


_LATEST = """
    SELECT r.account_id, a.name, r.outcome, r.recorded_on, r.previous_value, r.new_value,
        r.currency
    FROM renewals AS r JOIN accounts AS a ON a.id = r.account_id
    WHERE r.id = (SELECT x.id FROM renewals AS x WHERE x.account_id = r.account_id
        ORDER BY x.recorded_on DESC, x.created_at DESC, x.id DESC LIMIT 1)
"""


def _outcome(row: tuple[object, ...]) -> LastOutcome:
    return LastOutcome(
        account_id=str(row[0]),
        account_name=str(row[1]),
        outcome=str(row[2]),
        recorded_on=date.fromisoformat(str(row[3])),
        previous_value=None if row[4] is None else float(str(row[4])),
        new_value=None if row[5] is None else float(str(row[5])),
        currency=str(row[6]),
    )


def last_outcomes(store: Store, account_ids: list[str] | None = None) -> dict[str, LastOutcome]:
    """account id → its last recorded renewal outcome (accounts without one are left out)."""
    sql, params = _LATEST, tuple[str, ...]()
    if account_ids is not None:
        sql += " AND r.account_id IN (SELECT value FROM json_each(?))"
        params = (json.dumps(account_ids),)
    return {row[0]: _outcome(tuple(row)) for row in store.query(sql, params)}


def last_outcome(store: Store, account_id: str) -> LastOutcome | None:
    return last_outcomes(store, [account_id]).get(account_id)


def outcomes_between(store: Store, first: date, last: date, email: str | None) -> list[LastOutcome]:
    """Every outcome recorded from `first` to `last` on accounts I own or cover (all, without
    an e-mail), churned ones included (their account is archived), in the order recorded."""
    rows = store.query(
        "SELECT r.account_id, a.name, r.outcome, r.recorded_on, r.previous_value, r.new_value, "
        "r.currency FROM renewals AS r JOIN accounts AS a ON a.id = r.account_id "
        "WHERE r.recorded_on BETWEEN ? AND ? AND (? IS NULL OR r.account_id IN "
        "(SELECT account_id FROM owners WHERE user_email = ?)) "
        "ORDER BY r.recorded_on, r.created_at, a.name",
        (first.isoformat(), last.isoformat(), email, email),
    )
    return [_outcome(tuple(row)) for row in rows]


def outcome_text(outcome: LastOutcome) -> str:
    """`Renewed on 2026-11-20 ($10,000 → $12,000)`, in the current language."""
    text = _("{outcome} on {day}").format(outcome=outcome.word, day=fmt.day(outcome.recorded_on))
    if outcome.previous_value is not None or outcome.new_value is not None:
        before = fmt.money(outcome.previous_value, outcome.currency)
        after = fmt.money(outcome.new_value, outcome.currency)
        text += f" ({before} → {after})"
    return text
