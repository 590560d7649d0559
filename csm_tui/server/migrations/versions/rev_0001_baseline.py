"""Baseline: the schema of the first server (schema version 1), frozen here as it was.

A database made by a csm-tui before its migrations, at schema version 1, is stamped with this
revision (see `csm_tui.server.migrate`); a new database starts here.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import uuid

from alembic import op
from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    column,
    insert,
    table,
)

from csm_tui.server.migrations.ddl import create_tables, meta

revision = "0001"
down_revision: str | None = None
branch_labels = None
depends_on = None

v1 = MetaData()
tables = [
    Table(
        "meta",
        v1,
        Column("key", String(64), primary_key=True),
        Column("value", Text, nullable=False),
    ),
    Table(
        "sequence",
        v1,
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("value", BigInteger, nullable=False),
    ),
    Table(
        "users",
        v1,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("email", String(254), nullable=False, unique=True),
        Column("name", String(500), nullable=False),
        Column("is_admin", Boolean, nullable=False),
        Column("token_hash", String(64), nullable=True, unique=True),
        Column("created_at", String(40), nullable=False),
        Column("token_created_at", String(40), nullable=True),
    ),
    Table(
        "devices",
        v1,
        Column("client_id", String(32), primary_key=True),
        Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
        Column("last_seq", BigInteger, nullable=False),
        Column("created_at", String(40), nullable=False),
        Column("last_seen_at", String(40), nullable=False),
    ),
    Table(
        "records",
        v1,
        Column("table_name", String(32), primary_key=True),
        Column("id", String(254), primary_key=True),
        Column("account_id", String(64), nullable=True),
        Column("data", Text, nullable=True),
        Column("version", Integer, nullable=False),
        Column("seq", BigInteger, nullable=False),
        Column("deleted", Boolean, nullable=False),
        Column("ukey", String(600), nullable=True),
        Column("created_by", Integer, nullable=True),
        Column("updated_by", Integer, nullable=True),
        UniqueConstraint("table_name", "ukey", name="records_unique_key"),
        Index("records_account", "account_id", "table_name"),
    ),
    Table(
        "note_heads",
        v1,
        Column("note_id", String(64), primary_key=True),
        Column("head_id", String(64), nullable=False),
        Column("version", Integer, nullable=False),
    ),
    Table(
        "access",
        v1,
        Column("account_id", String(64), primary_key=True),
        Column("user_email", String(254), primary_key=True),
        Column("role", String(16), nullable=False),
        Index("access_user", "user_email"),
    ),
    Table(
        "feed",
        v1,
        Column("user_id", Integer, primary_key=True),
        Column("table_name", String(32), primary_key=True),
        Column("row_id", String(254), primary_key=True),
        Column("account_id", String(64), nullable=True),
        Column("seq", BigInteger, nullable=False),
        Column("deleted", Boolean, nullable=False),
        Index("feed_user_seq", "user_id", "seq", unique=True),
        Index("feed_user_account", "user_id", "account_id"),
    ),
    Table(
        "mutations",
        v1,
        Column("mutation_id", String(32), primary_key=True),
        Column("client_id", String(32), nullable=False),
        Column("device_seq", BigInteger, nullable=False),
        Column("user_id", Integer, nullable=True),
        Column("table_name", String(64), nullable=False),
        Column("row_id", String(254), nullable=False),
        Column("op", String(8), nullable=False),
        Column("payload", Text, nullable=False),
        Column("status", String(16), nullable=False),
        Column("reason", Text, nullable=False),
        Column("server_seq", BigInteger, nullable=True),
        Column("created_at", String(40), nullable=False),
        Index("mutations_row", "table_name", "row_id"),
    ),
]


def upgrade() -> None:
    create_tables(*tables)
    op.execute(
        insert(meta).values(
            [
                {"key": "schema_version", "value": "1"},
                {"key": "epoch", "value": uuid.uuid4().hex},
            ]
        )
    )
    sequence = table("sequence", column("id", Integer), column("value", BigInteger))
    op.execute(insert(sequence).values(id=1, value=0))
