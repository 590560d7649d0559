"""The CRM connector's tables (crm_state, crm_records, crm_links, crm_lease), server-side only.

They came after schema version 2 without a new version: a version 2 database may hold them
already (made when it was opened), so each is made only if it is missing.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, Index, Integer, MetaData, String, Table, Text

from csm_tui.server.migrations.ddl import create_tables

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

crm = MetaData()
tables = [
    Table(
        "crm_state",
        crm,
        Column("key", String(128), primary_key=True),
        Column("value", Text, nullable=False),
    ),
    Table(
        "crm_records",
        crm,
        Column("crm", String(16), primary_key=True),
        Column("object", String(16), primary_key=True),
        Column("crm_id", String(254), primary_key=True),
        Column("local_id", String(64), nullable=False),
        Column("parent_id", String(254), nullable=True),
        Column("state", String(16), nullable=False),
        Column("extra", Text, nullable=False),
        Index("crm_records_local", "local_id"),
        Index("crm_records_parent", "crm", "object", "parent_id"),
    ),
    Table(
        "crm_links",
        crm,
        Column("activity_id", String(64), primary_key=True),
        Column("crm", String(16), nullable=False),
        Column("object_type", String(32), nullable=False),
        Column("crm_id", String(254), nullable=True),
        Column("state", String(16), nullable=False),
        Column("pushed_hash", String(64), nullable=False),
        Column("attempts", Integer, nullable=False),
        Column("last_error", Text, nullable=False),
        Column("updated_at", String(40), nullable=False),
    ),
    Table(
        "crm_lease",
        crm,
        Column("name", String(32), primary_key=True),
        Column("holder", String(64), nullable=False),
        Column("fence", BigInteger, nullable=False),
        Column("expires_at", Float, nullable=False),
    ),
]


def upgrade() -> None:
    create_tables(*tables, if_not_exists=True)
