"""Helpers of the sync tests: a real server on a random loopback port, client books.

`live` runs the server in a thread of the test process (fast to start); `process_server` runs
`csm-tui server run` as a child process, for the tests that kill it. Both serve a fresh database:
SQLite, then PostgreSQL (see tests/server/server_fixtures.py).

The team: Aoi (primary owner of Acme, the Japanese 株式会社サクラ精機 and Globex) and Ken
(secondary on Acme, primary of Initech); Carol owns nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from server_fixtures import engine_for

from csm_tui.clock import FixedClock
from csm_tui.store.connection import Store, open_store
from csm_tui.sync.client import SyncResult, sync_once
from csm_tui.sync.http import RetryPolicy, Server

AOI = "aoi.tanaka@example.com"
KEN = "ken.sato@example.com"
CAROL = "carol@example.com"
T0 = "2026-11-27T09:00:00+00:00"
FAST = RetryPolicy(attempts=4, base=0.01, cap=0.05, deadline=10)

ACCOUNTS_CSV = (
    "name,external_id,segment,renewal_date,health_score,stage,primary_owner,secondary_owners\n"
    f"Acme Analytics,CRM-1,Enterprise,2027-06-15,82,adoption,{AOI},{KEN}\n"
    f"株式会社サクラ精機,CRM-2,Enterprise,2027-03-01,58,renewal,{AOI},\n"
    f"Globex Logistics,CRM-3,Mid-Market,2027-10-20,70,onboarding,{AOI},\n"
    f"Initech,CRM-4,SMB,2026-12-12,91,renewal,{KEN},{AOI}\n"
)


@dataclass
class Team:
    url: str  # the server's base URL
    database: str  # the server's database URL
    tokens: dict[str, str]
    accounts: dict[str, str]  # name → id
    tmp: Path
    clock: FixedClock
    stores: list[Store] = field(default_factory=list)

    def book(self, name: str) -> Store:
        """A fresh client database of its own."""
        store = open_store(self.tmp / f"{name}.db", clock=self.clock)
        self.stores.append(store)
        return store

    def reopen(self, store: Store) -> Store:
        """The same book after the app restarted."""
        store.close()
        again = open_store(store.path, clock=self.clock)
        self.stores.append(again)
        return again

    def server(self, email: str, **kwargs: Any) -> Server:
        return Server(self.url, self.tokens[email], policy=kwargs.pop("policy", FAST), **kwargs)

    def sync(self, store: Store, email: str, **kwargs: Any) -> SyncResult:
        with self.server(email, transport=kwargs.pop("transport", None)) as server:
            return sync_once(store, server, **kwargs)


class ThreadServer:
    """uvicorn serving the app in a thread, on a free loopback port."""

    def __init__(self, database: str) -> None:
        import uvicorn

        from csm_tui.server.app import create_app

        config = uvicorn.Config(
            create_app(database), host="127.0.0.1", port=0, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


SERVER_COMMAND = [sys.executable, "-m", "csm_tui", "server", "run"]


class ProcessServer:
    """`csm-tui server run` as a child process in a process group of its own (killable with -9):
    uvicorn's workers and multiprocessing's resource tracker go with it, never left running."""

    def __init__(self, database: str, log: Path, workers: int = 1) -> None:
        self.database = database
        self.log = log
        self.workers = workers
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self, port: int = 0, timeout: float = 60) -> None:
        """Start and wait until it serves: under load, starting two workers takes a while."""
        command = [*SERVER_COMMAND, "--database", self.database, "--port", str(port)]
        if self.workers > 1:
            command += ["--workers", str(self.workers)]
        with self.log.open("ab") as handle:
            self.proc = subprocess.Popen(
                command, stdout=handle, stderr=handle, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.findall(
                rb"Uvicorn running on http://127\.0\.0\.1:(\d+)", self.log.read_bytes()
            )
            if len(found) > self._starts and self._serving(int(found[-1])):
                self.url = f"http://127.0.0.1:{int(found[-1])}"
                self._starts = len(found)
                return
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"exit {self.proc.returncode}: {self.log.read_text(errors='replace')}"
                )
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"the server did not start: {self.log.read_text(errors='replace')}")

    _starts = 0

    def _serving(self, port: int) -> bool:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=5)
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    def kill(self, timeout: float = 30) -> None:
        """kill -9 of the whole group: no chance to finish anything. Returns once every process
        of the group is gone and the port is closed (so a restart on it cannot fail)."""
        if self.proc is None:
            return
        group = self.proc.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        self.proc.wait()
        deadline = time.monotonic() + timeout
        while group_alive(group) or (self.url and port_open(self.port)):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server's processes (group {group}) did not stop")
            with contextlib.suppress(ProcessLookupError):
                os.killpg(group, signal.SIGKILL)
            time.sleep(0.05)

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])


def group_alive(group: int) -> bool:
    """Whether a process of the group still runs (zombies waiting for their parent do not)."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == group:
            return True
    return False


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def seed_team(
    database: str, tmp: Path, csv_text: str = ACCOUNTS_CSV
) -> tuple[dict[str, str], dict[str, str]]:
    """Users with tokens and the accounts of `csv_text` on the server at `database`."""
    from datetime import date

    from csm_tui.server.db import reading
    from csm_tui.server.importer import _live_accounts as all_accounts
    from csm_tui.server.importer import import_accounts
    from csm_tui.server.users import add_user

    engine = engine_for(database)
    try:
        tokens = {
            email: add_user(engine, email, name, admin=False, now=T0)
            for email, name in ((AOI, "Aoi Tanaka"), (KEN, "Ken Sato"), (CAROL, "Carol Diaz"))
        }
        path = tmp / "team.csv"
        path.write_text(csv_text, encoding="utf-8")
        result = import_accounts(engine, path, now=T0, today=date(2026, 11, 27))
        assert not result.problems, result.problems
        with reading(engine) as conn:
            accounts = {row["name"]: row["id"] for row in all_accounts(conn)}
    finally:
        engine.dispose()
    return tokens, accounts


