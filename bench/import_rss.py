"""Peak memory of `csm-tui import accounts` as the file grows: it should stay flat.

    .venv/bin/python bench/import_rss.py [--rows 10000 50000 100000] [--dry-run]

Writes a CRM-like CSV of each size, imports it into a fresh book in a child process (the real entry
point, `--large` above the limit) and reports the child's peak RSS (ru_maxrss) and wall time.

Measured 2026-12-07 on the shared 2-core box (times inflated by other work):

    before (issue 19, item 13)        5,000 rows 148 MiB, 20,000 rows 480 MiB (about 23 KiB a row)
    roadmaps in batches              10,000 rows  77 MiB, 50,000 231 MiB, 100,000 407 MiB
    + plan and playbooks in batches  10,000 rows  61 MiB, 50,000 103 MiB, 100,000 160 MiB

What still grows (about 1 KiB a row) is the checked rows, held until the whole file is known to
be valid (all or nothing); the account index of the book grows with the book, not the file.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

SEGMENTS = ("Enterprise", "Mid-Market", "SMB", "")


def write_csv(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("name,external_id,segment,contract_value,currency,renewal_date,health_score\n")
        for index in range(rows):
            renewal = start + timedelta(days=rng.randrange(730))
            handle.write(
                f"Account {index:07d} K.K.,CRM-{index:07d},{rng.choice(SEGMENTS)},"
                f"{rng.randrange(1000, 900000)},USD,{renewal},{rng.randrange(0, 101)}\n"
            )


def measure(csv_file: Path, book: Path, extra: list[str]) -> tuple[int, float, int]:
    """(peak RSS in MiB, seconds, exit code) of one import in a child process."""
    setup = (
        "from csm_tui.store.connection import open_store\n"
        "from csm_tui.services.identity import set_me\n"
        f"with open_store({str(book)!r}) as s: set_me(s, 'Bench', 'bench@example.com')\n"
    )
    subprocess.run([sys.executable, "-c", setup], check=True)
    argv = [sys.executable, "-m", "csm_tui", "import", "accounts", str(csv_file), "--db", str(book)]
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *argv, *extra], capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    *_lines, code, peak = proc.stdout.split()
    if int(code):
        print(proc.stderr.strip()[-500:], file=sys.stderr)
    return int(peak) // 1024, seconds, int(code)


# A fresh parent per run, so that ru_maxrss of its children is this import's alone.
_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 50_000, 100_000])
    parser.add_argument("--dry-run", action="store_true", help="check the file only")
    args = parser.parse_args()
    help_text = subprocess.run(
        [sys.executable, "-m", "csm_tui", "import", "accounts", "--help"],
        capture_output=True,
        text=True,
    ).stdout
    extra = (["--large"] if "--large" in help_text else []) + (["--dry-run"] * args.dry_run)
    print(f"{'rows':>9} {'MiB':>9} {'peak RSS':>9} {'seconds':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for rows in sorted(args.rows):  # growing: each peak is this run's own
            csv_file = Path(folder) / f"{rows}.csv"
            write_csv(csv_file, rows)
            size = csv_file.stat().st_size / 2**20
            peak, seconds, code = measure(csv_file, Path(folder) / f"{rows}.db", extra)
            note = "" if code == 0 else f"  (exit {code})"
            print(f"{rows:>9,} {size:>9.1f} {peak:>6} MiB {seconds:>8.1f}{note}")


if __name__ == "__main__":
    main()
