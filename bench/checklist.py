"""The Checklist screen over a 5,000-account book: its queries and the screen itself (200 ms).

    .venv/bin/python bench/checklist.py [--db PATH] [--accounts 5000] [--activities 200000]

Builds the demo book once (kept in the file for the next run) and times what the Checklist screen
loads when it opens (the open items across the book, overdue first, with their account names),
then the screen itself in a headless app: from `C` to the first frame drawn with its rows.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import build_book  # noqa: E402

from csm_tui.services.checklist import due_items  # noqa: E402
from csm_tui.store.checklist import count_open_due, current_stage_progress, overdue_counts  # noqa: E402
from csm_tui.store.connection import open_store  # noqa: E402

TARGET_MS = 200.0
RUNS = 7


def timed(func: object, runs: int) -> tuple[float, object]:
    assert callable(func)
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = func()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), result


async def screen_open_ms(db: Path, runs: int) -> list[float]:
    """From pushing the Checklist screen to the first frame written after its table is full."""
    from csm_tui.config import Config
    from csm_tui.i18n import set_language
    from csm_tui.services.session import Session
    from csm_tui.ui.app import CsmApp
    from csm_tui.ui.screens.checklist import ChecklistScreen

    set_language("en")
    store = open_store(db)
    app = CsmApp(
        Session(store), Config(path=Path(tempfile.mkdtemp()) / "c.toml"), save_settings=False
    )
    times: list[float] = []
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause(0.5)
        store.get_setting("warm-up")
        session = app.session
        session.roadmap.load_templates()  # as the app does in the background after start-up
        frames: list[float] = []
        display = app._display

        def timed_display(*args: object, **kwargs: object) -> None:
            display(*args, **kwargs)  # type: ignore[arg-type]
            frames.append(time.perf_counter())

        app._display = timed_display  # type: ignore[method-assign]
        for _ in range(runs + 1):  # the first run imports the screen's modules
            started = time.perf_counter()
            screen = ChecklistScreen(session)
            await app.push_screen(screen)
            filled = time.perf_counter()
            while not any(f >= filled for f in frames):
                await asyncio.sleep(0.001)
            shown = next(f for f in frames if f >= filled)
            assert screen.rows, "the demo book has open items"
            times.append((shown - started) * 1000)
            app.pop_screen()
            await pilot.pause(0.05)
    store.close()
    return times[1:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=HERE / "bench-checklist.db")
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--activities", type=int, default=200_000)
    args = parser.parse_args()
    built = build_book(args.db, args.accounts, args.activities)
    if built:
        print(f"built the demo book in {built:.1f} s")
    store = open_store(args.db)
    try:
        today = date.today()
        total = count_open_due(store)
        checks = {
            "due_items (Checklist screen)": lambda: due_items(store, today=today),
            "due_items, moments of truth": lambda: due_items(store, today=today, moments_only=True),
            "due_items, within 30 days": lambda: due_items(store, today=today, within_days=30),
            "due_items, all (no limit)": lambda: due_items(store, today=today, limit=None),
            "overdue_counts (book column)": lambda: overdue_counts(store, today),
            "current_stage_progress (book)": lambda: current_stage_progress(store),
        }
        print(f"{total:,} open items with a due date in {args.db}")
        for name, func in checks.items():
            median, result = timed(func, RUNS)
            size = len(result) if isinstance(result, list | dict) else 0
            verdict = "ok" if median <= TARGET_MS else "OVER"
            if "no limit" in name:  # not what the screen loads: for comparison only
                verdict = "for comparison"
            print(
                f"{name:34} {median:7.1f} ms  ({size:,} rows; target {TARGET_MS:.0f} ms: {verdict})"
            )
    finally:
        store.close()
    times = asyncio.run(screen_open_ms(args.db, RUNS))
    median = statistics.median(times)
    verdict = "ok" if median <= TARGET_MS else "OVER"
    print(
        f"{'Checklist screen: C to first frame':34} {median:7.1f} ms  "
        f"(max {max(times):.1f} ms of {RUNS}; target {TARGET_MS:.0f} ms: {verdict})"
    )


if __name__ == "__main__":
    main()
