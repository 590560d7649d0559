"""The server database's migrations (Alembic), shipped in the package: `env.py` and `versions/`.

No alembic.ini: `csm_tui.server.migrate` configures Alembic in code. Each revision is written
with plain DDL statements (`ddl.py`), so one file serves SQLite and PostgreSQL, online and for
`csm-tui server migrate --sql`.

To change the server's tables: change `schema.py`, then add `versions/rev_NNNN_what.py` by hand
(`revision = "NNNN"`, `down_revision` the previous one; its tables frozen in the file as they
are then, never imported from schema.py), raise `SCHEMA_VERSION` and call `set_schema_version`.
tests/server/test_server_migrate.py checks that the newest revision makes exactly schema.py's
tables, and that every older schema reaches it.
"""
