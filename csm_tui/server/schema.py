"""The server's tables (SQLAlchemy Core, the same on SQLite and PostgreSQL).

Every synced row is one `records` row holding its column values as JSON text, so a pull can
send rows without decoding them. `feed` is each user's change feed: one row per record the user
may see, stamped with the server sequence of its last change, so a pull is one range scan and a
record changed ten times is sent once. `access` is who owns which account (derived from the
owners records); `mutations` keeps every pushed mutation with its result (replays answer from it,
and it is the history: both of two competing checklist ticks stay in it).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 3
"""`meta.schema_version` at the newest migration: 1: the first; 2: `access_history` (filled from
`access`); 3: the database's identity, `meta` key `server_id` (a UUID: devices accept the same
server under a new URL). Any change to the tables below needs a revision in
`csm_tui/server/migrations/versions` (tests/server/test_server_migrate.py compares the two)."""

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# One row: the last server sequence given out. Every write transaction locks it first, which
# serialises writers, so sequences commit in order and a reader never skips a late commit.
sequence = Table(
    "sequence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("value", BigInteger, nullable=False),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("name", String(500), nullable=False),
    Column("is_admin", Boolean, nullable=False, default=False),
    Column("token_hash", String(64), nullable=True, unique=True),  # sha256 hex; never the token
    Column("created_at", String(40), nullable=False),
    Column("token_created_at", String(40), nullable=True),
)

devices = Table(
    "devices",
    metadata,
    Column("client_id", String(32), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("last_seq", BigInteger, nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("last_seen_at", String(40), nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("table_name", String(32), primary_key=True),
    Column("id", String(254), primary_key=True),
    Column("account_id", String(64), nullable=True),
    Column("data", Text, nullable=True),  # None once deleted (a tombstone)
    Column("version", Integer, nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False, default=False),
    # what must be unique within the table (external id, account + e-mail, ...), None if nothing
    Column("ukey", String(600), nullable=True),
    Column("created_by", Integer, nullable=True),
    Column("updated_by", Integer, nullable=True),
    UniqueConstraint("table_name", "ukey", name="records_unique_key"),
    Index("records_account", "account_id", "table_name"),
)

note_heads = Table(
    "note_heads",
    metadata,
    Column("note_id", String(64), primary_key=True),
    Column("head_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
)

access = Table(
    "access",
    metadata,
    Column("account_id", String(64), primary_key=True),
    Column("user_email", String(254), primary_key=True),
    Column("role", String(16), nullable=False),
    Index("access_user", "user_email"),
)

# Who had access to an account when (ISO times in UTC, from the server's clock; `since` is "" for
# access held before the history was kept, `until` None while it lasts): work logged offline by
# someone who has lost the account since is kept if it happened while they had it (issue 19.6).
access_history = Table(
    "access_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("account_id", String(64), nullable=False),
    Column("user_email", String(254), nullable=False),
    Column("since", String(40), nullable=False),
    Column("until", String(40), nullable=True),
    Index("access_history_account", "account_id", "user_email"),
)

feed = Table(
    "feed",
    metadata,
    Column("user_id", Integer, primary_key=True),
    Column("table_name", String(32), primary_key=True),
    Column("row_id", String(254), primary_key=True),
    Column("account_id", String(64), nullable=True),
    Column("seq", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Index("feed_user_seq", "user_id", "seq", unique=True),
    Index("feed_user_account", "user_id", "account_id"),
)

mutations = Table(
    "mutations",
    metadata,
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
)

# -- the CRM connector (issue 12): server-side only, never synced to devices -------------------
# `crm_state`: key/value JSON (the connection, the encrypted credential, cursors, the last pass);
# `crm_records`: which server row each CRM record became; `crm_links`: one row per pushed
# activity (its engagement's CRM id; `sending` is committed before the create request);
# `crm_lease`: who runs the pass now, until when, and an increasing fence (see server/crm_lock.py).

crm_state = Table(
    "crm_state",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("value", Text, nullable=False),
)

crm_records = Table(
    "crm_records",
    metadata,
    Column("crm", String(16), primary_key=True),
    Column("object", String(16), primary_key=True),
    Column("crm_id", String(254), primary_key=True),
    Column("local_id", String(64), nullable=False),
    Column("parent_id", String(254), nullable=True),
    Column("state", String(16), nullable=False, default="live"),
    Column("extra", Text, nullable=False, default="{}"),
    Index("crm_records_local", "local_id"),
    Index("crm_records_parent", "crm", "object", "parent_id"),
)

crm_links = Table(
    "crm_links",
    metadata,
    Column("activity_id", String(64), primary_key=True),
    Column("crm", String(16), nullable=False),
    Column("object_type", String(32), nullable=False),
    Column("crm_id", String(254), nullable=True),
    Column("state", String(16), nullable=False),
    Column("pushed_hash", String(64), nullable=False, default=""),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=False, default=""),
    Column("updated_at", String(40), nullable=False),
)

crm_lease = Table(
    "crm_lease",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("holder", String(64), nullable=False),
    Column("fence", BigInteger, nullable=False),
    Column("expires_at", Float, nullable=False),
)
