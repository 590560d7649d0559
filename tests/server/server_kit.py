"""Helpers of the server tests: rows, an API client per user's device, the team."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

T0 = "2026-11-27T09:00:00+00:00"
ALICE = "alice@example.com"
BOB = "bob@example.com"
CAROL = "carol@example.com"


def new_id() -> str:
    return uuid.uuid4().hex


def account_row(name: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": new_id(),
        "name": name,
        "external_id": None,
        "segment": "",
        "contract_value": None,
        "currency": "USD",
        "renewal_date": None,
        "health_score": None,
        "stage": "onboarding",
        "tags": "[]",
        "created_at": T0,
        "updated_at": T0,
        "stage_started_on": None,
        "archived_on": None,
        **fields,
    }


def owner_row(account_id: str, email: str, role: str) -> dict[str, Any]:
    return {
        "id": new_id(),
        "account_id": account_id,
        "user_email": email,
        "role": role,
        "coverage_from": None,
        "coverage_to": None,
        "coverage_reason": "",
        "created_at": T0,
    }


def activity_row(account_id: str, author: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": new_id(),
        "account_id": account_id,
        "author_email": author,
        "type": "call",
        "minutes": 30,
        "occurred_at": T0,
        "created_at": T0,
        "updated_at": T0,
        **fields,
    }


def item_row(account_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": new_id(),
        "account_id": account_id,
        "stage": "onboarding",
        "title": "Kickoff held",
        "created_at": T0,
        "updated_at": T0,
        **fields,
    }


def note_row(account_id: str, author: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": new_id(),
        "note_id": new_id(),
        "version": 1,
        "parent_id": None,
        "account_id": account_id,
        "author_email": author,
        "body": "Context for the covering colleague.",
        "created_at": T0,
        **fields,
    }


@dataclass
class Client:
    """One user's device talking to the API."""

    http: Any
    email: str
    token: str
    client_id: str = field(default_factory=new_id)
    seq: int = 0

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.http.get(path, headers=self.headers, params=params)

    def register(self) -> Any:
        return self.http.post(
            "/v1/devices",
            headers=self.headers,
            json={"client_id": self.client_id, "next_seq": self.seq + 1},
        )

    def mutation(self, table: str, op: str, row_id: str, payload: dict[str, Any]) -> dict[str, Any]:
        self.seq += 1
        return {
            "seq": self.seq,
            "mutation_id": new_id(),
            "table": table,
            "row_id": row_id,
            "op": op,
            "payload": payload,
        }

    def insert(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        return self.mutation(table, "insert", row.get("id") or row["email"], row)

    def push_raw(self, *mutations: dict[str, Any]) -> Any:
        return self.http.post(
            "/v1/sync/push",
            headers=self.headers,
            json={"client_id": self.client_id, "mutations": list(mutations)},
        )

    def push(self, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.push_raw(*mutations)
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def pull_all(self, cursor: int = 0, **params: Any) -> tuple[list[dict[str, Any]], int]:
        changes: list[dict[str, Any]] = []
        while True:
            response = self.get("/v1/sync/pull", cursor=cursor, **params)
            assert response.status_code == 200, response.text
            page = response.json()
            changes.extend(page["changes"])
            cursor = page["cursor"]
            if not page["has_more"]:
                return changes, cursor

    def visible(self) -> dict[tuple[str, str], dict[str, Any]]:
        """What this user's device holds after pulling everything from scratch."""
        state: dict[tuple[str, str], dict[str, Any]] = {}
        for change in self.pull_all()[0]:
            key = (change["table"], change["id"])
            if change["deleted"]:
                state.pop(key, None)
                if change["table"] == "accounts":
                    state = {k: v for k, v in state.items() if v.get("account_id") != change["id"]}
            else:
                state[key] = change["data"]
        return state


@dataclass
class Team:
    engine: Any
    http: Any
    alice: Client
    bob: Client
    carol: Client
    acme: str
    sakura: str

    def client(self, email: str, token: str) -> Client:
        return Client(self.http, email, token)
