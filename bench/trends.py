"""The Effort screen's Trends view (5) on a 5,000-account / 200,000-activity book, against the
200 ms target.

    .venv/bin/python bench/trends.py [--db PATH] [--runs 7] [--size 140x40]

Prints median and p95 of (a) each query and the whole service call (12 months, my work and
everyone's; the view's `month_figures` beside the plain per-month SQL it equals; with the CPU
time of each call, all threads, which a busy machine inflates less than the wall time), and
(b) the time from pressing 5 on a freshly opened Effort screen to the first frame drawn after
the rates were shown, driven headless like bench/effort.py: as the app does it (the view's
report computed ahead while the period's effort is shown), pressed at once and a second after,
and the reference computed only when 5 is pressed. The machine may be shared: the load average
is printed before and after. To compare with an older checkout, run its own bench/trends.py
on a copy of the book in the same session (an older schema cannot open a migrated book).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from effort import figures, timed  # noqa: E402
from run import build_book  # noqa: E402

from csm_tui.clock import SystemClock  # noqa: E402
from csm_tui.services.effort import local_midnight, local_today  # noqa: E402
from csm_tui.services.identity import me_identity  # noqa: E402
from csm_tui.services.trends import MONTHS, OUTCOMES, month_starts, trends_report  # noqa: E402
from csm_tui.store import trends as queries  # noqa: E402
from csm_tui.store.connection import Store, open_store  # noqa: E402

TARGET_MS = 200.0


def settled(screen: object) -> bool:
    return bool(getattr(screen, "loaded", False))


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def bench_queries(store: Store, runs: int) -> None:
    me = me_identity(store)
    author = me[1] if me else None
    starts = month_starts(local_today(SystemClock()), MONTHS)
    bounds = [local_midnight(day) for day in starts]
    days = [day.isoformat() for day in starts]
    tracked = tuple(o.value for o in OUTCOMES)
    rows = store.query_one(
        "SELECT count(*) FROM activities WHERE occurred_at >= ? AND occurred_at < ?",
        (bounds[0], bounds[-1]),
    )
    print(f"  {starts[0]} .. {starts[-1]}: {rows[0] if rows else 0:,} activities")

    def view_path() -> object:  # as the service calls it: older months on a second connection
        with store.reader() as helper:
            return queries.month_figures(store, bounds, days, author, tracked, helper)

    parts: dict[str, Callable[[], object]] = {
        "month figures (view)": view_path,
        "  on one connection": partial(queries.month_figures, store, bounds, days, author, tracked),
        "per month (plain SQL)": partial(
            queries.activities_per_month, store, bounds, author, tracked
        ),
        "per segment (plain)": partial(queries.segment_minutes, store, bounds, author),
        "tasks by rule": partial(queries.task_states, store, days, author, "+00:00"),
        "whole call (mine)": partial(trends_report, store, SystemClock()),
        "whole call (everyone)": partial(trends_report, store, SystemClock(), mine_only=False),
    }
    for name, func in parts.items():
        cpu = time.process_time()
        times = timed(func, runs)
        cpu_ms = (time.process_time() - cpu) * 1000 / (runs + 1)  # every thread's
        verdict = ""
        if name.startswith("whole"):
            verdict = "  ok" if statistics.median(times) * 1000 <= TARGET_MS else "  OVER"
        print(f"    {name:22} {figures(times)}, cpu {cpu_ms:5.0f} ms{verdict}")


async def bench_view(
    db: Path,
    runs: int,
    size: tuple[int, int],
    verbose: bool = False,
    *,
    ahead: bool = True,
    pause: float = 0.0,
) -> list[float]:
    """Seconds from pressing 5 on a freshly opened Effort screen (`pause` seconds after its
    period's report was drawn) to the first frame after the rates were drawn. `ahead=False`:
    the Trends view does not compute its report ahead of time (the reference: computed when 5
    is pressed)."""
    from csm_tui.config import Config
    from csm_tui.i18n import set_language
    from csm_tui.services.session import Session
    from csm_tui.ui.app import CsmApp
    from csm_tui.ui.screens.effort import EffortScreen
    from csm_tui.ui.widgets.trends_view import TrendsView

    set_language("en")
    store = open_store(db)
    config = Config(path=Path(tempfile.mkdtemp()) / "config.toml")
    app = CsmApp(Session(store), config, save_settings=False, landing="book")
    frames: list[float] = []
    shown: list[float] = []
    display = app._display

    def timed_display(*args: object, **kwargs: object) -> None:
        display(*args, **kwargs)  # type: ignore[arg-type]
        frames.append(time.perf_counter())

    arrived = TrendsView._arrived
    prefetch = TrendsView.prefetch

    def timed_arrived(view: TrendsView, *args: object) -> None:
        arrived(view, *args)  # type: ignore[arg-type]
        if view.loaded:
            shown.append(time.perf_counter())

    app._display = timed_display  # type: ignore[method-assign]
    TrendsView._arrived = timed_arrived  # type: ignore[method-assign,assignment]
    if not ahead:
        TrendsView.prefetch = lambda view, mine_only: None  # type: ignore[method-assign,assignment]
    times: list[float] = []
    try:
        async with app.run_test(size=size) as pilot:
            while not app.session.book.loaded:  # the book loads in a worker: not measured
                await pilot.pause(0.05)
            await pilot.pause(0.2)
            for run in range(runs + 1):  # the first one imports the view's modules
                screen = EffortScreen(app.session)
                app.push_screen(screen)
                while not settled(screen):
                    await asyncio.sleep(0.005)
                await asyncio.sleep(pause)
                shown.clear()
                started = time.perf_counter()
                screen.action_trends()
                while not shown or not any(frame >= shown[0] for frame in frames):
                    await asyncio.sleep(0.005)  # pilot.pause would force a repaint each time
                took = next(frame for frame in frames if frame >= shown[0]) - started
                if verbose:
                    data = (shown[0] - started) * 1000
                    print(f"      data shown after {data:.0f} ms, frame {took * 1000:.0f} ms")
                app.pop_screen()
                await pilot.pause(0.3)
                if run:
                    times.append(took)
    finally:
        TrendsView._arrived = arrived  # type: ignore[method-assign]
        TrendsView.prefetch = prefetch  # type: ignore[method-assign]
        store.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", type=Path, default=HERE / "bench-book.db")
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--activities", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--size", default="140x40", help="the terminal, like 80x24")
    parser.add_argument("--verbose", action="store_true", help="each run: data shown, frame")
    args = parser.parse_args()
    built = build_book(args.db, args.accounts, args.activities)
    if built:
        print(f"built the demo book in {built:.1f} s")
    width, height = (int(n) for n in args.size.split("x"))
    print(f"Book: {args.db}; today is {date.today()}; {args.runs} runs each")
    print(f"load average: {load()}")
    store = open_store(args.db)  # migrates the book first, outside the timings
    try:
        print("(a) the queries and the whole service call, 12 months:")
        bench_queries(store, args.runs)
    finally:
        store.close()
    print(
        f"(b) from pressing 5 on the Effort screen to the first frame with the rates ({args.size}):"
    )
    cases = (
        ("computed when 5 is pressed", False, 0.0),  # the reference: no report made ahead
        ("5 as Effort is drawn", True, 0.0),  # before the report is made ahead
        ("5 half a second after", True, 0.5),  # made ahead, maybe still being computed
        ("5 a second after", True, 1.0),  # made ahead and ready
    )
    for label, ahead, pause in cases:
        times = asyncio.run(
            bench_view(args.db, args.runs, (width, height), args.verbose, ahead=ahead, pause=pause)
        )
        verdict = "ok" if statistics.median(times) * 1000 <= TARGET_MS else "OVER"
        print(f"    {label:28} {figures(times)}  {verdict}")
    print(f"load average after: {load()}")


if __name__ == "__main__":
    main()
