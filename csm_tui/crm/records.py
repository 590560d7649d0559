"""What the adapters hand to the core, and the core to the book: vendor-neutral records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

COMPANIES = "companies"
CONTACTS = "contacts"
REMOVED = "removed"
OBJECT_TYPES = (COMPANIES, CONTACTS, REMOVED)
"""The pull's object types, each with its own cursor, in the order a pass runs them."""
TEAM = "team"
TEAM_REMOVED = "team_removed"
"""Salesforce's too (`Vendor.object_types`): account team members changed, and removed."""


@dataclass(frozen=True)
class FieldInfo:
    """One field of the CRM's company/account object, as `connect` lists it."""

    name: str
    label: str
    type: str


@dataclass(frozen=True)
class Owner:
    """A CRM user who can own records: HubSpot owner or Salesforce User."""

    id: str
    email: str
    name: str


@dataclass(frozen=True)
class CrmCompany:
    """A company/account as read, its mapped fields still in the CRM's own representation."""

    crm_id: str
    name: str
    owner_id: str | None
    owner_email: str | None
    values: dict[str, Any]  # CRM field name -> raw value
    # secondary owners from the configured source; None: no source configured (the book's
    # secondary owners are left alone). E-mails are parallel to ids ("" where unknown); the
    # core fills them from the owner list.
    secondary_ids: tuple[str, ...] | None = None
    secondary_emails: tuple[str, ...] = ()
    # Salesforce: the AccountTeamMember ids behind `secondary_ids`, which the book remembers:
    # getDeleted names a removed member by its id alone
    secondary_member_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrmContact:
    crm_id: str
    company_id: str | None
    name: str
    email: str | None
    title: str
    phone: str


@dataclass
class Page:
    """One page of one object type, with the cursor that follows it: applied together."""

    object: str
    cursor: dict[str, Any]
    done: bool
    companies: list[CrmCompany] = field(default_factory=list)
    contacts: list[CrmContact] = field(default_factory=list)
    # contacts fetched for these companies replace what the book has for them
    contacts_of: list[str] | None = None
    removed: list[str] = field(default_factory=list)  # company ids archived/deleted in the CRM
    # what the book writes with the page instead of `cursor.<object>` (a catch-up window's own
    # cursor, see core.pull); None: the object's cursor
    state: dict[str, Any] | None = None


@dataclass(frozen=True)
class OutActivity:
    """An activity to push, with what the adapters need to place it."""

    id: str
    company_id: str  # the CRM id of its account
    author_email: str
    type: str
    minutes: int
    occurred_at: datetime
    proactive: bool
    recurring: bool
    outcome: str
    note: str

    @property
    def marker(self) -> str:
        return self.marker_of(self.id)

    @staticmethod
    def marker_of(activity_id: str) -> str:
        """One search token that finds the engagement again: letters and digits only, so the
        CRM's tokenizer keeps it whole."""
        return "csmtui" + "".join(ch for ch in activity_id if ch.isalnum())


@dataclass(frozen=True)
class Link:
    """What the book knows about an activity's engagement."""

    activity_id: str
    object_type: str
    crm_id: str | None
    state: str  # sending | sent | failed | deleted
    pushed_hash: str
    age: float = 0.0  # seconds since the link was last written (a `sending` mark's age)
