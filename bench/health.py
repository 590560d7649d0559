"""The Health and Week screens and `csm-tui report week` on a 5,000-account / 200,000-activity
demo book, and what the usage metrics add to building that book.

    .venv/bin/python bench/health.py [--db /tmp/health-bench.db] [--runs 7] [--build]

Prints median and p95 of (a) the Health report and the week report (service calls), (b) the time
from pushing each screen to the first frame drawn after its report arrived, driven headless,
(c) `csm-tui report week` end to end (a new process each run), and with --build (d) the demo
build with and without the metrics (in-process, into temporary files) and the metrics step alone.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import BIN, build_book  # noqa: E402

from csm_tui.clock import SystemClock  # noqa: E402
from csm_tui.demo import book as demo  # noqa: E402
from csm_tui.demo import metrics as demo_metrics  # noqa: E402
from csm_tui.services.health import HealthWeights, health_report  # noqa: E402
from csm_tui.services.week_report import week_report  # noqa: E402
from csm_tui.store.connection import open_store  # noqa: E402


def figures(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(int(len(ordered) * 0.95 + 0.5) - 1, 0)]
    return f"median {statistics.median(ordered) * 1000:7.1f} ms, p95 {p95 * 1000:7.1f} ms"


def timed(func: Callable[[], object], runs: int) -> list[float]:
    func()  # warm: imports, prepared statements, the page cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return times


def this_monday() -> date:
    today = SystemClock().today()
    return today - timedelta(days=today.weekday())


def bench_services(db: Path, runs: int) -> None:
    store = open_store(db)
    clock = SystemClock()
    try:
        health = timed(lambda: health_report(store, clock, HealthWeights()), runs)
        print(f"    health report          {figures(health)}")
        week = timed(lambda: week_report(store, this_monday(), clock), runs)
        print(f"    week report            {figures(week)}")
    finally:
        store.close()


async def bench_screen(db: Path, runs: int, which: str) -> list[float]:
    """Seconds from pushing the screen to the first frame drawn after its report was shown."""
    from csm_tui.config import Config
    from csm_tui.i18n import set_language
    from csm_tui.services.session import Session
    from csm_tui.ui.app import CsmApp
    from csm_tui.ui.screens.health import HealthScreen
    from csm_tui.ui.screens.week import WeekScreen

    set_language("en")
    store = open_store(db)
    config = Config(path=Path(tempfile.mkdtemp()) / "config.toml")
    app = CsmApp(Session(store), config, save_settings=False)
    frames: list[float] = []
    display = app._display

    def timed_display(*args: object, **kwargs: object) -> None:
        display(*args, **kwargs)  # type: ignore[arg-type]
        frames.append(time.perf_counter())

    shown: list[float] = []  # when each report was put on screen
    screen_class = HealthScreen if which == "health" else WeekScreen
    original = screen_class._loaded

    def timed_loaded(screen: HealthScreen | WeekScreen, report: object) -> None:
        original(screen, report)  # type: ignore[arg-type]
        shown.append(time.perf_counter())

    app._display = timed_display  # type: ignore[method-assign]
    screen_class._loaded = timed_loaded  # type: ignore[method-assign,assignment]
    times: list[float] = []
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(1.0)  # the book screen loads its rows first
            for run in range(runs + 1):  # the first opening imports the screen's modules
                screen = HealthScreen(app.session) if which == "health" else WeekScreen(app.session)
                started = time.perf_counter()
                app.push_screen(screen)
                # asyncio.sleep, not pilot.pause: a pause repaints the screen each time, and
                # that would take the GIL from the screen's worker
                while not screen.loaded:
                    await asyncio.sleep(0.02)
                on_screen = shown[-1]
                while not any(frame >= on_screen for frame in frames):
                    await asyncio.sleep(0.01)
                took = next(frame for frame in frames if frame >= on_screen) - started
                app.pop_screen()
                await pilot.pause(0.1)
                if run:
                    times.append(took)
    finally:
        screen_class._loaded = original  # type: ignore[method-assign]
        store.close()
    return times


def bench_cli(db: Path, runs: int) -> None:
    argv = [str(BIN / "csm-tui"), "report", "week", "--db", str(db), "-o", "/dev/null"]
    times = timed(lambda: subprocess.run(argv, check=True, capture_output=True), runs)
    print(f"    csm-tui report week    {figures(times)}")


def bench_build(accounts: int, activities: int) -> None:
    """The demo build in-process, with the metrics and without (the step replaced by a no-op)."""
    from csm_tui.clock import FixedClock

    clock = FixedClock(SystemClock().now())
    step: list[float] = []
    original = demo.add_usage_metrics

    def measured(*args: object) -> int:
        started = time.perf_counter()
        rows = original(*args)  # type: ignore[arg-type]
        step.append(time.perf_counter() - started)
        return rows

    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, replacement in (("without metrics", lambda *a: 0), ("with metrics", measured)):
            demo.add_usage_metrics = replacement  # type: ignore[assignment]
            path = Path(folder) / f"{label.replace(' ', '-')}.db"
            store = open_store(path, clock=clock)
            store.conn.execute("PRAGMA cache_size = -262144")  # as `csm-tui demo` builds
            try:
                summary = demo.build_demo(
                    store, accounts=accounts, activities=activities, today=clock.today()
                )
            finally:
                store.close()
                demo.add_usage_metrics = original
            results[label] = summary.seconds
            print(f"    demo build {label:16} {summary.seconds:6.1f} s")
    rows = accounts * demo_metrics.WEEKS
    print(f"    the metrics step alone     {step[0]:6.1f} s ({rows:,} rows and journal entries)")
    added = results["with metrics"] - results["without metrics"]
    print(f"    added by the metrics       {added:+6.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/health-bench.db"))
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--activities", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--build", action="store_true", help="also time the demo build")
    args = parser.parse_args()
    built = build_book(args.db, args.accounts, args.activities)
    if built:
        print(f"built {args.db} in {built:.1f} s")
    print(f"{args.db}: {args.accounts:,} accounts, {args.activities:,} activities")
    print("(a) service calls:")
    bench_services(args.db, args.runs)
    print("(b) from pushing the screen to its first complete frame (120x40):")
    for which in ("health", "week"):
        times = asyncio.run(bench_screen(args.db, args.runs, which))
        print(f"    {which:6} screen          {figures(times)}")
    print("(c) the command, end to end:")
    bench_cli(args.db, args.runs)
    if args.build:
        print("(d) building the demo book:")
        bench_build(args.accounts, args.activities)


if __name__ == "__main__":
    main()
