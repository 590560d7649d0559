"""Secondary owners from a configurable source (HubSpot: a user property of the company;
Salesforce: AccountTeamMember of a role), on the solo client's book, against the stand-ins over
HTTP: they come in, leave when the CRM drops them, a coverage period set in csm-tui is kept,
and a company where the user is only a secondary owner comes into their book."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import AOI
from fake_hubspot import FakeHubSpot
from fake_salesforce import FakeSalesforce

from csm_tui.crm.errors import MappingError
from csm_tui.crm.http import Policy
from csm_tui.errors import ValidationError
from csm_tui.services import crm
from csm_tui.store.accounts import find_account_by_external_id, owners_of
from csm_tui.store.connection import Store

KEN = "ken.sato@example.com"
MIKA = "mika.ito@example.com"
ROLE = "Customer Success"


def owners(store: Store, crm_id: str) -> list[tuple[str, str]]:
    account = find_account_by_external_id(store, crm_id)
    assert account is not None, crm_id
    return [(o.user_email, o.role) for o in owners_of(store, account.id)]


def give_coverage(store: Store, crm_id: str, email: str) -> None:
    """Mika covers the account for a while: csm-tui's own arrangement."""
    account = find_account_by_external_id(store, crm_id)
    assert account is not None
    row = store.query_one(
        "SELECT id FROM owners WHERE account_id = ? AND user_email = ?", (account.id, email)
    )
    assert row is not None
    with store.transaction() as tx:
        tx.update(
            "owners",
            row[0],
            {
                "coverage_from": date(2026, 12, 1),
                "coverage_to": date(2026, 12, 31),
                "coverage_reason": "Ken on leave",
            },
        )


def journaled_owner_deletes(store: Store) -> int:
    row = store.query_one(
        "SELECT count(*) FROM journal WHERE table_name = 'owners' AND operation = 'delete'"
    )
    assert row is not None
    return int(row[0])


# -- HubSpot ---------------------------------------------------------------------------------


def hubspot_team(fake: FakeHubSpot) -> tuple[str, str, str]:
    fake.properties.append(
        {
            "name": "cs_team",
            "label": "CS team",
            "type": "enumeration",
            "fieldType": "select",
            "referencedObjectType": "OWNER",
        }
    )
    aoi, ken = fake.owners[0]["id"], fake.owners[1]["id"]
    mika = fake.add_owner(MIKA, "Mika", "Ito")
    return aoi, ken, mika


def test_hubspot_secondary_owners_come_and_go_and_coverage_stays(
    store: Store, me: object, hubspot: tuple[FakeHubSpot, str], no_wait: Policy
) -> None:
    fake, url = hubspot
    aoi, ken, mika = hubspot_team(fake)
    acme = fake.add_company("Acme", aoi, cs_team=f"{ken};{mika}")
    globex = fake.add_company("Globex", ken, cs_team=aoi)  # Aoi is only a secondary owner
    initech = fake.add_company("Initech", ken)  # not Aoi's at all
    fake.now_ms += 3_600_000
    crm.connect(store, "hubspot", fake.token, url=url, secondary="cs_team", policy=no_wait)
    crm.sync(store, fake.token, policy=no_wait)
    assert owners(store, acme) == [(AOI, "primary"), (KEN, "secondary"), (MIKA, "secondary")]
    assert owners(store, globex) == [(KEN, "primary"), (AOI, "secondary")]
    assert find_account_by_external_id(store, initech) is None
    give_coverage(store, acme, MIKA)

    before = journaled_owner_deletes(store)
    fake.set_company(acme, cs_team="")  # the CRM drops both secondary owners
    fake.now_ms += 3_600_000
    crm.sync(store, fake.token, policy=no_wait)
    assert owners(store, acme) == [(AOI, "primary"), (MIKA, "secondary")]  # coverage kept
    assert journaled_owner_deletes(store) == before + 1
    account = find_account_by_external_id(store, acme)
    assert account is not None
    assert owners_of(store, account.id)[1].coverage_reason == "Ken on leave"

    fake.set_company(globex, cs_team=f"{aoi};{ken}")  # the primary is not a secondary too
    fake.now_ms += 3_600_000
    crm.sync(store, fake.token, policy=no_wait)
    assert owners(store, globex) == [(KEN, "primary"), (AOI, "secondary")]


