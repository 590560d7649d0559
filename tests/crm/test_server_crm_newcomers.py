"""A user added to the team server after the first pass gets the CRM companies they own at the
next pass, although those companies did not change in the CRM (the incremental cursor alone
would skip them): a catch-up window reads the new owners' companies in full, once. Both
vendors, both databases."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import AOI
from fake_hubspot import FakeHubSpot
from fake_salesforce import FakeSalesforce
from server_crm_kit import KEN, SECRET, account_id_of, add_users, live, owners_of

from csm_tui.crm.http import Policy
from csm_tui.server import crm_pass

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from server_fixtures import engine_for, server_url

__all__ = ["server_url"]
MIKA = "mika.ito@example.com"


@pytest.fixture
def engine(server_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("CSM_TUI_SERVER_SECRET", SECRET)
    monkeypatch.delenv("CSM_TUI_CRM_TOKEN", raising=False)
    engine = engine_for(server_url)
    add_users(engine, AOI, KEN)
    yield engine
    engine.dispose()


def passes_then_adds_mika(engine: Any, fake: Any, policy: Policy) -> tuple[int, int]:
    """Two passes (the first, then one with nothing new), Mika added; the requests of the
    nothing-new pass and of the pass after Mika was added."""
    assert crm_pass.sync_pass(engine, policy=policy) is not None
    fake.now_ms += 600_000
    quiet = crm_pass.sync_pass(engine, policy=policy)
    assert quiet is not None and quiet.pulled["new"] == 0
    add_users(engine, MIKA)
    fake.now_ms += 600_000
    caught_up = crm_pass.sync_pass(engine, policy=policy)
    assert caught_up is not None and caught_up.pulled["new"] == 2
    fake.now_ms += 600_000
    after = crm_pass.sync_pass(engine, policy=policy)  # the catch-up is not repeated
    assert after is not None and after.pulled["new"] == 0
    assert after.requests == quiet.requests
    return sum(quiet.requests.values()), sum(caught_up.requests.values())


def test_hubspot_a_user_added_later_gets_their_unchanged_companies(
    engine: Any, hubspot: tuple[FakeHubSpot, str], no_wait: Policy
) -> None:
    fake, url = hubspot
    aoi, mika = fake.owners[0]["id"], fake.add_owner(MIKA, "Mika", "Ito")
    fake.add_company("Acme", aoi)
    mine = [fake.add_company(f"Mika {n}", mika) for n in range(2)]
    fake.add_contact(mine[0], "Hana", "Ono", "hana@mika0.example")
    fake.now_ms += 3_600_000  # last changed long before any pass
    crm_pass.connect(engine, "hubspot", fake.token, url=url, policy=no_wait)
    quiet, caught_up = passes_then_adds_mika(engine, fake, no_wait)
    assert caught_up > quiet  # the catch-up window: one search (and its contacts)
    first = account_id_of(engine, mine[0])
    assert owners_of(engine, first) == {(MIKA, "primary")}
    assert [c["name"] for c in live(engine, "contacts", first)] == ["Hana Ono"]


def test_salesforce_a_user_added_later_gets_their_unchanged_accounts(
    engine: Any, salesforce: tuple[FakeSalesforce, str], no_wait: Policy
) -> None:
    fake, url = salesforce
    aoi, mika = fake.live("User")[0]["Id"], fake.add_user(MIKA, "Mika Ito")
    fake.add("Account", Name="Acme", OwnerId=aoi)
    mine = [fake.add("Account", Name=f"Mika {n}", OwnerId=mika) for n in range(2)]
    fake.add("Contact", AccountId=mine[1], FirstName="Jiro", LastName="Abe", Email="j@m.example")
    fake.now_ms += 3_600_000
    crm_pass.connect(engine, "salesforce", fake.token, url=url, policy=no_wait)
    quiet, caught_up = passes_then_adds_mika(engine, fake, no_wait)
    assert caught_up == quiet + 2  # the catch-up query and its contacts query
    second = account_id_of(engine, mine[1])
    assert owners_of(engine, second) == {(MIKA, "primary")}
    assert [c["name"] for c in live(engine, "contacts", second)] == ["Jiro Abe"]
