"""The server as an admin operates it: liveness and readiness, logs, list-users, backup."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from cli_run import run
from server_fixtures import engine_for
from server_kit import ALICE, Team, activity_row
from sqlalchemy import create_engine

from csm_tui.server import extra
from csm_tui.server.logs import ACCESS_LOGGER, SERVER_LOGGER, JsonFormatter, TextFormatter

NOTE = "the champion is leaving in March"


def test_health_is_liveness_and_ready_reads_the_database(
    team: Team, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    assert team.http.get("/v1/health").json()["status"] == "ok"
    ready = team.http.get("/v1/ready")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready" and ready.json()["schema_version"] >= 1
    app: Any = team.http.app
    live = app.state.engine
    app.state.engine = create_engine(f"sqlite:///{tmp_path / 'gone' / 'server.db'}")  # down
    caplog.set_level(logging.INFO, logger=SERVER_LOGGER)
    try:
        down = team.http.get("/v1/ready")
        assert team.http.get("/v1/health").status_code == 200  # the process is alive
    finally:
        app.state.engine.dispose()
        app.state.engine = live
    assert down.status_code == 503 and down.headers["Retry-After"] == "5"
    assert down.json()["code"] == "unavailable"
    errors = [r for r in caplog.records if r.name == SERVER_LOGGER and r.levelno == logging.ERROR]
    assert errors and "database error" in errors[0].getMessage()
    assert getattr(errors[0], "route", None) == "/v1/ready"
    assert team.http.get("/v1/ready").status_code == 200


def test_access_lines_carry_the_request_and_never_the_token_or_a_note(
    team: Team, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=ACCESS_LOGGER)
    activity = activity_row(team.acme, ALICE, note=NOTE)
    response = team.http.post(
        "/v1/sync/push",
        headers={**team.alice.headers, "X-Request-ID": "req-42"},
        json={
            "client_id": team.alice.client_id,
            "mutations": [team.alice.insert("activities", activity)],
        },
    )
    assert response.status_code == 200 and response.headers["X-Request-ID"] == "req-42"
    team.http.get(f"/v1/history/activities/{activity['id']}", headers=team.alice.headers)
    refused = team.http.get("/v1/me", headers={"Authorization": "Bearer csm_wrong"})
    assert refused.status_code == 401 and len(refused.headers["X-Request-ID"]) == 32
    team.http.get("/v1/no/such/path?token=csm_secret")
    records = [r for r in caplog.records if r.name == ACCESS_LOGGER]
    by_route = {getattr(r, "route", None): r for r in records}
    push = by_route["/v1/sync/push"]
    assert (push.request_id, push.user, push.method, push.status) == (  # type: ignore[attr-defined]
        "req-42",
        ALICE,
        "POST",
        200,
    )
    assert push.duration_ms >= 0  # type: ignore[attr-defined]
    assert "/v1/history/{table}/{row_id}" in by_route  # the route, not the row's id
    assert by_route["/v1/me"].status == 401 and by_route["/v1/me"].user is None  # type: ignore[attr-defined]
    assert by_route["(no route)"].status == 404  # type: ignore[attr-defined]
    for record in records:
        for line in (JsonFormatter().format(record), TextFormatter().format(record)):
            assert team.alice.token not in line and "csm_wrong" not in line
            assert "csm_secret" not in line and NOTE not in line and activity["id"] not in line
        fields = json.loads(JsonFormatter().format(record))
        assert {"time", "level", "message", "request_id", "route", "status", "duration_ms"} <= set(
            fields
        )


def _start(command: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as handle:
        return subprocess.Popen(command, stdout=handle, stderr=handle, start_new_session=True)


def test_run_writes_json_lines(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    database = f"sqlite:///{tmp_path / 'server.db'}"
    command = [sys.executable, "-m", "csm_tui", "server", "run", "--database", database]
    proc = _start([*command, "--port", "0", "--log-format", "json"], log)
    try:
        deadline, port = time.monotonic() + 60, None
        while port is None and time.monotonic() < deadline and proc.poll() is None:
            for line in log.read_text(errors="replace").splitlines():
                message = json.loads(line)["message"]
                if message.startswith("Uvicorn running on"):
                    port = int(message.split(":")[-1].split()[0])
            time.sleep(0.05)
        assert port is not None, log.read_text(errors="replace")
        assert httpx.get(f"http://127.0.0.1:{port}/v1/ready").status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/v1/me").status_code == 401
        time.sleep(0.2)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert lines[0]["message"].startswith("csm-tui server on")
    access = [line for line in lines if line["logger"] == ACCESS_LOGGER]
    assert [(line["route"], line["status"]) for line in access] == [
        ("/v1/ready", 200),
        ("/v1/me", 401),
    ]
    assert all(line["request_id"] and line["duration_ms"] >= 0 for line in access)
    assert not any(line["logger"] == "uvicorn.access" for line in lines)


def test_list_users_as_a_table_and_as_json(
    server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--database", server_url]
    code, _, err = run(["server", "list-users", *args], capsys)
    assert code == 0 and "add-user" in err
    run(["server", "add-user", "b@example.com", "--name", "Bob 山田", "--admin", *args], capsys)
    run(["server", "add-user", "a@example.com", "--name", "Aoi", *args], capsys)
    run(["server", "revoke-token", "b@example.com", *args], capsys)
    code, out, _ = run(["server", "list-users", "--format", "json", *args], capsys)
    users = json.loads(out)
    assert code == 0 and [user["email"] for user in users] == ["a@example.com", "b@example.com"]
    assert users[1]["name"] == "Bob 山田" and users[1]["is_admin"] and not users[1]["has_token"]
    assert users[0]["has_token"] and users[0]["devices"] == 0 and users[0]["last_seen_at"] is None
    assert "token_hash" not in out
    code, out, _ = run(["server", "list-users", *args], capsys)
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == [
        "E-MAIL",
        "NAME",
        "ADMIN",
        "TOKEN",
        "DEVICES",
        "LAST",
        "SYNC",
    ]
    assert lines[1].split() == ["a@example.com", "Aoi", "active", "0"]
    assert lines[2].split() == ["b@example.com", "Bob", "山田", "yes", "revoked", "0"]


def test_backup_of_sqlite_is_a_checked_copy_and_postgresql_gets_the_pg_dump_line(
    server_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--database", server_url]
    run(["server", "add-user", "a@example.com", "--name", "Aoi", *args], capsys)
    target = tmp_path / "backups" / "server-backup.db"
    code, out, err = run(["server", "backup", "--to", str(target), *args], capsys)
    if server_url.startswith("postgresql"):
        assert code == 1 and not target.exists() and "pg_dump" in err
        assert out.startswith("pg_dump --format=custom --file=") and str(target) in out
        assert "csm_test:" not in out and "PGPASSWORD" in err
        return
    assert code == 0 and out == "" and "Backed up" in err, err
    assert target.stat().st_mode & 0o777 == 0o600
    assert not list(target.parent.glob(".*partial"))
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT email FROM users").fetchall() == [("a@example.com",)]
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    run(["server", "add-user", "b@example.com", "--name", "Bob", *args], capsys)
    assert run(["server", "backup", "--to", str(target), *args], capsys)[0] == 0  # replaced
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM users").fetchone() == (2,)
    database = server_url.split("///", 1)[1]
    code, _, err = run(["server", "backup", "--to", database, *args], capsys)
    assert code == 1 and "another file" in err
    engine_for(server_url).dispose()


def test_server_commands_without_the_extra_name_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = extra.find_spec
    monkeypatch.setattr(extra, "find_spec", lambda name: None if name == "uvicorn" else real(name))
    for command in (["server", "run"], ["server", "list-users"], ["server", "backup", "--to", "x"]):
        code, out, err = run(command, capsys)
        assert (code, out) == (1, ""), err
        assert "uvicorn" in err and "pip install 'csm-tui[server]'" in err
        assert "No module named" not in err


@pytest.mark.parametrize(
    "command", [["server", "list-users"], ["server", "crm", "status"], ["server", "run"]]
)
def test_any_server_command_without_its_modules_names_the_extra(
    command: list[str], tmp_path: Path
) -> None:
    script = (
        "import sys\n"
        "for name in ('sqlalchemy', 'fastapi', 'uvicorn'): sys.modules[name] = None\n"
        "from csm_tui.cli.main import main\n"
        f"main({[*command, '--database', str(tmp_path / 'server.db')]!r})\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert found.returncode == 1 and found.stdout == "", found.stderr
    assert "pip install 'csm-tui[server]'" in found.stderr and "unexpected" not in found.stderr
    helped = subprocess.run(
        [sys.executable, "-c", script.replace("'--database'", "'--help', '--database'")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert helped.returncode == 0 and "Usage: csm-tui server" in helped.stdout, helped.stderr


def test_a_backup_taken_while_the_server_writes_is_a_consistent_snapshot(tmp_path: Path) -> None:
    import threading

    from csm_tui.server.backup import backup_sqlite
    from csm_tui.server.users import add_user

    url = f"sqlite:///{tmp_path / 'server.db'}"
    engine = engine_for(url)
    for n in range(200):  # a database of some size, so the copy takes a moment
        add_user(engine, f"user{n}@example.com", "X" * 400, admin=False, now="2026-12-07")
    stop, written = threading.Event(), [0]

    def write() -> None:
        while not stop.is_set():
            add_user(engine, f"late{written[0]}@example.com", "Late", admin=False, now="2026-12-07")
            written[0] += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        time.sleep(0.1)
        copies = [backup_sqlite(engine, tmp_path / f"copy{n}.db") for n in range(3)]
    finally:
        stop.set()
        writer.join()
    assert written[0] > 0
    for copy in copies:
        with sqlite3.connect(copy.path) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            users, emails = db.execute(
                "SELECT count(*), count(DISTINCT email) FROM users"
            ).fetchone()
            assert 200 <= users == emails <= 200 + written[0]
            directory = "SELECT count(*) FROM records WHERE table_name = 'users'"
            assert db.execute(directory).fetchone() == (users,)  # both tables of one moment
    engine.dispose()
