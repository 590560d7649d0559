"""Salesforce OAuth on the solo client: a refresh token (or client credentials) instead of a
bare access token, against the stand-in's token endpoint over HTTP. A session expiring in the
middle of a pass costs one refresh and the pass completes; a revoked refresh token ends the
pass with what to do and applies nothing; no secret and no access token is ever written to the
book, the keyring beyond the secrets typed in, the status or the log."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_run import run
from conftest import AOI
from fake_salesforce import FakeSalesforce
from fake_sf_oauth import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeOAuth
from memory_keyring import MemoryKeyring
from test_salesforce import seed

from csm_tui.crm.errors import CrmAuthError
from csm_tui.crm.http import Policy
from csm_tui.crm.sf_oauth import OAuthLogin, forget_tokens
from csm_tui.i18n import set_language
from csm_tui.services import crm
from csm_tui.services.identity import set_me
from csm_tui.store.accounts import find_account_by_external_id
from csm_tui.store.connection import Store, open_store

Fake = tuple[FakeSalesforce, str]
LOGIN = OAuthLogin("refresh_token", CLIENT_ID, REFRESH_TOKEN, CLIENT_SECRET)


@pytest.fixture
def oauth(salesforce: Fake) -> Iterator[FakeOAuth]:
    fake = salesforce[0]
    fake.oauth = FakeOAuth()
    fake.token = "no bare token in these tests"
    forget_tokens()
    yield fake.oauth
    forget_tokens()


def secrets_of(oauth: FakeOAuth) -> list[str]:
    return [REFRESH_TOKEN, CLIENT_SECRET, *oauth.issued]


def test_a_session_expiring_mid_pass_is_renewed_once_and_the_pass_completes(
    store: Store,
    me: object,
    salesforce: Fake,
    oauth: FakeOAuth,
    no_wait: Policy,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake, url = salesforce
    seed(fake)
    for number in range(6):
        fake.add("Account", Name=f"Mine {number}", OwnerId=fake.live("User")[0]["Id"])
    fake.batch_size = 2
    crm.connect(store, "salesforce", LOGIN, url=url, policy=no_wait)
    assert oauth.grants == {"refresh_token": 1}
    oauth.expire_after(3)  # the session ends after three more requests: mid-way through accounts
    report = crm.sync(store, LOGIN, policy=no_wait)
    assert report.error == "" and report.pulled["new"] == 8
    assert report.requests["token"] == 1  # one refresh in the pass
    assert oauth.grants == {"refresh_token": 2}
    assert fake.requests["POST /services/oauth2/token"] == 2
    # the next pass reuses the new session (kept in memory): no token request
    fake.now_ms += 600_000
    again = crm.sync(store, LOGIN, policy=no_wait)
    assert again.requests == {"accounts": 1, "contacts": 1, "deleted": 1}
    status = repr(crm.status(store))
    assert "refresh_token" in status and CLIENT_ID in status  # the grant, the client id
    book = Path(store.path)
    store.close()
    files = b"".join(f.read_bytes() for f in book.parent.glob(book.name + "*"))
    for secret in secrets_of(oauth):
        assert secret.encode() not in files
        assert secret not in caplog.text and secret not in status
    assert "oauth2/token" in caplog.text  # httpx logged the requests, never a secret


def test_a_revoked_refresh_token_applies_nothing_and_says_what_to_do(
    store: Store, me: object, salesforce: Fake, oauth: FakeOAuth, no_wait: Policy
) -> None:
    fake, url = salesforce
    ids = seed(fake)
    crm.connect(store, "salesforce", LOGIN, url=url, policy=no_wait)
    crm.sync(store, LOGIN, policy=no_wait)
    fake.now_ms += 600_000
    fake.set("Account", ids["acme"], Name="Acme Holdings")
    oauth.revoke(REFRESH_TOKEN)
    with pytest.raises(CrmAuthError) as refused:
        crm.sync(store, LOGIN, policy=no_wait)
    message = str(refused.value)
    assert "expired access/refresh token" in message and "new refresh token" in message
    assert "--client-id" in message
    assert REFRESH_TOKEN not in message
    acme = find_account_by_external_id(store, ids["acme"])
    assert acme is not None and acme.name == "Acme"  # nothing applied
    assert crm.status(store)["last_pass"]["error"] == message
    set_language("ja")
    try:
        with pytest.raises(CrmAuthError, match="リフレッシュトークン"):
            crm.sync(store, LOGIN, policy=no_wait)
    finally:
        set_language("en")
    oauth.refresh_tokens.add("5Aep861fakeRefreshToken.BBBB.two")
    renewed = OAuthLogin("refresh_token", CLIENT_ID, "5Aep861fakeRefreshToken.BBBB.two", "")
    oauth.secret_required = False  # a connected app without a secret for this flow
    crm.connect(store, "salesforce", renewed, url=url, policy=no_wait)
    report = crm.sync(store, renewed, policy=no_wait)
    assert report.pulled["updated"] == 1
    acme = find_account_by_external_id(store, ids["acme"])
    assert acme is not None and acme.name == "Acme Holdings"


def test_client_credentials_flow(
    store: Store, me: object, salesforce: Fake, oauth: FakeOAuth, no_wait: Policy
) -> None:
    fake, url = salesforce
    seed(fake)
    login = OAuthLogin("client_credentials", CLIENT_ID, "", CLIENT_SECRET)
    with pytest.raises(CrmAuthError, match="Run As user"):
        crm.connect(store, "salesforce", login, url=url, policy=no_wait)
    oauth.run_as = fake.live("User")[0]["Id"]
    crm.connect(store, "salesforce", login, url=url, policy=no_wait)
    assert crm.sync(store, login, policy=no_wait).pulled["new"] == 2
    assert oauth.grants["client_credentials"] == 2
    wrong = OAuthLogin("client_credentials", CLIENT_ID, "", "not the secret")
    with pytest.raises(CrmAuthError, match="invalid client credentials"):
        crm.sync(store, wrong, policy=no_wait)


def test_the_cli_connects_with_a_refresh_token_and_keeps_secrets_in_the_keyring(
    tmp_path: Path,
    salesforce: Fake,
    oauth: FakeOAuth,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = salesforce
    seed(fake)
    book = tmp_path / "book.db"
    with open_store(book) as store:
        set_me(store, "Aoi Tanaka", AOI)
    monkeypatch.delenv("CSM_TUI_CRM_TOKEN", raising=False)
    monkeypatch.delenv("CSM_TUI_CRM_CLIENT_SECRET", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{REFRESH_TOKEN}\n{CLIENT_SECRET}\n"))
    argv = ["--db", str(book), "crm", "connect", "salesforce", "--instance-url", url]
    code, out, err = run([*argv, "--client-id", CLIENT_ID], capsys)
    assert code == 0, err
    assert "Connected to Salesforce" in err
    kept = memory_keyring.saved[("csm-tui", f"crm:salesforce:{url}")]
    assert REFRESH_TOKEN in kept and CLIENT_SECRET in kept  # the secrets typed in, nothing else
    forget_tokens()  # a new process: no session in memory
    code, out, err = run(["--db", str(book), "crm", "sync"], capsys)
    assert code == 0, err
    assert "Pulled: 2 new" in err
    code, out, err = run(["--db", str(book), "crm", "status"], capsys)
    assert "OAuth refresh token" in out and CLIENT_ID in out
    text = out + err
    # the environment wins over the keyring, and what it gave is not kept
    monkeypatch.setenv("CSM_TUI_CRM_TOKEN", "5Aep861fakeRefreshToken.CCCC.env")
    monkeypatch.setenv("CSM_TUI_CRM_CLIENT_SECRET", CLIENT_SECRET)
    oauth.refresh_tokens.add("5Aep861fakeRefreshToken.CCCC.env")
    code, out, err = run([*argv, "--client-id", CLIENT_ID], capsys)
    assert code == 0, err
    assert memory_keyring.saved[("csm-tui", f"crm:salesforce:{url}")] == kept
    oauth.revoke("5Aep861fakeRefreshToken.CCCC.env")
    forget_tokens()
    code, out, err = run(["--db", str(book), "crm", "sync"], capsys)
    assert code == 1 and "new refresh token" in err
    text += out + err
    files = b"".join(f.read_bytes() for f in tmp_path.glob("book.db*"))
    for secret in [*secrets_of(oauth), "5Aep861fakeRefreshToken.CCCC.env"]:
        assert secret not in text and secret.encode() not in files


def test_a_rotated_refresh_token_replaces_the_kept_one(
    tmp_path: Path,
    salesforce: Fake,
    oauth: FakeOAuth,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """An app with refresh token rotation: every refresh voids the token used and gives a new
    one, which is kept in the keyring at once (at connect, and at each pass)."""
    fake, url = salesforce
    ids = seed(fake)
    oauth.rotate = True
    book = tmp_path / "book.db"
    with open_store(book) as store:
        set_me(store, "Aoi Tanaka", AOI)
    monkeypatch.delenv("CSM_TUI_CRM_TOKEN", raising=False)
    monkeypatch.setenv("CSM_TUI_CRM_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{REFRESH_TOKEN}\n"))
    argv = ["--db", str(book), "crm", "connect", "salesforce", "--instance-url", url]
    code, _out, err = run([*argv, "--client-id", CLIENT_ID], capsys)
    assert code == 0, err
    key = ("csm-tui", f"crm:salesforce:{url}")
    assert REFRESH_TOKEN not in oauth.refresh_tokens  # void now
    assert json.loads(memory_keyring.saved[key]) == {
        "token": next(iter(oauth.refresh_tokens)),
        "client_secret": "",  # it is in the environment
    }
    for name in ("Acme Holdings", "Acme Group"):  # two passes, two processes
        forget_tokens()
        fake.set("Account", ids["acme"], Name=name)
        fake.now_ms += 600_000
        code, _out, err = run(["--db", str(book), "crm", "sync"], capsys)
        assert code == 0, err
        assert json.loads(memory_keyring.saved[key])["token"] in oauth.refresh_tokens
    assert oauth.grants == {"refresh_token": 3}
    with open_store(book) as store:
        acme = find_account_by_external_id(store, ids["acme"])
        assert acme is not None and acme.name == "Acme Group"
