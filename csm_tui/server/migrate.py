"""The server database's schema: Alembic revisions in `csm_tui/server/migrations`, run in code.

A new, empty database is made at the newest revision when a server first opens it. An older
one is refused (`OldSchema`) until `csm-tui server migrate` upgrades it: a server never alters
its database unasked, so an admin backs up first. A database written before the migrations
existed has no `alembic_version` table; its `meta.schema_version` says which revision it is at.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, select, text

from csm_tui.errors import CsmError
from csm_tui.server.schema import meta

MIGRATIONS = Path(__file__).with_name("migrations")
LEGACY_REVISIONS = {1: "0001", 2: "0002", 3: "0004"}
"""`meta.schema_version` of a database made before the migrations → the revision it matches
(a version 2 database may hold the CRM tables already: revision 0003 makes only missing ones)."""
_INIT_LOCK = 0x43534D54  # pg_advisory_xact_lock key: two processes starting at once


class OldSchema(CsmError):
    """The database needs `csm-tui server migrate` before this csm-tui can serve it."""

    def __init__(self, current: str, head: str) -> None:
        super().__init__(
            f"The server database has an older schema ({current}; this csm-tui needs {head}): "
            "back it up, then run csm-tui server migrate (with the same --database)."
        )
        self.current = current
        self.head = head


@dataclass(frozen=True)
class SchemaState:
    current: str | None  # None: an empty database
    head: str
    stamped: bool  # False: made before the migrations (no alembic_version table)

    @property
    def is_current(self) -> bool:
        return self.current == self.head


def config(
    connection: Connection | None = None, *, dialect: str = "", out: io.StringIO | None = None
) -> Config:
    """Alembic's configuration without an alembic.ini: the connection to run on, or the dialect
    and the buffer to write the SQL to."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes.update(connection=connection, dialect=dialect, out=out)
    return cfg


@functools.cache
def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def head_revision() -> str:
    head = _script().get_current_head()
    assert head is not None
    return head


def schema_state(conn: Connection) -> SchemaState:
    """Where the database stands (raises CsmError for a database of a newer csm-tui)."""
    head = head_revision()
    found = inspect(conn)
    if found.has_table("alembic_version"):
        current = MigrationContext.configure(conn).get_current_revision()
        if current is not None and current not in _known():
            raise _newer(f"revision {current}")
        return SchemaState(current, head, stamped=True)
    if not found.has_table("meta"):
        return SchemaState(None, head, stamped=False)
    stored = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
    version = int(stored) if stored is not None else 1
    if version not in LEGACY_REVISIONS:
        raise _newer(f"schema {version}")
    return SchemaState(LEGACY_REVISIONS[version], head, stamped=False)


def _known() -> set[str]:
    return {script.revision for script in _script().walk_revisions()}


def _newer(what: str) -> CsmError:
    return CsmError(
        f"The server database was written by a newer csm-tui ({what}); upgrade csm-tui to use "
        "it. It was not changed."
    )


@contextmanager
def _locked(engine: Engine) -> Iterator[Connection]:
    """One transaction that holds off every other writer (and another process starting)."""
    with engine.connect() as conn:
        conn.execution_options(write=True)  # SQLite: BEGIN IMMEDIATE
        with conn.begin():
            if engine.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _INIT_LOCK})
            yield conn


def open_database(engine: Engine) -> None:
    """Make an empty database at the newest schema; refuse an older one (`OldSchema`) or one
    written by a newer csm-tui."""
    with _locked(engine) as conn:
        state = schema_state(conn)
        if state.current is None:
            _upgrade(conn, state)
        elif state.is_current and not state.stamped:  # made just before the migrations
            command.stamp(config(conn), state.head)
        elif not state.is_current:
            raise OldSchema(state.current, state.head)


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Upgrade the database to the newest schema, in one transaction: (from, to)."""
    with _locked(engine) as conn:
        state = schema_state(conn)
        if not state.is_current:
            _upgrade(conn, state)
    return state.current, state.head


def _upgrade(conn: Connection, state: SchemaState) -> None:
    cfg = config(conn)
    if state.current is not None and not state.stamped:
        command.stamp(cfg, state.current)
    command.upgrade(cfg, "head")


def migration_sql(engine: Engine) -> str:
    """The SQL `migrate` would run on this database, for an admin to read or run; nothing is
    changed."""
    with engine.connect() as conn, conn.begin():
        state = schema_state(conn)
    if state.is_current:
        return ""
    out = io.StringIO()
    cfg = config(dialect=engine.dialect.name, out=out)
    if state.current is None:
        command.upgrade(cfg, "head", sql=True)
    elif state.stamped:
        command.upgrade(cfg, f"{state.current}:head", sql=True)
    else:  # made before the migrations: mark its revision, then upgrade from there
        command.stamp(cfg, state.current, sql=True)
        command.upgrade(cfg, f"{state.current}:head", sql=True)
    return out.getvalue()