def rows_of(
    store: Store, table: str, where: str = "", params: tuple[Any, ...] = ()
) -> list[dict[str, Any]]:
    return [dict(row) for row in store.query(f"SELECT * FROM {table} {where}", params)]


def book_state(store: Store, tables: tuple[str, ...] | None = None) -> dict[str, set[str]]:
    """Every synced row of a book, as comparable text, by table."""
    from csm_tui.sync.rows import ROW_MODELS

    state: dict[str, set[str]] = {}
    for table in tables or tuple(ROW_MODELS):
        columns = list(ROW_MODELS[table].model_fields)
        state[table] = {
            repr(tuple(row[c] for c in columns)) for row in store.query(f"SELECT * FROM {table}")
        }
    return state


Step = Callable[[], None]


class FaultTransport(httpx.BaseTransport):
    """A real HTTP transport with faults on cue: `plan` maps a request path to what happens to
    its next calls, in order ("503", "429:2" with Retry-After 2, "401", "timeout", "lost": the
    server handles the request but the answer never arrives). Unplanned calls pass through."""

    def __init__(self, plan: dict[str, list[str]]) -> None:
        self.real = httpx.HTTPTransport()
        self.plan = {path: list(faults) for path, faults in plan.items()}
        self.calls: list[tuple[str, str]] = []  # (path, what happened)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        faults = self.plan.get(request.url.path, [])
        fault = faults.pop(0) if faults else "pass"
        self.calls.append((request.url.path, fault))
        if fault == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if fault == "lost":
            response = self.real.handle_request(request)
            response.read()
            raise httpx.ReadTimeout("the answer was lost", request=request)
        if fault != "pass":
            status, _, retry_after = fault.partition(":")
            headers = {"Retry-After": retry_after} if retry_after else {}
            body = b'{"code": "fault", "message": "injected"}'
            return httpx.Response(int(status), headers=headers, content=body, request=request)
        return self.real.handle_request(request)

    def close(self) -> None:
        self.real.close()


def integrity_ok(store: Store) -> bool:
    return bool(store.query_one("PRAGMA integrity_check")[0] == "ok")  # type: ignore[index]
