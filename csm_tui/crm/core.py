"""The connector core: one pull pass and one push pass, the same for every vendor and book.

Pull: for each object type (companies, contacts, removals) ask the vendor for the page after
the stored cursor, convert the mapped fields, and hand page and cursor to the book to write in
one transaction; a pass killed half way resumes from the last committed page.

Push, exactly once: a create is preceded by a committed `sending` mark; a `sending` link found
at the start of a pass means the outcome is unknown (timeout, kill between the CRM's reply and
the local commit), so the engagement is looked up by the marker in its body before anything is
created again. Edits update the engagement, deletions remove it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from csm_tui.crm.book import Applied, Book
from csm_tui.crm.errors import CrmRefused, OutcomeUnknown
from csm_tui.crm.http import Api
from csm_tui.crm.mapping import convert
from csm_tui.crm.records import (
    COMPANIES,
    OBJECT_TYPES,
    CrmCompany,
    CrmContact,
    FieldInfo,
    Link,
    OutActivity,
    Owner,
    Page,
)


@dataclass(frozen=True)
class PullContext:
    """What an adapter needs to ask for a page."""

    me: Owner
    mapped_fields: tuple[str, ...]
    known_companies: frozenset[str]
    known_contacts: frozenset[str]
    # the CRM owner ids whose records are in scope: the user alone, or a team server's users
    scope: tuple[str, ...] = ()
    # where secondary owners come from: a HubSpot property, a Salesforce team role ("" none)
    secondary: str = ""
    # the companies the book knows these Salesforce team member ids of (Book.companies_of_members)
    member_accounts: Callable[[list[str]], set[str]] | None = None

    @property
    def owner_ids(self) -> tuple[str, ...]:
        return self.scope or (self.me.id,)


class Vendor(Protocol):
    """One CRM's API, behind the shapes of `records`."""

    name: str
    api: Api
    # how long a created record may stay invisible to the look-up (HubSpot's search index lags;
    # SOQL does not): a lost create is concluded absent only after this many seconds
    lookup_lag: float

    def fields(self) -> list[FieldInfo]: ...
    def owners(self) -> list[Owner]: ...
    def page(self, obj: str, cursor: dict[str, Any], ctx: PullContext) -> Page: ...
    def contacts_for(self, company_ids: list[str]) -> list[CrmContact]: ...
    def object_type(self, activity: OutActivity) -> str: ...
    def find(self, object_type: str, activity_id: str, marker: str) -> str | None: ...
    def create(self, object_type: str, activity: OutActivity, owner_id: str) -> str: ...
    def update(
        self, object_type: str, crm_id: str, activity: OutActivity, owner_id: str
    ) -> None: ...
    def delete(self, object_type: str, crm_id: str) -> None: ...


@dataclass
class PushResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    found: int = 0  # unknown outcomes resolved by the marker: created before, not again
    waiting: int = 0  # not found yet, but too recent to conclude: looked up again next pass
    failed: list[str] = field(default_factory=list)
    unknown: int = 0  # still unknown (no answer): looked up on the next pass


def find_owner(owners: list[Owner], email: str) -> Owner | None:
    """The CRM owner with this e-mail, compared case-insensitively."""
    wanted = email.strip().lower()
    return next((owner for owner in owners if owner.email.lower() == wanted), None)


