"""Secondary owners from a configurable source: which CRM field says who else owns a company.

HubSpot: a user-type company property (an enumeration whose options are the owners) holding one
or more owner ids separated by `;`. Salesforce: the AccountTeamMember rows of a team role. The
source is named in config.toml (`[crm.hubspot] secondary_owners`, `[crm.salesforce] team_role`)
or on `connect`; the books make the CRM's secondaries without a coverage period equal to what
the CRM says (a coverage period is csm-tui's own arrangement, never touched by a pull).
"""

from __future__ import annotations

import re
from typing import Any

from csm_tui.crm.errors import MappingError
from csm_tui.crm.records import CrmCompany, FieldInfo
from csm_tui.i18n import _

# the HubSpot property types a user-type property can have (owner properties are enumerations)
USER_TYPES = frozenset({"enumeration"})


def check_source(vendor: str, source: str, fields: list[FieldInfo]) -> None:
    """Refuse a HubSpot secondary-owners property that does not exist or cannot hold owners."""
    if vendor != "hubspot" or not source:
        return
    info = next((item for item in fields if item.name == source), None)
    if info is None:
        raise MappingError(
            _(
                "HubSpot has no company property {field} (for secondary owners); "
                "`csm-tui crm connect` lists them."
            ).format(field=source)
        )
    if info.type not in USER_TYPES:
        raise MappingError(
            _(
                "{field} is a {type} property; secondary owners need a user property "
                "(HubSpot type enumeration)."
            ).format(field=source, type=info.type)
        )


def secondary_emails(company: CrmCompany, primary: str | None) -> list[str] | None:
    """The CRM's secondary owners of a company by e-mail, its primary owner left out; None when
    no source is configured (the book's secondary owners are then left alone)."""
    if company.secondary_ids is None:
        return None
    return [e for e in dict.fromkeys(company.secondary_emails) if e and e != primary]


def covered(owner: dict[str, Any]) -> bool:
    """An owner row with a coverage period: csm-tui's own arrangement, never a pull's."""
    return bool(
        owner.get("coverage_from") or owner.get("coverage_to") or owner.get("coverage_reason")
    )


def split_ids(raw: Any) -> tuple[str, ...]:
    """A HubSpot user property's value: owner ids separated by `;` (empty: none)."""
    if raw is None:
        return ()
    parts = (part.strip() for part in str(raw).split(";"))
    return tuple(dict.fromkeys(part for part in parts if part))


def soql_id(value: str) -> str:
    """A Salesforce id as a SOQL literal; anything else is refused (never spliced in)."""
    if not re.match(r"^[A-Za-z0-9]{15,18}$", value):
        raise ValueError(f"not a Salesforce id: {value!r}")
    return f"'{value}'"


def soql_text(value: str) -> str:
    """A SOQL string literal (backslash and quote escaped)."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def team_members(
    raw: Any,
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None:
    """The (user ids, e-mails, member ids) of an account's AccountTeamMembers child
    relationship, as the REST API gives it: null when there are none, else a query result with
    `records`."""
    if raw is None:
        return (), (), ()
    records = raw.get("records") if isinstance(raw, dict) else None
    if not isinstance(records, list):
        return None
    ids: list[str] = []
    emails: list[str] = []
    members: list[str] = []
    for row in records:
        if not isinstance(row, dict) or not row.get("UserId"):
            return None
        ids.append(str(row["UserId"]))
        user = row.get("User")
        emails.append(str(user.get("Email") or "") if isinstance(user, dict) else "")
        members.append(str(row.get("Id") or ""))
    return tuple(ids), tuple(emails), tuple(members)
