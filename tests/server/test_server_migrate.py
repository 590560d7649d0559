"""Server schema migrations (Alembic): every older schema a deployed server may hold reaches the
newest with its data, on SQLite and PostgreSQL; a server refuses an old schema until
`csm-tui server migrate`; a new database is made at the newest revision.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from cli_run import run
from sqlalchemy import Engine, text

from csm_tui.errors import CsmError
from csm_tui.server.db import init_database, open_engine
from csm_tui.server.migrate import OldSchema, config, head_revision, migrate, migration_sql
from csm_tui.server.schema import SCHEMA_VERSION, metadata

# (the revision it was made at, whether it has alembic_version): what deployed servers hold
OLDER = {
    "schema 1, before migrations": ("0001", False),
    "schema 2, before migrations": ("0002", False),
    "schema 2 with the CRM tables, before migrations": ("0003", False),
    "schema 3, before migrations": ("0004", False),
    "revision 0001": ("0001", True),
    "revision 0002": ("0002", True),
    "revision 0003": ("0003", True),
}


@pytest.fixture
def engine(server_url: str) -> Iterator[Engine]:
    engine = open_engine(server_url)
    yield engine
    engine.dispose()


def make_at(engine: Engine, revision: str, stamped: bool) -> None:
    """A database as a server of that schema left it, with a user who has an account."""
    with engine.begin() as conn:
        command.upgrade(config(conn), revision)
        if not stamped:  # a csm-tui before the migrations kept no alembic_version
            conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(
            text(
                "INSERT INTO users (email, name, is_admin, created_at) "
                "VALUES ('aoi@example.com', 'Aoi', false, '2026-01-01')"
            )
        )
        conn.execute(text("INSERT INTO access VALUES ('acct1', 'aoi@example.com', 'primary')"))


def meta_of(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {row[0]: row[1] for row in conn.execute(text('SELECT "key", value FROM meta'))}


def differences(engine: Engine) -> list[Any]:
    """What separates the database's tables from schema.py's (nothing, at the newest)."""
    with engine.connect() as conn:
        return list(compare_metadata(MigrationContext.configure(conn), metadata))


def test_a_new_database_is_made_at_the_newest_schema(engine: Engine) -> None:
    init_database(engine)
    assert differences(engine) == []
    stored = meta_of(engine)
    assert stored["schema_version"] == str(SCHEMA_VERSION) and stored["server_id"]
    with engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()
    init_database(engine)  # and opens again unchanged
    assert meta_of(engine) == stored


@pytest.mark.parametrize("older", list(OLDER))
def test_each_older_schema_is_refused_then_migrated_with_its_data(
    engine: Engine, older: str
) -> None:
    revision, stamped = OLDER[older]
    make_at(engine, revision, stamped)
    epoch = meta_of(engine)["epoch"]
    if revision != head_revision():
        with pytest.raises(OldSchema, match="server migrate"):
            init_database(engine)
        known_as = (
            "0002" if revision == "0003" and not stamped else revision
        )  # see LEGACY_REVISIONS
        assert migrate(engine) == (known_as, head_revision())
    init_database(engine)
    assert differences(engine) == []
    assert migrate(engine) == (head_revision(), head_revision())  # nothing left to do
    stored = meta_of(engine)
    assert stored["schema_version"] == str(SCHEMA_VERSION)
    assert stored["epoch"] == epoch and stored["server_id"]
    with engine.connect() as conn:
        history = conn.execute(text("SELECT account_id, user_email, since FROM access_history"))
        rows = history.all()
        if revision == "0001":  # access held before the history counts from the beginning
            assert [tuple(row) for row in rows] == [("acct1", "aoi@example.com", "")]
        users = conn.execute(text("SELECT email FROM users")).scalars().all()
        assert users == ["aoi@example.com"]
        assert MigrationContext.configure(conn).get_current_revision() == head_revision()


def test_the_identity_of_a_migrated_database_stays(engine: Engine) -> None:
    make_at(engine, "0003", True)
    migrate(engine)
    made = meta_of(engine)["server_id"]
    init_database(engine)
    migrate(engine)
    assert meta_of(engine)["server_id"] == made


def test_migrate_sql_prints_the_upgrade_and_changes_nothing(engine: Engine) -> None:
    make_at(engine, "0001", False)
    sql = migration_sql(engine)
    assert "CREATE TABLE alembic_version" in sql and "CREATE TABLE access_history" in sql
    assert "INSERT INTO access_history" in sql and "server_id" in sql
    assert "CREATE TABLE meta" not in sql  # it starts from the database's schema
    with pytest.raises(OldSchema):
        init_database(engine)  # still as it was
    assert meta_of(engine)["schema_version"] == "1"


@pytest.mark.parametrize("older", ["schema 1, before migrations", "revision 0002", None])
def test_the_printed_sql_run_by_hand_upgrades_the_database(
    engine: Engine, older: str | None
) -> None:
    """What a DBA does with `server migrate --sql`: run it (psql -f, sqlite3 <) instead."""
    if older is not None:
        make_at(engine, *OLDER[older])
    sql = migration_sql(engine)
    raw = engine.raw_connection()
    try:
        if engine.dialect.name == "sqlite":
            raw.driver_connection.executescript(sql)  # type: ignore[union-attr]
        else:
            cursor = raw.cursor()
            cursor.execute(sql)
            cursor.close()
            raw.commit()
    finally:
        raw.close()
    init_database(engine)  # at the newest: served without a word
    assert differences(engine) == []
    assert migration_sql(engine) == ""
    assert meta_of(engine)["schema_version"] == str(SCHEMA_VERSION)


def test_a_database_of_a_newer_csm_tui_is_refused_unchanged(engine: Engine) -> None:
    init_database(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    for step in (init_database, migrate):
        with pytest.raises(CsmError, match="newer csm-tui"):
            step(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "f00d"


def test_a_database_of_a_newer_schema_before_migrations_is_refused(engine: Engine) -> None:
    make_at(engine, "0004", False)
    with engine.begin() as conn:
        conn.execute(text("UPDATE meta SET value = '9' WHERE \"key\" = 'schema_version'"))
    with pytest.raises(CsmError, match="newer csm-tui"):
        init_database(engine)


def test_server_commands_refuse_an_old_schema_and_migrate_upgrades_it(
    server_url: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    make_at(engine, "0002", False)
    for command_ in (["server", "run"], ["server", "list-users"]):
        code, out, err = run([*command_, "--database", server_url], capsys)
        assert (code, out) == (1, ""), err
        assert f"csm-tui server migrate --database {engine.url.render_as_string()}" in err
    code, out, err = run(["server", "migrate", "--sql", "--database", server_url], capsys)
    assert code == 0 and "CREATE TABLE IF NOT EXISTS crm_state" in out, err
    code, out, err = run(["server", "migrate", "--database", server_url], capsys)
    assert (code, out) == (0, ""), err
    assert f"from schema 0002 to {head_revision()}" in err
    code, out, err = run(["server", "migrate", "--database", server_url], capsys)
    assert code == 0 and "up to date" in err
    code, out, err = run(["server", "list-users", "--database", server_url], capsys)
    assert code == 0 and "aoi@example.com" in out, err