def test_hubspot_secondary_owners_property_is_checked_on_connect(
    store: Store, me: object, hubspot: tuple[FakeHubSpot, str], no_wait: Policy
) -> None:
    fake, url = hubspot
    hubspot_team(fake)
    with pytest.raises(MappingError, match="cs_teams"):
        crm.connect(store, "hubspot", fake.token, url=url, secondary="cs_teams", policy=no_wait)
    with pytest.raises(MappingError, match="arr is a number property"):
        config = {"crm": {"hubspot": {"secondary_owners": "arr"}}}
        crm.connect(store, "hubspot", fake.token, url=url, raw_config=config, policy=no_wait)
    config = {"crm": {"hubspot": {"secondary_owners": "cs_team"}}}
    crm.connect(store, "hubspot", fake.token, url=url, raw_config=config, policy=no_wait)
    assert crm.status(store)["secondary"] == "cs_team"


def test_hubspot_without_a_source_leaves_secondary_owners_alone(
    store: Store, me: object, hubspot: tuple[FakeHubSpot, str], no_wait: Policy
) -> None:
    fake, url = hubspot
    aoi, ken, _mika = hubspot_team(fake)
    acme = fake.add_company("Acme", aoi, cs_team=ken)
    fake.now_ms += 3_600_000
    crm.connect(store, "hubspot", fake.token, url=url, policy=no_wait)
    crm.sync(store, fake.token, policy=no_wait)
    assert owners(store, acme) == [(AOI, "primary")]


# -- Salesforce ------------------------------------------------------------------------------


def test_salesforce_account_team_members_of_the_role_are_secondary_owners(
    store: Store, me: object, salesforce: tuple[FakeSalesforce, str], no_wait: Policy
) -> None:
    fake, url = salesforce
    aoi, ken = fake.live("User")[0]["Id"], fake.live("User")[1]["Id"]
    mika = fake.add_user(MIKA, "Mika Ito")
    acme = fake.add("Account", Name="Acme", OwnerId=aoi)
    globex = fake.add("Account", Name="Globex", OwnerId=ken)
    initech = fake.add("Account", Name="Initech", OwnerId=ken)
    ken_on_acme = fake.add("AccountTeamMember", AccountId=acme, UserId=ken, TeamMemberRole=ROLE)
    fake.add("AccountTeamMember", AccountId=acme, UserId=mika, TeamMemberRole=ROLE)
    fake.add("AccountTeamMember", AccountId=globex, UserId=aoi, TeamMemberRole=ROLE)
    fake.add("AccountTeamMember", AccountId=initech, UserId=aoi, TeamMemberRole="Sales")
    fake.now_ms += 3_600_000
    crm.connect(store, "salesforce", fake.token, url=url, secondary=ROLE, policy=no_wait)
    crm.sync(store, fake.token, policy=no_wait)
    assert owners(store, acme) == [(AOI, "primary"), (KEN, "secondary"), (MIKA, "secondary")]
    assert owners(store, globex) == [(KEN, "primary"), (AOI, "secondary")]
    assert find_account_by_external_id(store, initech) is None  # another role
    give_coverage(store, acme, MIKA)

    fake.delete_record("AccountTeamMember", ken_on_acme)
    for member in fake.live("AccountTeamMember"):
        if member["AccountId"] == acme:
            fake.delete_record("AccountTeamMember", member["Id"])
    # a team change alone does not move the account's SystemModstamp: an edit of the account
    fake.set("Account", acme, Name="Acme Corp")
    fake.now_ms += 3_600_000
    crm.sync(store, fake.token, policy=no_wait)
    assert owners(store, acme) == [(AOI, "primary"), (MIKA, "secondary")]  # coverage kept


def test_salesforce_team_role_from_config_and_its_refusal(
    store: Store, me: object, salesforce: tuple[FakeSalesforce, str], no_wait: Policy
) -> None:
    fake, url = salesforce
    with pytest.raises(ValidationError, match="team_role"):
        config = {"crm": {"salesforce": {"team_role": 3}}}
        crm.connect(store, "salesforce", fake.token, url=url, raw_config=config, policy=no_wait)
    config = {"crm": {"salesforce": {"team_role": "O'Brien's team"}}}
    crm.connect(store, "salesforce", fake.token, url=url, raw_config=config, policy=no_wait)
    aoi, ken = fake.live("User")[0]["Id"], fake.live("User")[1]["Id"]
    globex = fake.add("Account", Name="Globex", OwnerId=ken)
    fake.add("AccountTeamMember", AccountId=globex, UserId=aoi, TeamMemberRole="O'Brien's team")
    crm.sync(store, fake.token, policy=no_wait)
    assert owners(store, globex) == [(KEN, "primary"), (AOI, "secondary")]
