"""Schema version 3: the database's identity, `meta` key `server_id` (a UUID, kept for the
database's whole life and in its backups; devices accept the same server under a new URL).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import uuid

from csm_tui.server.migrations.ddl import insert_meta_if_missing, set_schema_version

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    insert_meta_if_missing("server_id", str(uuid.uuid4()))
    set_schema_version(3)
