"""`csm-tui demo`: build a demo book in its own file and open the app on it.

The demo never touches a real book: without `--db` it lives beside the default book under its own
name, a file that is not a demo is refused, and a build goes to a temporary file that replaces the
old one only when complete, so an interrupted build never leaves half a demo behind.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from csm_tui.cli.options import db_option_saying
from csm_tui.cli.terminal import echo
from csm_tui.errors import StoreError

if TYPE_CHECKING:
    from csm_tui.demo.book import DemoSummary

DEFAULT_ACCOUNTS = 60
DEFAULT_SEED = 1
BUILD_CACHE_KIB = 256 * 1024  # keeps the index pages of a large build in memory: ~25% faster


@click.command("demo")
@click.option(
    "--accounts",
    type=click.IntRange(1, 20_000),
    default=DEFAULT_ACCOUNTS,
    show_default=True,
    help="How many accounts the demo book has.",
)
@click.option(
    "--activities",
    type=click.IntRange(0, 2_000_000),
    default=None,
    help="How many activities in all (default: 8 per account).",
)
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="The same seed on the same day builds the same book.",
)
@click.option("--no-open", is_flag=True, help="Build the book but do not open the app.")
@click.option("--reset", is_flag=True, help="Rebuild the demo book even if it exists.")
@db_option_saying("Where to build the demo (default: demo.db in the user data folder).")
@click.pass_context
def demo(
    ctx: click.Context,
    accounts: int,
    activities: int | None,
    seed: int,
    no_open: bool,
    reset: bool,
    db: Path | None,
) -> None:
    """Build a demo book of business and open the app on it.

    The demo has its own file: demo.db in the user data folder, or the --db file; never
    $CSM_TUI_DB or your real book. Running the command again reopens it.
    """
    from csm_tui.demo.book import ACTIVITIES_PER_ACCOUNT, is_demo_book

    total = accounts * ACTIVITIES_PER_ACCOUNT if activities is None else activities
    path = demo_path(ctx, db, accounts, total, seed)
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file.")
    if path.exists() and path.stat().st_size > 0:
        if not is_demo_book(path):
            raise StoreError(
                f"{path} holds data that is not a csm-tui demo; the demo will not change it. "
                "Choose another file with --db."
            )
        if not reset:
            if no_open:
                echo(
                    f"The demo book at {path} already exists (use --reset to rebuild it).", err=True
                )
            else:
                echo(
                    f"Opening the existing demo book at {path} (use --reset to rebuild it).",
                    err=True,
                )
            _open(path, no_open)
            return
    started = time.perf_counter()
    summary = build_into(path, accounts=accounts, activities=total, seed=seed)
    seconds = time.perf_counter() - started  # the whole build, including moving the file
    echo(
        f"Demo book: {summary.accounts:,} accounts, {summary.activities:,} activities "
        f"in {seconds:.1f} s → {path}",
        err=True,
    )
    _open(path, no_open)


def demo_path(ctx: click.Context, db: Path | None, accounts: int, total: int, seed: int) -> Path:
    """`--db` (here or before the subcommand), else the demo file; never $CSM_TUI_DB.

    A demo with other parameters gets its own file, so a demo the user changed is never replaced
    silently by one of another size.
    """
    from csm_tui.demo.book import ACTIVITIES_PER_ACCOUNT
    from csm_tui.paths import demo_db_path

    chosen = db if db is not None else ctx.find_root().params.get("db")
    if chosen is not None:
        return Path(chosen).expanduser()
    default = demo_db_path()
    default_total = DEFAULT_ACCOUNTS * ACTIVITIES_PER_ACCOUNT
    if (accounts, total, seed) == (DEFAULT_ACCOUNTS, default_total, DEFAULT_SEED):
        return default
    return default.with_name(f"demo-{accounts}a-{total}x-s{seed}.db")


def build_into(path: Path, *, accounts: int, activities: int, seed: int) -> DemoSummary:
    """Build in a temporary file beside `path`, then move it into place."""
    from csm_tui.clock import SystemClock
    from csm_tui.demo.book import build_demo
    from csm_tui.store import soundness
    from csm_tui.store.connection import open_store
    from csm_tui.store.journal import drop_outbox

    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".building", dir=folder)
    except OSError as exc:
        reason = exc.strerror or exc
        raise StoreError(f"Cannot create the demo book in {folder}: {reason}.") from exc
    os.close(handle)  # mkstemp made it 0600; open_store keeps that
    temp = Path(name)
    try:
        clock = SystemClock()
        store = open_store(temp, clock=clock)
        try:
            store.conn.execute(f"PRAGMA cache_size = -{BUILD_CACHE_KIB}")
            summary = build_demo(
                store, accounts=accounts, activities=activities, seed=seed, today=clock.today()
            )
            drop_outbox(store)  # it never syncs: no outbox, and the file shrinks (issue 17)
            # Fold the WAL into the file so the file alone holds the whole book.
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            store.close()
        wal = _sidecar(temp, "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreError(f"The demo book could not be completed; {path} was not replaced.")
        # A stale WAL of the old file would be replayed into the new one: remove it first.
        for suffix in ("-wal", "-shm"):
            _sidecar(path, suffix).unlink(missing_ok=True)
        temp.replace(path)
        _sync_folder(folder)
        soundness.record_sound(path)  # built just now: no need to check it on the first save
    finally:
        for leftover in (
            temp,
            _sidecar(temp, "-wal"),
            _sidecar(temp, "-shm"),
            soundness.checked_path(temp),  # the temporary file's record, kept in the cache
        ):
            leftover.unlink(missing_ok=True)
    return summary


def _sidecar(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); where folders cannot be opened, the rename still stands."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _open(path: Path, no_open: bool) -> None:
    if not no_open:
        from csm_tui.cli.run_app import run_app

        run_app(path)
