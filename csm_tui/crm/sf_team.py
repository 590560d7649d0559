"""Salesforce account teams changed on their own.

Adding or removing an AccountTeamMember leaves the Account's SystemModstamp alone, so the
accounts window would see a team change only at the account's next edit. Two more object types
of the pull read them (each one request when nothing is new):

* `team`: AccountTeamMember rows changed since the cursor — a keyset on (SystemModstamp, Id) like
  the accounts', every role (a member moved out of the configured role changes too) — and the
  accounts they belong to, when the book has the account or the member is a user in scope, are
  read again with their team (`Id IN (…)`): an ordinary companies page.
* `team_removed`: getDeleted on AccountTeamMember. A deleted member is named by its id alone (it
  skips the recycle bin, so queryAll cannot tell its account): the book remembers which account
  each member id of the role belonged to (`CrmCompany.secondary_member_ids`), and those accounts
  are read again.

Both do nothing, and send nothing, when no team role is configured.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from csm_tui.crm.records import TEAM, TEAM_REMOVED, CrmCompany, Page
from csm_tui.crm.secondary import soql_id

if TYPE_CHECKING:
    from csm_tui.crm.core import PullContext
    from csm_tui.crm.salesforce import Salesforce

MEMBER_FIELDS = ["Id", "AccountId", "UserId", "SystemModstamp"]
IN_CHUNK = 100


def team_changes(sf: Salesforce, cursor: dict[str, Any], ctx: PullContext) -> Page:
    if not ctx.secondary:
        return Page(TEAM, {}, True)
    if not cursor:  # the first pass read every account's team with the account
        return Page(TEAM, sf.start_keyset(), True)
    rows, following, done = sf.keyset_page("AccountTeamMember", MEMBER_FIELDS, cursor, "", "team")
    scope = set(ctx.owner_ids)
    touched = [
        str(row["AccountId"])
        for row in rows
        if row.get("AccountId") in ctx.known_companies or row.get("UserId") in scope
    ]
    return Page(TEAM, following, done, companies=accounts_by_id(sf, touched, ctx, "team"))


def team_removals(sf: Salesforce, cursor: dict[str, Any], ctx: PullContext) -> Page:
    if not ctx.secondary:
        return Page(TEAM_REMOVED, {}, True)
    gone, following = sf.deleted_since("AccountTeamMember", cursor, "team-deleted")
    touched = sorted(ctx.member_accounts(gone)) if gone and ctx.member_accounts else []
    companies = accounts_by_id(sf, touched, ctx, "team")
    return Page(TEAM_REMOVED, following, True, companies=companies)


def accounts_by_id(
    sf: Salesforce, ids: list[str], ctx: PullContext, label: str
) -> list[CrmCompany]:
    """These accounts as the accounts window reads them (a deleted one is simply absent)."""
    wanted = list(dict.fromkeys(ids))
    companies: list[CrmCompany] = []
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = ", ".join(soql_id(crm_id) for crm_id in wanted[start : start + IN_CHUNK])
        soql = f"SELECT {', '.join(sf.account_fields(ctx))} FROM Account WHERE Id IN ({chunk})"
        companies.extend(sf.company(row, ctx, label) for row in sf.all_rows(soql, label))
    return companies
