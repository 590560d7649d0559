"""Meetings from the calendar become proposals, and a proposal becomes logged work in one step.

A sync reads each source for the last 60 days to today, matches each meeting to accounts and
keeps the result (`calendar_events`). Proposals are those events minus what the CSM already
logged or dismissed (`calendar_seen`, keyed by UID + RECURRENCE-ID), and minus meetings already
logged as activities at the same start on the same account (which covers work logged on another
device: calendar_seen is local). Logging goes through `log_activity` like any other work.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from csm_tui.calendar import sources as remote
from csm_tui.calendar.events import read_calendar
from csm_tui.calendar.match import AccountIndex, organised_by_me, proposable
from csm_tui.clock import iso_now
from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.i18n import _
from csm_tui.models.activity import Activity, ActivityType
from csm_tui.services.identity import me_identity
from csm_tui.store import calendar as queries
from csm_tui.store.connection import Store

WINDOW_DAYS = 60
PASSWORD_ENV = "CSM_TUI_CALDAV_PASSWORD"


def user_zone() -> tzinfo:
    """The user's time zone: TZ when it names one, else the system's."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            from zoneinfo import ZoneInfo

            return ZoneInfo(name)
        except (ValueError, OSError, KeyError):
            pass
    return datetime.now().astimezone().tzinfo or UTC


def window(store: Store, zone: tzinfo) -> tuple[datetime, datetime]:
    """From midnight 60 days ago to the end of today, in the user's zone."""
    today = store.clock.now().astimezone(zone).date()
    start = datetime.combine(today - timedelta(days=WINDOW_DAYS), time(), tzinfo=zone)
    return start, datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)


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
        }


@dataclass
class SyncReport:
    """What a sync read: events per source, and the sources that failed with why."""

    events: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def proposal_id(key: str) -> str:
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]


def _me(store: Store) -> str:
    me = me_identity(store)
    if me is None:
        raise ValidationError(
            _("Tell csm-tui who you are first (the app asks on its first start).")
        )
    return me[1]


def _source_id(kind: str, address: str, user: str = "") -> str:
    return kind + "-" + hashlib.sha1(f"{address}\n{user}".encode()).hexdigest()[:10]


# -- reading ----------------------------------------------------------------------------------


def read_text(
    store: Store,
    source: str,
    texts: list[str],
    zone: tzinfo | None = None,
    index: AccountIndex | None = None,
) -> int:
    """Parse, match and keep the events of one source; returns how many were matched."""
    zone = zone or user_zone()
    start, end = window(store, zone)
    index = index or account_index(store)
    rows: dict[str, queries.EventRow] = {}
    for text in texts:
        for occurrence in read_calendar(text, start, end, zone):
            if not proposable(occurrence, index.me):
                continue
            found = index.match(occurrence)
            if not found.account_ids:
                continue
            rows[occurrence.key] = queries.EventRow(
                key=occurrence.key,
                source=source,
                uid=occurrence.uid,
                starts_at=occurrence.start.isoformat(),
                minutes=occurrence.minutes,
                title=occurrence.title,
                description=occurrence.description[:2000],
                account_ids=found.account_ids,
                kind=(ActivityType.INTERNAL if found.internal else ActivityType.MEETING).value,
                proactive=organised_by_me(occurrence, index.me),
                recurring=occurrence.recurring,
            )
    queries.replace_events(store, source, rows.values(), iso_now(store.clock))
    return len(rows)


def account_index(store: Store) -> AccountIndex:
    return AccountIndex.build(
        [_me(store)], queries.contact_emails(store), queries.account_names(store)
    )


def import_file(store: Store, path: Path, zone: tzinfo | None = None) -> int:
    """Read an .ics export; the file stays a source, read again by each sync while it exists."""
    path = path.expanduser().resolve()
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ValidationError(
            _("Cannot read {path}: {error}").format(path=path, error=exc.strerror)
        ) from exc
    source = queries.SourceRow(_source_id("file", str(path)), "file", str(path), "", None)
    queries.save_source(store, source, iso_now(store.clock))
    try:
        return read_text(store, source.id, [text], zone)
    except ValueError as exc:
        raise ValidationError(
            _("{path} is not a calendar file ({error}).").format(path=path, error=exc)
        ) from exc


