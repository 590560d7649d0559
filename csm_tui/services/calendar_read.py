"""Reading the calendars: the sources (a file, a secret ICS address, CalDAV), and each read
parsed, matched to the book's accounts and kept as the events of that source.

Split from `csm_tui.services.calendar` (the proposals) to keep each module readable; that
module re-exports what the CLI and the app use.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, tzinfo
from pathlib import Path

from csm_tui.calendar import sources as remote
from csm_tui.calendar.events import read_calendar
from csm_tui.calendar.match import AccountIndex, organised_by_me, proposable
from csm_tui.clock import iso_now
from csm_tui.errors import ValidationError
from csm_tui.i18n import _
from csm_tui.models.activity import ActivityType
from csm_tui.services.identity import me_identity
from csm_tui.store import calendar as queries
from csm_tui.store.connection import Store

WINDOW_DAYS = 60
PASSWORD_ENV = "CSM_TUI_CALDAV_PASSWORD"


def user_zone() -> tzinfo:
    """The user's time zone: TZ when it names one, else the system's by name (so that a
    meeting before a change of summer time gets that day's offset), else today's offset."""
    from zoneinfo import ZoneInfo

    names = [os.environ.get("TZ", "").lstrip(":")]
    try:
        link = str(Path("/etc/localtime").resolve())
        names.append(link.partition("/zoneinfo/")[2])
    except OSError:
        pass
    for name in names:
        if name:
            try:
                return ZoneInfo(name)
            except (ValueError, OSError, KeyError):
                continue
    return datetime.now().astimezone().tzinfo or UTC


def window(store: Store, zone: tzinfo) -> tuple[datetime, datetime]:
    """From midnight 60 days ago to the end of today, in the user's zone."""
    today = store.clock.now().astimezone(zone).date()
    start = datetime.combine(today - timedelta(days=WINDOW_DAYS), time(), tzinfo=zone)
    return start, datetime.combine(today + timedelta(days=1), time(), tzinfo=zone)


@dataclass
class SyncReport:
    """What a sync read: events per source, and the sources that failed with why."""

    events: dict[str, int] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def me_email(store: Store) -> str:
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
                attendees=tuple(sorted({email for email, _status in occurrence.attendees})),
            )
    queries.replace_events(store, source, rows.values(), iso_now(store.clock))
    return len(rows)


def my_addresses(store: Store) -> list[str]:
    """Me in a calendar: my e-mail, and the other addresses my calendar may invite me as
    (`[calendar] addresses = ["aoi@gmail.com"]` in config.toml): a meeting I declined there is
    declined, one I organised from there is proactive."""
    from csm_tui.config import load_config

    extra = load_config().raw.get("calendar", {}).get("addresses", [])
    others = [str(item).strip() for item in extra] if isinstance(extra, list) else []
    return [me_email(store), *(item for item in others if "@" in item)]


def account_index(store: Store) -> AccountIndex:
    return AccountIndex.build(
        my_addresses(store), queries.contact_emails(store), queries.account_names(store)
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


#: How long the calendars read by a sync stay fresh enough for Today's count.
FRESH = timedelta(minutes=15)


def sync_if_due(store: Store) -> None:
    """Read the calendars again when the last read is older than FRESH (Today does this in
    the background, like the team sync); a source that fails is left for M to report."""
    now = store.clock.now()
    tried = _TRIED.get(str(store.path))
    if tried is not None and now - tried < FRESH:
        return  # a source that keeps failing is not asked again on every reload of Today
    for source in queries.sources(store):
        last = datetime.fromisoformat(source.synced_at) if source.synced_at else None
        if last is None or now - last >= FRESH:
            _TRIED[str(store.path)] = now
            sync(store)
            return


_TRIED: dict[str, datetime] = {}
