"""Fixtures of the server tests: a fresh database (SQLite, then PostgreSQL) with a team on it.

Alice is the primary owner of "Acme" and Bob its secondary; Bob is the primary owner of "Sakura";
Carol owns nothing. Each user has a registered device, so they can push at once.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from server_fixtures import engine_for, server_url
from server_kit import ALICE, BOB, CAROL, T0, Client, Team, account_row, owner_row

from csm_tui.server.changes import write_record
from csm_tui.server.db import writing

__all__ = ["server_url"]

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture
def engine(server_url: str) -> Iterator[Any]:
    engine = engine_for(server_url)
    yield engine
    engine.dispose()


@pytest.fixture
def team(engine: Any) -> Iterator[Team]:
    from csm_tui.server.app import create_app
    from csm_tui.server.users import add_user

    tokens = {
        email: add_user(engine, email, email.split("@")[0].title(), admin=False, now=T0)
        for email in (ALICE, BOB, CAROL)
    }
    acme, sakura = account_row("Acme", external_id="CRM-1"), account_row("株式会社サクラ")
    with writing(engine) as conn:
        for account, owners in (
            (acme, [(ALICE, "primary"), (BOB, "secondary")]),
            (sakura, [(BOB, "primary")]),
        ):
            write_record(conn, "accounts", account, user_id=None, current=None)
            for email, role in owners:
                write_record(
                    conn,
                    "owners",
                    owner_row(account["id"], email, role),
                    user_id=None,
                    current=None,
                )
    with TestClient(create_app(engine=engine)) as http:
        clients = {email: Client(http, email, token) for email, token in tokens.items()}
        for client in clients.values():
            assert client.register().status_code == 200
        yield Team(
            engine, http, clients[ALICE], clients[BOB], clients[CAROL], acme["id"], sakura["id"]
        )
