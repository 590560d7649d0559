"""Server CRM passes in real processes, on both server databases: two processes running passes
at once against the stand-in (one pass at a time, each activity created once in the CRM), and a
pass killed with SIGKILL between the CRM's answer and the commit."""

from __future__ import annotations

import itertools
import json
import random
import re
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import AOI, HUBSPOT_MAP
from fake_hubspot import FakeHubSpot
from server_crm_kit import (
    KEN,
    SECRET,
    account_id_of,
    add_users,
    live,
    log_on_server,
    pass_process,
    passes,
    wait_all,
)

from csm_tui.crm.http import Policy
from csm_tui.server import crm_pass

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from server_fixtures import engine_for, server_url

__all__ = ["server_url"]
Fake = tuple[FakeHubSpot, str]


@pytest.fixture
def engine(server_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("CSM_TUI_SERVER_SECRET", SECRET)
    engine = engine_for(server_url)
    add_users(engine, AOI, KEN)
    yield engine
    engine.dispose()


def linked_team(engine: Any, hubspot: Fake, policy: Policy, companies: int) -> list[str]:
    """`companies` companies, half Aoi's and half Ken's, pulled once; their account ids."""
    fake, url = hubspot
    owners = [fake.owners[0]["id"], fake.owners[1]["id"]]
    crm_ids = [
        fake.add_company(f"Company {number:03}", owners[number % 2], health="60")
        for number in range(companies)
    ]
    for crm_id in crm_ids[:20]:
        fake.add_contact(crm_id, "Kei", crm_id, f"kei{crm_id}@example.com")
    fake.now_ms += 3_600_000
    crm_pass.connect(engine, "hubspot", fake.token, url=url, map_options=HUBSPOT_MAP, policy=policy)
    assert crm_pass.sync_pass(engine, policy=policy) is not None
    return [account_id_of(engine, crm_id) for crm_id in crm_ids]


def markers(fake: FakeHubSpot) -> Counter[str]:
    """How many engagements carry each activity's marker."""
    found: Counter[str] = Counter()
    for row in fake.all_engagements():
        found.update(set(re.findall(r"csmtui[0-9a-z]+", json.dumps(row["properties"]))))
    return found


def test_two_server_processes_pass_one_at_a_time_and_create_each_activity_once(
    engine: Any, server_url: str, hubspot: Fake, no_wait: Policy, tmp_path: Path
) -> None:
    fake = hubspot[0]
    accounts = linked_team(engine, hubspot, no_wait, 240)
    logged = [
        log_on_server(engine, account, AOI if number % 2 == 0 else KEN, note=f"call {number}")
        for number, account in enumerate(accounts[:60])
    ]
    out = tmp_path / "passes.jsonl"
    more: list[str] = []

    def keep_logging() -> None:  # devices go on pushing work while the passes run
        for number, account in enumerate(accounts[60:90]):
            more.append(log_on_server(engine, account, AOI if number % 2 == 0 else KEN))

    first = pass_process(server_url, out, 4)
    second = pass_process(server_url, out, 4)
    logger = threading.Thread(target=keep_logging)
    logger.start()
    wait_all(first, second)
    logger.join()
    crm_pass.sync_pass(engine, policy=no_wait)  # whatever was logged after their last pass
    held = sorted(tuple(row["held"]) for row in passes(out) if "held" in row)
    ran = [row["ran"] for row in passes(out) if "ran" in row]
    assert len(held) == ran.count(True) >= 1
    for (_start, end), (start, _end) in itertools.pairwise(held):
        assert end <= start, "two passes overlapped"
    found = markers(fake)
    for activity in logged + more:
        assert found["csmtui" + activity] == 1, activity
    assert len(fake.all_engagements()) == 90
    print(f"{ran.count(True)} passes ran, {ran.count(False)} found another one running")


def test_a_server_pass_killed_after_the_crms_answer_creates_nothing_twice(
    engine: Any, server_url: str, hubspot: Fake, no_wait: Policy, tmp_path: Path
) -> None:
    fake = hubspot[0]
    accounts = linked_team(engine, hubspot, no_wait, 4)
    activity = log_on_server(engine, accounts[0], AOI)
    fake.hold_creates = True
    proc = pass_process(server_url, tmp_path / "passes.jsonl", 1)
    try:
        assert fake.created.wait(60), "the create never reached the stand-in"
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    fake.hold_creates = False
    fake.released.set()
    assert crm_pass.status(engine)["running"] is None  # the killed pass's lease does not count
    report = crm_pass.sync_pass(engine, policy=no_wait)  # the killed pass's lease is not in the way
    assert report is not None
    assert (report.pushed["found"], report.pushed["created"]) == (1, 0)
    assert markers(fake)["csmtui" + activity] == 1
    assert len(fake.all_engagements()) == 1
    assert crm_pass.status(engine)["links"] == {"sent": 1}


def test_a_server_pull_killed_at_random_points_ends_equal_to_the_crm(
    engine: Any, server_url: str, hubspot: Fake, no_wait: Policy, tmp_path: Path
) -> None:
    fake, url = hubspot
    owners = [fake.owners[0]["id"], fake.owners[1]["id"]]
    for number in range(300):
        crm_id = fake.add_company(f"Company {number:03}", owners[number % 2], health="50")
        fake.add_contact(crm_id, "A", f"{number}", f"a{number}@example.com")
        fake.add_contact(crm_id, "B", f"{number}", f"b{number}@example.com")
    fake.now_ms += 3_600_000
    crm_pass.connect(
        engine, "hubspot", fake.token, url=url, map_options=HUBSPOT_MAP, policy=no_wait
    )
    chance = random.Random(7)
    kills = 0
    for _run in range(5):
        proc = pass_process(server_url, tmp_path / "passes.jsonl", 1)
        target = sum(fake.requests.values()) + chance.randint(1, 10)
        while proc.poll() is None and sum(fake.requests.values()) < target:
            time.sleep(0.002)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(30)
    assert kills >= 1
    assert crm_pass.sync_pass(engine, policy=no_wait) is not None
    accounts = live(engine, "accounts")
    assert len(accounts) == 300 and len({row["external_id"] for row in accounts}) == 300
    assert len(live(engine, "contacts")) == 600
    owners_rows = live(engine, "owners")
    assert len(owners_rows) == 300 and {row["role"] for row in owners_rows} == {"primary"}
