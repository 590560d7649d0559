"""Typing while the app syncs: does the background sync hold up the keyboard?

    .venv/bin/python bench/sync_typing.py [--demo BOOK] [--accounts 5000] [--activities 200000]

A loopback server (its own process) holds the 5,000-account book. The app opens on a new
device's empty book, connected to that server, so its engine starts the biggest sync there is:
the first download of the whole book. Meanwhile the user types into the book's filter. Printed:
for each key, the time from the key to the filter showing it (median, 95th percentile, max),
and the event loop's lag (a 10 ms timer's lateness), once while the sync runs and once when it
is over; with the load average, since the machine's two cores are shared.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
KEYS = list("acme analytics 株式会社") * 2


def _sync_bench() -> Any:
    """bench/sync.py: its demo book, server loading and start-up helpers."""
    spec = importlib.util.spec_from_file_location("bench_sync", HERE / "sync.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _figures(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (
        f"{name}: median {statistics.median(ordered) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms (n={len(ordered)})"
    )


async def _type(app: Any, pilot: Any) -> list[float]:
    """Type KEYS into the filter, then clear it; the time of each key to the filter showing it."""
    from textual import events
    from textual.widgets import Input

    box = app.screen.query_one("#filter", Input)
    times = []
    for character in KEYS:
        before = box.value
        key = "space" if character == " " else character
        started = time.perf_counter()
        # as the terminal driver does (Pilot.press would also wait for the whole app to idle)
        app.post_message(events.Key(key, character))
        while box.value == before:
            await asyncio.sleep(0.0005)
        times.append(time.perf_counter() - started)
        await asyncio.sleep(0.08)  # a quick typist: about 12 keys a second
    box.value = ""
    return times


async def _measure(app: Any, state: dict[str, Any]) -> None:
    from csm_tui.sync.engine import SyncState

    async with app.run_test(size=(120, 36)) as pilot:
        lags: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            lags.append(max(0.0, now - last[0] - 0.010))
            last[0] = now

        app.set_interval(0.010, tick)
        deadline = time.monotonic() + 60
        while app.sync_status is None or "receiving" not in (app.sync_status.progress or ""):
            if time.monotonic() > deadline:
                raise SystemExit(f"the first sync did not start: {app.sync_status}")
            await pilot.pause(0.01)
        await pilot.press("slash")
        lags.clear()
        state["during"] = await _type(app, pilot)
        state["lag during"] = list(lags)
        state["still syncing"] = app.sync_status.state is SyncState.SYNCING
        started = time.perf_counter()
        while app.sync_status.state is SyncState.SYNCING:
            await pilot.pause(0.05)
        state["sync"] = app.sync_status
        state["waited"] = time.perf_counter() - started
        await pilot.pause(1.0)  # the screens reload what arrived
        lags.clear()
        state["after"] = await _type(app, pilot)
        state["lag after"] = list(lags)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, default=None, help="a demo book to reuse")
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--activities", type=int, default=200_000)
    args = parser.parse_args()
    bench = _sync_bench()

    from csm_tui.config import Config
    from csm_tui.services.session import Session
    from csm_tui.store.connection import open_store
    from csm_tui.sync.client import connect
    from csm_tui.sync.http import Server
    from csm_tui.sync.token import TOKEN_ENV
    from csm_tui.ui import app as app_module

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        demo = args.demo or tmp / "demo.db"
        if not demo.exists():
            bench.build_demo(demo, args.accounts, args.activities)
        open_store(demo).close()  # an older demo book: up to the current schema first
        database = f"sqlite:///{tmp / 'server.db'}"
        token, loaded = bench.load_server(database, demo)
        proc, url = bench.start_server(database, tmp / "server.log")
        try:
            os.environ[TOKEN_ENV] = token
            store = open_store(tmp / "device.db")
            with Server(url, token) as server:
                connect(store, server)  # what `csm-tui login` does: the download is the app's
            app_module.START_DELAY = 0.01  # (a timer of 0 s divides by zero)
            config = Config(path=tmp / "config.toml")
            app = app_module.CsmApp(Session(store), config, save_settings=False, landing="book")
            state: dict[str, Any] = {}
            asyncio.run(_measure(app, state))
        finally:
            proc.terminate()
            proc.wait(10)
    status = state["sync"]
    print(f"server holds {loaded:,} rows; load average {os.getloadavg()[0]:.2f}")
    print(f"the sync ended {state['waited']:.1f} s after the typing: {status.state.value}")
    if not state["still syncing"]:
        print("note: the sync ended before the typing did; use a bigger book", file=sys.stderr)
    print(_figures("key to filter, during the first sync", state["during"]))
    print(_figures("event-loop lag, during the first sync", state["lag during"]))
    print(_figures("key to filter, after it", state["after"]))
    print(_figures("event-loop lag, after it", state["lag after"]))


if __name__ == "__main__":
    main()
