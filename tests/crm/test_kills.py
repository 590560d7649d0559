"""kill -9 of `csm-tui crm sync` at random points of a pull, and between Salesforce's answer to a
create and the local commit: afterwards the book equals the CRM, and every activity exists
exactly once in the CRM."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from conftest import AOI, HUBSPOT_MAP
from fake_hubspot import FakeHubSpot
from fake_salesforce import FakeSalesforce

from csm_tui.clock import FixedClock
from csm_tui.crm.http import Policy
from csm_tui.services import crm
from csm_tui.services.activities import log_activity
from csm_tui.store.accounts import find_account_by_external_id
from csm_tui.store.connection import Store, open_store


def sync_process(path: Path, token: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CSM_TUI_CRM_TOKEN": token}
    return subprocess.Popen(
        [sys.executable, "-m", "csm_tui", "--db", str(path), "crm", "sync"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_after(proc: subprocess.Popen[bytes], fake: Any, requests: int) -> bool:
    """SIGKILL once the stand-in has answered `requests` more requests; False if it ended."""
    target = sum(fake.requests.values()) + requests
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if sum(fake.requests.values()) >= target:
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
            return True
        time.sleep(0.002)
    proc.wait(60)
    return False


def count(store: Store, sql: str) -> int:
    row = store.query_one(sql)
    assert row is not None
    return int(row[0])


def test_a_pull_killed_at_random_points_ends_equal_to_the_crm(
    store: Store, me: object, hubspot: tuple[FakeHubSpot, str], no_wait: Policy
) -> None:
    fake, url = hubspot
    for number in range(450):
        crm_id = fake.add_company(f"Company {number:03}", fake.owners[0]["id"], health="50")
        fake.add_contact(crm_id, "A", f"{number}", f"a{number}@example.com")
        fake.add_contact(crm_id, "B", f"{number}", f"b{number}@example.com")
    crm.connect(store, "hubspot", fake.token, url=url, map_options=HUBSPOT_MAP, policy=no_wait)
    path = store.path
    store.close()
    chance = random.Random(12)
    kills = 0
    for _run in range(6):
        if not kill_after(sync_process(path, fake.token), fake, chance.randint(1, 12)):
            break
        kills += 1
    assert kills >= 1
    with open_store(path) as again:
        crm.sync(again, fake.token, policy=no_wait)
        assert count(again, "SELECT count(*) FROM accounts") == 450
        inserts = "SELECT count(*) FROM journal WHERE table_name = '{}' AND operation = 'insert'"
        assert count(again, inserts.format("accounts")) == 450  # no page applied twice
        assert count(again, "SELECT count(*) FROM contacts") == 900
        assert count(again, inserts.format("contacts")) == 900
        assert count(again, "SELECT count(*) FROM owners WHERE user_email = '" + AOI + "'") == 450


def test_salesforce_kill_9_between_the_answer_and_the_commit(
    store: Store,
    me: object,
    salesforce: tuple[FakeSalesforce, str],
    no_wait: Policy,
    clock: FixedClock,
) -> None:
    fake, url = salesforce
    acme = fake.add("Account", Name="Acme", OwnerId=fake.live("User")[0]["Id"])
    crm.connect(store, "salesforce", fake.token, url=url, policy=no_wait)
    crm.sync(store, fake.token, policy=no_wait)
    account = find_account_by_external_id(store, acme)
    assert account is not None
    log_activity(store, account.id, 30, clock.now())
    path = store.path
    store.close()
    fake.hold_creates = True
    proc = sync_process(path, fake.token)
    try:
        assert fake.created.wait(60), "the create never reached the stand-in"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    fake.hold_creates = False
    fake.released.set()
    with open_store(path) as again:
        report = crm.sync(again, fake.token, policy=no_wait)
        assert (report.pushed["found"], report.pushed["created"]) == (1, 0)
    assert len(fake.live("Task")) == 1
