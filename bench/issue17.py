"""Every figure of issue 17 in one table, each with its reference measured in the same run.

    .venv/bin/python bench/issue17.py [--runs 9] [--quick] [--no-sync]

Books: the 60-account demo and the 5,000-account / 200,000-activity demo (bench/bench-demo-60.db,
bench/bench-book.db; built once, a few minutes). References: a bare Textual app run the same way
(start-up), `watson add` from its own virtual environment (bench/.venv-ref, made on first use
with pip; skipped with a note if that fails), Python with sqlite3 alone, the week (Effort). The
sync rows come from bench/sync.py (no-change sync, push of 1,000) and bench/sync_first.py (the
first sync on SQLite, and on PostgreSQL when CSM_TUI_TEST_POSTGRES is set). Machines are shared:
the load average is printed, and the ratios to a reference measured interleaved are the figures
to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

import first_screen  # noqa: E402
from run import bench_filter, bench_log_activity, build_book  # noqa: E402

REF_VENV = HERE / ".venv-ref"
Row = tuple[str, str, str, str]  # what, now, reference (same run), target / verdict


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def watson() -> Path | None:
    """`watson` in the bench's own virtual environment (td-watson from PyPI), or None."""
    program = REF_VENV / "bin" / "watson"
    if program.exists():
        return program
    try:
        subprocess.run([sys.executable, "-m", "venv", str(REF_VENV)], check=True)
        subprocess.run(
            [str(REF_VENV / "bin" / "pip"), "install", "--quiet", "td-watson"],
            check=True,
            timeout=300,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return program if program.exists() else None


def _process(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def shell_log(book: Path, runs: int) -> list[Row]:
    """`csm-tui log ACCOUNT 30 --type call` as a whole process, against `watson add` and Python
    with sqlite3 alone, interleaved; on a copy of the book."""
    folder = Path(tempfile.mkdtemp())
    copy = folder / "book.db"
    shutil.copyfile(book, copy)
    name = sqlite3.connect(copy).execute("SELECT name FROM accounts ORDER BY name").fetchone()[0]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    config = folder / "config.toml"
    config.write_text('[ui]\nlanguage = "en"\n')
    env.update(CSM_TUI_CONFIG=str(config), WATSON_DIR=str(folder / "watson"))
    env["XDG_CACHE_HOME"] = str(folder / "cache")
    ours = [str(BIN / "csm-tui"), "--db", str(copy), "log", name, "30", "--type", "call"]
    bare = [sys.executable, "-c", "import sqlite3"]
    ref = watson()
    theirs = [str(ref), "add", "-f", "10:00", "-t", "10:30", "acme", "+call"] if ref else None
    times: dict[str, list[float]] = {"ours": [], "watson": [], "python": []}
    for argv in (ours, bare, *([theirs] if theirs else [])):
        _process(argv, env)  # warm: bytecode, page cache
    for _ in range(runs):
        times["ours"].append(_process(ours, env))
        if theirs:
            times["watson"].append(_process(theirs, env))
        times["python"].append(_process(bare, env))
    shutil.rmtree(folder, ignore_errors=True)
    ours_s = statistics.median(times["ours"])
    python = f"python+sqlite3 {_ms(statistics.median(times['python']))}"
    what = f"csm-tui log (whole process), {book.name}"
    if not theirs:
        return [(what, _ms(ours_s), python, "watson skipped: no venv (pip install failed)")]
    watson_s = statistics.median(times["watson"])
    verdict = f"ratio {ours_s / watson_s:.2f} (<= 1) {'ok' if ours_s <= watson_s else 'OVER'}"
    return [(what, _ms(ours_s), f"watson add {_ms(watson_s)}; {python}", verdict)]


def start_up(books: list[Path], runs: int) -> list[Row]:
    rows: list[Row] = []
    for book in books:
        f = first_screen.measure(book, runs)
        bare = f"bare Textual {f['bare_ms']:.0f} ms"
        first_name = f"{f['first_name_ms']:.0f} ms"
        ok = "ok" if f["ratio"] <= 1.5 else "OVER"
        rows.append(
            (f"first account name on Today, {book.name}", first_name, bare,
             f"ratio {f['ratio']:.2f} (<= 1.5) {ok}")
        )  # fmt: skip
        ok = "ok" if f["text_ratio"] <= 1.3 else "OVER"
        rows.append(
            (f"first text (Today's first frame), {book.name}", f"{f['first_text_ms']:.0f} ms",
             bare, f"ratio {f['text_ratio']:.2f} (<= 1.3) {ok}")
        )  # fmt: skip
    return rows


def _median_of(func: Callable[[], object], runs: int) -> float:
    func()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def effort(book: Path, runs: int) -> list[Row]:
    from csm_tui.clock import SystemClock
    from csm_tui.services.effort import Period, PeriodKind, effort_report, local_today
    from csm_tui.store.connection import open_store

    store = open_store(book)
    today = local_today(SystemClock())
    seconds: dict[PeriodKind, float] = {}
    for kind in (PeriodKind.WEEK, PeriodKind.MONTH, PeriodKind.QUARTER):
        period = Period.around(kind, today)
        seconds[kind] = _median_of(partial(effort_report, store, period, SystemClock()), runs)
    store.close()
    week = f"week {_ms(seconds[PeriodKind.WEEK])}"
    return [
        (
            f"Effort report, {kind.value}",
            _ms(seconds[kind]),
            week,
            f"<= 200 ms {'ok' if seconds[kind] <= 0.2 else 'OVER'}",
        )
        for kind in (PeriodKind.MONTH, PeriodKind.QUARTER)
    ]


def book_size(book: Path) -> list[Row]:
    conn = sqlite3.connect(f"file:{book}?mode=ro", uri=True)
    entries = conn.execute("SELECT count(*) FROM journal").fetchone()[0]
    try:
        journal = conn.execute(
            "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE '%journal%'"
        ).fetchone()[0]
    except sqlite3.Error:  # an SQLite without dbstat
        journal = 0
    conn.close()
    size = sum(p.stat().st_size for p in book.parent.glob(book.name + "*") if p.is_file())
    ok = "ok" if size <= 250e6 else "OVER"
    return [
        (
            f"book file, {book.name}",
            f"{size / 1e6:.0f} MB",
            f"journal {journal / 1e6:.0f} MB, {entries:,} entries",
            f"<= 250 MB {ok} (before: 553 MB, journal 333 MB)",
        )
    ]


def no_regress(book: Path) -> list[Row]:
    saving = bench_log_activity(book)
    filtering = asyncio.run(bench_filter(book))
    return [
        (
            "save of an activity (durable commit)",
            f"{saving['median_ms']:.1f} ms",
            "-",
            "no regress (0.8 ms)",
        ),
        (
            "filter key to frame",
            f"{filtering['key_to_frame_median_ms']:.1f} ms",
            f"bare Input under Pilot {filtering['bare_pilot_key_ms']:.1f} ms",
            "no regress (14.6 ms)",
        ),
    ]


def reload_typing_rows(book: Path) -> list[Row]:
    import reload_typing

    f = asyncio.run(reload_typing.key_to_frame(book, 3))
    ok = "ok" if f["reload_p95_ms"] <= 33 else "OVER"
    return [
        (
            "typing during a book reload (key to frame)",
            f"p95 {f['reload_p95_ms']:.0f} ms, median {f['reload_median_ms']:.0f} ms",
            f"no reload: p95 {f['quiet_p95_ms']:.0f} ms, median {f['quiet_median_ms']:.0f} ms",
            f"p95 <= 33 ms {ok}",
        )
    ]


def sync_rows(book: Path) -> list[Row]:
    """bench/sync.py (no-change sync, push of 1,000) and bench/sync_first.py (first sync)."""
    rows: list[Row] = []
    done = subprocess.run(
        [sys.executable, str(HERE / "sync.py"), "--demo", str(book)],
        capture_output=True,
        text=True,
    )
    for name, value in re.findall(r"^  (\S.*?)\s+([\d.]+) s  \(limit", done.stdout, re.M):
        rows.append((f"sync: {name} (SQLite server)", f"{float(value):.3f} s", "-", "no regress"))
    if done.returncode:
        rows.append(("sync (bench/sync.py)", "failed", "-", done.stderr.strip()[-60:]))
    first = HERE / "sync_first.py"
    if first.exists():
        done = subprocess.run(
            [sys.executable, str(first), "--json", "--demo", str(book)],
            capture_output=True,
            text=True,
        )
        try:
            figures = json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            rows.append(("first sync (bench/sync_first.py)", "failed", "-", done.stderr[-60:]))
        else:
            for name, value in figures.items():
                if isinstance(value, dict) and "median" in value:
                    value = f"{value['median']:.2f} s (load {value.get('load', 0):.1f})"
                rows.append((f"first sync: {name}", str(value), "-", "<= 6 s SQLite, 10 s PG"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-sync", action="store_true", help="leave out the sync rows")
    parser.add_argument("--book", type=Path, default=HERE / "bench-book.db")
    args = parser.parse_args()
    small = first_screen.demo_book(HERE / "bench-demo-60.db", 60)
    build_book(args.book, 5000, 200_000)
    load_before = os.getloadavg()
    rows: list[Row] = []
    rows += start_up([small, args.book], args.runs)
    rows += shell_log(small, args.runs + 2)  # a CSM's own book
    rows += shell_log(args.book, args.runs + 2)  # a team's
    rows += effort(args.book, max(args.runs // 2, 3))
    rows += book_size(args.book)
    rows += no_regress(args.book)
    rows += reload_typing_rows(args.book)
    if not args.no_sync:
        rows += sync_rows(args.book)
    header = ("what", "now", "reference (same run)", "target")
    widths = [max(len(row[i]) for row in [*rows, header]) for i in range(4)]
    line = "  ".join(f"{{:<{width}}}" for width in widths)
    before, after = load_before[0], os.getloadavg()[0]
    print(f"\nIssue 17 figures (load average {before:.1f} before, {after:.1f} after; 2 cores)")
    print(line.format(*header))
    print(line.format(*("-" * w for w in widths)))
    for row in rows:
        print(line.format(*row))


if __name__ == "__main__":
    main()
