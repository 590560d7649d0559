"""Schemathesis against the OpenAPI document: no input makes the server answer 5xx, and every
answer matches the document. Requests carry a valid token (and a registered device for pushes),
so the generated bodies reach the storage code on SQLite and on PostgreSQL."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)
from server_kit import Team

warnings.filterwarnings("ignore", category=DeprecationWarning, module="starlette")

CLIENT_ID = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def api_schema(team: Team) -> Any:
    return schemathesis.openapi.from_asgi("/v1/openapi.json", team.http.app)


@pytest.fixture
def fuzz_team(team: Team) -> Team:
    return team


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_the_server_fail(case: Any, fuzz_team: Team) -> None:
    headers = dict(fuzz_team.alice.headers)
    body = case.body if isinstance(case.body, dict) else None
    if case.path == "/v1/sync/push" and body and CLIENT_ID.match(str(body.get("client_id", ""))):
        fuzz_team.http.post(
            "/v1/devices", headers=headers, json={"client_id": body["client_id"], "next_seq": 1}
        )
    response = _call(fuzz_team, case, headers)
    assert response.status_code < 500, response.text
    # what the server promises: never 5xx, and answers as documented (codes, types, bodies);
    # valid requests are accepted. (Unknown query parameters are ignored, as HTTP allows.)
    case.validate_response(
        response,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            positive_data_acceptance,
        ],
    )


def _call(team: Team, case: Any, headers: dict[str, str]) -> Any:
    """The request through the tests' own client (httpx): schemathesis's ASGI transport goes
    through `requests`, which breaks when urllib3-future replaces urllib3 (caldav brings it)."""
    kwargs = case.as_transport_kwargs(headers=headers)
    kwargs.pop("timeout", None)
    kwargs.pop("allow_redirects", None)
    if not kwargs.get("cookies"):
        kwargs.pop("cookies", None)
    if isinstance(kwargs.get("data"), bytes | str):
        kwargs["content"] = kwargs.pop("data")
    method, url = kwargs.pop("method"), kwargs.pop("url")
    return team.http.request(method, url, **kwargs)


def test_the_openapi_document_is_under_v1(team: Team) -> None:
    document = team.http.get("/v1/openapi.json").json()
    assert set(document["paths"]) == {
        "/v1/health",
        "/v1/ready",
        "/v1/me",
        "/v1/devices",
        "/v1/sync/push",
        "/v1/sync/pull",
        "/v1/sync/rows",
        "/v1/accounts/{account_id}",
        "/v1/history/{table}/{row_id}",
    }
    assert "HTTPBearer" in document["components"]["securitySchemes"]


def test_an_oversized_body_is_refused_before_it_is_read(team: Team) -> None:
    from csm_tui.sync.protocol import MAX_BODY_BYTES

    big = b'{"client_id": "' + b"0" * (MAX_BODY_BYTES + 1) + b'"}'
    response = team.http.post(
        "/v1/sync/push",
        headers={**team.alice.headers, "Content-Type": "application/json"},
        content=big,
    )
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"


def test_an_old_client_is_told_to_upgrade(team: Team) -> None:
    response = team.http.get("/v1/me", headers={**team.alice.headers, "CSM-Protocol": "0"})
    assert response.status_code == 426
    assert response.json()["code"] == "client_too_old"
    newer = team.http.get("/v1/me", headers={**team.alice.headers, "CSM-Protocol": "99"})
    assert newer.json()["code"] == "server_too_old"


def test_a_batch_over_the_limit_is_refused_whole(team: Team) -> None:
    from csm_tui.sync.protocol import MAX_PUSH_MUTATIONS

    mutations = [
        team.alice.mutation("activities", "delete", f"a{i}", {})
        for i in range(MAX_PUSH_MUTATIONS + 1)
    ]
    response = team.alice.push_raw(*mutations)
    assert response.status_code == 422
