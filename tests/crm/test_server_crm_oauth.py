"""Salesforce OAuth on the team server (both databases): the refresh token and the client secret
are sealed in the database as one value, a session expiring mid-pass is renewed once, a revoked
refresh token fails the pass with what to do, and no secret or access token reaches the
database in plain text, the status, the CLI's output or the log."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_run import run
from conftest import AOI
from fake_salesforce import FakeSalesforce
from fake_sf_oauth import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeOAuth
from server_crm_kit import KEN, SECRET, account_id_of, add_users, live
from sqlalchemy import select

from csm_tui.crm.errors import CrmAuthError
from csm_tui.crm.http import Policy
from csm_tui.crm.sf_oauth import OAuthLogin, forget_tokens
from csm_tui.server import crm_pass
from csm_tui.server.crm_secret import unseal
from csm_tui.server.db import reading
from csm_tui.server.schema import crm_state

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from server_fixtures import engine_for, server_url

__all__ = ["server_url"]
Fake = tuple[FakeSalesforce, str]
LOGIN = OAuthLogin("refresh_token", CLIENT_ID, REFRESH_TOKEN, CLIENT_SECRET)


@pytest.fixture
def engine(server_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("CSM_TUI_SERVER_SECRET", SECRET)
    monkeypatch.delenv("CSM_TUI_CRM_TOKEN", raising=False)
    monkeypatch.delenv("CSM_TUI_CRM_CLIENT_SECRET", raising=False)
    engine = engine_for(server_url)
    add_users(engine, AOI, KEN)
    forget_tokens()
    yield engine
    forget_tokens()
    engine.dispose()


@pytest.fixture
def oauth(salesforce: Fake) -> FakeOAuth:
    fake = salesforce[0]
    fake.oauth = made = FakeOAuth()
    fake.token = "no bare token in these tests"
    return made


def seeded(fake: FakeSalesforce) -> dict[str, str]:
    aoi, ken = fake.live("User")[0]["Id"], fake.live("User")[1]["Id"]
    ids = {f"aoi{n}": fake.add("Account", Name=f"Aoi {n}", OwnerId=aoi) for n in range(4)}
    ids |= {f"ken{n}": fake.add("Account", Name=f"Ken {n}", OwnerId=ken) for n in range(3)}
    fake.now_ms += 3_600_000
    return ids


def stored_text(engine: Any, server_url: str) -> str:
    with reading(engine) as conn:
        stored = dict(conn.execute(select(crm_state.c.key, crm_state.c.value)).all())
    text = json.dumps(stored)
    if server_url.startswith("sqlite"):
        engine.dispose()
        path = Path(server_url.removeprefix("sqlite:///"))
        for file in path.parent.glob(path.name + "*"):  # the database, its WAL
            text += file.read_bytes().decode("latin-1")
    return text


def test_server_pass_with_a_refresh_token(
    engine: Any,
    server_url: str,
    salesforce: Fake,
    oauth: FakeOAuth,
    no_wait: Policy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake, url = salesforce
    ids = seeded(fake)
    fake.batch_size = 2
    crm_pass.connect(engine, "salesforce", LOGIN, url=url, policy=no_wait)
    oauth.expire_after(2)
    report = crm_pass.sync_pass(engine, policy=no_wait)
    assert report is not None and report.error == "" and report.pulled["new"] == 7
    assert report.requests["token"] == 1 and oauth.grants == {"refresh_token": 2}
    status = crm_pass.status(engine)
    assert status["auth"] == {"grant": "refresh_token", "client_id": CLIENT_ID}
    # revoked: the pass fails with what to do, nothing of the CRM's change is applied
    fake.now_ms += 600_000
    fake.set("Account", ids["aoi0"], Name="Aoi zero renamed")
    oauth.revoke(REFRESH_TOKEN)
    forget_tokens()
    with pytest.raises(CrmAuthError, match="new refresh token") as refused:
        crm_pass.sync_pass(engine, policy=no_wait)
    assert "server crm connect salesforce" in str(refused.value)
    account = account_id_of(engine, ids["aoi0"])
    assert [a["name"] for a in live(engine, "accounts") if a["id"] == account] == ["Aoi 0"]
    assert crm_pass.status(engine)["last_error"]["error"] == str(refused.value)
    # connected again with a new refresh token: the next pass applies the change
    oauth.refresh_tokens.add("5Aep861fakeRefreshToken.DDDD.new")
    renewed = OAuthLogin("refresh_token", CLIENT_ID, "5Aep861fakeRefreshToken.DDDD.new", "")
    oauth.secret_required = False
    crm_pass.connect(engine, "salesforce", renewed, url=url, policy=no_wait)
    again = crm_pass.sync_pass(engine, policy=no_wait)
    assert again is not None and again.pulled["updated"] == 1
    assert [a["name"] for a in live(engine, "accounts") if a["id"] == account] == [
        "Aoi zero renamed"
    ]
    text = stored_text(engine, server_url) + json.dumps(crm_pass.status(engine)) + caplog.text
    for secret in [REFRESH_TOKEN, CLIENT_SECRET, renewed.refresh_token, *oauth.issued]:
        assert secret not in text
    assert "CRM pass" in caplog.text


def test_server_cli_connect_with_client_credentials(
    engine: Any,
    server_url: str,
    salesforce: Fake,
    oauth: FakeOAuth,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = salesforce
    seeded(fake)
    oauth.run_as = fake.live("User")[0]["Id"]
    monkeypatch.setattr("sys.stdin", io.StringIO(CLIENT_SECRET + "\n"))
    argv = ["server", "crm", "connect", "salesforce", "--database", server_url]
    argv += ["--instance-url", url, "--client-id", CLIENT_ID, "--grant", "client-credentials"]
    code, out, err = run(argv, capsys)
    assert code == 0, err
    assert "Connected to Salesforce" in err
    forget_tokens()
    code, out, err = run(["server", "crm", "sync", "--database", server_url], capsys)
    assert code == 0, err
    assert "7 new" in err
    code, out, err = run(["server", "crm", "status", "--database", server_url], capsys)
    assert "OAuth client credentials" in out
    text = out + err + stored_text(engine, server_url)
    for secret in [CLIENT_SECRET, *oauth.issued]:
        assert secret not in text


def test_server_keeps_a_rotated_refresh_token_sealed(
    engine: Any, server_url: str, salesforce: Fake, oauth: FakeOAuth, no_wait: Policy
) -> None:
    fake, url = salesforce
    seeded(fake)
    oauth.rotate = True
    crm_pass.connect(engine, "salesforce", LOGIN, url=url, policy=no_wait)
    for _ in range(2):  # each pass in a process of its own: a refresh, a new refresh token
        forget_tokens()
        fake.now_ms += 600_000
        report = crm_pass.sync_pass(engine, policy=no_wait)
        assert report is not None and report.error == ""
    assert oauth.grants == {"refresh_token": 3}
    with reading(engine) as conn:
        sealed = json.loads(
            conn.execute(select(crm_state.c.value).where(crm_state.c.key == "credential")).scalar()
        )
    login = OAuthLogin.from_sealed(unseal(sealed, SECRET))
    assert login is not None and login.refresh_token in oauth.refresh_tokens
    assert login.client_secret == CLIENT_SECRET
    text = stored_text(engine, server_url)
    assert login.refresh_token not in text and REFRESH_TOKEN not in text
