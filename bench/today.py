"""Today and the playbooks on a 5,000-account / 200,000-activity book (targets: 300 ms, 1 s).

    .venv/bin/python bench/today.py [--db PATH] [--accounts 5000] [--activities 200000]

Builds the demo book once (kept for the next run; the demo runs the playbooks once, like a first
start). Times the Today screen's queries, then the screen itself in a headless app: from pushing
it to the first frame drawn with its rows (its data is computed in a worker). Then the playbook
rules over the whole book: the first run on a copy without any firing (every occurrence creates
its tasks), and the runs after it (nothing new: the queries only).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from checklist import timed  # noqa: E402
from run import build_book  # noqa: E402

from csm_tui.config import TODAY_WEIGHTS  # noqa: E402
from csm_tui.services.identity import me_identity  # noqa: E402
from csm_tui.services.playbooks import run_playbooks  # noqa: E402
from csm_tui.services.today import THRESHOLDS, rank  # noqa: E402
from csm_tui.store.connection import Store, open_store  # noqa: E402
from csm_tui.store.tasks import open_tasks  # noqa: E402
from csm_tui.store.today import account_facts, coverage_reminders  # noqa: E402

TODAY_TARGET_MS = 300.0
RULES_TARGET_MS = 1000.0
RUNS = 7


async def screen_open_ms(db: Path, runs: int) -> tuple[list[float], int]:
    """From pushing Today to the first frame written after its rows were set.

    The bench waits on events, not by polling: a polling loop on the UI thread would take the
    interpreter from the worker that computes the page, many times a millisecond.
    """
    from csm_tui.config import Config
    from csm_tui.i18n import set_language
    from csm_tui.services.session import Session
    from csm_tui.ui.app import CsmApp
    from csm_tui.ui.screens.today import TodayScreen

    set_language("en")
    store = open_store(db)
    config = Config(path=Path(tempfile.mkdtemp()) / "c.toml")
    app = CsmApp(Session(store), config, save_settings=False, landing="book")
    times: list[float] = []
    rows = 0
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause(0.5)
        await app.workers.wait_for_complete()  # the start's own work: rules, the book
        display = app._display
        drawn = asyncio.Event()
        shown: list[float] = []
        frames: list[float] = []

        def timed_display(*args: object, **kwargs: object) -> None:
            display(*args, **kwargs)  # type: ignore[arg-type]
            if shown and not frames:
                frames.append(time.perf_counter())
                drawn.set()

        app._display = timed_display  # type: ignore[method-assign]
        for _ in range(runs + 1):  # the first run imports the screen's modules
            screen = TodayScreen(app.session, dict(TODAY_WEIGHTS))
            original = screen.show

            def show(view: object, original: object = original) -> None:
                original(view)  # type: ignore[operator]
                shown.append(time.perf_counter())

            screen.show = show  # type: ignore[method-assign,assignment]
            shown.clear()
            frames.clear()
            drawn.clear()
            started = time.perf_counter()
            await app.push_screen(screen)
            await drawn.wait()
            assert screen.view is not None and screen.view.priorities, "the demo book has rows"
            rows = len(screen.view.priorities)
            times.append((frames[0] - started) * 1000)
            app.pop_screen()
            await pilot.pause(0.05)
    store.close()
    return times[1:], rows


def first_run_ms(db: Path) -> tuple[float, int, int]:
    """A full run on a copy of the book with no firing and no playbook task yet."""
    import sqlite_utils  # noqa: F401  (the app has imported it by its first write)

    folder = Path(tempfile.mkdtemp())
    copy = folder / "rules.db"
    shutil.copyfile(db, copy)
    store = open_store(copy)
    try:
        with store.lock, store.conn:  # bench only: clear without journaling
            store.conn.execute("DELETE FROM tasks WHERE source = 'playbook'")
            store.conn.execute("DELETE FROM playbook_firings")
        run = run_playbooks(store, store.clock)
        assert not run.problems, run.problems
        return run.seconds * 1000, run.fired, run.tasks
    finally:
        store.close()
        shutil.rmtree(folder, ignore_errors=True)


def report(name: str, median: float, target: float, detail: str) -> None:
    verdict = "ok" if median <= target else "OVER"
    print(f"{name:40} {median:7.1f} ms  ({detail}; target {target:.0f} ms: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/today-bench.db"))
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--activities", type=int, default=200_000)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs (the figures grow with it)")
    built = build_book(args.db, args.accounts, args.activities)
    if built:
        print(f"built the demo book in {built:.1f} s")
    store: Store = open_store(args.db)
    try:
        me = me_identity(store)
        assert me is not None, "the demo book knows who I am"
        today = date.today()
        weights = dict(TODAY_WEIGHTS)
        checks = {
            "account facts (one query)": lambda: account_facts(
                store, me[1], today, THRESHOLDS.contact_days
            ),
            "facts and ranking": lambda: rank(
                account_facts(store, me[1], today, THRESHOLDS.contact_days), weights
            ),
            "my open tasks": lambda: open_tasks(store, me[1], today),
            "coverage reminders": lambda: coverage_reminders(store, me[1], today),
        }
        for name, func in checks.items():
            median, result = timed(func, RUNS)
            size = len(result) if isinstance(result, list) else 0
            report(name, median, TODAY_TARGET_MS, f"{size:,} rows")
        again = [run_playbooks(store, store.clock).seconds * 1000 for _ in range(RUNS)]
    finally:
        store.close()
    times, rows = asyncio.run(screen_open_ms(args.db, RUNS))
    report(
        "Today screen: push to first frame",
        statistics.median(times),
        TODAY_TARGET_MS,
        f"max {max(times):.1f} ms of {RUNS}; {rows:,} accounts ranked",
    )
    first, fired, tasks = first_run_ms(args.db)
    report(
        "playbooks, first run over the book",
        first,
        RULES_TARGET_MS,
        f"{fired:,} occurrences fired, {tasks:,} tasks created",
    )
    report(
        "playbooks, a run with nothing new",
        statistics.median(again),
        RULES_TARGET_MS,
        f"max {max(again):.1f} ms of {RUNS}",
    )


if __name__ == "__main__":
    main()