def pull(
    vendor: Vendor,
    book: Book,
    mapping: Mapping[str, str],
    me: Owner,
    team: frozenset[str] | None = None,
    secondary: str = "",
) -> Applied:
    """One pull pass over every object type; returns what it did to the book. `team`: the CRM
    owner ids whose companies are in scope (a team server); `me`'s alone by default.
    `secondary`: the source of secondary owners (see `crm.secondary`), none by default."""
    scope = tuple(sorted(team)) if team else (me.id,)
    state = book.state()
    applied = Applied()
    pass_ = _Pass(vendor, book, mapping, scope, dict(state.get("owners") or {}))
    windows: list[tuple[str, dict[str, Any], tuple[str, ...]]] = []
    newcomers = _newcomers(state, scope) if team else ()
    if newcomers:  # owners new to the scope since the last pass: their companies in full
        pending = dict(state.get(NEWCOMERS) or {})
        if pending.get("owners") != list(newcomers):
            pending = {"owners": list(newcomers), "cursor": {}}
        windows.append((NEWCOMERS, dict(pending["cursor"]), newcomers))
    objects: tuple[str, ...] = getattr(vendor, "object_types", OBJECT_TYPES)
    windows += [(obj, dict(state.get(f"cursor.{obj}") or {}), scope) for obj in objects]
    for name, cursor, owners in windows:
        # what the book holds before this object type: the companies pages are filtered by
        # the book itself, so only the later object types rely on it
        ctx = PullContext(
            me=me,
            mapped_fields=tuple(sorted(set(mapping.values()))),
            known_companies=frozenset(book.known_companies()),
            known_contacts=frozenset(book.known_contacts()),
            scope=owners,
            secondary=secondary,
            member_accounts=book.companies_of_members,
        )
        obj = COMPANIES if name == NEWCOMERS else name
        while True:
            page = vendor.page(obj, cursor, ctx)
            pass_.prepare(page, ctx.known_companies)
            if name == NEWCOMERS:  # its own cursor; done: the scope is seen, no cursor left
                page.state = (
                    {NEWCOMERS: None, SEEN: list(scope)}
                    if page.done
                    else {NEWCOMERS: {"owners": list(owners), "cursor": page.cursor}}
                )
            applied.add(book.apply_page(page, pass_.converted, pass_.owner_emails))
            cursor = page.cursor
            if page.done:
                break
    if team and state.get(SEEN) != list(scope) and not newcomers:
        book.set_state({SEEN: list(scope)})
    return applied


NEWCOMERS = "cursor.newcomers"
SEEN = "scope_seen"


def _newcomers(state: Mapping[str, Any], scope: tuple[str, ...]) -> tuple[str, ...]:
    """The owners in scope that the last pass did not have (a user added to a team server
    after the first window): the incremental cursor would skip their unchanged companies, so
    a catch-up window reads them in full. A book that never saw a scope but has a cursor (made
    before this was kept) catches up once for everyone; a first pass needs none."""
    seen = state.get(SEEN)
    if seen is None:
        return scope if state.get(f"cursor.{COMPANIES}") else ()
    return tuple(owner for owner in scope if owner not in set(seen))


class _Pass:
    """What the pages of one pass share: the owner list (read again at most once a pass) and
    the conversion of a companies page (e-mails, contacts of the companies in scope, fields)."""

    def __init__(
        self,
        vendor: Vendor,
        book: Book,
        mapping: Mapping[str, str],
        scope: tuple[str, ...],
        owner_emails: dict[str, str],
    ) -> None:
        self.vendor, self.book, self.mapping, self.scope = vendor, book, mapping, scope
        self.owner_emails = owner_emails
        self.refreshed = False
        self.converted: dict[str, dict[str, Any]] = {}

    def prepare(self, page: Page, known: frozenset[str]) -> None:
        self.converted = {}
        if page.object != COMPANIES and not page.companies:
            return
        vendor, scope, owner_emails = self.vendor, self.scope, self.owner_emails
        unknown = any(
            owner not in owner_emails
            for c in page.companies
            for owner in (c.owner_id, *(c.secondary_ids or ()))
            if owner
        )
        if unknown and not self.refreshed:
            owner_emails = self.owner_emails = _refresh_owners(vendor, self.book)
            self.refreshed = True
        page.companies = [_with_emails(c, owner_emails) for c in page.companies]
        mine = [
            c.crm_id
            for c in page.companies
            if c.owner_id in scope or set(c.secondary_ids or ()) & set(scope)
        ]
        if page.object != COMPANIES:  # a team change: the book has the contacts it knows
            mine = [crm_id for crm_id in mine if crm_id not in known]
        page.contacts = vendor.contacts_for(mine) if mine else []
        page.contacts_of = mine
        for company in page.companies:
            self.converted[company.crm_id] = {
                "name": company.name,
                **convert(self.mapping, company.values),
            }


