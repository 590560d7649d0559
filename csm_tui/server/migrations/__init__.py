"""The server database's migrations (Alembic), shipped in the package: `env.py` and `versions/`.

No alembic.ini: `csm_tui.server.migrate` configures Alembic in code. Each revision is written
with plain DDL statements (`ddl.py`), so one file serves SQLite and PostgreSQL, online and for
`csm-tui server migrate --sql`.
"""
