"""Secondary owners on the team server (both databases, both vendors): the CRM's secondaries
come in through the import's owner upsert, leave when the CRM drops them, one with a coverage
period set in csm-tui stays, and a company where a server user is only secondary comes in."""

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

from csm_tui.crm.errors import MappingError
from csm_tui.crm.http import Policy
from csm_tui.server import crm_pass
from csm_tui.server import records as rec
from csm_tui.server.changes import write_record
from csm_tui.server.db import writing

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from server_fixtures import engine_for, server_url

__all__ = ["server_url"]
MIKA = "mika.ito@example.com"
ZOE = "zoe@example.com"
ROLE = "Customer Success"


@pytest.fixture
def engine(server_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("CSM_TUI_SERVER_SECRET", SECRET)
    monkeypatch.delenv("CSM_TUI_CRM_TOKEN", raising=False)
    engine = engine_for(server_url)
    add_users(engine, AOI, KEN)
    yield engine
    engine.dispose()


def give_coverage(engine: Any, account_id: str, email: str) -> None:
    with writing(engine) as conn:
        row = next(o for o in rec.live_rows(conn, "owners", account_id) if o["user_email"] == email)
        current = rec.get_record(conn, "owners", row["id"])
        data = {**row, "coverage_from": "2026-12-01", "coverage_reason": "Ken on leave"}
        write_record(conn, "owners", data, user_id=None, current=current)


def test_hubspot_secondary_owners_on_the_server(
    engine: Any, hubspot: tuple[FakeHubSpot, str], no_wait: Policy
) -> None:
    fake, url = hubspot
    fake.properties.append({"name": "cs_team", "label": "CS team", "type": "enumeration"})
    aoi, ken = fake.owners[0]["id"], fake.owners[1]["id"]
    mika, zoe = fake.add_owner(MIKA, "Mika", "Ito"), fake.add_owner(ZOE, "Zoe", "Ito")
    acme = fake.add_company("Acme", aoi, cs_team=f"{ken};{mika}")
    other = fake.add_company("Other", zoe, cs_team=ken)  # Ken is only a secondary owner
    fake.now_ms += 3_600_000
    with pytest.raises(MappingError, match="domain is a string"):
        crm_pass.connect(engine, "hubspot", fake.token, url=url, secondary="domain", policy=no_wait)
    crm_pass.connect(engine, "hubspot", fake.token, url=url, secondary="cs_team", policy=no_wait)
    crm_pass.sync_pass(engine, policy=no_wait)
    acme_id, other_id = account_id_of(engine, acme), account_id_of(engine, other)
    assert owners_of(engine, acme_id) == {(AOI, "primary"), (KEN, "secondary"), (MIKA, "secondary")}
    assert owners_of(engine, other_id) == {(ZOE, "primary"), (KEN, "secondary")}
    give_coverage(engine, acme_id, MIKA)

    fake.set_company(acme, cs_team="")
    fake.now_ms += 3_600_000
    crm_pass.sync_pass(engine, policy=no_wait)
    assert owners_of(engine, acme_id) == {(AOI, "primary"), (MIKA, "secondary")}
    mika_row = [o for o in live(engine, "owners", acme_id) if o["user_email"] == MIKA]
    assert mika_row[0]["coverage_reason"] == "Ken on leave"


def test_salesforce_account_team_on_the_server(
    engine: Any, salesforce: tuple[FakeSalesforce, str], no_wait: Policy
) -> None:
    fake, url = salesforce
    aoi, ken = fake.live("User")[0]["Id"], fake.live("User")[1]["Id"]
    mika, zoe = fake.add_user(MIKA, "Mika Ito"), fake.add_user(ZOE, "Zoe Ito")
    acme = fake.add("Account", Name="Acme", OwnerId=aoi)
    other = fake.add("Account", Name="Other", OwnerId=zoe)
    elsewhere = fake.add("Account", Name="Elsewhere", OwnerId=zoe)
    on_acme = fake.add("AccountTeamMember", AccountId=acme, UserId=ken, TeamMemberRole=ROLE)
    fake.add("AccountTeamMember", AccountId=acme, UserId=mika, TeamMemberRole=ROLE)
    fake.add("AccountTeamMember", AccountId=other, UserId=ken, TeamMemberRole=ROLE)
    fake.add("AccountTeamMember", AccountId=elsewhere, UserId=ken, TeamMemberRole="Sales")
    fake.now_ms += 3_600_000
    crm_pass.connect(engine, "salesforce", fake.token, url=url, secondary=ROLE, policy=no_wait)
    crm_pass.sync_pass(engine, policy=no_wait)
    acme_id, other_id = account_id_of(engine, acme), account_id_of(engine, other)
    assert owners_of(engine, acme_id) == {(AOI, "primary"), (KEN, "secondary"), (MIKA, "secondary")}
    assert owners_of(engine, other_id) == {(ZOE, "primary"), (KEN, "secondary")}
    with pytest.raises(AssertionError):
        account_id_of(engine, elsewhere)  # another role: not the team's
    give_coverage(engine, acme_id, MIKA)

    for member in fake.live("AccountTeamMember"):
        if member["AccountId"] == acme:
            fake.delete_record("AccountTeamMember", member["Id"])
    assert on_acme
    fake.set("Account", acme, Name="Acme Corp")  # a team change alone leaves the stamp
    fake.now_ms += 3_600_000
    crm_pass.sync_pass(engine, policy=no_wait)
    assert owners_of(engine, acme_id) == {(AOI, "primary"), (MIKA, "secondary")}
