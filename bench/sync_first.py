"""First sync of a new device as a whole `csm-tui sync` process, against a real server process:
the code here and, with --ref, the code of another checkout (the figure before), in one run.

    .venv/bin/python bench/sync_first.py [--demo BOOK] [--ref DIR] [--runs N] [--json]

The server (`csm-tui server run`, its own process) is filled straight from a demo book (records,
owners, the user's feed, as bench/sync.py does) on SQLite, and on PostgreSQL when
CSM_TUI_TEST_POSTGRES is set (a schema of its own per checkout, dropped after). Each figure is the
median of N first syncs (each a new book), timed from the start of the process to its exit, with
the load average meanwhile. `--demo` reuses a demo book (building one takes a minute or two).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES_ENV = "CSM_TUI_TEST_POSTGRES"
TARGETS = {"sqlite": 6.0, "postgresql": 10.0}  # seconds (issue 17)


def load(database: str, demo: Path) -> None:
    """Run inside the checkout under test: fill its server database from the demo book (as
    bench/sync.py does, its function run against that checkout's csm_tui) and print the user's
    token."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from sync import load_server

    token, _loaded = load_server(database, demo)
    print(token)


def _env(root: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSM_TUI_")}
    env.update(
        PYTHONPATH=str(root),
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def _postgres_schema(base: str, schema: str, *, drop_only: bool = False) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(base.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        if not drop_only:
            conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
    engine.dispose()
    return f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"


def first_syncs(root: Path, database: str, demo: Path, runs: int, tmp: Path) -> dict[str, Any]:
    """Median of `runs` first syncs of new books with the code at `root`."""
    env = _env(root, tmp)
    loaded = subprocess.run(
        [PYTHON, __file__, "--load", database, "--demo", str(demo)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        cwd=root,
    )
    token = loaded.stdout.strip().splitlines()[-1]
    log = tmp / "server.log"
    with log.open("wb") as handle:
        server = subprocess.Popen(
            [PYTHON, "-m", "csm_tui", "server", "run", "--database", database, "--port", "0"],
            env=env,
            stdout=handle,
            stderr=handle,
            cwd=root,
        )
    try:
        url = ""
        deadline = time.monotonic() + 60
        while not url and time.monotonic() < deadline:
            found = re.search(rb"Uvicorn running on (http://127\.0\.0\.1:\d+)", log.read_bytes())
            url = found[1].decode() if found else ""
            time.sleep(0.05)
        if not url:
            raise RuntimeError(log.read_text())
        times, lines = [], []
        for run in range(runs):
            command = [
                PYTHON,
                "-m",
                "csm_tui",
                "sync",
                "--server",
                url,
                "--db",
                str(tmp / f"d{run}.db"),
            ]
            started = time.perf_counter()
            done = subprocess.run(
                command,
                env={**env, "CSM_TUI_TOKEN": token},
                cwd=root,
                capture_output=True,
                text=True,
            )
            times.append(time.perf_counter() - started)
            if done.returncode:
                raise RuntimeError(done.stdout + done.stderr)
            lines.append(done.stdout.strip())
        return {
            "median": statistics.median(times),
            "times": times,
            "said": lines[-1],
            "load": os.getloadavg()[0],
        }
    finally:
        server.kill()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, default=None, help="a demo book to reuse or build")
    parser.add_argument("--ref", type=Path, default=None, help="a checkout to measure before")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="one JSON object, for a table")
    parser.add_argument("--load", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load:
        load(args.load, args.demo)
        return
    codes = [("before", args.ref.resolve())] if args.ref else []
    codes.append(("now", HERE))
    figures: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        demo = args.demo or tmp / "demo.db"
        if not demo.exists():
            subprocess.run(
                [
                    PYTHON,
                    "-m",
                    "csm_tui",
                    "demo",
                    "--no-open",
                    "--db",
                    str(demo),
                    "--accounts",
                    "5000",
                    "--activities",
                    "200000",
                ],
                env=_env(HERE, tmp),
                check=True,
                stdout=subprocess.DEVNULL,
                cwd=HERE,
            )
        backends = ["sqlite"] + (["postgresql"] if os.environ.get(POSTGRES_ENV) else [])
        for backend in backends:
            for label, root in codes:
                work = tmp / f"{backend}-{label}"
                work.mkdir()
                schema = f"bench_first_{label}"
                database = (
                    f"sqlite:///{work / 'server.db'}"
                    if backend == "sqlite"
                    else _postgres_schema(os.environ[POSTGRES_ENV], schema)
                )
                try:
                    figure = first_syncs(root, database, demo, args.runs, work)
                finally:
                    if backend == "postgresql":
                        _postgres_schema(os.environ[POSTGRES_ENV], schema, drop_only=True)
                figures[f"{backend} {label}"] = figure
                if not args.json:
                    spread = "–".join(
                        f"{t:.2f}" for t in (min(figure["times"]), max(figure["times"]))
                    )
                    print(
                        f"first sync, {backend} server, {label}: {figure['median']:.2f} s median "
                        f"({spread} s, {args.runs} runs; load {figure['load']:.2f}; "
                        f"target ≤ {TARGETS[backend]:g} s) — {figure['said']}",
                        flush=True,
                    )
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
