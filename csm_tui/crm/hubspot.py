"""HubSpot: CRM v3 objects, search, properties and owners; v4 associations.

Incremental companies: a window on `hs_lastmodifieddate` (from the last window's start, minus a
lag and an overlap, by HubSpot's own clock), read as a keyset on `hs_object_id` sorted
ascending: every request has offset 0, so the search API's 10,000-result cap never bites and
rows sharing a stamp never straddle a page. The first window asks only for the user's own
companies; later ones read every change and let the book decide (so a company moved to another
owner is seen). Archived companies come from the list with `archived=true`, which search never
returns.
"""

from __future__ import annotations

import time
from datetime import UTC, timedelta
from typing import Any

import httpx

from csm_tui.crm.core import PullContext
from csm_tui.crm.http import Api, Policy
from csm_tui.crm.records import (
    COMPANIES,
    CONTACTS,
    CrmCompany,
    CrmContact,
    FieldInfo,
    OutActivity,
    Owner,
    Page,
)
from csm_tui.crm.secondary import split_ids
from csm_tui.crm.text import body, subject
from csm_tui.i18n import _

API_URL = "https://api.hubapi.com"
V3 = "/crm/v3"  # one constant: HubSpot is moving to dated paths (/crm/objects/2026-03/...)
V4 = "/crm/v4"
PAGE = 200  # search results per request: the documented maximum (5 searches/s per portal)
BATCH = 100  # ids per batch read
LAG_MS = 2 * 60_000  # a write can be missing from search for a while
OVERLAP_MS = 5 * 60_000
COMPANY_PROPS = ("name", "domain", "hubspot_owner_id", "hs_lastmodifieddate")
CONTACT_PROPS = ("firstname", "lastname", "email", "jobtitle", "phone", "lastmodifieddate")
ENGAGEMENTS = {"call": "calls", "meeting": "meetings", "email": "emails"}  # others: notes
BODY = {
    "calls": "hs_call_body",
    "meetings": "hs_meeting_body",
    "emails": "hs_email_text",
    "notes": "hs_note_body",
}
# HubSpot-defined association type ids, engagement -> company
TO_COMPANY = {"calls": 182, "meetings": 188, "emails": 186, "notes": 190}


class HubSpotRules:
    vendor = "HubSpot"

    def error_of(self, response: httpx.Response) -> tuple[str, str]:
        try:
            data = response.json()
        except ValueError:
            return "", ""
        if not isinstance(data, dict):
            return "", ""
        code = data.get("category") or data.get("errorType") or ""
        return str(code), str(data.get("message") or "")

    def stops_pass(self, response: httpx.Response, code: str) -> bool:
        if response.status_code != 429:
            return False
        try:
            policy = str(response.json().get("policyName", ""))
        except (ValueError, AttributeError):
            policy = ""
        return (
            policy == "DAILY" or response.headers.get("X-HubSpot-RateLimit-Daily-Remaining") == "0"
        )

    def pace(self, response: httpx.Response) -> float:
        """Wait out the rolling window when the budget headers say it is spent."""
        headers = response.headers
        if headers.get("X-HubSpot-RateLimit-Remaining") == "0":
            try:
                return int(headers.get("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")) / 1000
            except ValueError:
                return 10.0
        if headers.get("X-HubSpot-RateLimit-Secondly-Remaining") == "0":
            return 1.0
        return 0.0

    def auth_hint(self) -> str:
        return _(
            "Create a new private app access token in HubSpot and run "
            "`csm-tui crm connect hubspot` again."
        )


