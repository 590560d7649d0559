"""Schema version 2: `access_history`, filled from `access` (access held before the history was
kept has no known start: `since` is "", it counts from the beginning).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op
from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    column,
    insert,
    literal,
    select,
    table,
)

from csm_tui.server.migrations.ddl import create_tables, set_schema_version

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

access_history = Table(
    "access_history",
    MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(64), nullable=False),
    Column("user_email", String(254), nullable=False),
    Column("since", String(40), nullable=False),
    Column("until", String(40), nullable=True),
    Index("access_history_account", "account_id", "user_email"),
)


def upgrade() -> None:
    create_tables(access_history)
    access = table("access", column("account_id", String), column("user_email", String))
    op.execute(
        insert(access_history).from_select(
            ["account_id", "user_email", "since"],
            select(access.c.account_id, access.c.user_email, literal("")),
        )
    )
    set_schema_version(2)
