"""The Checklist screen's query over a 5,000-account book: median of 7 against the 200 ms target.

    .venv/bin/python bench/checklist.py [--db PATH] [--accounts 5000] [--activities 200000]

Builds the demo book once (kept in the file for the next run) and times what the Checklist screen
loads when it opens: the open items across the book, overdue first, with their account names.
"""

from __future__ import annotations

import argparse
import statistics
import sys
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


if __name__ == "__main__":
    main()
