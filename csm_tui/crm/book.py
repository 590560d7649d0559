"""What the connector core needs from wherever the book lives.

The solo client implements it on the local SQLite book (services/crm_book.py); the team server
will implement it on its own tables. Every `apply_*` writes the page *and* its cursor in one
transaction: a pass killed between two pages resumes after the last one, never applies one twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from csm_tui.crm.records import Link, OutActivity, Page


@dataclass
class Applied:
    """What pages did to the book, summed over a pass."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    moved: int = 0  # owner changed to someone else
    removed: int = 0  # archived or deleted in the CRM
    contacts: int = 0  # contacts written (new or changed)
    contacts_removed: int = 0
    skipped: list[str] = field(default_factory=list)  # why a record was not applied

    def add(self, other: Applied) -> None:
        self.new += other.new
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.moved += other.moved
        self.removed += other.removed
        self.contacts += other.contacts
        self.contacts_removed += other.contacts_removed
        self.skipped.extend(other.skipped)


class Book(Protocol):
    """The book as the connector sees it."""

    def state(self) -> dict[str, Any]:
        """The connection settings and cursors (`cursor.<object>`), as last committed."""

    def set_state(self, values: Mapping[str, Any]) -> None:
        """Write some state keys (None removes one), in a transaction of its own."""

    def known_companies(self) -> set[str]:
        """CRM ids of the companies that are in the book."""

    def known_contacts(self) -> set[str]:
        """CRM ids of the contacts that are in the book."""

    def companies_of_members(self, member_ids: list[str]) -> set[str]:
        """The CRM ids of the companies these Salesforce team member ids were on (as the last
        page with each company said: `CrmCompany.secondary_member_ids`)."""

    def apply_page(
        self, page: Page, converted: Mapping[str, dict[str, Any]], owner_emails: Mapping[str, str]
    ) -> Applied:
        """Write one page (companies with their converted fields by CRM id, contacts, removals)
        and `cursor.<page.object>` = page.cursor, atomically."""

    def activities_to_push(self, since: str, backfill_since: str | None) -> list[OutActivity]:
        """Activities of linked accounts created since `since` (or occurring since the backfill
        date) with no link yet, or edited since they were pushed."""

    def links(self) -> dict[str, Link]:
        """Every activity link by activity id."""

    def deleted_activity_links(self) -> list[Link]:
        """Links of sent activities the book no longer has."""

    def begin_send(self, activity_id: str, object_type: str) -> None:
        """Mark the link `sending`, committed before the request goes out."""

    def record_sent(self, activity_id: str, object_type: str, crm_id: str, digest: str) -> None:
        """The engagement exists: keep its id and what was sent."""

    def record_failed(self, activity_id: str, object_type: str, reason: str, digest: str) -> None:
        """The CRM refused it for a reason retrying cannot fix."""

    def record_deleted(self, activity_id: str) -> None:
        """The engagement of a deleted activity was removed in the CRM."""

    def forget_link(self, activity_id: str) -> None:
        """The engagement proved absent: the activity is new again."""
