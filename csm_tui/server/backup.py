"""Backups of the server database, and its users as an admin sees them.

SQLite: SQLite's online backup API copies the live database while the server keeps serving (a
consistent snapshot, WAL included), into a temporary file beside the target that is checked and
then renamed: a backup file is whole or absent. PostgreSQL: `pg_dump` does the same
job better than the server could; `pg_dump_command` is the line to run.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import URL, Engine, func, select

from csm_tui.errors import CsmError
from csm_tui.server.db import is_postgres, reading
from csm_tui.server.schema import devices, users


@dataclass(frozen=True)
class UserInfo:
    email: str
    name: str
    is_admin: bool
    has_token: bool
    created_at: str
    token_created_at: str | None
    devices: int
    last_seen_at: str | None


def list_users(engine: Engine) -> list[UserInfo]:
    """Every user by e-mail, with whether their token works and when a device last synced."""
    seen = (
        select(
            devices.c.user_id,
            func.count().label("devices"),
            func.max(devices.c.last_seen_at).label("last_seen_at"),
        )
        .group_by(devices.c.user_id)
        .subquery()
    )
    query = (
        select(users, seen.c.devices, seen.c.last_seen_at)
        .outerjoin(seen, seen.c.user_id == users.c.id)
        .order_by(users.c.email)
    )
    with reading(engine) as conn:
        return [
            UserInfo(
                email=row.email,
                name=row.name,
                is_admin=bool(row.is_admin),
                has_token=row.token_hash is not None,
                created_at=row.created_at,
                token_created_at=row.token_created_at,
                devices=int(row.devices or 0),
                last_seen_at=row.last_seen_at,
            )
            for row in conn.execute(query)
        ]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int


def backup_sqlite(engine: Engine, target: Path) -> BackupResult:
    """Copy a live SQLite server database to `target` (mode 0600: it holds token hashes)."""
    if is_postgres(engine) or engine.url.get_backend_name() != "sqlite":
        raise CsmError(
            f"`backup` copies SQLite databases; for PostgreSQL: {pg_dump_command(engine, target)}"
        )
    source_path = engine.url.database
    if not source_path or source_path == ":memory:":
        raise CsmError("An in-memory database cannot be backed up.")
    target = target.expanduser().resolve()
    if target == Path(source_path).resolve():
        raise CsmError("The backup must go to another file than the database itself.")
    if target.is_dir():
        raise CsmError(f"{target} is a folder; name the backup file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        source = sqlite3.connect(source_path, timeout=30)
        try:
            copy = sqlite3.connect(partial)
            try:
                # in one step, so one read transaction: a consistent snapshot that never has to
                # start over, while the server's writers go on (the database is in WAL mode)
                source.backup(copy)
                problem = copy.execute("PRAGMA quick_check").fetchone()[0]
                if problem != "ok":
                    raise CsmError(f"The copy failed its check ({problem}); nothing was kept.")
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            finally:
                copy.close()
        finally:
            source.close()
        with partial.open("rb+") as handle:
            os.fsync(handle.fileno())
        partial.replace(target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
    return BackupResult(target, target.stat().st_size)


def pg_dump_command(engine: Engine, target: Path) -> str:
    """The `pg_dump` line for a PostgreSQL server database (the password left out: PGPASSWORD
    or ~/.pgpass supplies it)."""
    url = engine.url
    shown = URL.create(
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    ).render_as_string(hide_password=False)
    return f"pg_dump --format=custom --file={shlex.quote(str(target))} {shlex.quote(shown)}"
