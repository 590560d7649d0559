"""`csm-tui log` on a lean import path (issue 17): a shell user runs it many times a day.

The common case (an account named plainly, sensible input) is checked here with plain Python
and written through the one journaled `Transaction`, without importing pydantic or the model
layer. This check only ever *accepts* what `Activity` accepts and builds the same row
(`tests/test_shell_log.py` holds it to that); anything it is not sure of — an unknown or
ambiguous account, a value at or past a limit, an option only the full path knows — goes to
`services.activities.log_activity` and `resolve_account`, which validate with the models and
word every refusal. So the lean path never has messages or rules of its own.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from typing import Any

from csm_tui.services.identity import me_identity
from csm_tui.store.connection import Store
from csm_tui.store.search import accounts_named_like, fold

# the values of models.activity.ActivityType and Outcome, in their order (a test compares them)
ACTIVITY_TYPES = ("call", "meeting", "email", "chat", "inquiry", "training", "internal", "other")
OUTCOMES = ("resolved", "follow_up", "risk_found", "expansion", "none")

CANDIDATES = 20  # as services.roadmap_view.resolve_account looks at
_MAX_MINUTES = 24 * 60  # models.limits.MAX_MINUTES
_MAX_LONG = 20_000  # models.limits.MAX_LONG (a note)
_MAX_EMAIL = 254  # models.limits.MAX_EMAIL
# models.limits.EMAIL_PATTERN, and printable ASCII only: anything else takes the full path
_PLAIN_EMAIL = re.compile(r"[!-?A-~]+@[!-?A-~]+\.[!-?A-~]+")  # no space, no second @
_FILLED = frozenset(
    {
        "id",
        "account_id",
        "author_email",
        "type",
        "minutes",
        "occurred_at",
        "proactive",
        "recurring",
        "outcome",
        "note",
        "checklist_item_id",
        "created_at",
        "updated_at",
    }
)


class Logged:
    """What was written: the new activity's id, its account's name, and when it happened."""

    __slots__ = ("account_name", "id", "occurred_at")  # a plain class: no dataclass machinery

    def __init__(self, id: str, account_name: str, occurred_at: datetime) -> None:
        self.id = id
        self.account_name = account_name
        self.occurred_at = occurred_at


def log_work(
    store: Store,
    account: str,
    minutes: int,
    occurred_at: datetime,
    *,
    type: str = "call",
    proactive: bool = False,
    recurring: bool = False,
    outcome: str = "none",
    note: str = "",
    **more: Any,
) -> Logged:
    """Log MINUTES of work for the account named by `account` (id, external id or the start
    of its name), by me, in one durable transaction. `more`: options only the full path knows."""
    if not more:
        target = _plain_account(store, account)
        me = me_identity(store)
        if target is not None and me is not None:
            row = activity_row(
                target[0], me[1], type, minutes, occurred_at, proactive, recurring, outcome, note
            )
            if row is not None:
                row.update(later_columns(store))
                with store.transaction() as tx:
                    row["created_at"] = row["updated_at"] = tx.now
                    tx.insert("activities", row)
                return Logged(str(row["id"]), target[1], occurred_at)
    return _full(
        store, account, minutes, occurred_at, type, proactive, recurring, outcome, note, more
    )


def activity_row(
    account_id: str,
    author_email: str,
    type: str,
    minutes: int,
    occurred_at: datetime,
    proactive: bool,
    recurring: bool,
    outcome: str,
    note: str,
) -> dict[str, Any] | None:
    """The row `Activity` would make of these values (without created/updated_at), or None
    when this plain check cannot vouch for them (then the model decides)."""
    if not (
        type in ACTIVITY_TYPES
        and outcome in OUTCOMES
        and isinstance(minutes, int)
        and not isinstance(minutes, bool)
        and 0 < minutes <= _MAX_MINUTES
        and isinstance(proactive, bool)
        and isinstance(recurring, bool)
        and isinstance(note, str)
        and len(note) <= _MAX_LONG
        and "\x00" not in note
        and isinstance(account_id, str)
        and "\x00" not in account_id
        and isinstance(author_email, str)
        and len(author_email) <= _MAX_EMAIL
        and author_email == author_email.lower()
        and _PLAIN_EMAIL.fullmatch(author_email) is not None
        and isinstance(occurred_at, datetime)
        and occurred_at.tzinfo is not None
        and occurred_at.utcoffset() is not None
    ):
        return None
    return {
        "id": os.urandom(16).hex(),  # as models._base.new_id: 128 random bits as hex
        "account_id": account_id,
        "author_email": author_email,
        "type": type,
        "minutes": minutes,
        "occurred_at": occurred_at.astimezone(UTC).isoformat(),
        "proactive": proactive,
        "recurring": recurring,
        "outcome": outcome,
        "note": note,
        "checklist_item_id": None,
    }


def later_columns(store: Store) -> dict[str, Any]:
    """The activities' columns added after the ones `activity_row` fills (say, by a feature
    that logs work for many accounts), each with its default: the value the model gives a new
    activity that does not set it (the test compares the rows with the model's)."""
    columns = [
        (str(row[1]), row[4])
        for row in store.query("PRAGMA table_info(activities)")
        if row[1] not in _FILLED
    ]
    if not columns:
        return {}
    # the defaults are SQL literals of the book's own schema: SQLite evaluates them
    values = store.query_one("SELECT " + ", ".join(d or "NULL" for _name, d in columns))
    assert values is not None
    return {name: values[index] for index, (name, _d) in enumerate(columns)}


def _plain_account(store: Store, text: str) -> tuple[str, str] | None:
    """(id, name) of the one account `text` names, as `resolve_account` finds it; None for
    anything else (none, several, empty), which `resolve_account` then words."""
    wanted = text.strip()
    if not wanted:
        return None
    for column in ("id", "external_id"):
        row = store.query_one(f"SELECT id, name FROM accounts WHERE {column} = ?", (wanted,))
        if row is not None:
            return str(row[0]), str(row[1])
    matches = accounts_named_like(store, wanted, limit=CANDIDATES + 1)
    exact = [match for match in matches if fold(match[1]) == fold(wanted)]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0]
    return None


def _full(
    store: Store,
    account: str,
    minutes: int,
    occurred_at: datetime,
    type: str,
    proactive: bool,
    recurring: bool,
    outcome: str,
    note: str,
    more: dict[str, Any],
) -> Logged:
    from csm_tui.models.activity import ActivityType, Outcome
    from csm_tui.services.activities import log_activity
    from csm_tui.services.roadmap_view import resolve_account

    target = resolve_account(store, account)
    activity = log_activity(
        store,
        target.id,
        minutes,
        occurred_at,
        type=ActivityType(type),
        proactive=proactive,
        recurring=recurring,
        outcome=Outcome(outcome),
        note=note,
        **more,
    )
    return Logged(activity.id, target.name, activity.occurred_at)
