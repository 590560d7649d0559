"""Connecting to the server database: URLs, SQLite settings, write transactions, creating tables."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from csm_tui.errors import CsmError
from csm_tui.server.schema import meta, sequence

DATABASE_ENV = "CSM_TUI_SERVER_DATABASE"


def default_database_url() -> str:
    from csm_tui.paths import data_dir

    return f"sqlite:///{data_dir() / 'server.db'}"


def normalise_url(url: str | None) -> str:
    """`postgresql://…` uses psycopg 3; a plain path is an SQLite file; None is the default."""
    url = url or os.environ.get(DATABASE_ENV) or default_database_url()
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    return url


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def open_engine(url: str | None) -> Engine:
    """An engine for the server database (not created yet: see `init_database`)."""
    url = normalise_url(url)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise CsmError(f"{url} is not a database URL ({exc}).") from exc
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    if parsed.get_backend_name() != "postgresql":
        raise CsmError(f"The server stores its data in SQLite or PostgreSQL, not {url}.")
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if database and database != ":memory:":
        path = Path(database)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with contextlib.suppress(FileExistsError):  # token hashes: for the server's user alone
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # transactions are begun below, not by pysqlite
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # writers take the write lock up front: no deadlock upgrading a read lock later
        immediate = conn.get_execution_options().get("write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction that holds the writers' lock from its first statement."""
    with engine.connect() as conn:
        for memo in ("csm_cache", "csm_records", "csm_seqs", "csm_now"):
            conn.info.pop(memo, None)  # memos of an earlier transaction are stale
        conn.execution_options(write=True)
        with conn.begin():
            if is_postgres(engine):
                conn.execute(select(sequence.c.value).where(sequence.c.id == 1).with_for_update())
            yield conn


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn, conn.begin():
        for memo in ("csm_cache", "csm_records", "csm_seqs", "csm_now"):
            conn.info.pop(memo, None)
        yield conn


def init_database(engine: Engine) -> None:
    """Make an empty database at the newest schema; refuse an older one (run `csm-tui server
    migrate`) or one written by a newer csm-tui (see `csm_tui.server.migrate`)."""
    from csm_tui.server.migrate import open_database

    open_database(engine)


def read_meta(conn: Connection, key: str) -> str:
    value = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one()
    return str(value)