def _with_emails(company: CrmCompany, owner_emails: Mapping[str, str]) -> CrmCompany:
    """The secondary owners' e-mails (lower case) from the owner list, else as the CRM gave."""
    if company.secondary_ids is None:
        return company
    given = dict(zip(company.secondary_ids, company.secondary_emails, strict=False))
    emails = tuple(
        (owner_emails.get(crm_id) or given.get(crm_id) or "").lower()
        for crm_id in company.secondary_ids
    )
    return replace(company, secondary_emails=emails)


def _refresh_owners(vendor: Vendor, book: Book) -> dict[str, str]:
    emails = {owner.id: owner.email.lower() for owner in vendor.owners()}
    book.set_state({"owners": emails})
    return emails


def digest(activity: OutActivity, object_type: str, owner_id: str) -> str:
    """What was sent, in short: an edit of any pushed field changes it."""
    data = [
        object_type,
        owner_id,
        activity.company_id,
        activity.type,
        activity.minutes,
        activity.occurred_at.isoformat(),
        activity.proactive,
        activity.recurring,
        activity.outcome,
        activity.note,
    ]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:32]


def push(
    vendor: Vendor,
    book: Book,
    owner_ids: Mapping[str, str],
    since: str,
    backfill_since: str | None = None,
) -> PushResult:
    """One push pass; `owner_ids` maps an author's e-mail (lower case) to the CRM owner id."""
    result = PushResult()
    _resolve_unknown(vendor, book, result)
    links = book.links()
    for activity in book.activities_to_push(since, backfill_since):
        owner_id = owner_ids.get(activity.author_email.lower())
        link = links.get(activity.id)
        object_type = vendor.object_type(activity)
        if owner_id is None:
            if link is None or link.state != "failed":
                reason = f"{activity.author_email} is not a user of {vendor.name}"
                book.record_failed(activity.id, object_type, reason, "")
                result.failed.append(reason)
            continue
        wanted = digest(activity, object_type, owner_id)
        if link is not None and link.state == "sending":
            continue  # its outcome is still unknown: never create it again meanwhile
        if link is not None and link.pushed_hash == wanted and link.state in ("sent", "failed"):
            continue
        try:
            if link is not None and link.state in ("sent", "failed") and link.crm_id:
                if link.object_type == object_type:
                    vendor.update(object_type, link.crm_id, activity, owner_id)
                    book.record_sent(activity.id, object_type, link.crm_id, wanted)
                    result.updated += 1
                    continue
                vendor.delete(link.object_type, link.crm_id)  # a call became a meeting
            book.begin_send(activity.id, object_type)
            crm_id = vendor.create(object_type, activity, owner_id)
        except OutcomeUnknown:
            result.unknown += 1
            break  # the CRM is not answering: the rest waits for the next pass
        except CrmRefused as exc:
            book.record_failed(activity.id, object_type, str(exc), wanted)
            result.failed.append(str(exc))
            continue
        book.record_sent(activity.id, object_type, crm_id, wanted)
        result.created += 1
    for link in book.deleted_activity_links():
        if link.crm_id:
            try:
                vendor.delete(link.object_type, link.crm_id)
            except CrmRefused as exc:
                if exc.status != 404:
                    result.failed.append(str(exc))
                    continue
        book.record_deleted(link.activity_id)
        result.deleted += 1
    return result


def _resolve_unknown(vendor: Vendor, book: Book, result: PushResult) -> None:
    """Links left `sending`: found by their marker → sent (never created twice); else new."""
    for link in list(book.links().values()):
        if link.state != "sending":
            continue
        marker = OutActivity.marker_of(link.activity_id)
        crm_id = vendor.find(link.object_type, link.activity_id, marker)
        if crm_id is None:
            if link.age < vendor.lookup_lag:  # it may exist and not be searchable yet
                result.waiting += 1
                continue
            book.forget_link(link.activity_id)
            continue
        # created with the activity as it was then: an empty digest makes the next step update
        book.record_sent(link.activity_id, link.object_type, crm_id, "")
        result.found += 1


__all__ = ["Link", "PullContext", "PushResult", "Vendor", "digest", "find_owner", "pull", "push"]
