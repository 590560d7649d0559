"""Salesforce: REST API queries (SOQL), describe, getDeleted, and Task/Event records.

Incremental accounts: a keyset on `(SystemModstamp, Id)` — SystemModstamp moves on automated
changes too, and the Id breaks ties between rows a bulk update stamped alike — read in pages
chained by `nextRecordsUrl`; the cursor committed with each page is the last row's key (and the
locator, used while it lives). The first window asks only for the user's own accounts; later
ones read every change and let the book decide, so an account given to someone else is seen.
Deletions come from getDeleted, from where the last call's coverage ended.

Pushed engagements carry their marker in the Subject: a Task's Description is a long text area,
which SOQL cannot filter on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx

from csm_tui.crm.core import PullContext
from csm_tui.crm.errors import CrmRefused
from csm_tui.crm.http import Api, Policy
from csm_tui.crm.records import (
    COMPANIES,
    CONTACTS,
    OBJECT_TYPES,
    REMOVED,
    TEAM,
    TEAM_REMOVED,
    CrmCompany,
    CrmContact,
    FieldInfo,
    OutActivity,
    Owner,
    Page,
)
from csm_tui.crm.secondary import soql_id, soql_text, team_members
from csm_tui.crm.sf_oauth import OAuthLogin, TokenSource
from csm_tui.crm.sf_rules import SalesforceRules
from csm_tui.crm.sf_team import team_changes, team_removals
from csm_tui.crm.text import body, subject

API = "/services/data/v60.0"  # one constant, like HubSpot's, that the stand-in reads too
ACCOUNT_FIELDS = ("Id", "Name", "OwnerId", "Owner.Email", "SystemModstamp")
CONTACT_FIELDS = ("Id", "AccountId", "FirstName", "LastName", "Email", "Title", "Phone")
IN_CHUNK = 100  # ids per `IN (...)` list
ZERO_ID = "000000000000000AAA"  # a keyset's id before any real one


def soql_time(stamp: str) -> str:
    """A SystemModstamp as a SOQL datetime literal: unquoted UTC with Z (a raw `+0000` in a
    URL becomes a space and breaks the query)."""
    moment = datetime.strptime(stamp.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03}Z"
    )


_quoted = soql_id


class Salesforce:
    """The Salesforce adapter of the connector core."""

    name = "salesforce"
    lookup_lag = 0.0  # SOQL sees a created record at once
    # the account team changes alone (they leave the Account's SystemModstamp alone)
    object_types = (*OBJECT_TYPES, TEAM, TEAM_REMOVED)

    def __init__(
        self,
        token: str | OAuthLogin,
        instance_url: str,
        *,
        policy: Policy | None = None,
        transport: httpx.BaseTransport | None = None,
        on_rotate: Callable[[OAuthLogin], None] | None = None,
    ) -> None:
        """`token`: a bare access token (used as it is until it expires), or an OAuth login
        (access tokens asked for at the token endpoint, in memory only; `on_rotate` keeps a
        rotated refresh token)."""
        oauth = isinstance(token, OAuthLogin)
        self.rules = SalesforceRules(oauth)
        auth = None
        if isinstance(token, OAuthLogin):
            auth = TokenSource(
                token,
                instance_url,
                self.rules,
                policy=policy,
                transport=transport,
                on_rotate=on_rotate,
            )
        bearer = None if isinstance(token, OAuthLogin) else token
        self.api = Api(
            instance_url, bearer, self.rules, policy=policy, transport=transport, auth=auth
        )

    # -- reading ----------------------------------------------------------------------------

    def _query(self, soql: str, label: str) -> dict[str, Any]:
        return self._check(
            self.api.call("GET", f"{API}/query", params={"q": soql}, label=label), label
        )

    def _more(self, url: str, label: str) -> dict[str, Any]:
        return self._check(self.api.call("GET", url, label=label), label)

    def _check(self, data: Any, label: str) -> dict[str, Any]:
        if (
            not isinstance(data, dict)
            or not isinstance(data.get("records"), list)
            or not isinstance(data.get("done"), bool)
            or not all(isinstance(row, dict) and "Id" in row for row in data["records"])
        ):
            raise self.api.bad_reply(label)
        return data

    def all_rows(self, soql: str, label: str) -> list[dict[str, Any]]:
        data = self._query(soql, label)
        rows = list(data["records"])
        while not data["done"]:
            if not data.get("nextRecordsUrl"):
                raise self.api.bad_reply(label)
            data = self._more(str(data["nextRecordsUrl"]), label)
            rows.extend(data["records"])
        return rows

    def fields(self) -> list[FieldInfo]:
        data = self.api.call("GET", f"{API}/sobjects/Account/describe", label="describe")
        fields = data.get("fields") if isinstance(data, dict) else None
        if not isinstance(fields, list):
            raise self.api.bad_reply("describe")
        return [
            FieldInfo(str(f["name"]), str(f.get("label") or ""), str(f["type"])) for f in fields
        ]

    def owners(self) -> list[Owner]:
        rows = self.all_rows("SELECT Id, Email, Name FROM User WHERE IsActive = true", "users")
        return [
            Owner(str(r["Id"]), str(r["Email"]), str(r.get("Name") or ""))
            for r in rows
            if r.get("Email")
        ]

    def page(self, obj: str, cursor: dict[str, Any], ctx: PullContext) -> Page:
        if obj == COMPANIES:
            return self._accounts(cursor, ctx)
        if obj == CONTACTS:
            return self._contacts(cursor, ctx)
        if obj == TEAM:
            return team_changes(self, cursor, ctx)
        if obj == TEAM_REMOVED:
            return team_removals(self, cursor, ctx)
        return self._deleted(cursor, ctx)

    def keyset_page(
        self, sobject: str, fields: list[str], cursor: dict[str, Any], extra: str, label: str
    ) -> tuple[list[dict[str, Any]], dict[str, Any], bool]:
        if cursor.get("next"):
            try:
                data = self._more(str(cursor["next"]), label)
            except CrmRefused:  # an expired locator: ask again from the keyset
                cursor = {k: v for k, v in cursor.items() if k != "next"}
                return self.keyset_page(sobject, fields, cursor, extra, label)
        else:
            where = []
            if cursor.get("stamp"):
                ts, last = soql_time(str(cursor["stamp"])), _quoted(str(cursor["id"]))
                where.append(f"(SystemModstamp > {ts} OR (SystemModstamp = {ts} AND Id > {last}))")
            if extra:
                where.append(extra)
            clause = f" WHERE {' AND '.join(where)}" if where else ""
            soql = f"SELECT {', '.join(fields)} FROM {sobject}{clause} ORDER BY SystemModstamp, Id"
            data = self._query(soql, label)
        rows = data["records"]
        following = {k: v for k, v in cursor.items() if k != "next"}
        if rows:
            following |= {"stamp": rows[-1]["SystemModstamp"], "id": rows[-1]["Id"]}
        if data["done"]:
            return rows, following, True
        if not data.get("nextRecordsUrl"):
            raise self.api.bad_reply(label)
        return rows, {**following, "next": data["nextRecordsUrl"]}, False

    def account_fields(self, ctx: PullContext) -> list[str]:
        """The account's fields, and its team members of the configured role as a child
        relationship (their member ids too: a removed member is known only by its id)."""
        fields = list(dict.fromkeys([*ACCOUNT_FIELDS, *ctx.mapped_fields]))
        if ctx.secondary:
            role = soql_text(ctx.secondary)
            fields.append(
                "(SELECT Id, UserId, User.Email FROM AccountTeamMembers "
                f"WHERE TeamMemberRole = {role})"
            )
        return fields

    def _accounts(self, cursor: dict[str, Any], ctx: PullContext) -> Page:
        first = not cursor or bool(cursor.get("first"))
        owners = ctx.owner_ids
        scope = (
            f"OwnerId = {_quoted(owners[0])}"
            if len(owners) == 1
            else f"OwnerId IN ({', '.join(_quoted(owner) for owner in owners)})"
        )
        if ctx.secondary:  # or a team member of the configured role
            role = soql_text(ctx.secondary)
            users = ", ".join(_quoted(owner) for owner in owners)
            scope = (
                f"({scope} OR Id IN (SELECT AccountId FROM AccountTeamMember "
                f"WHERE UserId IN ({users}) AND TeamMemberRole = {role}))"
            )
        extra = scope if first else ""
        fields = self.account_fields(ctx)
        rows, following, done = self.keyset_page("Account", fields, cursor, extra, "accounts")
        if first and not done:
            following["first"] = True
        else:
            following.pop("first", None)
        if done and not following.get("stamp"):  # nothing at all yet: start from now
            following = {"stamp": self._now_stamp(), "id": ZERO_ID}
        companies = [self.company(row, ctx, "accounts") for row in rows]
        return Page(COMPANIES, following, done, companies=companies)

    def company(self, row: dict[str, Any], ctx: PullContext, label: str) -> CrmCompany:
        team: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] | None = None
        if ctx.secondary:
            team = team_members(row.get("AccountTeamMembers"))
            if team is None:
                raise self.api.bad_reply(label)
        return CrmCompany(
            crm_id=str(row["Id"]),
            name=str(row.get("Name") or row["Id"]),
            owner_id=row.get("OwnerId"),
            owner_email=(row.get("Owner") or {}).get("Email"),
            values={key: row.get(key) for key in ctx.mapped_fields},
            secondary_ids=team[0] if team else None,
            secondary_emails=team[1] if team else (),
            secondary_member_ids=team[2] if team else (),
        )

    def _contacts(self, cursor: dict[str, Any], ctx: PullContext) -> Page:
        if not cursor:  # the first pass read every contact through its account
            return Page(CONTACTS, self.start_keyset(), True)
        fields = [*CONTACT_FIELDS, "SystemModstamp"]
        rows, following, done = self.keyset_page("Contact", fields, cursor, "", "contacts")
        contacts = [
            _contact(row)
            for row in rows
            if row.get("AccountId") in ctx.known_companies or str(row["Id"]) in ctx.known_contacts
        ]
        return Page(CONTACTS, following, done, contacts=contacts)

    def _deleted(self, cursor: dict[str, Any], ctx: PullContext) -> Page:
        gone, following = self.deleted_since("Account", cursor, "deleted")
        removed = [crm_id for crm_id in gone if crm_id in ctx.known_companies]
        return Page(REMOVED, following, True, removed=removed)

    def deleted_since(
        self, sobject: str, cursor: dict[str, Any], label: str
    ) -> tuple[list[str], dict[str, Any]]:
        """getDeleted from where the last call's coverage ended: (ids, the next cursor); the
        first call only stamps the start."""
        end = self._now_stamp(seconds=True)
        if not cursor.get("start"):
            return [], {"start": end}
        params = {"start": cursor["start"], "end": end}
        data = self.api.call(
            "GET", f"{API}/sobjects/{sobject}/deleted/", params=params, label=label
        )
        records = data.get("deletedRecords") if isinstance(data, dict) else None
        if not isinstance(records, list) or not data.get("latestDateCovered"):
            raise self.api.bad_reply(label)
        covered = str(data["latestDateCovered"]).replace("+0000", "Z").replace(".000Z", "Z")
        return [str(r.get("id")) for r in records if isinstance(r, dict)], {"start": covered}

    def contacts_for(self, company_ids: list[str]) -> list[CrmContact]:
        contacts: list[CrmContact] = []
        for start in range(0, len(company_ids), IN_CHUNK):
            ids = ", ".join(_quoted(i) for i in company_ids[start : start + IN_CHUNK])
            soql = f"SELECT {', '.join(CONTACT_FIELDS)} FROM Contact WHERE AccountId IN ({ids})"
            contacts.extend(_contact(row) for row in self.all_rows(soql, "contacts"))
        return contacts

    # -- writing ----------------------------------------------------------------------------

    def object_type(self, activity: OutActivity) -> str:
        return "Event" if activity.type == "meeting" else "Task"

    def _fields(
        self, object_type: str, activity: OutActivity, owner_id: str, new: bool
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "Subject": f"{subject(activity)[:200]} [{activity.marker}]",
            "Description": body(activity),
            "WhatId": activity.company_id,
            "OwnerId": owner_id,
        }
        start = activity.occurred_at.astimezone(UTC)
        if object_type == "Event":
            fields |= {
                "StartDateTime": start.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "DurationInMinutes": activity.minutes,
            }
            return fields
        # ActivityDate is a bare date: the author's day, not UTC's
        fields |= {
            "ActivityDate": activity.occurred_at.astimezone().date().isoformat(),
            "Status": "Completed",
        }
        if activity.type == "call":
            fields["CallDurationInSeconds"] = activity.minutes * 60
        if new:  # TaskSubtype can be set on create only
            fields["TaskSubtype"] = {"call": "Call", "email": "Email"}.get(activity.type, "Task")
        return fields

    def find(self, object_type: str, activity_id: str, marker: str) -> str | None:
        soql = f"SELECT Id FROM {object_type} WHERE Subject LIKE '%{marker}%'"
        rows = self._query(soql, "look-up")["records"]
        return str(rows[0]["Id"]) if rows else None

    def create(self, object_type: str, activity: OutActivity, owner_id: str) -> str:
        data = self.api.call(
            "POST",
            f"{API}/sobjects/{object_type}/",
            json=self._fields(object_type, activity, owner_id, new=True),
            label="create",
            unknown_on_failure=True,
        )
        if not isinstance(data, dict) or not data.get("success") or not data.get("id"):
            raise self.api.bad_reply("create")
        return str(data["id"])

    def update(self, object_type: str, crm_id: str, activity: OutActivity, owner_id: str) -> None:
        fields = self._fields(object_type, activity, owner_id, new=False)
        self.api.call(
            "PATCH", f"{API}/sobjects/{object_type}/{crm_id}", json=fields, label="update"
        )

    def delete(self, object_type: str, crm_id: str) -> None:
        self.api.call("DELETE", f"{API}/sobjects/{object_type}/{crm_id}", label="delete")

    def start_keyset(self) -> dict[str, Any]:
        """A keyset cursor that starts now (what the first pass read needs no second read)."""
        return {"stamp": self._now_stamp(), "id": ZERO_ID}

    def _now_stamp(self, seconds: bool = False) -> str:
        moment = datetime.fromtimestamp(self.api.server_time or time.time(), UTC)
        if seconds:
            return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _contact(row: dict[str, Any]) -> CrmContact:
    name = " ".join(filter(None, (row.get("FirstName"), row.get("LastName")))).strip()
    return CrmContact(
        crm_id=str(row["Id"]),
        company_id=row.get("AccountId"),
        name=name or str(row.get("Email") or ""),
        email=row.get("Email") or None,
        title=str(row.get("Title") or ""),
        phone=str(row.get("Phone") or ""),
    )