class HubSpot:
    """The HubSpot adapter of the connector core."""

    name = "hubspot"
    lookup_lag = 600.0  # a new record can be missing from search for minutes

    def __init__(
        self,
        token: str,
        api_url: str = API_URL,
        *,
        policy: Policy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api = Api(api_url, token, HubSpotRules(), policy=policy, transport=transport)

    # -- reading ----------------------------------------------------------------------------

    def fields(self) -> list[FieldInfo]:
        data = self.api.call("GET", f"{V3}/properties/companies", label="properties")
        return [
            FieldInfo(str(item["name"]), str(item.get("label") or ""), str(item["type"]))
            for item in self._results(data, "properties")
        ]

    def owners(self) -> list[Owner]:
        owners: list[Owner] = []
        params: dict[str, Any] = {"limit": 100}
        while True:
            data = self.api.call("GET", f"{V3}/owners", params=params, label="owners")
            for item in self._results(data, "owners"):
                if item.get("email"):
                    name = " ".join(filter(None, (item.get("firstName"), item.get("lastName"))))
                    owners.append(Owner(str(item["id"]), str(item["email"]), name))
            after = _next_after(data)
            if after is None:
                return owners
            params["after"] = after

    def page(self, obj: str, cursor: dict[str, Any], ctx: PullContext) -> Page:
        if obj == COMPANIES:
            return self._companies(cursor, ctx)
        if obj == CONTACTS:
            return self._contacts(cursor, ctx)
        return self._archived(cursor, ctx)

    def _search(
        self,
        object_type: str,
        stamp: str,
        cursor: dict[str, Any],
        props: list[str],
        groups: list[list[Any]],
    ) -> tuple[list[dict[str, Any]], dict[str, Any], bool]:
        """One keyset page of a window; returns (rows, next cursor, window done). `groups`:
        alternatives (OR), each with the window's filters added."""
        filters = []
        if cursor.get("t0"):
            filters.append({"propertyName": stamp, "operator": "GTE", "value": str(cursor["t0"])})
        if cursor.get("last_id"):
            filters.append(
                {"propertyName": "hs_object_id", "operator": "GT", "value": cursor["last_id"]}
            )
        alternatives = [[*group, *filters] for group in groups or [[]]]
        request: dict[str, Any] = {
            "filterGroups": [{"filters": group} for group in alternatives if group],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "properties": props,
            "limit": PAGE,
        }
        label = f"search {object_type}"
        data = self.api.call(
            "POST", f"{V3}/objects/{object_type}/search", json=request, label=label
        )
        rows = self._results(data, label)
        started = cursor.get("started") or self._now_ms()
        if len(rows) < PAGE or _next_after(data) is None:
            return rows, {"t0": max(0, started - LAG_MS - OVERLAP_MS)}, True
        return rows, {**cursor, "last_id": str(rows[-1]["id"]), "started": started}, False

    def _companies(self, cursor: dict[str, Any], ctx: PullContext) -> Page:
        first = not cursor  # the very first window: only the user's own companies
        if cursor.get("first"):
            first = True
        owners = ctx.owner_ids
        scope = (
            {"propertyName": "hubspot_owner_id", "operator": "EQ", "value": owners[0]}
            if len(owners) == 1
            else {"propertyName": "hubspot_owner_id", "operator": "IN", "values": list(owners)}
        )
        groups = [[scope]] if first else []
        if first and ctx.secondary:  # companies where the user is only a secondary owner
            groups.append([{"propertyName": ctx.secondary, "operator": "IN", "values": [*owners]}])
        extra_props = {ctx.secondary} if ctx.secondary else set()
        props = sorted({*COMPANY_PROPS, *ctx.mapped_fields, *extra_props})
        rows, following, done = self._search(
            "companies", "hs_lastmodifieddate", cursor, props, groups
        )
        if first and not done:
            following["first"] = True
        companies = []
        for row in rows:
            properties = _properties(row, self.api, "companies")
            owner = properties.get("hubspot_owner_id") or None
            companies.append(
                CrmCompany(
                    crm_id=str(row["id"]),
                    name=str(properties.get("name") or properties.get("domain") or row["id"]),
                    owner_id=str(owner) if owner else None,
                    owner_email=None,
                    values=properties,
                    secondary_ids=split_ids(properties.get(ctx.secondary))
                    if ctx.secondary
                    else None,
                )
            )
        return Page(COMPANIES, following, done, companies=companies)

    def _contacts(self, cursor: dict[str, Any], ctx: PullContext) -> Page:
        if not cursor:  # the first pass read every contact through its company
            start = self._now_ms() - LAG_MS - OVERLAP_MS
            return Page(CONTACTS, {"t0": start}, True)
        rows, following, done = self._search(
            "contacts", "lastmodifieddate", cursor, list(CONTACT_PROPS), []
        )
        contacts = [_contact(row, None) for row in rows if str(row["id"]) in ctx.known_contacts]
        return Page(CONTACTS, following, done, contacts=contacts)

    def _archived(self, cursor: dict[str, Any], ctx: PullContext) -> Page:
        params: dict[str, Any] = {"archived": "true", "limit": 100, "properties": "name"}
        if cursor.get("after"):
            params["after"] = cursor["after"]
        data = self.api.call("GET", f"{V3}/objects/companies", params=params, label="archived")
        gone = [str(row["id"]) for row in self._results(data, "archived")]
        after = _next_after(data)
        removed = [crm_id for crm_id in gone if crm_id in ctx.known_companies]
        if after is None:
            return Page("removed", {}, True, removed=removed)
        return Page("removed", {"after": after}, False, removed=removed)

    def contacts_for(self, company_ids: list[str]) -> list[CrmContact]:
        pairs: list[tuple[str, str]] = []
        for start in range(0, len(company_ids), BATCH):
            inputs = [{"id": crm_id} for crm_id in company_ids[start : start + BATCH]]
            data = self.api.call(
                "POST",
                f"{V4}/associations/companies/contacts/batch/read",
                json={"inputs": inputs},
                label="associations",
            )
            for result in self._results(data, "associations"):
                try:
                    company = str(result["from"]["id"])
                    pairs.extend((company, str(to["toObjectId"])) for to in result["to"])
                except (KeyError, TypeError):
                    raise self.api.bad_reply("associations") from None
        wanted = sorted({contact for _company, contact in pairs})
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(wanted), BATCH):
            request = {
                "properties": list(CONTACT_PROPS),
                "inputs": [{"id": crm_id} for crm_id in wanted[start : start + BATCH]],
            }
            data = self.api.call(
                "POST", f"{V3}/objects/contacts/batch/read", json=request, label="contacts"
            )
            for row in self._results(data, "contacts"):
                found[str(row["id"])] = row
        return [_contact(found[c], company) for company, c in pairs if c in found]

    # -- writing ----------------------------------------------------------------------------

    def object_type(self, activity: OutActivity) -> str:
        return ENGAGEMENTS.get(activity.type, "notes")

    def _properties(self, object_type: str, activity: OutActivity, owner_id: str) -> dict[str, str]:
        start = activity.occurred_at.astimezone(UTC)
        stamp = start.isoformat().replace("+00:00", "Z")
        props = {
            "hs_timestamp": stamp,
            "hubspot_owner_id": owner_id,
            BODY[object_type]: body(activity),
        }
        if object_type == "calls":
            props |= {
                "hs_call_title": subject(activity),
                "hs_call_duration": str(activity.minutes * 60_000),  # milliseconds
                "hs_call_status": "COMPLETED",
                "hs_call_direction": "OUTBOUND",
            }
        elif object_type == "meetings":
            end = (start + timedelta(minutes=activity.minutes)).isoformat().replace("+00:00", "Z")
            props |= {
                "hs_meeting_title": subject(activity),
                "hs_meeting_start_time": stamp,
                "hs_meeting_end_time": end,
                "hs_meeting_outcome": "COMPLETED",
            }
        elif object_type == "emails":
            props |= {
                "hs_email_subject": subject(activity),
                "hs_email_direction": "EMAIL",
                "hs_email_status": "SENT",
            }
        return props

    def find(self, object_type: str, activity_id: str, marker: str) -> str | None:
        request = {
            "filterGroups": [
                {
                    "filters": [
                        {
                            "propertyName": BODY[object_type],
                            "operator": "CONTAINS_TOKEN",
                            "value": marker,
                        }
                    ]
                }
            ],
            "properties": ["hs_object_id"],
            "limit": 10,
        }
        data = self.api.call(
            "POST", f"{V3}/objects/{object_type}/search", json=request, label="look-up"
        )
        rows = self._results(data, "look-up")
        return str(rows[0]["id"]) if rows else None

    def create(self, object_type: str, activity: OutActivity, owner_id: str) -> str:
        request = {
            "properties": self._properties(object_type, activity, owner_id),
            "associations": [
                {
                    "to": {"id": activity.company_id},
                    "types": [
                        {
                            "associationCategory": "HUBSPOT_DEFINED",
                            "associationTypeId": TO_COMPANY[object_type],
                        }
                    ],
                }
            ],
        }
        data = self.api.call(
            "POST",
            f"{V3}/objects/{object_type}",
            json=request,
            label="create",
            unknown_on_failure=True,
        )
        if not isinstance(data, dict) or not data.get("id"):
            raise self.api.bad_reply("create")
        return str(data["id"])

    def update(self, object_type: str, crm_id: str, activity: OutActivity, owner_id: str) -> None:
        request = {"properties": self._properties(object_type, activity, owner_id)}
        self.api.call("PATCH", f"{V3}/objects/{object_type}/{crm_id}", json=request, label="update")

    def delete(self, object_type: str, crm_id: str) -> None:
        self.api.call("DELETE", f"{V3}/objects/{object_type}/{crm_id}", label="delete")

    # -- helpers ----------------------------------------------------------------------------

    def _results(self, data: Any, label: str) -> list[dict[str, Any]]:
        """`results` of a reply, each a dict with an id: anything else is a bad reply."""
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(results, list) or not all(
            isinstance(row, dict) and ("id" in row or "from" in row or "name" in row)
            for row in results
        ):
            raise self.api.bad_reply(label)
        return results

    def _now_ms(self) -> int:
        now = self.api.server_time or time.time()
        return int(now * 1000)


def _next_after(data: Any) -> str | None:
    try:
        after = data["paging"]["next"]["after"]
    except (KeyError, TypeError):
        return None
    return str(after) if after not in (None, "") else None


def _properties(row: dict[str, Any], api: Api, label: str) -> dict[str, Any]:
    properties = row.get("properties")
    if not isinstance(properties, dict):
        raise api.bad_reply(label)
    return properties


def _contact(row: dict[str, Any], company: str | None) -> CrmContact:
    props = row.get("properties") or {}
    name = " ".join(filter(None, (props.get("firstname"), props.get("lastname")))).strip()
    return CrmContact(
        crm_id=str(row["id"]),
        company_id=company,
        name=name or str(props.get("email") or ""),
        email=props.get("email") or None,
        title=str(props.get("jobtitle") or ""),
        phone=str(props.get("phone") or ""),
    )
