"""The team server's CRM connector on both server databases: the encrypted credential, a pass
that writes the team's accounts the way `server import-accounts` does (so they reach devices
through the feeds) and pushes every activity that reached the server exactly once, the lease."""

from __future__ import annotations

import json
import logging
import sys
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
    owners_of,
)
from sqlalchemy import select

from csm_tui.crm.http import Policy
from csm_tui.errors import CsmError
from csm_tui.server import crm_pass
from csm_tui.server.crm_lock import LeaseLost, claim
from csm_tui.server.crm_secret import SecretError
from csm_tui.server.db import reading
from csm_tui.server.schema import crm_state

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from server_fixtures import engine_for, server_url

__all__ = ["server_url"]
Fake = tuple[FakeHubSpot, str]


@pytest.fixture
def engine(server_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("CSM_TUI_SERVER_SECRET", SECRET)
    monkeypatch.delenv("CSM_TUI_CRM_TOKEN", raising=False)
    engine = engine_for(server_url)
    add_users(engine, AOI, KEN)
    yield engine
    engine.dispose()


def connected(engine: Any, hubspot: Fake, policy: Policy) -> dict[str, str]:
    """Aoi owns Acme, Ken owns Sakura, Zoe (no server user) owns Other; connect."""
    fake, url = hubspot
    aoi, ken = fake.owners[0]["id"], fake.owners[1]["id"]
    zoe = fake.add_owner("zoe@example.com", "Zoe", "Ito")
    acme = fake.add_company("Acme", aoi, health="70", tier="Enterprise")
    fake.add_contact(acme, "Mika", "Ono", "mika@acme.example", title="CTO")
    sakura = fake.add_company("Sakura", ken)
    other = fake.add_company("Other", zoe)
    fake.now_ms += 3_600_000  # the records were last changed an hour before the first pass
    crm_pass.connect(engine, "hubspot", fake.token, url=url, map_options=HUBSPOT_MAP, policy=policy)
    return {"acme": acme, "sakura": sakura, "other": other, "ken": ken, "zoe": zoe}


def test_the_credential_is_stored_encrypted_and_never_logged(
    engine: Any,
    server_url: str,
    hubspot: Fake,
    no_wait: Policy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = hubspot[0]
    fake.token = "pat-na1-" + "s3cr3t" * 6
    caplog.set_level(logging.DEBUG)
    connected(engine, hubspot, no_wait)
    report = crm_pass.sync_pass(engine, policy=no_wait)
    assert report is not None and report.pulled["new"] == 2
    with reading(engine) as conn:
        stored = dict(conn.execute(select(crm_state.c.key, crm_state.c.value)).all())
    assert fake.token not in json.dumps(stored)
    assert set(json.loads(stored["credential"])) == {"salt", "token"}
    if server_url.startswith("sqlite"):
        engine.dispose()
        path = Path(server_url.removeprefix("sqlite:///"))
        for file in path.parent.glob(path.name + "*"):  # the database, its WAL
            assert fake.token.encode() not in file.read_bytes()
    assert fake.token not in caplog.text
    assert "CRM pass" in caplog.text


def test_a_missing_or_wrong_secret_is_refused(
    engine: Any, hubspot: Fake, no_wait: Policy, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, url = hubspot
    monkeypatch.delenv("CSM_TUI_SERVER_SECRET")
    with pytest.raises(SecretError, match="Set CSM_TUI_SERVER_SECRET"):
        crm_pass.connect(engine, "hubspot", fake.token, url=url, policy=no_wait)
    monkeypatch.setenv("CSM_TUI_SERVER_SECRET", SECRET)
    connected(engine, hubspot, no_wait)
    monkeypatch.setenv("CSM_TUI_SERVER_SECRET", "another secret of enough length")
    with pytest.raises(SecretError, match="is not the secret the CRM credential was stored"):
        crm_pass.sync_pass(engine, policy=no_wait)
    monkeypatch.delenv("CSM_TUI_SERVER_SECRET")
    with pytest.raises(SecretError):
        crm_pass.sync_pass(engine, policy=no_wait)
    assert sum(fake.requests.values()) == 2  # connect's; no pass reached the CRM


def test_a_pass_writes_the_teams_accounts_like_the_import_and_pushes_once(
    engine: Any, hubspot: Fake, no_wait: Policy
) -> None:
    fake = hubspot[0]
    ids = connected(engine, hubspot, no_wait)
    first = crm_pass.sync_pass(engine, policy=no_wait)
    assert first is not None
    assert (first.pulled["new"], first.pulled["contacts"]) == (2, 1)
    acme, sakura = account_id_of(engine, ids["acme"]), account_id_of(engine, ids["sakura"])
    assert owners_of(engine, acme) == {(AOI, "primary")}
    assert owners_of(engine, sakura) == {(KEN, "primary")}
    (account,) = [row for row in live(engine, "accounts") if row["id"] == acme]
    assert (account["health_score"], account["segment"]) == (70, "Enterprise")
    assert {row["name"] for row in live(engine, "accounts")} == {"Acme", "Sakura"}  # not Other
    (contact,) = live(engine, "contacts", acme)
    assert (contact["name"], contact["role"]) == ("Mika Ono", "CTO")
    assert live(engine, "checklist_items", acme)  # new accounts get their roadmap, as imported

    one = log_on_server(engine, acme, AOI, note="kickoff")
    two = log_on_server(engine, sakura, KEN)
    log_on_server(engine, sakura, "someone@example.com")  # not a CRM user: failed, reported
    second = crm_pass.sync_pass(engine, policy=no_wait)
    assert second is not None
    assert second.pushed["created"] == 2 and len(second.pushed["failed"]) == 1
    made = fake.all_engagements()
    assert len(made) == 2
    assert any(f"csmtui{one}" in json.dumps(row) for row in made)
    assert any(f"csmtui{two}" in json.dumps(row) for row in made)

    fake.now_ms += 600_000
    before = sum(fake.requests.values())
    third = crm_pass.sync_pass(engine, policy=no_wait)
    assert third is not None and third.pushed["created"] == 0
    assert len(fake.all_engagements()) == 2
    assert sum(fake.requests.values()) - before == 3  # nothing new: one request per object type

    # the CRM moves Sakura to Zoe (no server user): Ken loses it, as with import-accounts
    fake.now_ms += 60_000
    fake.set_company(ids["sakura"], hubspot_owner_id=ids["zoe"])
    moved = crm_pass.sync_pass(engine, policy=no_wait)
    assert moved is not None and moved.pulled["moved"] == 1
    assert owners_of(engine, sakura) == {("zoe@example.com", "primary")}

    state = crm_pass.status(engine)
    assert state["vendor"] == "hubspot" and state["links"] == {"failed": 1, "sent": 2}
    assert state["last_pass"]["pulled"]["moved"] == 1 and state["running"] is None


def test_a_pass_error_is_kept_for_status(engine: Any, hubspot: Fake, no_wait: Policy) -> None:
    fake = hubspot[0]
    connected(engine, hubspot, no_wait)
    fake.fail("search", 400, times=50, category="VALIDATION_ERROR")
    with pytest.raises(CsmError):
        crm_pass.sync_pass(engine, policy=no_wait)
    state = crm_pass.status(engine)
    assert state["last_error"]["error"] and state["last_pass"]["error"]
    fake.faults.clear()
    assert crm_pass.sync_pass(engine, policy=no_wait) is not None
    assert crm_pass.status(engine)["last_pass"]["error"] == ""
    assert crm_pass.status(engine)["last_error"]["error"]  # the last error stays visible


def test_one_pass_at_a_time_and_a_stale_pass_is_fenced_off(engine: Any) -> None:
    with claim(engine, "one") as first:
        assert first is not None
        with claim(engine, "two") as second:
            assert second is None
    if engine.dialect.name == "sqlite":  # a lease that expired (its pass was killed) is taken
        with claim(engine, "old", ttl=-1) as old:
            assert old is not None
            with claim(engine, "new") as new:
                assert new is not None
                with pytest.raises(LeaseLost), engine.begin() as conn:
                    old.guard(conn)
