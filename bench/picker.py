"""The fuzzy account picker on a 5,000-account book: opening it and each keystroke.

    .venv/bin/python bench/picker.py [--db PATH] [--accounts 5000] [--activities 200000]

Builds the demo book once (kept in the file for the next run; shared with bench/run.py). Prints:
the ranking alone per query (median and max of 7), and in the app under Pilot the time to open
the picker and, per keystroke, the handler (ranking + new options) and key to the frame that
shows the result.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from csm_tui.ui.app import CsmApp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import bare_pilot_key_ms, build_book  # noqa: E402

from csm_tui.models.book import BookQuery  # noqa: E402
from csm_tui.services.session import Session  # noqa: E402
from csm_tui.store.connection import open_store  # noqa: E402
from csm_tui.ui.screens import account_picker  # noqa: E402
from csm_tui.ui.screens.account_picker import candidates, rank  # noqa: E402

RUNS = 7
TARGET_MS = 16.0  # one frame at 60 Hz
QUERIES = [
    "a",  # half the book matches: the ranking of thousands
    "at",
    "atlas",
    "nmbs",  # scattered letters: Nimbus Systems
    "falcon media",
    "株式",
    "こすも",  # hiragana finds katakana
    "ｺｽﾓ",  # half-width katakana too
    "eeeeee",  # many ways for the letters to fit: the fuzzy score is skipped
    "zzzz",  # nothing matches
]
TYPED = ["f", "a", "l", "c", "backspace", "backspace", "backspace", "backspace"] * 3


def ms(seconds: float) -> float:
    return seconds * 1000


def bench_rank(session: Session) -> None:
    account_picker._FOLDED.clear()
    account_picker._LAST.clear()
    started = time.perf_counter()
    pool = candidates(session)
    cold = time.perf_counter() - started
    started = time.perf_counter()
    candidates(session)
    warm = time.perf_counter() - started
    print(f"Candidates from {len(pool)} accounts: first {ms(cold):.1f} ms, then {ms(warm):.1f} ms")
    print(f"Ranking per query (median / max of {RUNS}, target <= {TARGET_MS:.0f} ms):")
    for query in QUERIES:
        times, total = [], 0
        for _ in range(RUNS):
            started = time.perf_counter()
            _shown, total = rank(session.fold(query), pool)
            times.append(time.perf_counter() - started)
        print(
            f"  {query!r:>16}: {ms(statistics.median(times)):5.1f} / {ms(max(times)):5.1f} ms"
            f"  ({total} matches)"
        )


async def bench_in_app(db: Path) -> None:
    from csm_tui.config import Config
    from csm_tui.i18n import set_language
    from csm_tui.ui.app import CsmApp
    from csm_tui.ui.screens.account_picker import AccountPickerScreen
    from csm_tui.ui.textual_ext.title_bar import TitleBar

    set_language("en")
    store = open_store(db)
    config = Config(path=Path(tempfile.mkdtemp()) / "config.toml")
    app = CsmApp(Session(store), config, save_settings=False)
    account_picker._FOLDED.clear()
    account_picker._LAST.clear()
    handler: list[float] = []
    to_frame: list[float] = []
    async with app.run_test(size=(140, 40)) as pilot:
        while not (app.session.book.loaded and app.screen.query(TitleBar)):
            await pilot.pause(0.05)  # whichever screen the app opens on, once the book is in
        await pilot.pause(0.5)
        opened: list[float] = []
        for _ in range(RUNS):
            started = time.perf_counter()
            app.action_log_work()
            while not (isinstance(app.screen, AccountPickerScreen) and app.screen.shown):
                await pilot.pause(0.001)
            opened.append(time.perf_counter() - started)
            await pilot.press("escape")
            while isinstance(app.screen, AccountPickerScreen):
                await pilot.pause(0.001)
        app.action_log_work()
        while not (isinstance(app.screen, AccountPickerScreen) and app.screen.shown):
            await pilot.pause(0.001)
        picker = app.screen
        assert isinstance(picker, AccountPickerScreen)
        original = picker.show
        handled_at: list[float] = []
        frames: list[float] = []

        def timed_show(text: str) -> None:
            started = time.perf_counter()
            original(text)
            handler.append(time.perf_counter() - started)
            handled_at.append(time.perf_counter())

        display = app._display

        def timed_display(*args: object, **kwargs: object) -> None:
            display(*args, **kwargs)  # type: ignore[arg-type]
            frames.append(time.perf_counter())

        picker.show = timed_show  # type: ignore[method-assign]
        app._display = timed_display  # type: ignore[method-assign]
        for key in TYPED:
            started = time.perf_counter()
            await pilot.press(key)
            await pilot.pause(0.02)
            shown = next((f for f in frames if handled_at and f >= handled_at[-1]), None)
            if shown is not None:
                to_frame.append(shown - started)
        await pilot.press("escape")
        tick = await bench_title_bar(app, pilot)
    store.close()
    print("In the app (Pilot, 140x40):")
    print(
        f"  open the picker (first time: every name folded): {ms(opened[0]):.1f} ms; "
        f"again: median {ms(statistics.median(opened[1:])):.1f} ms"
    )
    print(
        f"  per keystroke, ranking + options: median {ms(statistics.median(handler)):.1f} ms, "
        f"max {ms(max(handler)):.1f} ms ({len(handler)} keystrokes)"
    )
    if to_frame:
        print(
            f"  key to the frame showing the result: median "
            f"{ms(statistics.median(to_frame)):.1f} ms, max {ms(max(to_frame)):.1f} ms"
        )
    bare = await bare_pilot_key_ms(TYPED)
    print(f"  (a keystroke into a bare Textual Input under Pilot: median {bare:.1f} ms)")
    print(
        f"Timer in the title bar: one tick (render of the line) median {tick['render_us']:.0f} µs;"
        f" frames written in {tick['seconds']:.0f} s of a running timer: {tick['frames']:.0f}"
    )


async def bench_title_bar(app: CsmApp, pilot: Pilot[None]) -> dict[str, float]:
    """What a running timer costs: the title bar's line rendered once a second, nothing else."""
    from csm_tui.ui.textual_ext.title_bar import TitleBar

    first = app.session.book.query(BookQuery())[0]
    app.timer = app.session.start_timer(first.id)
    bar = app.screen.query_one(TitleBar)
    times = []
    for _ in range(1000):
        started = time.perf_counter()
        bar.render()
        times.append(time.perf_counter() - started)
    frames = 0
    display = app._display

    def counted(*args: object, **kwargs: object) -> None:
        nonlocal frames
        frames += 1
        display(*args, **kwargs)  # type: ignore[arg-type]

    app._display = counted  # type: ignore[method-assign]
    seconds = 5.0
    await pilot.pause(seconds)
    app._display = display  # type: ignore[method-assign]
    app.session.stop_timer()
    app.timer = None
    return {"render_us": statistics.median(times) * 1e6, "frames": frames, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=HERE / "bench-book.db")
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--activities", type=int, default=200_000)
    args = parser.parse_args()
    built = build_book(args.db, args.accounts, args.activities)
    if built:
        print(f"built the demo book in {built:.1f} s")
    store = open_store(args.db)
    session = Session(store)
    session.book.load()
    bench_rank(session)
    store.close()
    asyncio.run(bench_in_app(args.db))


if __name__ == "__main__":
    main()
