"""Launch to the first account name visible on Today, against a bare Textual app (issue 17).

    .venv/bin/python bench/first_screen.py [--db PATH] [--runs 9]

Each program runs in a pseudo-terminal (140 x 40, like a terminal tab); the clock stops when
the first account name of the book (its first 12 characters: a table may cut it) reaches the
terminal, and for the bare app when its text does. Both run interleaved in the same loop, so
a busy machine slows both alike: the ratio is the figure. Without --db, the 60-account demo
book and the 5,000-account bench book are both measured.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import sqlite3
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def seconds_to(
    argv: list[str], markers: list[re.Pattern[bytes]], env: dict[str, str], linger: float = 0.0
) -> list[float]:
    """Seconds from spawn until each marker is on the terminal (nan if not within 30 s); the
    program is killed then, or `linger` seconds later (a warm-up run lets it finish its page)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.execve(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
    started = time.perf_counter()
    seen = b""
    found: dict[int, float] = {}
    try:
        while time.perf_counter() - started < 30 and len(found) < len(markers):
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            seen = seen[-200:] + chunk  # a name may straddle two reads
            for index, marker in enumerate(markers):
                if index not in found and marker.search(seen):
                    found[index] = time.perf_counter() - started
        time.sleep(linger)
        return [found.get(index, float("nan")) for index in range(len(markers))]
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def name_marker(db: Path) -> re.Pattern[bytes]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    names = {str(row[0])[:12] for row in conn.execute("SELECT name FROM accounts")}
    conn.close()
    alternatives = sorted((re.escape(name.encode()) for name in names if name), key=len)
    return re.compile(b"|".join(reversed(alternatives)))


def environment() -> tuple[dict[str, str], Path]:
    folder = Path(tempfile.mkdtemp())
    config = folder / "config.toml"
    config.write_text('[ui]\ntheme = "csm-dark"\nlanguage = "en"\n')
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(TERM="xterm-256color", COLUMNS="140", LINES="40", CSM_TUI_CONFIG=str(config))
    env["XDG_CACHE_HOME"] = str(folder / "cache")  # the soundness marks of this run only
    return env, folder


def measure(db: Path, runs: int) -> dict[str, float]:
    """Medians (ms) of the bare app's first text, csm-tui's first text (Today's headings) and
    its first account name, and the ratios to the bare app."""
    env, folder = environment()
    bare = [sys.executable, str(HERE / "bare_app.py")]
    ours = [str(BIN / "csm-tui"), "--db", str(db)]
    marks = [re.compile(b"Priorities"), name_marker(db)]
    ready = [re.compile(b"BARE-READY")]
    seconds_to(bare, ready, env)  # warm: page cache, bytecode
    seconds_to(ours, marks, env, linger=5.0)  # and Today remembers its first rows
    if not list((folder / "cache").glob("csm-tui/today/*.json")):
        print("  (Today remembered no rows in the warm-up run: the first frame waits for the page)")
    bare_times, text_times, name_times = [], [], []
    for _ in range(runs):
        bare_times.append(seconds_to(bare, ready, env)[0])
        text, name = seconds_to(ours, marks, env)
        text_times.append(text)
        name_times.append(name)
    bare_ms = statistics.median(bare_times) * 1000
    text_ms = statistics.median(text_times) * 1000
    name_ms = statistics.median(name_times) * 1000
    return {
        "bare_ms": bare_ms,
        "first_text_ms": text_ms,
        "first_name_ms": name_ms,
        "text_ratio": text_ms / bare_ms,
        "ratio": name_ms / bare_ms,
    }


def demo_book(path: Path, accounts: int, activities: int | None = None) -> Path:
    if not path.exists():
        argv = [str(BIN / "csm-tui"), "demo", "--accounts", str(accounts), "--no-open"]
        if activities is not None:
            argv += ["--activities", str(activities)]
        os.spawnv(os.P_WAIT, argv[0], [*argv, "--db", str(path)])
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, action="append")
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    books = args.db or [
        demo_book(HERE / "bench-demo-60.db", 60),
        demo_book(HERE / "bench-book.db", 5000, 200_000),
    ]
    for db in books:
        figures = measure(db, args.runs)
        print(
            f"{db.name}: bare Textual app {figures['bare_ms']:.0f} ms; csm-tui's first text "
            f"{figures['first_text_ms']:.0f} ms (ratio {figures['text_ratio']:.2f}, target <= 1.3),"
            f" first account name on Today {figures['first_name_ms']:.0f} ms (ratio "
            f"{figures['ratio']:.2f}, target <= 1.5; load {os.getloadavg()[0]:.1f})"
        )


if __name__ == "__main__":
    main()
