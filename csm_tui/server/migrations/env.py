"""Alembic's environment: the connection (or, for `--sql`, the dialect) comes from
`csm_tui.server.migrate`, never from an alembic.ini."""

from __future__ import annotations

from alembic import context

from csm_tui.server.schema import metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # --sql: the statements are written out, nothing is run
    context.configure(
        dialect_name=config.attributes["dialect"],
        target_metadata=metadata,
        literal_binds=True,
        output_buffer=config.attributes["out"],
        transactional_ddl=True,
    )
else:
    context.configure(connection=connection, target_metadata=metadata, transactional_ddl=True)
with context.begin_transaction():
    context.run_migrations()
