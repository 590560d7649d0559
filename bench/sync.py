"""Sync benchmarks on a 5,000-account / 200,000-activity book. Prints the figures issue 6 asks for.

    .venv/bin/python bench/sync.py [--accounts 5000] [--activities 200000] [--database URL]
                                   [--demo BOOK] [--first-syncs N] [--profile FILE]

1. first sync of a new device: everything the user may see, from a loopback server;
2. a sync with nothing new: one round trip (median of 21);
3. push of 1,000 queued entries (and their echo back).

The server runs as `csm-tui server run` in its own process (as in production: client and server
do not share a GIL). Its database (SQLite by default, or --database postgresql://…) is filled
straight from a demo book built with `csm-tui demo` — records, owners and the user's feed — since
pushing 300,000 rows first would measure something else. The user owns every account (primary
or secondary), so a first sync brings the whole book.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
LIMITS = {"first sync": 10.0, "empty sync": 0.050, "push 1,000": 2.0}


def build_demo(path: Path, accounts: int, activities: int) -> None:
    command = [str(BIN / "csm-tui"), "demo", "--no-open", "--db", str(path)]
    command += ["--accounts", str(accounts), "--activities", str(activities)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def load_server(database: str, demo: Path) -> tuple[str, int]:
    """Fill the server database from the demo book; returns (token, rows loaded)."""
    from sqlalchemy import insert

    from csm_tui.server.db import init_database, open_engine, writing
    from csm_tui.server.records import next_seqs
    from csm_tui.server.schema import access, feed, records, users
    from csm_tui.server.users import add_user
    from csm_tui.sync.rows import ROW_MODELS

    book = sqlite3.connect(demo)
    book.row_factory = sqlite3.Row
    me_email, me_name = (
        book.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()[0]
        for key in ("me.email", "me.name")
    )
    engine = open_engine(database)
    init_database(engine)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    token = add_user(engine, me_email, me_name, admin=False, now=now)
    owned = {
        row[0]
        for row in book.execute("SELECT account_id FROM owners WHERE user_email = ?", (me_email,))
    }
    extra_owners = [
        {
            "id": uuid.uuid4().hex,
            "account_id": account_id,
            "user_email": me_email,
            "role": "secondary",
            "coverage_from": None,
            "coverage_to": None,
            "coverage_reason": "",
            "created_at": now,
        }
        for (account_id,) in book.execute("SELECT id FROM accounts")
        if account_id not in owned
    ]
    loaded = 0
    with writing(engine) as conn:
        me_id = conn.execute(users.select().where(users.c.email == me_email)).first().id  # type: ignore[union-attr]
        for table, model in ROW_MODELS.items():
            if table == "users":
                continue
            if not book.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone():
                continue  # a demo book made before the table existed
            fields = model.model_fields  # a column the book lacks gets the model's default
            present = {r[1] for r in book.execute(f"PRAGMA table_info({table})")}
            rows = [
                {
                    name: (row[name] if name in present else info.default)
                    for name, info in fields.items()
                }
                for row in book.execute(f"SELECT * FROM {table}")
            ]
            if table == "owners":
                rows += extra_owners
            if table == "handoff_reads":
                rows = [row for row in rows if row["reader_email"] == me_email]
            for start in range(0, len(rows), 20_000):
                chunk = rows[start : start + 20_000]
                first = next_seqs(conn, len(chunk))
                entries = [
                    {
                        "table_name": table,
                        "id": row["id"],
                        "account_id": row["id"] if table == "accounts" else row["account_id"],
                        "data": json.dumps(row, ensure_ascii=False, sort_keys=True),
                        "version": 1,
                        "seq": first + index,
                        "deleted": False,
                        "ukey": None,
                        "created_by": None,
                        "updated_by": None,
                    }
                    for index, row in enumerate(chunk)
                ]
                conn.execute(insert(records), entries)
                conn.execute(
                    insert(feed),
                    [
                        {
                            "user_id": me_id,
                            "table_name": table,
                            "row_id": entry["id"],
                            "account_id": entry["account_id"],
                            "seq": entry["seq"],
                            "deleted": False,
                        }
                        for entry in entries
                    ],
                )
                loaded += len(chunk)
            if table == "owners":
                conn.execute(
                    insert(access),
                    [
                        {
                            "account_id": row["account_id"],
                            "user_email": row["user_email"],
                            "role": row["role"],
                        }
                        for row in rows
                    ],
                )
    if engine.dialect.name == "postgresql":  # as autovacuum would, before anyone reads them
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE records, feed, access")
    engine.dispose()
    book.close()
    return token, loaded


def start_server(database: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    handle = log.open("wb")
    command = [str(BIN / "csm-tui"), "server", "run", "--database", database, "--port", "0"]
    proc = subprocess.Popen(command, stdout=handle, stderr=handle)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = re.search(rb"Uvicorn running on (http://127\.0\.0\.1:\d+)", log.read_bytes())
        if found:
            return proc, found[1].decode()
        time.sleep(0.05)
    raise RuntimeError(log.read_text())


def _cpu(pid: int) -> float:
    """CPU seconds a process has used (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--activities", type=int, default=200_000)
    parser.add_argument("--database", default=None, help="server database (default: SQLite)")
    parser.add_argument(
        "--demo", type=Path, default=None, help="a demo book to reuse (built there if missing)"
    )
    parser.add_argument(
        "--first-syncs", type=int, default=1, help="first syncs to time (new devices; median)"
    )
    parser.add_argument(
        "--profile", type=Path, default=None, help="cProfile the client's first sync into FILE"
    )
    args = parser.parse_args()

    from csm_tui.store.connection import open_store
    from csm_tui.store.journal import insert_many
    from csm_tui.sync.client import sync_once
    from csm_tui.sync.http import Server

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        demo = args.demo or tmp / "demo.db"
        if not demo.exists():
            started = time.perf_counter()
            build_demo(demo, args.accounts, args.activities)
            print(f"demo book built in {time.perf_counter() - started:.1f} s")
        database = args.database or f"sqlite:///{tmp / 'server.db'}"
        started = time.perf_counter()
        token, loaded = load_server(database, demo)
        print(f"server loaded with {loaded:,} rows in {time.perf_counter() - started:.1f} s")
        proc, url = start_server(database, tmp / "server.log")
        figures: dict[str, float] = {}
        try:
            firsts = []
            for attempt in range(args.first_syncs):
                book = open_store(tmp / f"device{attempt}.db")
                with Server(url, token) as server:
                    profiler = cProfile.Profile() if args.profile else None
                    server_cpu, client_cpu = _cpu(proc.pid), time.process_time()
                    started = time.perf_counter()
                    if profiler:
                        profiler.enable()
                    result = sync_once(book, server)
                    firsts.append(time.perf_counter() - started)
                    if profiler:
                        profiler.disable()
                        profiler.dump_stats(args.profile)
                print(
                    f"first sync: {firsts[-1]:.2f} s for {result.pulled:,} rows "
                    f"in {result.requests} requests; CPU: client "
                    f"{time.process_time() - client_cpu:.1f} s, server "
                    f"{_cpu(proc.pid) - server_cpu:.1f} s (load {_load()})"
                )
                if attempt < args.first_syncs - 1:
                    book.close()
            figures["first sync"] = statistics.median(firsts)
            with Server(url, token) as server:
                times = []
                for _ in range(21):
                    before = server.requests
                    started = time.perf_counter()
                    sync_once(book, server)
                    times.append(time.perf_counter() - started)
                    assert server.requests - before == 1, "an empty sync is one round trip"
                figures["empty sync"] = statistics.median(times)
                print(
                    f"empty sync: {figures['empty sync'] * 1000:.1f} ms median "
                    f"({min(times) * 1000:.1f}–{max(times) * 1000:.1f} ms), 1 round trip"
                )
                account = book.query_one("SELECT id FROM accounts LIMIT 1")[0]  # type: ignore[index]
                me = book.get_setting("me.email")
                stamp = datetime.now(UTC).isoformat(timespec="seconds")
                rows: list[dict[str, Any]] = [
                    {
                        "id": uuid.uuid4().hex,
                        "account_id": account,
                        "author_email": me,
                        "type": "call",
                        "minutes": 15,
                        "occurred_at": stamp,
                        "note": f"bench {n}",
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                    for n in range(1000)
                ]
                with book.transaction() as tx:
                    insert_many(tx, "activities", rows)
                started = time.perf_counter()
                result = sync_once(book, server)
                figures["push 1,000"] = time.perf_counter() - started
                print(
                    f"push 1,000: {figures['push 1,000']:.2f} s ({result.pushed} sent, "
                    f"{result.pulled} echoed back, {result.requests} requests in all)"
                )
            book.close()
        finally:
            proc.kill()
            proc.wait()
    print(f"load average: {_load()}")
    for name, limit in LIMITS.items():
        verdict = "ok" if figures[name] <= limit else "OVER"
        print(f"  {name:<11} {figures[name]:8.3f} s  (limit {limit:g} s)  {verdict}")


if __name__ == "__main__":
    main()
