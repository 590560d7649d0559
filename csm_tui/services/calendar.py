"""Meetings from the calendar become proposals, and a proposal becomes logged work in one step.

A sync reads each source for the last 60 days to today, matches each meeting to accounts and
keeps the result (`calendar_events`). Proposals are those events minus what the CSM already
logged or dismissed (`calendar_marks`, keyed by UID + RECURRENCE-ID, journaled and synced,
private to the user), and minus meetings already logged as activities at the same start on the
same account (work logged before the marks synced, or by a csm-tui without them). Logging
goes through `log_activity` like any other work.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any

from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.i18n import _
from csm_tui.models.activity import Activity, ActivityType
from csm_tui.services.calendar_read import (
    PASSWORD_ENV,
    WINDOW_DAYS,
    SyncReport,
    add_caldav,
    add_url,
    import_file,
    me_email,
    sync,
    sync_if_due,
    user_zone,
    window,
)
from csm_tui.store import calendar as queries
from csm_tui.store.connection import Store

__all__ = [
    "PASSWORD_ENV",
    "WINDOW_DAYS",
    "CalendarService",
    "Proposal",
    "SyncReport",
    "add_caldav",
    "add_url",
    "count",
    "dismiss",
    "dismiss_series",
    "find",
    "import_file",
    "log",
    "proposals",
    "sync",
    "sync_if_due",
    "user_zone",
]


@dataclass(frozen=True, slots=True)
class Proposal:
    """A meeting to log. `changed`: it was logged, then moved or lengthened in the calendar."""

    id: str
    key: str
    uid: str
    account_ids: tuple[str, ...]
    account_names: tuple[str, ...]
    start: datetime
    minutes: int
    title: str
    recurring: bool
    proactive: bool
    kind: ActivityType
    changed: bool = False
    activity_id: str | None = None
    note: str = ""  # what is logged as the note: the title, and lines of the description if set
    attendees: tuple[str, ...] = ()  # their e-mails: the account's contacts among them took part

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "account": self.account_ids[0] if len(self.account_ids) == 1 else None,
            "accounts": [
                {"id": account_id, "name": name}
                for account_id, name in zip(self.account_ids, self.account_names, strict=True)
            ],
            "start": self.start.isoformat(),
            "minutes": self.minutes,
            "title": self.title,
            "recurring": self.recurring,
            "proactive": self.proactive,
            "type": self.kind.value,
            "changed": self.changed,
            "note": self.note,
        }


def proposal_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


# -- proposals --------------------------------------------------------------------------------


def description_lines() -> int:
    """How many lines of a meeting's description go into the note after its title: `[calendar]
    description_lines` in config.toml, 0 (the title alone) by default, at most 20."""
    from csm_tui.config import load_config

    value = load_config().raw.get("calendar", {}).get("description_lines", 0)
    return max(0, min(20, value)) if isinstance(value, int) else 0


def note_of(title: str, description: str, lines: int) -> str:
    """The title, then the first `lines` non-blank lines of the description."""
    kept = [line.strip() for line in description.splitlines() if line.strip()][:lines]
    return "\n".join([title, *kept]) if kept else title


def proposals(store: Store, zone: tzinfo | None = None, lines: int | None = None) -> list[Proposal]:
    """The meetings to log, oldest first."""
    zone = zone or user_zone()
    lines = description_lines() if lines is None else lines
    start, _end = window(store, zone)
    seen = queries.seen(store, me_email(store))
    logged = queries.logged_meetings(store, start.astimezone(UTC).isoformat())
    names = dict(queries.account_names(store))
    found: list[Proposal] = []
    for event in queries.events(store):
        mark = seen.get(queries.stored_key(event.key))
        if seen.get(queries.stored_key("series:" + event.uid)) is not None:
            continue
        if mark is not None and mark.state == "dismissed":
            continue
        starts = datetime.fromisoformat(event.starts_at).astimezone(zone)
        changed = mark is not None and (
            datetime.fromisoformat(mark.starts_at) != starts or mark.minutes != event.minutes
        )
        if mark is not None and not changed:
            continue
        accounts = tuple(account for account in event.account_ids if account in names)
        if not accounts:
            continue  # the account was deleted since the sync
        utc = starts.astimezone(UTC).isoformat()
        if not changed and any((account, utc) in logged for account in accounts):
            continue
        found.append(
            Proposal(
                id=proposal_id(event.key),
                key=event.key,
                uid=event.uid,
                account_ids=accounts,
                account_names=tuple(names[account] for account in accounts),
                start=starts,
                minutes=event.minutes,
                title=event.title,
                note=note_of(event.title, event.description, lines),
                recurring=event.recurring,
                proactive=event.proactive,
                kind=ActivityType(event.kind),
                changed=changed,
                activity_id=mark.activity_id if mark is not None else None,
                attendees=event.attendees,
            )
        )
    return found


def count(store: Store) -> int:
    """How many meetings wait to be logged (Today's "Meetings to log (N)")."""
    return len(proposals(store))


def find(store: Store, wanted: str) -> Proposal:
    for proposal in proposals(store):
        if proposal.id == wanted or proposal.key == wanted:
            return proposal
    raise NotFoundError(_("No meeting to log with id {id}.").format(id=wanted))


def log(
    store: Store, proposal: Proposal, account_id: str | None = None, **changes: Any
) -> Activity:
    """Log the meeting (or, when it changed after logging, correct the activity logged then)."""
    from csm_tui.services.activities import edit_activity, log_activity

    if account_id is None:
        if len(proposal.account_ids) != 1:
            raise ValidationError(
                _("This meeting matches {count} accounts; choose one.").format(
                    count=len(proposal.account_ids)
                )
            )
        account_id = proposal.account_ids[0]
    values: dict[str, Any] = {
        "minutes": proposal.minutes,
        "occurred_at": proposal.start,
        "type": proposal.kind,
        "proactive": proposal.proactive,
        "recurring": proposal.recurring,
        "note": proposal.note or proposal.title,
    }
    values.update(changes)
    if "participants" not in values:  # issue 16: the account's contacts among the attendees
        from csm_tui.services.participation import contacts_by_email

        values["participants"] = contacts_by_email(store, account_id, proposal.attendees)
    activity: Activity | None = None
    if proposal.changed and proposal.activity_id:
        try:
            activity = edit_activity(
                store,
                proposal.activity_id,
                minutes=values["minutes"],
                occurred_at=values["occurred_at"],
            )
        except NotFoundError:
            activity = None
    if activity is None:
        activity = log_activity(store, account_id, **values)
    remember(store, proposal, "logged", activity.id, activity.account_id)
    return activity


def remember(
    store: Store,
    proposal: Proposal,
    state: str,
    activity_id: str | None = None,
    account_id: str | None = None,
) -> None:
    """Keep what was done with the meeting, on the account it was logged for (dismissed: its
    first account), as the user's own journaled row: it syncs to their other devices."""
    queries.mark(
        store,
        me_email(store),
        account_id or proposal.account_ids[0],
        queries.Seen(
            proposal.key, state, proposal.start.isoformat(), proposal.minutes, activity_id
        ),
    )


def dismiss(store: Store, proposal: Proposal) -> None:
    remember(store, proposal, "dismissed")


def dismiss_series(store: Store, proposal: Proposal) -> None:
    """Dismiss every occurrence of a recurring meeting, those to come included."""
    queries.mark(
        store,
        me_email(store),
        proposal.account_ids[0],
        queries.Seen("series:" + proposal.uid, "dismissed", "", 0, None),
    )


def remember_form(store: Store, proposal: Proposal) -> None:
    """The log form saved the proposal (maybe edited): remember it with the activity just
    logged on its accounts, so a later change in the calendar corrects that activity."""
    if proposal.changed and proposal.activity_id:  # the form corrected the activity logged then
        remember(store, proposal, "logged", proposal.activity_id)
        return
    latest = queries.latest_activity(store, proposal.account_ids, me_email(store))
    if latest is None:
        remember(store, proposal, "logged")
    else:
        remember(store, proposal, "logged", *latest)


class CalendarService:
    """The proposals as the app sees them (through `Session.calendar`)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def proposals(self) -> list[Proposal]:
        return proposals(self.store)

    def count(self, refresh: bool = False) -> int:
        """How many meetings wait; `refresh`: read the calendars first if not read lately."""
        if refresh:
            sync_if_due(self.store)
        return count(self.store)

    def has_sources(self) -> bool:
        return bool(queries.sources(self.store))

    def sync(self) -> SyncReport:
        return sync(self.store)

    def log(self, proposal: Proposal, account_id: str | None = None) -> Activity:
        return log(self.store, proposal, account_id)

    def logged_with_form(self, proposal: Proposal) -> None:
        remember_form(self.store, proposal)

    def dismiss(self, proposal: Proposal) -> None:
        dismiss(self.store, proposal)

    def dismiss_series(self, proposal: Proposal) -> None:
        dismiss_series(self.store, proposal)
