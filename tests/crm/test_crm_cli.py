"""`csm-tui crm connect | sync | status` as the shell runs them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cli_run import run
from fake_hubspot import FakeHubSpot
from memory_keyring import MemoryKeyring

from csm_tui.services.identity import set_me
from csm_tui.store.connection import open_store

Fake = tuple[FakeHubSpot, str]


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", "aoi.tanaka@example.com")
    return path


def test_connect_keeps_the_credential_in_the_keyring_only(
    book: Path,
    hubspot: Fake,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = hubspot
    fake.add_company("Acme", fake.owners[0]["id"], health="80")
    monkeypatch.delenv("CSM_TUI_CRM_TOKEN", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(fake.token + "\n"))
    code, out, err = run(
        [
            "--db",
            str(book),
            "crm",
            "connect",
            "hubspot",
            "--api-url",
            url,
            "--map",
            "health_score=health",
        ],
        capsys,
    )
    assert code == 0, err
    assert "contract_end_date" in out and "date" in out  # the fields it can map
    assert "Mapped: health_score = health" in out
    assert "Connected to HubSpot" in err
    assert memory_keyring.saved == {("csm-tui", f"crm:hubspot:{url}"): fake.token}
    code, out, err = run(["--db", str(book), "crm", "sync"], capsys)
    assert code == 0, err
    assert "Pulled: 1 new" in err
    code, out, err = run(["--db", str(book), "crm", "status"], capsys)
    assert "Last pass:" in out and "Pulled: 1 new" in out
    assert fake.token.encode() not in book.read_bytes()
    assert fake.token not in out + err


def test_a_refused_mapping_names_the_field_and_keeps_nothing(
    book: Path,
    hubspot: Fake,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = hubspot
    monkeypatch.setenv("CSM_TUI_CRM_TOKEN", fake.token)
    code, _out, err = run(
        [
            "--db",
            str(book),
            "crm",
            "connect",
            "hubspot",
            "--api-url",
            url,
            "--map",
            "renewal_date=renewal",
        ],
        capsys,
    )
    assert code == 1
    assert "has no field renewal" in err
    assert memory_keyring.saved == {}


def test_errors_and_messages_in_japanese(
    book: Path,
    hubspot: Fake,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = hubspot
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    monkeypatch.setenv("CSM_TUI_CRM_TOKEN", fake.token)
    code, out, err = run(["--db", str(book), "crm", "status"], capsys)
    assert "CRM に接続していません" in out
    code, out, err = run(["--db", str(book), "crm", "connect", "hubspot", "--api-url", url], capsys)
    assert code == 0 and "HubSpot に接続しました" in err
    monkeypatch.setenv("CSM_TUI_CRM_TOKEN", "wrong")
    code, out, err = run(["--db", str(book), "crm", "sync"], capsys)
    assert code == 1 and "認証情報を拒否しました" in err


def test_connect_takes_the_secondary_owners_source(
    book: Path,
    hubspot: Fake,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = hubspot
    fake.properties.append({"name": "cs_team", "label": "CS team", "type": "enumeration"})
    monkeypatch.setenv("CSM_TUI_CRM_TOKEN", fake.token)
    base = ["--db", str(book), "crm", "connect", "hubspot", "--api-url", url]
    code, out, err = run([*base, "--team-role", "Customer Success"], capsys)
    assert code != 0 and "--team-role is not for HubSpot" in err
    code, out, err = run([*base, "--secondary-owners", "arr"], capsys)
    assert code != 0 and "arr is a number property" in err
    code, out, err = run([*base, "--secondary-owners", "cs_team"], capsys)
    assert code == 0, err
    assert "Secondary owners from: cs_team" in out
    code, out, err = run(["--db", str(book), "crm", "status"], capsys)
    assert "Secondary owners from: cs_team" in out
