"""Helpers of the team server's CRM tests: a server with Aoi and Ken as users, activities that
reached it from a device, and a process that runs passes (the two-process and kill tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select

from csm_tui.server.changes import write_record
from csm_tui.server.db import reading, writing
from csm_tui.server.schema import access, records

SECRET = "correct horse battery staple 42"
KEN = "ken.sato@example.com"
ROOT = Path(__file__).resolve().parents[2]
ADDED = "2026-11-01T00:00:00+00:00"


def add_users(engine: Any, *emails: str) -> dict[str, str]:
    """The users, with their API tokens."""
    from csm_tui.server.users import add_user

    return {
        email: add_user(
            engine, email, email.split("@")[0], admin=False, now="2026-11-01T00:00:00+00:00"
        )
        for email in emails
    }


def account_id_of(engine: Any, crm_id: str) -> str:
    with reading(engine) as conn:
        for data in conn.execute(
            records.select()
            .with_only_columns(records.c.data)
            .where(records.c.table_name == "accounts", records.c.deleted.is_(False))
        ).scalars():
            row = json.loads(data)
            if row["external_id"] == crm_id:
                return str(row["id"])
    raise AssertionError(f"no account for {crm_id}")


def live(engine: Any, table: str, account_id: str | None = None) -> list[dict[str, Any]]:
    with reading(engine) as conn:
        query = records.select().with_only_columns(records.c.data)
        query = query.where(records.c.table_name == table, records.c.deleted.is_(False))
        if account_id is not None:
            query = query.where(records.c.account_id == account_id)
        return [json.loads(data) for data in conn.execute(query).scalars()]


def owners_of(engine: Any, account_id: str) -> set[tuple[str, str]]:
    with reading(engine) as conn:
        rows = conn.execute(
            select(access.c.user_email, access.c.role).where(access.c.account_id == account_id)
        )
        return {(row[0], row[1]) for row in rows}


def log_on_server(engine: Any, account_id: str, author: str, note: str = "") -> str:
    """An activity as a device's push leaves it on the server."""
    from csm_tui.server.crm_pass import _now

    now = _now()
    row = {
        "id": uuid.uuid4().hex,
        "account_id": account_id,
        "author_email": author,
        "type": "call",
        "minutes": 30,
        "occurred_at": now,
        "proactive": 1,
        "recurring": 0,
        "outcome": "none",
        "note": note,
        "checklist_item_id": None,
        "created_at": now,
        "updated_at": now,
    }
    with writing(engine) as conn:
        write_record(conn, "activities", row, user_id=None, current=None)
    return str(row["id"])


WORKER = """
import contextlib, json, sys, time
from csm_tui.server import crm_pass
from csm_tui.server.db import open_engine
engine = open_engine(sys.argv[1])
out = open(sys.argv[2], "a")
claim = crm_pass.claim

@contextlib.contextmanager
def timed(*args, **kwargs):  # when this process held the lease: from taking to giving it back
    with claim(*args, **kwargs) as lease:
        held = time.time()
        try:
            yield lease
        finally:
            if lease is not None:
                out.write(json.dumps({"held": [held, time.time()]}) + "\\n")
                out.flush()

crm_pass.claim = timed
for _ in range(int(sys.argv[3])):
    report = crm_pass.sync_pass(engine)
    out.write(json.dumps({"ran": report is not None}) + "\\n")
    out.flush()
"""


def pass_process(url: str, out: Path, passes: int, **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, url, str(out), str(passes)],
        env={**os.environ, "CSM_TUI_SERVER_SECRET": SECRET, **env},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_all(*procs: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    for proc in procs:
        _out, err = proc.communicate(timeout=max(1, deadline - time.monotonic()))
        assert proc.returncode == 0, err.decode()[-2000:]


def passes(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in out.read_text().splitlines() if line.strip()]