def add_url(store: Store, url: str) -> str:
    """Keep a secret ICS address (in the keyring); returns the source's id."""
    url = remote.check_address(url)
    from urllib.parse import urlsplit

    source = queries.SourceRow(
        _source_id("url", url), "url", urlsplit(url).hostname or "", "", None
    )
    remote.save_secret(source.id, url)
    queries.save_source(store, source, iso_now(store.clock))
    return source.id


def add_caldav(store: Store, url: str, user: str, password: str) -> str:
    """Keep a CalDAV account (the password in the keyring); returns the source's id."""
    url = remote.check_address(url)
    source = queries.SourceRow(_source_id("caldav", url, user), "caldav", url, user, None)
    remote.save_secret(source.id, password)
    queries.save_source(store, source, iso_now(store.clock))
    return source.id


Fetch = Callable[[queries.SourceRow, datetime, datetime], list[str]]


def fetch(source: queries.SourceRow, start: datetime, end: datetime) -> list[str]:
    """The text of one source, from where it lives."""
    if source.kind == "file":
        try:
            return [Path(source.label).read_text(encoding="utf-8", errors="replace")]
        except OSError as exc:
            raise remote.CalendarError(str(exc.strerror or exc)) from None
    if source.kind == "url":
        return [remote.fetch_url(remote.read_secret(source.id))]
    password = os.environ.get(PASSWORD_ENV) or remote.read_secret(source.id)
    return remote.fetch_caldav(source.label, source.user_name, password, start, end)


def sync(store: Store, zone: tzinfo | None = None, fetcher: Fetch = fetch) -> SyncReport:
    """Read every source; one that fails keeps its events of the last sync."""
    zone = zone or user_zone()
    start, end = window(store, zone)
    index = account_index(store)
    report = SyncReport()
    for source in queries.sources(store):
        name = source.label or source.id
        try:
            texts = fetcher(source, start, end)
            report.events[name] = read_text(store, source.id, texts, zone, index)
        except (remote.CalendarError, ValueError) as exc:
            report.failed[name] = str(exc)
    return report


# -- proposals --------------------------------------------------------------------------------


def proposals(store: Store, zone: tzinfo | None = None) -> list[Proposal]:
    """The meetings to log, oldest first."""
    zone = zone or user_zone()
    start, _end = window(store, zone)
    seen = queries.seen(store)
    logged = queries.logged_meetings(store, start.astimezone(UTC).isoformat())
    names = dict(queries.account_names(store))
    found: list[Proposal] = []
    for event in queries.events(store):
        mark = seen.get(event.key)
        if seen.get("series:" + event.uid) is not None:
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
                recurring=event.recurring,
                proactive=event.proactive,
                kind=ActivityType(event.kind),
                changed=changed,
                activity_id=mark.activity_id if mark is not None else None,
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
        "note": proposal.title,
    }
    values.update(changes)
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
    remember(store, proposal, "logged", activity.id)
    return activity


def remember(store: Store, proposal: Proposal, state: str, activity_id: str | None = None) -> None:
    queries.mark(
        store,
        [
            queries.Seen(
                proposal.key, state, proposal.start.isoformat(), proposal.minutes, activity_id
            )
        ],
        iso_now(store.clock),
    )


def dismiss(store: Store, proposal: Proposal) -> None:
    remember(store, proposal, "dismissed")


def dismiss_series(store: Store, proposal: Proposal) -> None:
    """Dismiss every occurrence of a recurring meeting, those to come included."""
    queries.mark(
        store,
        [queries.Seen("series:" + proposal.uid, "dismissed", "", 0, None)],
        iso_now(store.clock),
    )


def remember_form(store: Store, proposal: Proposal) -> None:
    """The log form saved the proposal (maybe edited): remember it with the activity just
    logged on its accounts, so a later change in the calendar corrects that activity."""
    latest = queries.latest_activity(store, proposal.account_ids, _me(store))
    remember(store, proposal, "logged", latest)


class CalendarService:
    """The proposals as the app sees them (through `Session.calendar`)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def proposals(self) -> list[Proposal]:
        return proposals(self.store)

    def count(self) -> int:
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
