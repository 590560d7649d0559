"""Pulling the book from HubSpot: the real client over HTTP against the stand-in."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from conftest import AOI, HUBSPOT_MAP
from fake_hubspot import FakeHubSpot

from csm_tui.clock import FixedClock
from csm_tui.crm.errors import (
    CrmAuthError,
    CrmBadReply,
    CrmLimitReached,
    CrmUnavailable,
    MappingError,
)
from csm_tui.crm.http import Policy
from csm_tui.services import crm
from csm_tui.services.accounts import update_account
from csm_tui.services.activities import log_activity
from csm_tui.store.accounts import contacts_of, find_account_by_external_id, owners_of
from csm_tui.store.connection import Store

Fake = tuple[FakeHubSpot, str]


def seed(fake: FakeHubSpot) -> dict[str, str]:
    aoi, ken = fake.owners[0]["id"], fake.owners[1]["id"]
    acme = fake.add_company(
        "Acme",
        aoi,
        contract_end_date="2027-03-31",
        arr="1200000",
        arr_currency="JPY",
        health="72",
        tier="Enterprise",
        cs_stage="adoption",
    )
    sakura = fake.add_company("株式会社サクラ精機", aoi, arr="50000.5", arr_currency="usd")
    globex = fake.add_company("Globex", ken)
    fake.add_contact(acme, "Hanako", "Suzuki", "hanako@acme.example", "CTO", "+81 3 1234 5678")
    fake.add_contact(acme, "Taro", "Yamada", "taro@acme.example", "Admin")
    fake.add_contact(globex, "Someone", "Else", "x@globex.example")
    return {"acme": acme, "sakura": sakura, "globex": globex}


def connect(store: Store, hubspot: Fake, policy: Policy) -> None:
    fake, url = hubspot
    crm.connect(store, "hubspot", fake.token, url=url, map_options=HUBSPOT_MAP, policy=policy)


def sync(store: Store, hubspot: Fake, policy: Policy) -> crm.PassReport:
    return crm.sync(store, hubspot[0].token, policy=policy)


def later(fake: FakeHubSpot, minutes: int = 60) -> None:
    fake.now_ms += minutes * 60_000


def test_first_pull_brings_my_companies_their_fields_and_contacts(
    store: Store, me: object, hubspot: Fake, no_wait: Policy
) -> None:
    ids = seed(hubspot[0])
    connect(store, hubspot, no_wait)
    report = sync(store, hubspot, no_wait)
    acme = find_account_by_external_id(store, ids["acme"])
    assert acme is not None
    assert (acme.name, acme.renewal_date, acme.contract_value, acme.currency) == (
        "Acme",
        date(2027, 3, 31),
        Decimal("1200000.00"),
        "JPY",
    )
    assert (acme.health_score, acme.segment, acme.stage) == (72, "Enterprise", "adoption")
    sakura = find_account_by_external_id(store, ids["sakura"])
    assert sakura is not None and sakura.currency == "USD"
    assert find_account_by_external_id(store, ids["globex"]) is None  # Ken's
    assert [(o.user_email, o.role) for o in owners_of(store, acme.id)] == [(AOI, "primary")]
    people = sorted((c.name, c.email, c.role) for c in contacts_of(store, acme.id))
    assert people == [
        ("Hanako Suzuki", "hanako@acme.example", "CTO"),
        ("Taro Yamada", "taro@acme.example", "Admin"),
    ]
    phones = {c.name: c.phone for c in contacts_of(store, acme.id)}
    assert "+81 3 1234 5678" in phones.values()  # on the contact itself, so it syncs
    assert report.pulled["new"] == 2 and report.pulled["contacts"] == 2
    journaled = store.query("SELECT DISTINCT table_name FROM journal")
    assert {row[0] for row in journaled} >= {"accounts", "owners", "contacts"}


def test_a_pass_with_nothing_new_makes_one_request_per_object_type(
    store: Store, me: object, hubspot: Fake, no_wait: Policy
) -> None:
    seed(hubspot[0])
    later(hubspot[0])  # the records were last changed an hour before the first pass
    connect(store, hubspot, no_wait)
    sync(store, hubspot, no_wait)
    later(hubspot[0], 10)
    entries = store.query_one("SELECT count(*) FROM journal")
    report = sync(store, hubspot, no_wait)
    assert report.requests == {"search companies": 1, "search contacts": 1, "archived": 1}
    assert store.query_one("SELECT count(*) FROM journal")[0] == entries[0]  # type: ignore[index]


def test_incremental_pull_takes_changes_and_new_companies(
    store: Store, me: object, hubspot: Fake, no_wait: Policy
) -> None:
    fake = hubspot[0]
    ids = seed(fake)
    connect(store, hubspot, no_wait)
    sync(store, hubspot, no_wait)
    later(fake)
    fake.set_company(ids["acme"], health="41", contract_end_date="2027-06-30")
    hanako = fake.links[ids["acme"]][0]
    fake.set_contact(hanako, jobtitle="CEO")
    fresh = fake.add_company("Initech", fake.owners[0]["id"])
    fake.add_contact(fresh, "Peter", "Gibbons", "peter@initech.example")
    report = sync(store, hubspot, no_wait)
    acme = find_account_by_external_id(store, ids["acme"])
    assert acme is not None and acme.health_score == 41
    assert acme.renewal_date == date(2027, 6, 30)
    assert "CEO" in {c.role for c in contacts_of(store, acme.id)}
    initech = find_account_by_external_id(store, fresh)
    assert initech is not None and [c.name for c in contacts_of(store, initech.id)] == [
        "Peter Gibbons"
    ]
    assert report.pulled["new"] == 1 and report.pulled["updated"] == 1


def test_the_crm_wins_and_the_csm_value_stays_in_the_history(
    store: Store, me: object, hubspot: Fake, no_wait: Policy
) -> None:
    fake = hubspot[0]
    ids = seed(fake)
    connect(store, hubspot, no_wait)
    sync(store, hubspot, no_wait)
    acme = find_account_by_external_id(store, ids["acme"])
    assert acme is not None
    update_account(store, acme.id, segment="Strategic")
    log_activity(store, acme.id, 30, store.clock.now(), note="kept")
    later(fake)
    fake.set_company(ids["acme"], tier="Mid-market")
    sync(store, hubspot, no_wait)
    again = find_account_by_external_id(store, ids["acme"])
    assert again is not None and again.segment == "Mid-market"
    history = [
        json.loads(row[0]).get("segment")
        for row in store.query(
            "SELECT payload FROM journal WHERE table_name = 'accounts' AND row_id = ? ORDER BY seq",
            (acme.id,),
        )
    ]
    assert history[-2:] == ["Strategic", "Mid-market"]
    assert store.query_one("SELECT note FROM activities")[0] == "kept"  # type: ignore[index]


def test_an_owner_change_moves_the_account(
    store: Store, me: object, hubspot: Fake, no_wait: Policy
) -> None:
    fake = hubspot[0]
    ids = seed(fake)
    connect(store, hubspot, no_wait)
    sync(store, hubspot, no_wait)
    later(fake)
    fake.set_company(ids["acme"], hubspot_owner_id=fake.owners[1]["id"])  # to Ken
    fake.set_company(ids["globex"], hubspot_owner_id=fake.owners[0]["id"])  # to Aoi
    report = sync(store, hubspot, no_wait)
    acme = find_account_by_external_id(store, ids["acme"])
    globex = find_account_by_external_id(store, ids["globex"])
    assert acme is not None and globex is not None
    assert [(o.user_email, o.role) for o in owners_of(store, acme.id)] == [
        ("ken.sato@example.com", "primary")
    ]
    assert [o.user_email for o in owners_of(store, globex.id)] == [AOI]
    assert [c.name for c in contacts_of(store, globex.id)] == ["Someone Else"]
    assert report.pulled["moved"] == 1 and report.pulled["new"] == 1


def test_an_archived_company_leaves_my_book_and_keeps_its_history(
    store: Store, me: object, hubspot: Fake, no_wait: Policy
) -> None:
    fake = hubspot[0]
    ids = seed(fake)
    connect(store, hubspot, no_wait)
    sync(store, hubspot, no_wait)
    acme = find_account_by_external_id(store, ids["acme"])
    assert acme is not None
    log_activity(store, acme.id, 15, store.clock.now())
    later(fake)
    fake.archive_company(ids["acme"])
    report = sync(store, hubspot, no_wait)
    assert report.pulled["removed"] == 1
    assert owners_of(store, acme.id) == []
    assert store.query_one("SELECT count(*) FROM activities")[0] == 1  # type: ignore[index]
    assert sync(store, hubspot, no_wait).pulled["removed"] == 0


def test_a_pass_stopped_half_way_resumes_and_applies_no_page_twice(
    store: Store, me: object, hubspot: Fake, no_wait: Policy
) -> None:
    fake = hubspot[0]
    for number in range(250):
        fake.add_company(f"Company {number:03}", fake.owners[0]["id"])
    connect(store, hubspot, no_wait)
    # the first page answers, then every try of the second one fails
    fake.fail("companies/search", 503, times=no_wait.attempts, skip=1)
    with pytest.raises(CrmUnavailable):
        sync(store, hubspot, no_wait)
    assert store.query_one("SELECT count(*) FROM accounts")[0] == 200  # type: ignore[index]
    sync(store, hubspot, no_wait)
    assert store.query_one("SELECT count(*) FROM accounts")[0] == 250  # type: ignore[index]
    inserts = store.query_one(
        "SELECT count(*) FROM journal WHERE table_name = 'accounts' AND operation = 'insert'"
    )
    assert inserts[0] == 250  # type: ignore[index]


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("renewal_date=contract_end", "HubSpot has no field contract_end"),
        ("renewal_date=tier", "tier is a enumeration field"),
        ("health_score=name", "name is a string field"),
        ("renewal=contract_end_date", "csm-tui has no field renewal"),
    ],
)
def test_a_mapping_to_a_missing_or_mistyped_field_is_refused_by_name(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, option: str, message: str
) -> None:
    fake, url = hubspot
    with pytest.raises(MappingError, match=message.replace("HubSpot", "hubspot")):
        crm.connect(store, "hubspot", fake.token, url=url, map_options=(option,), policy=no_wait)
    assert crm.connection(store) == {}


def test_429_waits_retry_after_or_ten_seconds_and_daily_stops_the_pass(
    store: Store, me: object, hubspot: Fake, no_wait: Policy
) -> None:
    fake = hubspot[0]
    seed(fake)
    connect(store, hubspot, no_wait)
    fake.fail("companies/search", 429, retry_after="3")
    fake.fail("contacts/batch/read", 429)
    sync(store, hubspot, no_wait)
    waits = no_wait.waits  # type: ignore[attr-defined]
    assert waits[0] == 3.0 and 10.0 <= waits[1] <= 11.0
    assert store.query_one("SELECT count(*) FROM accounts")[0] == 2  # type: ignore[index]
    later(fake)
    fake.fail("companies/search", 429, policy="DAILY")
    with pytest.raises(CrmLimitReached):
        sync(store, hubspot, no_wait)
    assert "limit" in crm.status(store)["last_pass"]["error"]


def test_5xx_and_timeouts_are_retried(
    store: Store, me: object, hubspot: Fake, no_wait: Policy
) -> None:
    fake = hubspot[0]
    ids = seed(fake)
    connect(store, hubspot, no_wait)
    fake.fail("companies/search", 502, times=2)
    sync(store, hubspot, no_wait)
    assert find_account_by_external_id(store, ids["acme"]) is not None
    assert fake.requests["POST /crm/v3/objects/companies/search"] == 3


def test_401_says_what_to_do_and_changes_nothing(
    store: Store, me: object, hubspot: Fake, no_wait: Policy
) -> None:
    fake = hubspot[0]
    seed(fake)
    connect(store, hubspot, no_wait)
    with pytest.raises(CrmAuthError, match="crm connect hubspot"):
        crm.sync(store, "pat-na1-revoked", policy=no_wait)
    assert store.query_one("SELECT count(*) FROM accounts")[0] == 0  # type: ignore[index]
    assert "refused the credential" in crm.status(store)["last_pass"]["error"]


@pytest.mark.parametrize("raw", ["<html>oops</html>", '{"results": "nope"}', '{"total": 3}'])
def test_a_malformed_reply_is_reported_and_nothing_is_applied(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, raw: str
) -> None:
    fake = hubspot[0]
    seed(fake)
    connect(store, hubspot, no_wait)
    fake.fail("companies/search", 200, raw=raw)
    with pytest.raises(CrmBadReply):
        sync(store, hubspot, no_wait)
    assert store.query_one("SELECT count(*) FROM accounts")[0] == 0  # type: ignore[index]
    assert store.query_one("SELECT count(*) FROM crm_state WHERE key LIKE 'cursor.%'")[0] == 0  # type: ignore[index]
    sync(store, hubspot, no_wait)
    assert store.query_one("SELECT count(*) FROM accounts")[0] == 2  # type: ignore[index]


def test_a_csv_imported_account_is_linked_not_duplicated(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, clock: FixedClock
) -> None:
    from csm_tui.models.account import Account
    from csm_tui.services.accounts import create_account

    create_account(store, Account(name="Acme"), primary_owner=AOI)
    ids = seed(hubspot[0])
    connect(store, hubspot, no_wait)
    sync(store, hubspot, no_wait)
    assert store.query_one("SELECT count(*) FROM accounts WHERE name = 'Acme'")[0] == 1  # type: ignore[index]
    assert find_account_by_external_id(store, ids["acme"]) is not None


def test_a_spent_ten_second_budget_is_waited_out_before_the_next_request(
    store: Store, me: object, hubspot: Fake, no_wait: Policy
) -> None:
    fake = hubspot[0]
    seed(fake)
    connect(store, hubspot, no_wait)
    fake.remaining = 0  # X-HubSpot-RateLimit-Remaining: 0 on every reply
    sync(store, hubspot, no_wait)
    waits = no_wait.waits  # type: ignore[attr-defined]
    assert waits and set(waits) == {10.0}  # X-HubSpot-RateLimit-Interval-Milliseconds
    assert store.query_one("SELECT count(*) FROM accounts")[0] == 2  # type: ignore[index]
