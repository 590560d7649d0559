"""A stand-in for HubSpot's CRM API, written from HubSpot's API reference, served over HTTP.

What it reproduces: v3 objects (companies, contacts, calls, meetings, emails, notes) with
`properties` as strings, list paging by `paging.next.after`, the search API (filter groups, one
sort rule, at most 200 per page, 400 beyond 10,000 results, `total`, archived rows never
returned, CONTAINS_TOKEN), `archived=true` listing, batch read, v4 association batch read,
owners, company properties, errors as `{"status": "error", "message", "category",
"correlationId"}` (429s add `errorType` RATE_LIMIT and a `policyName`), the
`X-HubSpot-RateLimit-*` headers, and a `Date` header from its own clock. Unknown association
type ids are refused as HubSpot does.

Faults on cue: `fail(path_part, status, ...)` answers the next matching requests with an error;
`hold_creates` stores a created engagement, then keeps its reply until released (a client
killed while waiting has created it without knowing).
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

V3 = "/crm/v3"  # the same constant the client uses
ENGAGEMENTS = ("calls", "meetings", "emails", "notes")
TO_COMPANY = {"calls": 182, "meetings": 188, "emails": 186, "notes": 190}
SEARCH_MAX = 200
SEARCH_CAP = 10_000
BODY = {
    "calls": "hs_call_body",
    "meetings": "hs_meeting_body",
    "emails": "hs_email_text",
    "notes": "hs_note_body",
}


def iso(ms: int) -> str:
    return (
        datetime.fromtimestamp(ms / 1000, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def to_ms(value: str) -> int:
    if value.isdigit():
        return int(value)
    return int(datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() * 1000)


@dataclass
class Fault:
    part: str
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int
    skip: int = 0  # matching requests answered normally first


@dataclass
class FakeHubSpot:
    token: str = "pat-na1-test"
    now_ms: int = 1_795_000_000_000  # 2026-11-18, moved by tests
    companies: dict[str, dict[str, Any]] = field(default_factory=dict)
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    links: dict[str, list[str]] = field(default_factory=dict)  # company id -> contact ids
    owners: list[dict[str, Any]] = field(default_factory=list)
    engagements: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {kind: {} for kind in ENGAGEMENTS}
    )
    properties: list[dict[str, Any]] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    hold_creates: bool = False
    search_lag_ms: int = 0  # a new engagement stays out of search results this long
    remaining: int = 150  # X-HubSpot-RateLimit-Remaining in the rolling ten seconds
    released: threading.Event = field(default_factory=threading.Event)
    created: threading.Event = field(default_factory=threading.Event)
    _next_id: int = 1000

    # -- seeding ---------------------------------------------------------------------------------

    def new_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def add_owner(self, email: str, first: str, last: str) -> str:
        owner_id = str(100 + len(self.owners))
        self.owners.append(
            {
                "id": owner_id,
                "email": email,
                "firstName": first,
                "lastName": last,
                "userId": int(owner_id) * 7,
                "archived": False,
            }
        )
        return owner_id

    def add_company(self, name: str, owner_id: str | None, **props: Any) -> str:
        crm_id = self.new_id()
        self.companies[crm_id] = {"id": crm_id, "archived": False, "properties": {}}
        self.set_company(crm_id, name=name, hubspot_owner_id=owner_id, **props)
        self.companies[crm_id]["properties"]["hs_object_id"] = crm_id
        return crm_id

    def set_company(self, crm_id: str, **props: Any) -> None:
        """Change properties; the modified stamp moves as HubSpot's does."""
        row = self.companies[crm_id]
        for key, value in props.items():
            row["properties"][key] = None if value is None else str(value)
        row["properties"]["hs_lastmodifieddate"] = iso(self.now_ms)
        row["updatedAt"] = iso(self.now_ms)

    def archive_company(self, crm_id: str) -> None:
        row = self.companies[crm_id]
        row["archived"] = True
        row["archivedAt"] = iso(self.now_ms)

    def add_contact(
        self, company_id: str, first: str, last: str, email: str, title: str = "", phone: str = ""
    ) -> str:
        crm_id = self.new_id()
        self.contacts[crm_id] = {
            "id": crm_id,
            "archived": False,
            "properties": {
                "firstname": first,
                "lastname": last,
                "email": email,
                "jobtitle": title,
                "phone": phone,
                "hs_object_id": crm_id,
                "lastmodifieddate": iso(self.now_ms),
            },
        }
        self.links.setdefault(company_id, []).append(crm_id)
        return crm_id

    def set_contact(self, crm_id: str, **props: Any) -> None:
        row = self.contacts[crm_id]["properties"]
        row.update({key: str(value) for key, value in props.items()})
        row["lastmodifieddate"] = iso(self.now_ms)

    def fail(
        self,
        part: str,
        status: int,
        *,
        times: int = 1,
        category: str = "",
        policy: str = "",
        retry_after: str | None = None,
        raw: str | None = None,
        skip: int = 0,
    ) -> None:
        body: dict[str, Any] = {
            "status": "error",
            "message": f"fault {status}",
            "correlationId": str(uuid.uuid4()),
            "category": category,
        }
        if status == 429:
            body |= {
                "errorType": "RATE_LIMIT",
                "policyName": policy or "TEN_SECONDLY_ROLLING",
                "category": "RATE_LIMITS",
            }
        if raw is not None:
            body = {"raw": raw}
        headers = {"Retry-After": retry_after} if retry_after else {}
        self.faults.append(Fault(part, status, body, headers, times, skip))

    def all_engagements(self) -> list[dict[str, Any]]:
        return [row for kind in ENGAGEMENTS for row in self.engagements[kind].values()]

    # -- the app ---------------------------------------------------------------------------------

    def app(self) -> Starlette:
        routes = [
            Route(f"{V3}/owners", self._owners, methods=["GET"]),
            Route(f"{V3}/owners/", self._owners, methods=["GET"]),
            Route(f"{V3}/properties/companies", self._properties, methods=["GET"]),
            Route(f"{V3}/objects/{{kind}}/search", self._search, methods=["POST"]),
            Route(f"{V3}/objects/{{kind}}/batch/read", self._batch_read, methods=["POST"]),
            Route(f"{V3}/objects/{{kind}}", self._list, methods=["GET"]),
            Route(f"{V3}/objects/{{kind}}", self._create, methods=["POST"]),
            Route(f"{V3}/objects/{{kind}}/{{crm_id}}", self._one, methods=["PATCH", "DELETE"]),
            Route(
                "/crm/v4/associations/companies/contacts/batch/read", self._assoc, methods=["POST"]
            ),
        ]
        return Starlette(routes=routes, middleware=[])

    def _headers(self) -> dict[str, str]:
        return {
            "Date": format_datetime(datetime.fromtimestamp(self.now_ms / 1000, UTC), usegmt=True),
            "X-HubSpot-RateLimit-Max": "190",
            "X-HubSpot-RateLimit-Remaining": str(self.remaining),
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
        }

    def _reply(self, data: Any, status: int = 200) -> Response:
        if status == 204:
            return Response(status_code=204, headers=self._headers())
        return JSONResponse(data, status_code=status, headers=self._headers())

    def _error(self, status: int, message: str, category: str) -> Response:
        body = {
            "status": "error",
            "message": message,
            "correlationId": str(uuid.uuid4()),
            "category": category,
        }
        return self._reply(body, status)

    def _gate(self, request: Request) -> Response | None:
        """Counting, the credential, and planned faults."""
        self.requests[f"{request.method} {request.url.path}"] += 1
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return self._error(
                401, "Authentication credentials not found.", "INVALID_AUTHENTICATION"
            )
        for fault in self.faults:
            if fault.part in f"{request.method} {request.url.path}" and fault.times > 0:
                if fault.skip:
                    fault.skip -= 1
                    continue
                fault.times -= 1
                if "raw" in fault.body:
                    return Response(
                        fault.body["raw"],
                        status_code=fault.status,
                        headers=self._headers(),
                        media_type="application/json",
                    )
                return JSONResponse(
                    fault.body,
                    status_code=fault.status,
                    headers={**self._headers(), **fault.headers},
                )
        return None

    async def _owners(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        return self._paged(self.owners, request)

    def _paged(self, rows: list[dict[str, Any]], request: Request) -> Response:
        limit = min(int(request.query_params.get("limit", "100")), 100)
        start = int(request.query_params.get("after", "0") or 0)
        page = rows[start : start + limit]
        data: dict[str, Any] = {"results": page}
        if start + limit < len(rows):
            data["paging"] = {"next": {"after": str(start + limit), "link": "..."}}
        return self._reply(data)

    async def _properties(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        return self._reply({"results": self.properties})

    def _table(self, kind: str) -> dict[str, dict[str, Any]] | None:
        if kind == "companies":
            return self.companies
        if kind == "contacts":
            return self.contacts
        return self.engagements.get(kind)

    def _shape(self, row: dict[str, Any], props: list[str] | None) -> dict[str, Any]:
        properties = row["properties"]
        if props is not None:
            properties = {key: properties.get(key) for key in props}
        out = {
            "id": row["id"],
            "properties": properties,
            "archived": row["archived"],
            "createdAt": row.get("createdAt", iso(0)),
            "updatedAt": row.get("updatedAt", iso(0)),
        }
        if row["archived"]:
            out["archivedAt"] = row.get("archivedAt")
        return out

    async def _list(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        table = self._table(request.path_params["kind"])
        if table is None:
            return self._error(404, "Unknown object type", "OBJECT_NOT_FOUND")
        archived = request.query_params.get("archived") == "true"
        props = request.query_params.get("properties")
        wanted = props.split(",") if props else None
        rows = sorted(
            (r for r in table.values() if r["archived"] == archived), key=lambda r: int(r["id"])
        )
        return self._paged([self._shape(r, wanted) for r in rows], request)

    async def _search(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        kind = request.path_params["kind"]
        table = self._table(request.path_params["kind"])
        if table is None:
            return self._error(404, "Unknown object type", "OBJECT_NOT_FOUND")
        body = await request.json()
        limit = int(body.get("limit", 10))
        after = int(body.get("after", 0) or 0)
        if limit > SEARCH_MAX:
            return self._error(400, f"limit must be at most {SEARCH_MAX}", "VALIDATION_ERROR")
        if after + limit > SEARCH_CAP:
            return self._error(
                400, "Paging beyond 10000 results is not supported", "VALIDATION_ERROR"
            )
        sorts = body.get("sorts") or []
        if len(sorts) > 1:
            return self._error(400, "Only one sort is supported", "VALIDATION_ERROR")
        groups = body.get("filterGroups") or []
        fresh = self.now_ms - self.search_lag_ms
        rows = [
            r
            for r in table.values()
            if not r["archived"]
            and (kind not in ENGAGEMENTS or to_ms(r["createdAt"]) <= fresh)
            and (not groups or any(all(_match(r, f) for f in g["filters"]) for g in groups))
        ]
        if sorts:
            name, desc = sorts[0]["propertyName"], sorts[0].get("direction") == "DESCENDING"
            rows.sort(key=lambda r: _sort_key(r["properties"].get(name)), reverse=desc)
        else:
            rows.sort(key=lambda r: int(r["id"]))
        page = rows[after : after + limit]
        data: dict[str, Any] = {
            "total": len(rows),
            "results": [self._shape(r, body.get("properties")) for r in page],
        }
        if after + limit < len(rows):
            data["paging"] = {"next": {"after": str(after + limit)}}
        return self._reply(data)

    async def _batch_read(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        table = self._table(request.path_params["kind"]) or {}
        body = await request.json()
        if len(body["inputs"]) > 100:
            return self._error(400, "Batch size must be at most 100", "VALIDATION_ERROR")
        found = [
            self._shape(table[i["id"]], body.get("properties"))
            for i in body["inputs"]
            if i["id"] in table and not table[i["id"]]["archived"]
        ]
        return self._reply(
            {
                "status": "COMPLETE",
                "results": found,
                "startedAt": iso(self.now_ms),
                "completedAt": iso(self.now_ms),
            }
        )

    async def _assoc(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        body = await request.json()
        results = [
            {
                "from": {"id": i["id"]},
                "to": [
                    {
                        "toObjectId": int(c),
                        "associationTypes": [
                            {"category": "HUBSPOT_DEFINED", "typeId": 280, "label": None}
                        ],
                    }
                    for c in self.links.get(i["id"], [])
                ],
            }
            for i in body["inputs"]
            if self.links.get(i["id"])
        ]
        return self._reply(
            {
                "status": "COMPLETE",
                "results": results,
                "startedAt": iso(self.now_ms),
                "completedAt": iso(self.now_ms),
            }
        )

    async def _create(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        kind = request.path_params["kind"]
        if kind not in ENGAGEMENTS:
            return self._error(
                405, "Creating this object type is not supported here", "VALIDATION_ERROR"
            )
        body = await request.json()
        props = body.get("properties") or {}
        if "hs_timestamp" not in props:
            return self._error(
                400, "Property values were not valid: hs_timestamp is required", "VALIDATION_ERROR"
            )
        for assoc in body.get("associations", []):
            for kind_type in assoc["types"]:
                if kind_type["associationTypeId"] != TO_COMPANY[kind]:
                    return self._error(400, "Unknown association type id", "VALIDATION_ERROR")
            if assoc["to"]["id"] not in self.companies:
                return self._error(400, "Association target does not exist", "VALIDATION_ERROR")
        crm_id = self.new_id()
        self.engagements[kind][crm_id] = {
            "id": crm_id,
            "archived": False,
            "createdAt": iso(self.now_ms),
            "updatedAt": iso(self.now_ms),
            "properties": {**props, "hs_object_id": crm_id},
            "associations": body.get("associations", []),
        }
        self.created.set()
        if self.hold_creates:
            while not self.released.is_set():  # the client may be killed meanwhile
                await asyncio.sleep(0.02)
        return self._reply(self._shape(self.engagements[kind][crm_id], None), 201)

    async def _one(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        table = self._table(request.path_params["kind"]) or {}
        row = table.get(request.path_params["crm_id"])
        if row is None or row["archived"]:
            return self._error(404, "Object not found", "OBJECT_NOT_FOUND")
        if request.method == "DELETE":
            row["archived"] = True
            return self._reply(None, 204)
        body = await request.json()
        row["properties"].update(body.get("properties") or {})
        row["updatedAt"] = iso(self.now_ms)
        return self._reply(self._shape(row, None))


def _sort_key(value: Any) -> Any:
    text = "" if value is None else str(value)
    return (0, int(text), "") if text.isdigit() else (1, 0, text)


def _match(row: dict[str, Any], flt: dict[str, Any]) -> bool:
    name, op = flt["propertyName"], flt["operator"]
    value = row["properties"].get(name)
    if name == "hs_object_id":
        value = row["id"]
    if op == "HAS_PROPERTY":
        return value not in (None, "")
    if value is None:
        return False
    wanted = flt.get("value")
    if op == "CONTAINS_TOKEN":
        tokens = "".join(ch if ch.isalnum() else " " for ch in str(value)).split()
        return str(wanted) in tokens
    if op == "EQ":
        return str(value) == str(wanted)
    if op == "IN":  # a multi-valued property (owner ids joined by `;`) matches any value
        wanted_values = {str(v) for v in flt.get("values", [])}
        return bool(wanted_values & set(str(value).split(";")))
    if name in ("hs_lastmodifieddate", "lastmodifieddate"):
        left, right = to_ms(str(value)), to_ms(str(wanted))
    else:
        left, right = int(value), int(wanted)
    return {"GT": left > right, "GTE": left >= right, "LT": left < right, "LTE": left <= right}[op]
