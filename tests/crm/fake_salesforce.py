"""A stand-in for Salesforce's REST API, written from the REST API Developer Guide.

What it reproduces: `/services/data/vXX.X/query` with the SOQL the connector sends (parsed
strictly: anything else is a 400 MALFORMED_QUERY, filtering on a long text area such as a
Task's Description is INVALID_FIELD, a datetime literal spoiled by an unescaped `+` is
malformed), pages of `batch_size` records chained by `nextRecordsUrl` with `done` and
`totalSize`, relationship fields (`Owner.Email`), `SystemModstamp` as
`2026-11-27T09:00:00.000+0000`, sobject describe, getDeleted (`deletedRecords`,
`latestDateCovered`), Task/Event create/update/delete, errors as `[{"message", "errorCode"}]`
(401 INVALID_SESSION_ID, 403 REQUEST_LIMIT_EXCEEDED) and the `Sforce-Limit-Info` header.
The OAuth token endpoint and its sessions are fake_sf_oauth.py (set `oauth`).
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

API = "/services/data/v60.0"
PREFIX = {
    "Account": "001",
    "Contact": "003",
    "User": "005",
    "Task": "00T",
    "Event": "00U",
    "AccountTeamMember": "01M",
}
# child relationships: name in a parent query -> (child sObject, its field naming the parent)
CHILDREN = {"AccountTeamMembers": ("AccountTeamMember", "AccountId")}
_ROLE = r"'((?:[^'\\]|\\.)*)'"
# a semi-join on the account team: `(<scope> OR Id IN (SELECT AccountId FROM
# AccountTeamMember WHERE UserId IN (...) AND TeamMemberRole = '...'))`
TEAM_SEMI_JOIN = re.compile(
    r"^\((.+) OR Id IN \(SELECT AccountId FROM AccountTeamMember WHERE UserId IN "
    rf"\(((?:'[A-Za-z0-9]{{15,18}}'(?:, )?)+)\) AND TeamMemberRole = {_ROLE}\)\)$"
)
SUBQUERY = re.compile(rf"^\(SELECT (.+?) FROM (\w+)(?: WHERE TeamMemberRole = {_ROLE})?\)$")
LONG_TEXT = {"Description"}
_TS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?(?:Z|[+-]\d\d:?\d\d)"
_ID = r"'([A-Za-z0-9]{15,18})'"
CLAUSES = [
    (
        re.compile(
            rf"^\(SystemModstamp > ({_TS}) OR \(SystemModstamp = ({_TS}) AND Id > {_ID}\)\)$"
        ),
        "keyset",
    ),
    (re.compile(rf"^(\w+) = {_ID}$"), "eq"),
    (re.compile(r"^(\w+) IN \(((?:'[A-Za-z0-9]{15,18}'(?:, )?)+)\)$"), "in"),
    (re.compile(r"^(\w+) = (true|false)$"), "bool"),
    (re.compile(r"^(\w+) LIKE '%([A-Za-z0-9]+)%'$"), "like"),
]
SOQL = re.compile(r"^SELECT (.+?) FROM (\w+)(?: WHERE (.+?))?( ORDER BY SystemModstamp, Id)?$")


def stamp(ms: int) -> str:
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03}+0000"


def parse_ts(text: str) -> datetime:
    text = text.replace("Z", "+00:00")
    if re.search(r"[+-]\d{4}$", text):
        text = text[:-2] + ":" + text[-2:]
    return datetime.fromisoformat(text)


class SoqlError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class FakeSalesforce:
    token: str = "00Dxx0000000001!session"
    now_ms: int = 1_795_000_000_000
    batch_size: int = 2000
    records: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {name: {} for name in PREFIX}
    )
    deleted: list[tuple[str, str, int]] = field(default_factory=list)  # (object, id, ms)
    describe: list[dict[str, Any]] = field(default_factory=list)
    faults: list[tuple[str, int, Any, int]] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    locators: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    hold_creates: bool = False
    released: threading.Event = field(default_factory=threading.Event)
    created: threading.Event = field(default_factory=threading.Event)
    api_used: int = 0
    oauth: Any = None  # a fake_sf_oauth.FakeOAuth: the token endpoint and the sessions it opens
    _n: int = 0

    def new_id(self, sobject: str) -> str:
        self._n += 1
        return f"{PREFIX[sobject]}{self._n:012d}AAA"

    def add(self, sobject: str, **values: Any) -> str:
        record_id = self.new_id(sobject)
        self.records[sobject][record_id] = {"Id": record_id, "IsDeleted": False}
        self.set(sobject, record_id, **values)
        return record_id

    def set(self, sobject: str, record_id: str, **values: Any) -> None:
        row = self.records[sobject][record_id]
        row.update(values)
        row["SystemModstamp"] = stamp(self.now_ms)

    def delete_record(self, sobject: str, record_id: str) -> None:
        self.records[sobject][record_id]["IsDeleted"] = True
        self.deleted.append((sobject, record_id, self.now_ms))

    def add_user(self, email: str, name: str) -> str:
        return self.add("User", Email=email, Name=name, IsActive=True)

    def fail(self, part: str, status: int, body: Any, times: int = 1) -> None:
        self.faults.append((part, status, body, times))

    def live(self, sobject: str) -> list[dict[str, Any]]:
        return [r for r in self.records[sobject].values() if not r["IsDeleted"]]

    # -- the app ---------------------------------------------------------------------------------

    def app(self) -> Starlette:
        async def token(request: Request) -> Response:
            if self.oauth is None:
                return self._error(404, "NOT_FOUND", "The requested resource does not exist")
            return await self.oauth.token(request, self)  # type: ignore[no-any-return]

        return Starlette(
            routes=[
                Route("/services/oauth2/token", token, methods=["POST"]),
                Route(f"{API}/query", self._query, methods=["GET"]),
                Route(f"{API}/query/{{locator}}", self._more, methods=["GET"]),
                Route(f"{API}/sobjects/{{sobject}}/describe", self._describe, methods=["GET"]),
                Route(f"{API}/sobjects/{{sobject}}/deleted/", self._deleted, methods=["GET"]),
                Route(f"{API}/sobjects/{{sobject}}/", self._create, methods=["POST"]),
                Route(
                    f"{API}/sobjects/{{sobject}}/{{record_id}}",
                    self._one,
                    methods=["PATCH", "DELETE"],
                ),
            ]
        )

    def _headers(self) -> dict[str, str]:
        moment = datetime.fromtimestamp(self.now_ms / 1000, UTC)
        return {
            "Date": format_datetime(moment, usegmt=True),
            "Sforce-Limit-Info": f"api-usage={self.api_used}/15000",
        }

    def _reply(self, data: Any, status: int = 200) -> Response:
        if status == 204:
            return Response(status_code=204, headers=self._headers())
        return JSONResponse(data, status_code=status, headers=self._headers())

    def _error(self, status: int, code: str, message: str) -> Response:
        return self._reply([{"message": message, "errorCode": code}], status)

    def _gate(self, request: Request) -> Response | None:
        where = f"{request.method} {request.url.path}"
        self.requests[where] += 1
        self.api_used += 1
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ")
        if bearer != self.token and not (self.oauth and self.oauth.accepts(bearer, self.now_ms)):
            return self._error(401, "INVALID_SESSION_ID", "Session expired or invalid")
        for index, (part, status, body, times) in enumerate(self.faults):
            if part in where + "?" + str(request.url.query) and times > 0:
                self.faults[index] = (part, status, body, times - 1)
                if isinstance(body, str):
                    return Response(
                        body,
                        status_code=status,
                        headers=self._headers(),
                        media_type="application/json",
                    )
                return self._reply(body, status)
        return None

    async def _describe(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        return self._reply({"name": request.path_params["sobject"], "fields": self.describe})

    async def _query(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        try:
            rows = self.run_soql(request.query_params.get("q", ""))
        except SoqlError as exc:
            return self._error(400, exc.code, str(exc))
        return self._page(rows)

    async def _more(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        rows = self.locators.pop(request.path_params["locator"], None)
        if rows is None:
            return self._error(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return self._page(rows)

    def _page(self, rows: list[dict[str, Any]]) -> Response:
        page, rest = rows[: self.batch_size], rows[self.batch_size :]
        data: dict[str, Any] = {"totalSize": len(rows), "done": not rest, "records": page}
        if rest:
            locator = f"01gD0000000{len(self.locators) + self._n:06d}-{self.batch_size}"
            self.locators[locator] = rest
            data["nextRecordsUrl"] = f"{API}/query/{locator}"
        return self._reply(data)

    def run_soql(self, soql: str) -> list[dict[str, Any]]:
        found = SOQL.match(_mask(soql.strip()))
        if not found:
            raise SoqlError("MALFORMED_QUERY", f"unexpected token in: {soql[:80]}")
        found = _unmask(found, soql.strip())
        fields = _split_top(found[1])
        sobject, where, ordered = found[2], found[3], bool(found[4])
        if sobject not in self.records:
            raise SoqlError("INVALID_TYPE", f"sObject type '{sobject}' is not supported.")
        tests = [self._clause(c) for c in _split_and(where)] if where else []
        rows = [r for r in self.live(sobject) if all(test(r) for test in tests)]
        if ordered:
            rows.sort(key=lambda r: (parse_ts(r["SystemModstamp"]), r["Id"]))
        return [self._shape(sobject, r, fields) for r in rows]

    def _clause(self, text: str) -> Any:
        semi = TEAM_SEMI_JOIN.match(text)
        if semi:
            scope = self._clause(semi[1])
            users = set(re.findall(r"[A-Za-z0-9]{15,18}", semi[2]))
            role = _unquote(semi[3])
            team = {
                m["AccountId"]
                for m in self.live("AccountTeamMember")
                if m["UserId"] in users and m.get("TeamMemberRole") == role
            }
            return lambda r: scope(r) or r["Id"] in team
        for pattern, kind in CLAUSES:
            m = pattern.match(text)
            if not m:
                continue
            if kind == "keyset":
                ts, ts2, last = parse_ts(m[1]), parse_ts(m[2]), m[3]
                assert ts == ts2
                return lambda r: (parse_ts(r["SystemModstamp"]), r["Id"]) > (ts, last)
            name = m[1]
            if name in LONG_TEXT:
                raise SoqlError(
                    "INVALID_FIELD", f"field '{name}' can not be filtered in a query call"
                )
            if kind == "eq":
                return lambda r: r.get(name) == m[2]
            if kind == "in":
                ids = set(re.findall(r"[A-Za-z0-9]{15,18}", m[2]))
                return lambda r: r.get(name) in ids
            if kind == "bool":
                return lambda r: bool(r.get(name)) == (m[2] == "true")
            return lambda r: m[2] in str(r.get(name) or "")
        raise SoqlError("MALFORMED_QUERY", f"unexpected token: {text[:60]}")

    def _shape(self, sobject: str, row: dict[str, Any], fields: list[str]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "attributes": {"type": sobject, "url": f"{API}/sobjects/{sobject}/{row['Id']}"}
        }
        for name in fields:
            child = SUBQUERY.match(name)
            if child:
                out.update(self._children(sobject, row, child))
                continue
            if name == "Owner.Email":
                owner = self.records["User"].get(row.get("OwnerId") or "")
                out["Owner"] = {
                    "attributes": {"type": "User"},
                    "Email": owner["Email"] if owner else None,
                }
            else:
                out[name] = row.get(name)
        return out

    def _children(self, sobject: str, row: dict[str, Any], query: re.Match[str]) -> dict[str, Any]:
        """A child relationship as the REST API gives it: null when empty, else a query result
        (`totalSize`, `done`, `records`) inside the parent row."""
        relation = query[2]
        if sobject != "Account" or relation not in CHILDREN:
            raise SoqlError(
                "INVALID_TYPE", f"Didn't understand relationship '{relation}' in FROM part"
            )
        child, parent_field = CHILDREN[relation]
        role = _unquote(query[3]) if query[3] is not None else None
        fields = _split_top(query[1])
        found = [
            m
            for m in self.live(child)
            if m[parent_field] == row["Id"] and (role is None or m.get("TeamMemberRole") == role)
        ]
        if not found:
            return {relation: None}
        records = []
        for member in found:
            item: dict[str, Any] = {
                "attributes": {"type": child, "url": f"{API}/sobjects/{child}/{member['Id']}"}
            }
            for name in fields:
                if name == "User.Email":
                    user = self.records["User"].get(member.get("UserId") or "")
                    item["User"] = (
                        {
                            "attributes": {
                                "type": "User",
                                "url": f"{API}/sobjects/User/{user['Id']}",
                            },
                            "Email": user["Email"],
                        }
                        if user
                        else None
                    )
                else:
                    item[name] = member.get(name)
            records.append(item)
        return {relation: {"totalSize": len(records), "done": True, "records": records}}

    async def _deleted(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        start = parse_ts(request.query_params["start"])
        end = parse_ts(request.query_params["end"])
        gone = [
            {"id": rid, "deletedDate": stamp(ms)}
            for sobject, rid, ms in self.deleted
            if sobject == request.path_params["sobject"]
            and start <= datetime.fromtimestamp(ms / 1000, UTC) < end
        ]
        return self._reply(
            {
                "deletedRecords": gone,
                "earliestDateAvailable": stamp(self.now_ms - 15 * 86_400_000),
                "latestDateCovered": end.strftime("%Y-%m-%dT%H:%M:00.000+0000"),
            }
        )

    async def _create(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        sobject = request.path_params["sobject"]
        values = await request.json()
        problem = self._check(sobject, values)
        if problem:
            return self._error(400, *problem)
        record_id = self.add(sobject, **values)
        self.created.set()
        while self.hold_creates and not self.released.is_set():
            await asyncio.sleep(0.02)
        return self._reply({"id": record_id, "success": True, "errors": []}, 201)

    def _check(self, sobject: str, values: dict[str, Any]) -> tuple[str, str] | None:
        if values.get("WhatId") not in self.records["Account"]:
            return "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id: WhatId"
        owner = self.records["User"].get(values.get("OwnerId", ""))
        if owner is None or not owner.get("IsActive"):
            return "INACTIVE_OWNER_OR_USER", "operation performed with inactive user"
        if sobject == "Event" and not values.get("StartDateTime"):
            return "REQUIRED_FIELD_MISSING", "Required fields are missing: [StartDateTime]"
        if sobject == "Event" and "DurationInMinutes" not in values and "EndDateTime" not in values:
            return "REQUIRED_FIELD_MISSING", "Required fields are missing: [DurationInMinutes]"
        return None

    async def _one(self, request: Request) -> Response:
        if (refused := self._gate(request)) is not None:
            return refused
        sobject = request.path_params["sobject"]
        row = self.records.get(sobject, {}).get(request.path_params["record_id"])
        if row is None:
            return self._error(404, "NOT_FOUND", "The requested resource does not exist")
        if row["IsDeleted"]:
            return self._error(404, "ENTITY_IS_DELETED", "entity is deleted")
        if request.method == "DELETE":
            self.delete_record(sobject, row["Id"])
            return self._reply(None, 204)
        values = await request.json()
        if "TaskSubtype" in values:
            return self._error(
                400,
                "INVALID_FIELD_FOR_INSERT_UPDATE",
                "Unable to create/update fields: TaskSubtype.",
            )
        self.set(sobject, row["Id"], **values)
        return self._reply(None, 204)


def _split_and(where: str) -> list[str]:
    """Top-level AND clauses (parentheses kept together)."""
    parts, depth, current = [], 0, ""
    tokens = re.split(r"(\(|\)| AND )", where)
    for token in tokens:
        if token == " AND " and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        depth += token.count("(") - token.count(")")
        current += token
    parts.append(current.strip())
    return [p for p in parts if p]


def _mask(soql: str) -> str:
    """The query with parenthesised parts (subqueries, lists) blanked: its top-level SELECT,
    FROM and WHERE can then be matched, and `_unmask` gives the real text back."""
    out, depth = [], 0
    for ch in soql:
        if ch == "(":
            depth += 1
        out.append(ch if depth == 0 or ch in "()" else "_")
        if ch == ")":
            depth -= 1
    return "".join(out)


def _unmask(masked: re.Match[str], soql: str) -> list[str | None]:
    """The groups of a match on the masked query, read from the real one."""
    return [masked[0]] + [
        soql[masked.start(i) : masked.end(i)] if masked[i] is not None else None
        for i in range(1, (masked.re.groups or 0) + 1)
    ]


def _split_top(text: str) -> list[str]:
    """Comma-separated items at the top level (a subquery's commas stay inside it)."""
    masked = _mask(text)
    items, start = [], 0
    for index, ch in enumerate(masked):
        if ch == ",":
            items.append(text[start:index].strip())
            start = index + 1
    items.append(text[start:].strip())
    return items


def _unquote(literal: str) -> str:
    return re.sub(r"\\(.)", r"\1", literal)
