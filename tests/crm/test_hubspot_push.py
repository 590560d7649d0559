"""Pushing logged work to HubSpot, exactly once: the real client over HTTP, and a real kill -9."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
from conftest import HUBSPOT_MAP
from fake_hubspot import FakeHubSpot

from csm_tui.clock import FixedClock
from csm_tui.crm.http import Policy
from csm_tui.models.activity import ActivityType, Outcome
from csm_tui.services import crm
from csm_tui.services.activities import delete_activity, edit_activity, log_activity
from csm_tui.store.accounts import find_account_by_external_id
from csm_tui.store.connection import Store, open_store

Fake = tuple[FakeHubSpot, str]


def connected(store: Store, hubspot: Fake, policy: Policy) -> str:
    """Connect, pull Acme; returns its account id."""
    fake, url = hubspot
    acme = fake.add_company("Acme", fake.owners[0]["id"])
    crm.connect(store, "hubspot", fake.token, url=url, map_options=HUBSPOT_MAP, policy=policy)
    crm.sync(store, fake.token, policy=policy)
    account = find_account_by_external_id(store, acme)
    assert account is not None
    return account.id


def test_each_activity_becomes_one_engagement_with_its_fields(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, clock: FixedClock
) -> None:
    fake = hubspot[0]
    account = connected(store, hubspot, no_wait)
    at = clock.now() - timedelta(hours=2)
    call = log_activity(
        store, account, 30, at, proactive=True, outcome=Outcome.RESOLVED, note="API limits"
    )
    log_activity(store, account, 60, at, type=ActivityType.MEETING, note="QBR")
    log_activity(store, account, 5, at, type=ActivityType.EMAIL)
    log_activity(store, account, 20, at, type=ActivityType.TRAINING, note="研修")
    report = crm.sync(store, fake.token, policy=no_wait)
    assert report.pushed["created"] == 4
    (made,) = fake.engagements["calls"].values()
    props = made["properties"]
    assert props["hs_call_duration"] == str(30 * 60_000)
    assert props["hs_timestamp"] == "2026-11-27T07:00:00Z"
    assert props["hubspot_owner_id"] == fake.owners[0]["id"]
    assert props["hs_call_status"] == "COMPLETED"
    assert "API limits" in props["hs_call_body"] and f"csmtui{call.id}" in props["hs_call_body"]
    assert props["hs_call_title"] == "Call, 30 min, proactive, outcome: resolved"
    company = next(iter(fake.companies))
    assert made["associations"] == [
        {
            "to": {"id": company},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 182}],
        }
    ]
    (meeting,) = fake.engagements["meetings"].values()
    assert meeting["properties"]["hs_meeting_start_time"] == "2026-11-27T07:00:00Z"
    assert meeting["properties"]["hs_meeting_end_time"] == "2026-11-27T08:00:00Z"
    assert len(fake.engagements["emails"]) == 1
    (note,) = fake.engagements["notes"].values()
    assert "研修" in note["properties"]["hs_note_body"]
    again = crm.sync(store, fake.token, policy=no_wait)
    assert again.pushed["created"] == 0 and len(fake.all_engagements()) == 4
    assert not {"create", "update", "look-up"} & set(again.requests)


def test_edits_and_deletions_follow_the_activity(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, clock: FixedClock
) -> None:
    fake = hubspot[0]
    account = connected(store, hubspot, no_wait)
    call = log_activity(store, account, 30, clock.now())
    crm.sync(store, fake.token, policy=no_wait)
    edit_activity(store, call.id, minutes=45, note="longer")
    report = crm.sync(store, fake.token, policy=no_wait)
    assert report.pushed["updated"] == 1
    (made,) = fake.engagements["calls"].values()
    assert made["properties"]["hs_call_duration"] == str(45 * 60_000)
    assert "longer" in made["properties"]["hs_call_body"]
    edit_activity(store, call.id, type=ActivityType.MEETING)  # another kind of engagement
    crm.sync(store, fake.token, policy=no_wait)
    assert made["archived"] and len(fake.engagements["meetings"]) == 1
    delete_activity(store, call.id)
    report = crm.sync(store, fake.token, policy=no_wait)
    assert report.pushed["deleted"] == 1
    assert all(row["archived"] for row in fake.all_engagements())


def test_work_logged_before_the_connection_waits_for_backfill(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, clock: FixedClock
) -> None:
    from csm_tui.models.account import Account
    from csm_tui.services.accounts import create_account

    fake, url = hubspot
    now = clock.at
    clock.at = now - timedelta(days=10)
    account = create_account(store, Account(name="Acme"), primary_owner="aoi.tanaka@example.com")
    log_activity(store, account.id, 30, clock.at)
    clock.at = now
    fake.add_company("Acme", fake.owners[0]["id"])
    crm.connect(store, "hubspot", fake.token, url=url, policy=no_wait)
    assert crm.sync(store, fake.token, policy=no_wait).pushed["created"] == 0
    report = crm.sync(store, fake.token, policy=no_wait, backfill_since="2026-11-01")
    assert report.pushed["created"] == 1 and len(fake.all_engagements()) == 1


def test_an_author_who_is_not_a_crm_user_is_reported_not_reassigned(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, clock: FixedClock
) -> None:
    fake = hubspot[0]
    account = connected(store, hubspot, no_wait)
    log_activity(store, account, 30, clock.now())
    store.conn.execute("UPDATE activities SET author_email = 'carol@example.com'")
    report = crm.sync(store, fake.token, policy=no_wait)
    assert report.pushed["failed"] == ["carol@example.com is not a user of hubspot"]
    assert fake.all_engagements() == []


def test_a_create_whose_answer_is_lost_is_looked_up_not_sent_again(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, clock: FixedClock
) -> None:
    fake = hubspot[0]
    account = connected(store, hubspot, no_wait)
    log_activity(store, account, 30, clock.now())
    fake.hold_creates = True  # HubSpot creates it, the answer comes too late
    impatient = Policy(sleep=lambda _s: None, timeout=httpx.Timeout(0.5))
    report = crm.sync(store, fake.token, policy=impatient)
    assert report.pushed["unknown"] == 1 and len(fake.all_engagements()) == 1
    assert store.query_one("SELECT state FROM crm_links")[0] == "sending"  # type: ignore[index]
    fake.hold_creates = False
    fake.released.set()
    report = crm.sync(store, fake.token, policy=no_wait)
    assert report.pushed["found"] == 1 and report.pushed["created"] == 0
    assert len(fake.all_engagements()) == 1
    assert store.query_one("SELECT state FROM crm_links")[0] == "sent"  # type: ignore[index]


def test_a_lost_create_hidden_by_search_lag_is_waited_for_not_sent_again(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, clock: FixedClock
) -> None:
    fake = hubspot[0]
    account = connected(store, hubspot, no_wait)
    log_activity(store, account, 30, clock.now())
    fake.hold_creates = True
    fake.search_lag_ms = 90_000  # HubSpot's search index has not seen it yet
    impatient = Policy(sleep=lambda _s: None, timeout=httpx.Timeout(0.5))
    assert crm.sync(store, fake.token, policy=impatient).pushed["unknown"] == 1
    fake.hold_creates = False
    fake.released.set()
    report = crm.sync(store, fake.token, policy=no_wait)
    assert (report.pushed["waiting"], report.pushed["created"]) == (1, 0)
    fake.now_ms += 120_000
    clock.at += timedelta(minutes=2)
    report = crm.sync(store, fake.token, policy=no_wait)
    assert (report.pushed["found"], report.pushed["created"]) == (1, 0)
    assert len(fake.all_engagements()) == 1


def test_a_create_refused_by_a_5xx_is_proven_absent_and_sent_once(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, clock: FixedClock
) -> None:
    fake = hubspot[0]
    account = connected(store, hubspot, no_wait)
    log_activity(store, account, 30, clock.now())
    fake.fail("POST /crm/v3/objects/calls", 503)
    assert crm.sync(store, fake.token, policy=no_wait).pushed["unknown"] == 1
    # not found at once: HubSpot's search may lag, so it is not concluded absent yet
    report = crm.sync(store, fake.token, policy=no_wait)
    assert (report.pushed["waiting"], report.pushed["created"]) == (1, 0)
    clock.at += timedelta(minutes=11)
    report = crm.sync(store, fake.token, policy=no_wait)
    assert (report.pushed["found"], report.pushed["created"]) == (0, 1)
    assert len(fake.all_engagements()) == 1


def test_kill_9_between_the_crms_answer_and_the_local_commit(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, clock: FixedClock, tmp_path: Path
) -> None:
    """`csm-tui crm sync` as a process, killed while HubSpot has created the call; the next
    pass finds the call by its marker and creates nothing."""
    fake = hubspot[0]
    account = connected(store, hubspot, no_wait)
    activity = log_activity(store, account, 30, clock.now())
    path = store.path
    store.close()
    fake.hold_creates = True
    env = {**os.environ, "CSM_TUI_CRM_TOKEN": fake.token}
    proc = subprocess.Popen(
        [sys.executable, "-m", "csm_tui", "--db", str(path), "crm", "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert fake.created.wait(60), "the create never reached the stand-in"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    fake.hold_creates = False
    fake.released.set()
    with open_store(path, clock=FixedClock(datetime.now().astimezone())) as again:
        link = again.query_one(
            "SELECT state, crm_id FROM crm_links WHERE activity_id = ?", (activity.id,)
        )
        assert link is not None and tuple(link) == ("sending", None)
        report = crm.sync(again, fake.token, policy=no_wait)
        assert report.pushed["found"] == 1 and report.pushed["created"] == 0
        assert len(fake.all_engagements()) == 1
        crm.sync(again, fake.token, policy=no_wait)
    assert len(fake.all_engagements()) == 1


@pytest.mark.parametrize("lost", [True, False])
def test_status_says_what_the_last_pass_did(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, clock: FixedClock, lost: bool
) -> None:
    fake = hubspot[0]
    account = connected(store, hubspot, no_wait)
    log_activity(store, account, 30, clock.now())
    if lost:
        fake.fail("POST /crm/v3/objects/calls", 500)
    crm.sync(store, fake.token, policy=no_wait)
    found = crm.status(store)
    assert found["links"] == ({"sending": 1} if lost else {"sent": 1})
    assert found["last_pass"]["pushed"]["unknown"] == (1 if lost else 0)
