"""The Effort screen on a 5,000-account / 200,000-activity book, against the 200 ms target.

    .venv/bin/python bench/effort.py [--db PATH] [--runs 7] [--plans] [--screen-only]
        [--kind week --kind month ...]

Prints median and p95 of (a) each analytics query and the whole service call, for a week, a month
and a quarter, and (b) the time from pushing the screen to its first complete frame (the frame
drawn after the report arrived), driven headless like bench/run.py. `--plans` prints the query
plans (each should read migration 7's covering index, activities_effort).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import build_book  # noqa: E402

from csm_tui.clock import SystemClock  # noqa: E402
from csm_tui.services.effort import (  # noqa: E402
    CANDIDATES,
    REPEATS,
    TOP_ACCOUNTS,
    Period,
    PeriodKind,
    effort_report,
    local_midnight,
    local_today,
    trend_mondays,
)
from csm_tui.services.identity import me_identity  # noqa: E402
from csm_tui.store import effort as queries  # noqa: E402
from csm_tui.store.connection import Store, open_store  # noqa: E402

TARGET_MS = 200.0
KINDS = (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER)


def figures(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[max(int(len(ordered) * 0.95 + 0.5) - 1, 0)]
    return f"median {statistics.median(ordered) * 1000:6.1f} ms, p95 {p95 * 1000:6.1f} ms"


def timed(func: Callable[[], object], runs: int) -> list[float]:
    func()  # warm: imports, prepared statements, the page cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return times


def bench_queries(store: Store, runs: int, plans: bool) -> None:
    me = me_identity(store)
    author = me[1] if me else None
    today = local_today(SystemClock())
    for kind in KINDS:
        period = Period.around(kind, today)
        scope = queries.Scope(
            local_midnight(period.start), local_midnight(period.end + timedelta(days=1)), author
        )
        bounds = [local_midnight(day) for day in trend_mondays(period, today)]
        parts: dict[str, Callable[[], object]] = {
            "mix (type x flags)": partial(queries.mix, store, scope),
            "top accounts": partial(queries.top_accounts, store, scope, TOP_ACCOUNTS),
            "recurring reactive": partial(
                queries.repeated_reactive, store, scope, repeats=REPEATS, limit=CANDIDATES
            ),
            "12-week trend": partial(queries.per_bucket, store, bounds, author),
            "whole service call": partial(effort_report, store, period, SystemClock()),
        }
        rows = store.query_one(
            "SELECT count(*) FROM activities WHERE occurred_at >= ? AND occurred_at < ?",
            (scope.lo, scope.hi),
        )
        print(f"  {kind.value} {period.start} .. {period.end}: {rows[0] if rows else 0:,} rows")
        for name, func in parts.items():
            times = timed(func, runs)
            verdict = ""
            if name == "whole service call":
                verdict = "  ok" if statistics.median(times) * 1000 <= TARGET_MS else "  OVER"
            print(f"    {name:22} {figures(times)}{verdict}")
        if plans:
            where = "occurred_at >= ? AND occurred_at < ? AND author_email = ?"
            source = queries.SOURCE
            sql = f"SELECT type, count(*), sum(minutes) FROM {source} WHERE {where} GROUP BY type"
            plan = store.query("EXPLAIN QUERY PLAN " + sql, (scope.lo, scope.hi, author))
            print("    plan: " + "; ".join(str(step[3]) for step in plan))


async def bench_screen(db: Path, runs: int, kind: PeriodKind) -> tuple[list[float], list[float]]:
    """Seconds from creating and pushing the screen to the first frame drawn after the report
    was shown; and, for scale, the same for an account's screen (its first frame) in the same app.
    """
    from csm_tui.config import Config
    from csm_tui.i18n import set_language
    from csm_tui.services.session import Session
    from csm_tui.ui.app import CsmApp
    from csm_tui.ui.screens.account import AccountScreen
    from csm_tui.ui.screens.effort import EffortScreen

    set_language("en")
    store = open_store(db)
    config = Config(path=Path(tempfile.mkdtemp()) / "config.toml")
    # on the book, not Today: Today recomputes its ranking each time a screen above it closes
    app = CsmApp(Session(store), config, save_settings=False, landing="book")
    frames: list[float] = []
    shown: list[float] = []
    display = app._display

    def timed_display(*args: object, **kwargs: object) -> None:
        display(*args, **kwargs)  # type: ignore[arg-type]
        frames.append(time.perf_counter())

    present = EffortScreen._present

    def timed_present(screen: EffortScreen, *args: object) -> None:
        present(screen, *args)  # type: ignore[arg-type]
        shown.append(time.perf_counter())

    async def first_frame_after(started: float, ready: Callable[[], float | None]) -> float:
        while (at := ready()) is None or not any(frame >= at for frame in frames):
            await asyncio.sleep(0.005)  # pilot.pause would force a repaint each time
        return next(frame for frame in frames if frame >= at) - started

    app._display = timed_display  # type: ignore[method-assign]
    EffortScreen._present = timed_present  # type: ignore[method-assign,assignment]
    effort_times: list[float] = []
    account_times: list[float] = []
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            while not app.session.book.loaded:  # the book loads in a worker: not measured
                await pilot.pause(0.05)
            await pilot.pause(0.2)
            account_id = app.session.book.first_page(1)[0].id
            for run in range(runs + 1):  # the first openings import the screens' modules
                shown.clear()
                started = time.perf_counter()
                app.push_screen(EffortScreen(app.session, kind))
                took = await first_frame_after(started, lambda: shown[0] if shown else None)
                app.pop_screen()
                await pilot.pause(0.1)
                started = time.perf_counter()
                app.push_screen(AccountScreen(app.session, account_id))
                account_took = await first_frame_after(started, partial(float, started))
                app.pop_screen()
                await pilot.pause(0.1)
                if run:
                    effort_times.append(took)
                    account_times.append(account_took)
    finally:
        EffortScreen._present = present  # type: ignore[method-assign]
        store.close()
    return effort_times, account_times


def run_all(
    db: Path, runs: int, plans: bool, screen_only: bool, kinds: tuple[PeriodKind, ...]
) -> None:
    if not screen_only:
        store = open_store(db)
        try:
            print("(a) analytics queries and the whole service call (my work):")
            bench_queries(store, runs, plans)
        finally:
            store.close()
    print("(b) from pushing the Effort screen to its first complete frame (140x40):")
    for kind in kinds:
        times, account = asyncio.run(bench_screen(db, runs, kind))
        verdict = "ok" if statistics.median(times) * 1000 <= TARGET_MS else "OVER"
        print(f"    {kind.value:8} {figures(times)}  {verdict}")
        print(f"    {'':8} (an account's screen in the same runs: {figures(account)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=HERE / "bench-book.db")
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--activities", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--plans", action="store_true", help="print the query plans")
    parser.add_argument("--screen-only", action="store_true", help="only (b), the screen")
    parser.add_argument(
        "--kind",
        action="append",
        type=PeriodKind,
        choices=KINDS,
        help="a period to time the screen on (repeat; default: week, month and quarter)",
    )
    args = parser.parse_args()
    built = build_book(args.db, args.accounts, args.activities)
    if built:
        print(f"built the demo book in {built:.1f} s")
    print(f"Book: {args.db}; today is {date.today()}; {args.runs} runs each")
    print(f"load average: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    run_all(args.db, args.runs, args.plans, args.screen_only, tuple(args.kind or KINDS))
    print(f"load average after: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")


if __name__ == "__main__":
    main()
