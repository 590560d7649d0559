"""`csm-tui calendar …` from the shell: a file, an ICS address on loopback, a Radicale server."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import httpx
import pytest
from calendar_ics import ME, Ev, google
from cli_run import run
from memory_keyring import MemoryKeyring

from csm_tui.models.account import Account
from csm_tui.models.contact import Contact
from csm_tui.services.accounts import add_contact, create_account
from csm_tui.services.identity import set_me
from csm_tui.store.activities import activities_of
from csm_tui.store.connection import open_store

#: Three days ago at 01:00 UTC: inside the window of the real clock the CLI runs on.
DAY = (datetime.now(UTC) - timedelta(days=3)).replace(hour=1, minute=0, second=0, microsecond=0)


def _at(offset_hours: int, minutes: int) -> tuple[str, str]:
    start = DAY + timedelta(hours=offset_hours)
    return f"{start:%Y%m%dT%H%M%SZ}", f"{start + timedelta(minutes=minutes):%Y%m%dT%H%M%SZ}"


CALENDAR = google(
    [
        Ev(
            "qbr@google.com",
            "Acme QBR",
            *_at(0, 45),
            attendees=[(ME, "ACCEPTED"), ("ken@acme.co.jp", "ACCEPTED")],
        ),
        Ev(
            "beta@google.com",
            "Beta call",
            *_at(2, 30),
            organizer="bob@beta.example.org",
            attendees=[(ME, "ACCEPTED")],
        ),
        Ev("both@google.com", "Both", *_at(4, 60), attendees=[("x@shared.example", "ACCEPTED")]),
    ]
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", ME)
        for account_id, name, email in [
            ("acme", "Acme Corp", "ken@acme.co.jp"),
            ("beta", "Beta", "bob@beta.example.org"),
            ("delta", "Delta", "d@shared.example"),
            ("epsilon", "Epsilon", "e@shared.example"),
        ]:
            create_account(store, Account(id=account_id, name=name))
            with store.transaction() as tx:
                add_contact(tx, Contact(account_id=account_id, name=name, email=email))
    return path


def _proposals(db: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    code, out, err = run(["calendar", "proposals", "--format", "json", "--db", str(db)], capsys)
    assert code == 0, err
    found: list[dict[str, Any]] = json.loads(out)
    return found


def test_import_propose_log_dismiss(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ics = tmp_path / "google.ics"
    ics.write_text(CALENDAR, encoding="utf-8", newline="")
    code, _out, err = run(["calendar", "import", str(ics), "--db", str(db)], capsys)
    assert code == 0, err
    assert "3 to log" in err
    found = _proposals(db, capsys)
    assert [
        (p["account"], p["minutes"], p["title"], p["proactive"], p["recurring"]) for p in found
    ] == [
        ("acme", 45, "Acme QBR", True, False),
        ("beta", 30, "Beta call", False, False),
        (None, 60, "Both", True, False),
    ]
    assert found[0]["start"].startswith(DAY.strftime("%Y-%m-%dT01:00:00"))
    assert set(found[0]) >= {"id", "account", "start", "minutes", "title", "recurring", "proactive"}

    code, out, err = run(["calendar", "log", found[0]["id"], "--db", str(db)], capsys)
    assert code == 0, err
    with open_store(db) as store:
        [activity] = activities_of(store, "acme")
    assert out.strip() == activity.id
    assert (activity.type.value, activity.minutes, activity.note) == ("meeting", 45, "Acme QBR")

    code, _out, err = run(["calendar", "dismiss", found[1]["id"], "--db", str(db)], capsys)
    assert code == 0, err
    code, _out, err = run(["calendar", "log", "--all", "--db", str(db)], capsys)
    assert code == 0, err
    assert "1 meetings match several accounts" in err
    code, _out, err = run(
        ["calendar", "log", found[2]["id"], "--account", "Delta", "--db", str(db)], capsys
    )
    assert code == 0, err
    # a sync reads the file again and proposes nothing already done
    code, _out, err = run(["calendar", "sync", "--db", str(db)], capsys)
    assert code == 0, err
    assert _proposals(db, capsys) == []


def test_unknown_id(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(["calendar", "log", "nope", "--db", str(db)], capsys)
    assert code == 1
    assert "No meeting to log" in err


@pytest.fixture
def ics_server() -> Iterator[str]:
    """The calendar at a secret address on loopback (the path is the secret)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path != "/calendar/ical/secret-7f3a/basic.ics":
                self.send_response(404)
                self.end_headers()
                return
            body = CALENDAR.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=UTF-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_ics_address_kept_in_the_keyring(
    db: Path,
    ics_server: str,
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = ics_server + "/calendar/ical/secret-7f3a/basic.ics"
    code, _out, err = run(["calendar", "add-url", url, "--db", str(db)], capsys)
    assert code == 0, err
    assert list(memory_keyring.saved.values()) == [url]
    assert b"secret-7f3a" not in db.read_bytes()
    code, out, err = run(["calendar", "sync", "--db", str(db)], capsys)
    assert code == 0, err
    assert "secret-7f3a" not in out + err
    assert [p["title"] for p in _proposals(db, capsys)] == ["Acme QBR", "Beta call", "Both"]


def test_ics_address_that_fails_names_the_host_only(
    db: Path, ics_server: str, memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str]
) -> None:
    url = ics_server + "/calendar/ical/wrong-secret/basic.ics"
    assert run(["calendar", "add-url", url, "--db", str(db)], capsys)[0] == 0
    code, out, err = run(["calendar", "sync", "--db", str(db)], capsys)
    assert code == 1
    assert "answered 404" in err and "wrong-secret" not in out + err


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def radicale_server(tmp_path: Path) -> Iterator[str]:
    """Radicale in-process on loopback, user aoi with password s3cret, one calendar "work"."""
    import radicale
    import radicale.config

    users = tmp_path / "users"
    users.write_text("aoi:s3cret\n")
    configuration = radicale.config.load()
    configuration.update(
        {
            "storage": {"filesystem_folder": str(tmp_path / "radicale")},
            "auth": {
                "type": "htpasswd",
                "htpasswd_filename": str(users),
                "htpasswd_encryption": "plain",
            },
        },
        "test",
        privileged=True,
    )
    server: WSGIServer = make_server(
        "127.0.0.1", 0, radicale.Application(configuration), handler_class=_Quiet
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    auth = ("aoi", "s3cret")
    assert httpx.request("PROPFIND", base + "/aoi/", auth=auth, headers={"Depth": "0"}).is_success
    # a whole calendar PUT on a collection's address becomes one item per UID (Radicale)
    put = httpx.put(
        base + "/aoi/work/",
        content=CALENDAR.encode(),
        auth=auth,
        headers={"Content-Type": "text/calendar"},
    )
    assert put.is_success, put.text
    yield base
    server.shutdown()
    server.server_close()


def test_caldav_with_radicale(
    db: Path,
    radicale_server: str,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CSM_TUI_CALDAV_PASSWORD", "s3cret")
    argv = ["calendar", "add-caldav", radicale_server + "/", "--user", "aoi", "--db", str(db)]
    code, _out, err = run(argv, capsys)
    assert code == 0, err
    assert list(memory_keyring.saved.values()) == ["s3cret"]
    monkeypatch.delenv("CSM_TUI_CALDAV_PASSWORD")  # the sync reads it from the keyring
    code, _out, err = run(["calendar", "sync", "--db", str(db)], capsys)
    assert code == 0, err
    assert [p["title"] for p in _proposals(db, capsys)] == ["Acme QBR", "Beta call", "Both"]


def test_caldav_wrong_password(
    db: Path,
    radicale_server: str,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CSM_TUI_CALDAV_PASSWORD", "wrong")
    argv = ["calendar", "add-caldav", radicale_server + "/", "--user", "aoi", "--db", str(db)]
    assert run(argv, capsys)[0] == 0
    code, _out, err = run(["calendar", "sync", "--db", str(db)], capsys)
    assert code == 1
    assert "Could not read the CalDAV calendar at 127.0.0.1" in err


def test_ics_address_read_from_stdin_and_text_list(
    db: Path,
    ics_server: str,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import io

    url = ics_server + "/calendar/ical/secret-7f3a/basic.ics"
    monkeypatch.setattr("sys.stdin", io.StringIO(url + "\n"))
    code, _out, err = run(["calendar", "add-url", "-", "--db", str(db)], capsys)
    assert code == 0, err
    assert list(memory_keyring.saved.values()) == [url]
    assert run(["calendar", "sync", "--db", str(db)], capsys)[0] == 0
    code, out, err = run(["calendar", "proposals", "--db", str(db)], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 3
    assert lines[0].endswith("Acme Corp: Acme QBR") and "  45m " in lines[0]
    assert lines[2].endswith("Delta / Epsilon: Both")
