"""Stored rows (`records`) and server sequences, inside one write transaction.

Every function takes a connection from `db.writing` (which holds the writers' lock), so reading
something and then writing based on it cannot race another process. Rows a transaction read or
wrote are memoised in it (`prefetch` reads a batch's rows in one query). Telling users about a
change is `changes`' work.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from csm_tui.server.schema import records
from csm_tui.server.sql import Sql


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    is_admin: bool


@dataclass
class Record:
    table: str
    id: str
    account_id: str | None
    data: dict[str, Any] | None
    version: int
    seq: int
    deleted: bool
    created_by: int | None


_NEXT_SEQS = Sql("UPDATE sequence SET value = value + :count WHERE id = 1 RETURNING value")
_HIGH_WATER = Sql("SELECT value FROM sequence WHERE id = 1")
_GET = Sql(
    "SELECT table_name, id, account_id, data, version, seq, deleted, created_by FROM records "
    "WHERE table_name = :table AND id = :id"
)
_PREFETCH = Sql(
    "SELECT table_name, id, account_id, data, version, seq, deleted, created_by FROM records "
    "WHERE table_name = :table AND id IN (SELECT value FROM json_each(:ids))"
)
_PREFETCH_PG = Sql(
    "SELECT table_name, id, account_id, data, version, seq, deleted, created_by FROM records "
    "WHERE table_name = :table AND id = ANY(:ids)"
)
INSERT_ROW = Sql(
    "INSERT INTO records (table_name, id, account_id, data, version, seq, deleted, ukey, "
    "created_by, updated_by) VALUES (:table, :id, :account_id, :data, 1, :seq, :deleted, "
    ":ukey, :user_id, :user_id)"
)
UPDATE_ROW = Sql(
    "UPDATE records SET account_id = :account_id, data = :data, version = version + 1, "
    "seq = :seq, deleted = :deleted, ukey = :ukey, updated_by = :user_id "
    "WHERE table_name = :table AND id = :id"
)
TOMBSTONE_ACCOUNT_ROWS = Sql(
    "UPDATE records SET data = NULL, version = version + 1, seq = :seq, deleted = :deleted, "
    "ukey = NULL, updated_by = :user_id WHERE account_id = :account_id AND deleted = :live"
)
_HOLDER = Sql("SELECT id FROM records WHERE table_name = :table AND ukey = :ukey")
_LIVE = Sql(
    "SELECT data FROM records WHERE account_id = :account_id AND table_name = :table "
    "AND deleted = :live"
)


SEQ_BLOCK = 512
"""Sequences reserved at once within a transaction: one statement instead of one per row
(unused ones are skipped; the feed only needs them to grow)."""


def next_seqs(conn: Connection, count: int = 1) -> int:
    """Reserve `count` consecutive server sequences; returns the first."""
    start, end = conn.info.get("csm_seqs", (1, 0))
    if end - start + 1 < count:
        size = max(count, SEQ_BLOCK)
        end = int(_NEXT_SEQS.run(conn, {"count": size}).scalar_one())
        start = end - size + 1
    conn.info["csm_seqs"] = (start + count, end)
    return int(start)


def high_water(conn: Connection) -> int:
    return int(_HIGH_WATER.run(conn).scalar_one())


def get_record(conn: Connection, table: str, row_id: str) -> Record | None:
    records_memo = conn.info.setdefault("csm_records", {})
    key = (table, row_id)
    if key not in records_memo:
        records_memo[key] = _record(_GET.run(conn, {"table": table, "id": row_id}).first())
    found: Record | None = records_memo[key]
    return found


def prefetch(conn: Connection, keys: Iterable[tuple[str, str]]) -> None:
    """Read the records a batch will touch in one query per table (instead of one per row)."""
    memo = conn.info.setdefault("csm_records", {})
    wanted: dict[str, list[str]] = {}
    for table, row_id in keys:
        if (table, row_id) not in memo:
            wanted.setdefault(table, []).append(row_id)
    for table, ids in wanted.items():
        for row_id in ids:
            memo[(table, row_id)] = None
        if conn.dialect.name == "postgresql":
            rows = _PREFETCH_PG.run(conn, {"table": table, "ids": ids})
        else:
            rows = _PREFETCH.run(conn, {"table": table, "ids": json.dumps(ids)})
        for row in rows:
            memo[(table, row.id)] = _record(row)


def _record(row: Any) -> Record | None:
    if row is None:
        return None
    return Record(
        table=row.table_name,
        id=row.id,
        account_id=row.account_id,
        data=None if row.data is None else json.loads(row.data),
        version=row.version,
        seq=row.seq,
        deleted=bool(row.deleted),
        created_by=row.created_by,
    )


def remember(conn: Connection, record: Record) -> None:
    conn.info.setdefault("csm_records", {})[(record.table, record.id)] = record


def account_of(table: str, data: dict[str, Any]) -> str | None:
    if table == "users":
        return None
    if table == "activities" and data.get("account_id") is None:
        return None  # work for many customers or none (issue 16): its author's alone
    return str(data["id"] if table == "accounts" else data["account_id"])


def unique_key(table: str, data: dict[str, Any]) -> str | None:
    """What no two live rows of `table` may share (the client's UNIQUE constraints)."""
    if table == "accounts":
        return data["external_id"] or None
    if table == "owners":
        return f"{data['account_id']}\n{data['user_email']}"
    if table == "health_snapshots":
        return f"{data['account_id']}\n{data['date']}"
    if table == "handoff_reads":
        return f"{data['reader_email']}\n{data['note_id']}"
    if table == "usage_metrics":
        return f"{data['account_id']}\n{data['period']}\n{data['period_start']}"
    if table == "playbook_firings":
        return f"{data['rule_id']}\n{data['account_id']}\n{data['occurrence']}"
    if table == "calendar_marks":
        return f"{data['user_email']}\n{data['key']}"
    return None


def holder_of(conn: Connection, table: str, ukey: str) -> str | None:
    """The id of the live row of `table` holding `ukey`, if any."""
    row = _HOLDER.run(conn, {"table": table, "ukey": ukey}).first()
    return None if row is None else str(row[0])


def live_rows(conn: Connection, table: str, account_id: str) -> list[dict[str, Any]]:
    rows = _LIVE.run(conn, {"account_id": account_id, "table": table, "live": False})
    return [json.loads(row[0]) for row in rows]


def count_live(conn: Connection) -> dict[str, int]:
    """Live rows per table (for tests and the benchmark)."""
    rows = conn.execute(
        select(records.c.table_name, func.count())
        .where(records.c.deleted.is_(False))
        .group_by(records.c.table_name)
    )
    return {row[0]: int(row[1]) for row in rows}
