"""Typing into the book's filter while the book reloads, as after a sync (issue 17: p95 <= 33 ms).

    .venv/bin/python bench/reload_typing.py [--db bench/bench-book.db] [--rounds 3]

The app (headless, 140 x 40) opens on the book of the 5,000-account demo. Each key is pressed
right after a reload of the book started on a worker (what a sync that brought rows does), and
timed from the key to the first frame drawn after the filtered rows were set; the same keys
without a reload are the reference, in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KEYS = ["g", "l", "o", "b", "backspace", "backspace", "backspace", "backspace"]


def p95(values: list[float]) -> float:
    return sorted(values)[max(int(len(values) * 0.95) - 1, 0)] * 1000


async def key_to_frame(db: Path, rounds: int) -> dict[str, float]:
    from csm_tui.config import Config
    from csm_tui.i18n import set_language
    from csm_tui.services.session import Session
    from csm_tui.store.connection import open_store
    from csm_tui.ui.app import CsmApp
    from csm_tui.ui.screens.book import BookScreen

    set_language("en")
    store = open_store(db)
    config = Config(path=Path(tempfile.mkdtemp()) / "config.toml")
    app = CsmApp(Session(store), config, save_settings=False, landing="book", sync=False)
    times: dict[bool, list[float]] = {False: [], True: []}
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, BookScreen)
        await app.workers.wait_for_complete()
        handled: list[float] = []
        frames: list[float] = []
        original_query, original_display = screen.run_query, app._display

        def timed_query() -> None:
            original_query()
            handled.append(time.perf_counter())

        def timed_display(*args: object, **kwargs: object) -> None:
            original_display(*args, **kwargs)  # type: ignore[arg-type]
            frames.append(time.perf_counter())

        screen.run_query = timed_query  # type: ignore[method-assign]
        app._display = timed_display  # type: ignore[method-assign]
        await pilot.press("slash")
        await pilot.pause(0.2)
        for _ in range(rounds):
            for reloading in (False, True):
                for key in KEYS:
                    if reloading:
                        screen.reload()  # a worker rebuilds the book, as after a sync
                        await asyncio.sleep(0.005)  # it has begun
                    count = len(handled)
                    started = time.perf_counter()
                    await pilot.press(key)
                    while len(handled) == count:
                        await asyncio.sleep(0.001)
                    done = handled[count]
                    while not any(f >= done for f in frames):
                        await asyncio.sleep(0.001)
                    shown = next(f for f in frames if f >= done)
                    times[reloading].append(shown - started)
                    await app.workers.wait_for_complete()
    store.close()
    return {
        "quiet_median_ms": statistics.median(times[False]) * 1000,
        "quiet_p95_ms": p95(times[False]),
        "reload_median_ms": statistics.median(times[True]) * 1000,
        "reload_p95_ms": p95(times[True]),
        "keys": len(times[True]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=HERE / "bench-book.db")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"no book at {args.db}: run bench/issue17.py (or bench/run.py) first")
    f = asyncio.run(key_to_frame(args.db, args.rounds))
    print(
        f"key to frame while the book reloads: median {f['reload_median_ms']:.1f} ms, p95 "
        f"{f['reload_p95_ms']:.1f} ms (target <= 33); without a reload: median "
        f"{f['quiet_median_ms']:.1f} ms, p95 {f['quiet_p95_ms']:.1f} ms "
        f"({f['keys']:.0f} keys each; load {os.getloadavg()[0]:.1f})"
    )


if __name__ == "__main__":
    main()
