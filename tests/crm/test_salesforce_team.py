"""Salesforce account team changes that leave the Account alone: an AccountTeamMember added,
removed or moved to another role does not bump the Account's SystemModstamp, yet the next pass
applies it (a keyset on AccountTeamMember and its getDeleted), on the solo client and on the
team server; a pass with nothing new stays one request per object type."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import AOI
from fake_salesforce import FakeSalesforce
from server_crm_kit import KEN, SECRET, account_id_of, add_users
from server_crm_kit import owners_of as server_owners
from test_secondary_owners import MIKA, ROLE, owners

from csm_tui.crm.http import Policy
from csm_tui.server import crm_pass
from csm_tui.services import crm
from csm_tui.store.accounts import find_account_by_external_id
from csm_tui.store.connection import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from server_fixtures import engine_for, server_url

__all__ = ["server_url"]
Fake = tuple[FakeSalesforce, str]
QUIET = {"accounts": 1, "contacts": 1, "deleted": 1, "team": 1, "team-deleted": 1}


def seeded(fake: FakeSalesforce) -> dict[str, str]:
    aoi, ken = fake.live("User")[0]["Id"], fake.live("User")[1]["Id"]
    ids = {"aoi": aoi, "ken": ken, "mika": fake.add_user(MIKA, "Mika Ito")}
    ids["acme"] = fake.add("Account", Name="Acme", OwnerId=aoi)
    ids["globex"] = fake.add("Account", Name="Globex", OwnerId=ken)
    ids["ken_on_acme"] = fake.add(
        "AccountTeamMember", AccountId=ids["acme"], UserId=ken, TeamMemberRole=ROLE
    )
    fake.now_ms += 3_600_000
    return ids


def later(fake: FakeSalesforce) -> None:
    fake.now_ms += 600_000


def test_team_changes_alone_reach_the_book(
    store: Store, me: object, salesforce: Fake, no_wait: Policy
) -> None:
    fake, url = salesforce
    ids = seeded(fake)
    crm.connect(store, "salesforce", fake.token, url=url, secondary=ROLE, policy=no_wait)
    crm.sync(store, fake.token, policy=no_wait)
    assert owners(store, ids["acme"]) == [(AOI, "primary"), ("ken.sato@example.com", "secondary")]
    later(fake)
    assert crm.sync(store, fake.token, policy=no_wait).requests == QUIET

    # added, without any edit of the accounts: Mika on Acme, Aoi (the user) on Globex
    mika_on_acme = fake.add(
        "AccountTeamMember", AccountId=ids["acme"], UserId=ids["mika"], TeamMemberRole=ROLE
    )
    fake.add("AccountTeamMember", AccountId=ids["globex"], UserId=ids["aoi"], TeamMemberRole=ROLE)
    later(fake)
    report = crm.sync(store, fake.token, policy=no_wait)
    assert report.pulled["new"] == 1  # Globex comes into the book: Aoi is a secondary owner
    assert (KEN.lower(), "secondary") in owners(store, ids["acme"])
    assert (MIKA, "secondary") in owners(store, ids["acme"])
    assert owners(store, ids["globex"]) == [(KEN, "primary"), (AOI, "secondary")]

    # removed: getDeleted names the member only; the book knows its account
    fake.delete_record("AccountTeamMember", ids["ken_on_acme"])
    later(fake)
    report = crm.sync(store, fake.token, policy=no_wait)
    assert owners(store, ids["acme"]) == [(AOI, "primary"), (MIKA, "secondary")]
    assert report.requests == {**QUIET, "team": 2}  # no change; the account read again
    # moved to another role: a change of the member
    fake.set("AccountTeamMember", mika_on_acme, TeamMemberRole="Sales")
    later(fake)
    report = crm.sync(store, fake.token, policy=no_wait)
    assert owners(store, ids["acme"]) == [(AOI, "primary")]
    assert report.requests == {**QUIET, "team": 2}
    later(fake)
    assert crm.sync(store, fake.token, policy=no_wait).requests == QUIET


def test_without_a_team_role_nothing_is_asked(
    store: Store, me: object, salesforce: Fake, no_wait: Policy
) -> None:
    fake, url = salesforce
    ids = seeded(fake)
    crm.connect(store, "salesforce", fake.token, url=url, policy=no_wait)
    crm.sync(store, fake.token, policy=no_wait)
    later(fake)
    fake.delete_record("AccountTeamMember", ids["ken_on_acme"])
    report = crm.sync(store, fake.token, policy=no_wait)
    assert report.requests == {"accounts": 1, "contacts": 1, "deleted": 1}
    assert find_account_by_external_id(store, ids["globex"]) is None


@pytest.fixture
def engine(server_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("CSM_TUI_SERVER_SECRET", SECRET)
    monkeypatch.delenv("CSM_TUI_CRM_TOKEN", raising=False)
    engine = engine_for(server_url)
    add_users(engine, AOI, KEN)
    yield engine
    engine.dispose()


def test_team_changes_alone_on_the_server(engine: Any, salesforce: Fake, no_wait: Policy) -> None:
    fake, url = salesforce
    ids = seeded(fake)
    other = fake.add("Account", Name="Other", OwnerId=ids["mika"])  # Mika: no server user
    fake.now_ms += 60_000
    crm_pass.connect(engine, "salesforce", fake.token, url=url, secondary=ROLE, policy=no_wait)
    crm_pass.sync_pass(engine, policy=no_wait)
    later(fake)
    quiet = crm_pass.sync_pass(engine, policy=no_wait)
    assert quiet is not None and quiet.requests == QUIET
    acme = account_id_of(engine, ids["acme"])
    assert server_owners(engine, acme) == {(AOI, "primary"), (KEN, "secondary")}

    fake.delete_record("AccountTeamMember", ids["ken_on_acme"])
    fake.add("AccountTeamMember", AccountId=other, UserId=ids["ken"], TeamMemberRole=ROLE)
    later(fake)
    report = crm_pass.sync_pass(engine, policy=no_wait)
    assert report is not None and report.pulled["new"] == 1  # Other: Ken is on its team now
    assert server_owners(engine, acme) == {(AOI, "primary")}
    assert server_owners(engine, account_id_of(engine, other)) == {
        (MIKA, "primary"),
        (KEN, "secondary"),
    }
    later(fake)
    assert crm_pass.sync_pass(engine, policy=no_wait).requests == QUIET  # type: ignore[union-attr]
