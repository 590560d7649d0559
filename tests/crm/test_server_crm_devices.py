"""The server's CRM pass seen from the devices, on both server databases: what a pass pulled
reaches each CSM's device through the normal feed (their accounts only), and work a device
pushed to the server goes to the CRM once; the same with Salesforce."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import AOI, SALESFORCE_MAP
from fake_hubspot import FakeHubSpot
from fake_salesforce import FakeSalesforce
from server_crm_kit import KEN, SECRET, account_id_of, add_users, log_on_server, owners_of

from csm_tui.crm.http import Policy
from csm_tui.server import crm_pass

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from server_fixtures import engine_for, server_url
from server_kit import Client, activity_row

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

__all__ = ["server_url"]


@pytest.fixture
def team(server_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, dict[str, str]]]:
    monkeypatch.setenv("CSM_TUI_SERVER_SECRET", SECRET)
    engine = engine_for(server_url)
    tokens = add_users(engine, AOI, KEN)
    yield engine, tokens
    engine.dispose()


def test_pulled_accounts_reach_the_devices_and_their_work_reaches_the_crm(
    team: tuple[Any, dict[str, str]], hubspot: tuple[FakeHubSpot, str], no_wait: Policy
) -> None:
    from csm_tui.server.app import create_app

    engine, tokens = team
    fake, url = hubspot
    acme = fake.add_company("Acme", fake.owners[0]["id"])
    fake.add_contact(acme, "Mika", "Ono", "mika@acme.example")
    fake.add_company("Sakura", fake.owners[1]["id"])
    fake.now_ms += 3_600_000
    crm_pass.connect(engine, "hubspot", fake.token, url=url, policy=no_wait)
    assert crm_pass.sync_pass(engine, policy=no_wait) is not None
    with TestClient(create_app(engine=engine)) as http:
        aoi, ken = Client(http, AOI, tokens[AOI]), Client(http, KEN, tokens[KEN])
        for device in (aoi, ken):
            assert device.register().status_code == 200
        seen = aoi.visible()
        names = {row["name"] for (table, _id), row in seen.items() if table == "accounts"}
        assert names == {"Acme"}  # Ken's Sakura is not Aoi's
        assert any(table == "contacts" for table, _id in seen)
        account = account_id_of(engine, acme)
        row = activity_row(account, AOI, occurred_at=crm_pass._now(), created_at=crm_pass._now())
        (result,) = aoi.push(aoi.insert("activities", row))
        assert result["status"] == "applied", result
    report = crm_pass.sync_pass(engine, policy=no_wait)
    assert report is not None and report.pushed["created"] == 1
    (made,) = fake.all_engagements()
    assert f"csmtui{row['id']}" in str(made["properties"])
    assert crm_pass.sync_pass(engine, policy=no_wait).pushed["created"] == 0  # type: ignore[union-attr]


def test_salesforce_on_the_server(
    team: tuple[Any, dict[str, str]], salesforce: tuple[FakeSalesforce, str], no_wait: Policy
) -> None:
    engine, _tokens = team
    fake, url = salesforce
    users = {row["Email"]: row["Id"] for row in fake.live("User")}
    acme = fake.add("Account", Name="Acme", OwnerId=users[AOI], Health__c=80.0)
    fake.add("Contact", AccountId=acme, FirstName="Mika", LastName="Ono", Email="m@acme.example")
    fake.add("Account", Name="Sakura", OwnerId=users[KEN])
    other = fake.add_user("zoe@example.com", "Zoe Ito")
    fake.add("Account", Name="Other", OwnerId=other)
    fake.now_ms += 3_600_000
    crm_pass.connect(
        engine, "salesforce", fake.token, url=url, map_options=SALESFORCE_MAP, policy=no_wait
    )
    first = crm_pass.sync_pass(engine, policy=no_wait)
    assert first is not None and (first.pulled["new"], first.pulled["contacts"]) == (2, 1)
    account = account_id_of(engine, acme)
    assert owners_of(engine, account) == {(AOI, "primary")}
    log_on_server(engine, account, AOI, note="QBR")
    second = crm_pass.sync_pass(engine, policy=no_wait)
    assert second is not None and second.pushed["created"] == 1
    (task,) = fake.live("Task")
    assert task["WhatId"] == acme and task["OwnerId"] == users[AOI]
