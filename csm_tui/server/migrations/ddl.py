"""DDL and data statements of the revisions, the same online and in `--sql` (offline) mode."""

from __future__ import annotations

from alembic import op
from sqlalchemy import String, Table, Text, column, exists, insert, literal, select, table, update
from sqlalchemy.schema import CreateIndex, CreateTable

meta = table("meta", column("key", String), column("value", Text))  # typed: `--sql` writes literals


def create_tables(*tables: Table, if_not_exists: bool = False) -> None:
    """Each table, then its indexes, as `metadata.create_all` makes them."""
    for each in tables:
        op.execute(CreateTable(each, if_not_exists=if_not_exists))
        for index in sorted(each.indexes, key=lambda index: str(index.name)):
            op.execute(CreateIndex(index, if_not_exists=if_not_exists))


def set_schema_version(version: int) -> None:
    """`meta.schema_version`: what /v1/ready reports, and what a csm-tui older than its
    migrations checks (it refuses a database of a newer schema)."""
    op.execute(update(meta).where(meta.c.key == "schema_version").values(value=str(version)))


def insert_meta_if_missing(key: str, value: str) -> None:
    present = exists().where(meta.c.key == key)
    op.execute(
        insert(meta).from_select(
            ["key", "value"], select(literal(key), literal(value)).where(~present)
        )
    )
