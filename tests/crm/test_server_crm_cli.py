"""`csm-tui server crm connect | sync | status` and `server run --crm-every` from the shell: the
credential never printed, a wrong secret refused, two servers running the schedule at once."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_run import run
from conftest import AOI, HUBSPOT_MAP
from fake_hubspot import FakeHubSpot
from server_crm_kit import KEN, ROOT, SECRET, account_id_of, add_users, log_on_server

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


def connect(server_url: str, hubspot: Fake, capsys: pytest.CaptureFixture[str]) -> str:
    fake, url = hubspot
    fake.add_company("Acme", fake.owners[0]["id"])
    fake.add_company("Sakura", fake.owners[1]["id"])
    fake.now_ms += 3_600_000
    maps = [arg for pair in HUBSPOT_MAP for arg in ("--map", pair)]
    argv = ["server", "crm", "connect", "hubspot", "--api-url", url, *maps]
    code, _out, err = run([*argv, "--database", server_url], capsys)
    assert code == 0, err
    return err


def test_connect_sync_status_never_show_the_credential(
    engine: Any,
    server_url: str,
    hubspot: Fake,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = hubspot[0]
    monkeypatch.setenv("CSM_TUI_CRM_TOKEN", fake.token)
    said = connect(server_url, hubspot, capsys)
    assert "2 server users are HubSpot users" in said and "contract_end_date" in said
    code, out, err = run(["server", "crm", "sync", "--database", server_url], capsys)
    assert code == 0, err
    assert "Pulled: 2 new" in err
    code, out, err = run(["server", "crm", "status", "--database", server_url], capsys)
    assert code == 0 and "hubspot at http://127.0.0.1" in out and "Last pass:" in out
    code, json_out, _err = run(
        ["server", "crm", "status", "--json", "--database", server_url], capsys
    )
    assert '"vendor": "hubspot"' in json_out
    assert fake.token not in said + out + err + json_out

    monkeypatch.setenv("CSM_TUI_SERVER_SECRET", "not the secret it was stored with")
    code, out, err = run(["server", "crm", "sync", "--database", server_url], capsys)
    assert code != 0 and "is not the secret the CRM credential was stored with" in err
    monkeypatch.delenv("CSM_TUI_SERVER_SECRET")
    monkeypatch.delenv("CSM_TUI_CRM_TOKEN")
    argv = ["server", "crm", "connect", "hubspot", "--database", server_url]
    code, out, err = run(argv, capsys)  # refused before the credential is asked for
    assert code != 0 and "Set CSM_TUI_SERVER_SECRET" in err


def server_process(server_url: str, log: Path, token: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CSM_TUI_SERVER_SECRET": SECRET, "CSM_TUI_CRM_TOKEN": token}
    argv = ["server", "run", "--port", "0", "--crm-every", "10s", "--database", server_url]
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "csm_tui", *argv], env=env, cwd=ROOT, stdout=out, stderr=out
        )


def test_two_servers_run_the_schedule_and_create_each_activity_once(
    engine: Any,
    server_url: str,
    hubspot: Fake,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    fake, _url = hubspot
    monkeypatch.setenv("CSM_TUI_CRM_TOKEN", fake.token)
    connect(server_url, hubspot, capsys)
    assert run(["server", "crm", "sync", "--database", server_url], capsys)[0] == 0
    acme = account_id_of(engine, next(iter(fake.companies)))
    logged = [log_on_server(engine, acme, AOI, note=f"call {n}") for n in range(12)]
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    servers = [server_process(server_url, log, fake.token) for log in logs]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            texts = [log.read_text() for log in logs]
            if len(fake.all_engagements()) >= 12 and all("CRM pass" in text for text in texts):
                break
            time.sleep(0.2)
        time.sleep(1)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(20)
    texts = [log.read_text() for log in logs]
    assert all("CRM pass every 10s" in text for text in texts), texts
    assert all(re.search(r"CRM pass (at|skipped)", text) for text in texts), texts
    bodies = [str(row["properties"]) for row in fake.all_engagements()]
    for activity in logged:
        assert sum(f"csmtui{activity}" in body for body in bodies) == 1
    assert len(bodies) == 12
    assert fake.token not in "".join(texts)
