"""Salesforce: pull and push with the real client over HTTP against the stand-in."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from conftest import AOI, SALESFORCE_MAP
from fake_salesforce import FakeSalesforce

from csm_tui.clock import FixedClock
from csm_tui.crm.errors import CrmAuthError, CrmBadReply, CrmLimitReached, MappingError
from csm_tui.crm.http import Policy
from csm_tui.models.activity import ActivityType
from csm_tui.services import crm
from csm_tui.services.activities import delete_activity, edit_activity, log_activity
from csm_tui.store.accounts import contacts_of, find_account_by_external_id, owners_of
from csm_tui.store.connection import Store

Fake = tuple[FakeSalesforce, str]


def seed(fake: FakeSalesforce) -> dict[str, str]:
    aoi, ken = fake.live("User")[0]["Id"], fake.live("User")[1]["Id"]
    acme = fake.add(
        "Account",
        Name="Acme",
        OwnerId=aoi,
        Renewal_Date__c="2027-03-31",
        ARR__c=1200000.0,
        CurrencyIsoCode="JPY",
        Health__c=72.4,
        Segment__c="Enterprise",
        CS_Stage__c="Adoption",
    )
    sakura = fake.add("Account", Name="株式会社サクラ精機", OwnerId=aoi, CurrencyIsoCode="USD")
    globex = fake.add("Account", Name="Globex", OwnerId=ken)
    fake.add(
        "Contact",
        AccountId=acme,
        FirstName="Hanako",
        LastName="Suzuki",
        Email="hanako@acme.example",
        Title="CTO",
        Phone="+81 3 1234 5678",
    )
    fake.add(
        "Contact",
        AccountId=acme,
        FirstName="Taro",
        LastName="Yamada",
        Email="taro@acme.example",
        Title="Admin",
    )
    fake.add("Contact", AccountId=globex, FirstName="X", LastName="Y", Email="x@globex.example")
    fake.now_ms += 3_600_000
    return {"acme": acme, "sakura": sakura, "globex": globex}


def connect(store: Store, salesforce: Fake, policy: Policy) -> None:
    fake, url = salesforce
    crm.connect(store, "salesforce", fake.token, url=url, map_options=SALESFORCE_MAP, policy=policy)


def sync(store: Store, salesforce: Fake, policy: Policy) -> crm.PassReport:
    return crm.sync(store, salesforce[0].token, policy=policy)


def test_first_pull_pages_by_next_records_url_and_maps_the_fields(
    store: Store, me: object, salesforce: Fake, no_wait: Policy
) -> None:
    fake = salesforce[0]
    ids = seed(fake)
    for number in range(5):
        fake.add("Account", Name=f"Mine {number}", OwnerId=fake.live("User")[0]["Id"])
    fake.batch_size = 2
    connect(store, salesforce, no_wait)
    report = sync(store, salesforce, no_wait)
    acme = find_account_by_external_id(store, ids["acme"])
    assert acme is not None
    assert (acme.renewal_date, acme.contract_value, acme.currency, acme.health_score) == (
        date(2027, 3, 31),
        Decimal("1200000.00"),
        "JPY",
        72,
    )
    assert (acme.segment, acme.stage) == ("Enterprise", "adoption")
    assert [o.user_email for o in owners_of(store, acme.id)] == [AOI]
    assert sorted(c.name for c in contacts_of(store, acme.id)) == ["Hanako Suzuki", "Taro Yamada"]
    assert find_account_by_external_id(store, ids["globex"]) is None
    assert report.pulled["new"] == 7
    assert report.requests["accounts"] == 4  # 7 rows, 2 a page


def test_nothing_new_is_one_request_per_object_type(
    store: Store, me: object, salesforce: Fake, no_wait: Policy
) -> None:
    seed(salesforce[0])
    connect(store, salesforce, no_wait)
    sync(store, salesforce, no_wait)
    salesforce[0].now_ms += 600_000
    report = sync(store, salesforce, no_wait)
    assert report.requests == {"accounts": 1, "contacts": 1, "deleted": 1}
    assert report.pulled["updated"] == report.pulled["new"] == 0


def test_changes_owner_moves_and_deletions(
    store: Store, me: object, salesforce: Fake, no_wait: Policy
) -> None:
    fake = salesforce[0]
    ids = seed(fake)
    connect(store, salesforce, no_wait)
    sync(store, salesforce, no_wait)
    fake.now_ms += 600_000
    aoi, ken = fake.live("User")[0]["Id"], fake.live("User")[1]["Id"]
    fake.set("Account", ids["acme"], Health__c=40)
    fake.set("Account", ids["sakura"], OwnerId=ken)
    fake.set("Account", ids["globex"], OwnerId=aoi)
    hanako = next(c["Id"] for c in fake.live("Contact") if c["FirstName"] == "Hanako")
    fake.set("Contact", hanako, Title="CEO")
    fake.add("Contact", AccountId=ids["acme"], FirstName="New", LastName="Person")
    report = sync(store, salesforce, no_wait)
    acme = find_account_by_external_id(store, ids["acme"])
    sakura = find_account_by_external_id(store, ids["sakura"])
    globex = find_account_by_external_id(store, ids["globex"])
    assert acme is not None and sakura is not None and globex is not None
    assert acme.health_score == 40
    assert "CEO" in {c.role for c in contacts_of(store, acme.id)}
    assert "New Person" in {c.name for c in contacts_of(store, acme.id)}
    assert [o.user_email for o in owners_of(store, sakura.id)] == ["ken.sato@example.com"]
    assert [c.name for c in contacts_of(store, globex.id)] == ["X Y"]
    assert (report.pulled["moved"], report.pulled["new"]) == (1, 1)
    fake.now_ms += 600_000
    fake.delete_record("Account", ids["acme"])
    fake.now_ms += 120_000
    assert sync(store, salesforce, no_wait).pulled["removed"] == 1
    assert owners_of(store, acme.id) == []


def test_mapping_refusals_name_the_field(
    store: Store, me: object, salesforce: Fake, no_wait: Policy
) -> None:
    fake, url = salesforce
    with pytest.raises(MappingError, match="Name is a string field"):
        crm.connect(
            store,
            "salesforce",
            fake.token,
            url=url,
            map_options=("health_score=Name",),
            policy=no_wait,
        )
    with pytest.raises(MappingError, match="salesforce has no field Renewal__c"):
        crm.connect(
            store,
            "salesforce",
            fake.token,
            url=url,
            map_options=("renewal_date=Renewal__c",),
            policy=no_wait,
        )


def test_limits_auth_and_malformed_replies(
    store: Store, me: object, salesforce: Fake, no_wait: Policy
) -> None:
    fake = salesforce[0]
    seed(fake)
    connect(store, salesforce, no_wait)
    fake.fail(
        "query",
        403,
        [{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}],
    )
    with pytest.raises(CrmLimitReached, match="TotalRequests"):
        sync(store, salesforce, no_wait)
    with pytest.raises(CrmAuthError, match="Session expired"):
        crm.sync(store, "expired", policy=no_wait)
    fake.fail("query", 200, '{"totalSize": 1, "records": [{"Name": "no id"}]}')
    with pytest.raises(CrmBadReply):
        sync(store, salesforce, no_wait)
    assert store.query_one("SELECT count(*) FROM accounts")[0] == 0  # type: ignore[index]
    fake.fail("query", 503, [{"message": "busy", "errorCode": "SERVER_UNAVAILABLE"}], times=2)
    sync(store, salesforce, no_wait)
    assert store.query_one("SELECT count(*) FROM accounts")[0] == 2  # type: ignore[index]


def test_push_tasks_and_events_exactly_once(
    store: Store, me: object, salesforce: Fake, no_wait: Policy, clock: FixedClock
) -> None:
    fake = salesforce[0]
    ids = seed(fake)
    connect(store, salesforce, no_wait)
    sync(store, salesforce, no_wait)
    acme = find_account_by_external_id(store, ids["acme"])
    assert acme is not None
    at = clock.now() - timedelta(hours=1)
    log_activity(store, acme.id, 60, at, type=ActivityType.MEETING)
    call = log_activity(store, acme.id, 30, at + timedelta(minutes=1), note="API limits")
    fake.fail(
        "POST /services/data/v60.0/sobjects/Event/", 500, [{"message": "x", "errorCode": "UNKNOWN"}]
    )
    first = sync(store, salesforce, no_wait)  # no answer: the rest waits for the next pass
    assert (first.pushed["created"], first.pushed["unknown"]) == (0, 1)
    second = sync(store, salesforce, no_wait)  # SOQL is consistent: absent means absent
    assert (second.pushed["found"], second.pushed["created"]) == (0, 2)
    (task,) = fake.live("Task")
    assert task["TaskSubtype"] == "Call" and task["Status"] == "Completed"
    assert task["CallDurationInSeconds"] == 1800 and task["WhatId"] == ids["acme"]
    assert task["OwnerId"] == fake.live("User")[0]["Id"]
    assert task["ActivityDate"] == "2026-11-27" and f"csmtui{call.id}" in task["Subject"]
    (event,) = fake.live("Event")
    assert event["StartDateTime"] == "2026-11-27T08:00:00.000Z"
    assert event["DurationInMinutes"] == 60
    edit_activity(store, call.id, minutes=45)
    assert sync(store, salesforce, no_wait).pushed["updated"] == 1
    assert fake.live("Task")[0]["CallDurationInSeconds"] == 2700
    delete_activity(store, call.id)
    assert sync(store, salesforce, no_wait).pushed["deleted"] == 1
    assert fake.live("Task") == []


def test_a_lost_answer_is_found_by_the_subject_marker(
    store: Store, me: object, salesforce: Fake, no_wait: Policy, clock: FixedClock
) -> None:
    import httpx

    fake = salesforce[0]
    ids = seed(fake)
    connect(store, salesforce, no_wait)
    sync(store, salesforce, no_wait)
    acme = find_account_by_external_id(store, ids["acme"])
    assert acme is not None
    log_activity(store, acme.id, 30, clock.now())
    fake.hold_creates = True
    report = crm.sync(
        store, fake.token, policy=Policy(sleep=lambda _s: None, timeout=httpx.Timeout(0.5))
    )
    assert report.pushed["unknown"] == 1
    fake.hold_creates = False
    fake.released.set()
    report = sync(store, salesforce, no_wait)
    assert (report.pushed["found"], report.pushed["created"]) == (1, 0)
    assert len(fake.live("Task")) == 1


def test_a_pass_stopped_between_pages_resumes_from_its_cursor(
    store: Store, me: object, salesforce: Fake, no_wait: Policy
) -> None:
    fake = salesforce[0]
    for number in range(7):
        fake.add("Account", Name=f"Mine {number}", OwnerId=fake.live("User")[0]["Id"])
    fake.now_ms += 3_600_000
    fake.batch_size = 2
    connect(store, salesforce, no_wait)
    # the first page answers, then the locator of the second keeps failing
    fake.fail(
        "/query/01g",
        503,
        [{"message": "busy", "errorCode": "SERVER_UNAVAILABLE"}],
        times=no_wait.attempts,
    )
    with pytest.raises(Exception, match="kept failing"):
        sync(store, salesforce, no_wait)
    assert store.query_one("SELECT count(*) FROM accounts")[0] == 2  # type: ignore[index]
    fake.locators.clear()  # the locator expired meanwhile: it asks again from the keyset
    sync(store, salesforce, no_wait)
    assert store.query_one("SELECT count(*) FROM accounts")[0] == 7  # type: ignore[index]
    inserts = store.query_one(
        "SELECT count(*) FROM journal WHERE table_name = 'accounts' AND operation = 'insert'"
    )
    assert inserts[0] == 7  # type: ignore[index]
