"""Records, the per-user change feeds and account access, inside one write transaction.

Every function takes a connection from `db.writing` (which holds the writers' lock), so reading
something and then writing based on it cannot race another process. Who may see an account is
memoised per transaction (`sql.cache`) and forgotten whenever its owners change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, select

from csm_tui.server.schema import records
from csm_tui.server.sql import Sql, cache
from csm_tui.sync.protocol import ROW_MODELS, key_column

TABLE_ORDER = list(ROW_MODELS)
"""Parents before children: the order a whole account is sent in when access is granted."""

MANAGER_ROLES = frozenset({"primary", "creator"})
"""Who may change an account's owners: its primary owner, or its creator until it has one."""


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
_INSERT = Sql(
    "INSERT INTO records (table_name, id, account_id, data, version, seq, deleted, ukey, "
    "created_by, updated_by) VALUES (:table, :id, :account_id, :data, 1, :seq, :deleted, "
    ":ukey, :user_id, :user_id)"
)
_UPDATE = Sql(
    "UPDATE records SET account_id = :account_id, data = :data, version = version + 1, "
    "seq = :seq, deleted = :deleted, ukey = :ukey, updated_by = :user_id "
    "WHERE table_name = :table AND id = :id"
)
_TOMBSTONE_ACCOUNT_ROWS = Sql(
    "UPDATE records SET data = NULL, version = version + 1, seq = :seq, deleted = :deleted, "
    "ukey = NULL, updated_by = :user_id WHERE account_id = :account_id AND deleted = :live"
)
_HOLDER = Sql("SELECT id FROM records WHERE table_name = :table AND ukey = :ukey")
_LIVE = Sql(
    "SELECT data FROM records WHERE account_id = :account_id AND table_name = :table "
    "AND deleted = :live"
)
_ACCESS = Sql("SELECT user_email, role FROM access WHERE account_id = :account_id")
_READERS = Sql(
    "SELECT users.id, users.email FROM users JOIN access ON access.user_email = users.email "
    "WHERE access.account_id = :account_id"
)
_ALL_USERS = Sql("SELECT id FROM users")
_USER_EMAIL = Sql("SELECT email FROM users WHERE id = :id")
_USER_IDS = Sql("SELECT id, email FROM users")
_ACCESS_ADD = Sql(
    "INSERT INTO access (account_id, user_email, role) VALUES (:account_id, :email, :role)"
)
_ACCESS_SET = Sql(
    "UPDATE access SET role = :role WHERE account_id = :account_id AND user_email = :email"
)
_ACCESS_DROP = Sql("DELETE FROM access WHERE account_id = :account_id AND user_email = :email")
_ACCESS_DROP_ALL = Sql("DELETE FROM access WHERE account_id = :account_id")
_ACCOUNTS_OF = Sql("SELECT account_id FROM access WHERE user_email = :email")
_ACCOUNT_ROWS = Sql(
    "SELECT table_name, id, data FROM records WHERE account_id = :account_id AND deleted = :live"
)
_DIRECTORY = Sql("SELECT id FROM records WHERE table_name = 'users' AND deleted = :live")
_FEED_DROP = Sql("DELETE FROM feed WHERE user_id = :user_id AND account_id = :account_id")
_FEED_UPSERT = Sql(
    "INSERT INTO feed (user_id, table_name, row_id, account_id, seq, deleted) "
    "VALUES (:user_id, :table, :row_id, :account_id, :seq, :deleted) "
    "ON CONFLICT (user_id, table_name, row_id) "
    "DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted, account_id = excluded.account_id"
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


def _remember(conn: Connection, record: Record) -> None:
    conn.info.setdefault("csm_records", {})[(record.table, record.id)] = record


def account_of(table: str, data: dict[str, Any]) -> str | None:
    if table == "users":
        return None
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
    return None


def holder_of(conn: Connection, table: str, ukey: str) -> str | None:
    """The id of the live row of `table` holding `ukey`, if any."""
    row = _HOLDER.run(conn, {"table": table, "ukey": ukey}).first()
    return None if row is None else str(row[0])


def write_record(
    conn: Connection,
    table: str,
    data: dict[str, Any],
    *,
    user_id: int | None,
    current: Record | None,
) -> int:
    """Store a row (insert, update or re-insert over a tombstone) and tell its audience."""
    seq = next_seqs(conn)
    row_id = str(data[key_column(table)])
    account_id = account_of(table, data)
    values = {
        "table": table,
        "id": row_id,
        "account_id": account_id,
        "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
        "seq": seq,
        "deleted": False,
        "ukey": unique_key(table, data),
        "user_id": user_id,
    }
    (_INSERT if current is None else _UPDATE).run(conn, values)
    _remember(
        conn,
        Record(
            table=table,
            id=row_id,
            account_id=account_id,
            data=data,
            version=1 if current is None else current.version + 1,
            seq=seq,
            deleted=False,
            created_by=user_id if current is None else current.created_by,
        ),
    )
    _tell(conn, audience(conn, table, account_id, data), table, row_id, account_id, seq, False)
    if table == "owners" or (table == "accounts" and (current is None or current.deleted)):
        assert account_id is not None
        refresh_access(conn, account_id)  # the owners changed, or the creator may see it
    return seq


def delete_record(conn: Connection, record: Record, *, user_id: int | None) -> int:
    """Tombstone a row; an account takes everything of it along."""
    seq = next_seqs(conn)
    readers = audience(conn, record.table, record.account_id, record.data or {})
    if record.table == "accounts":
        _TOMBSTONE_ACCOUNT_ROWS.run(
            conn,
            {
                "seq": seq,
                "deleted": True,
                "user_id": user_id,
                "account_id": record.id,
                "live": False,
            },
        )
        for reader in readers:
            _FEED_DROP.run(conn, {"user_id": reader, "account_id": record.id})
        _ACCESS_DROP_ALL.run(conn, {"account_id": record.id})
        cache(conn).clear()
        conn.info.pop("csm_records", None)  # its rows changed in bulk
    else:
        _UPDATE.run(
            conn,
            {
                "table": record.table,
                "id": record.id,
                "account_id": record.account_id,
                "data": None,
                "seq": seq,
                "deleted": True,
                "ukey": None,
                "user_id": user_id,
            },
        )
        _remember(
            conn,
            Record(
                table=record.table,
                id=record.id,
                account_id=record.account_id,
                data=None,
                version=record.version + 1,
                seq=seq,
                deleted=True,
                created_by=record.created_by,
            ),
        )
    _tell(conn, readers, record.table, record.id, record.account_id, seq, True)
    if record.table == "owners" and record.account_id:
        refresh_access(conn, record.account_id)
    return seq


def live_rows(conn: Connection, table: str, account_id: str) -> list[dict[str, Any]]:
    rows = _LIVE.run(conn, {"account_id": account_id, "table": table, "live": False})
    return [json.loads(row[0]) for row in rows]


# -- who sees what -----------------------------------------------------------------------------


def access_roles(conn: Connection, account_id: str) -> dict[str, str]:
    """e-mail → role (primary, secondary, creator) of everyone who may see the account."""
    memo = cache(conn)
    key = ("roles", account_id)
    if key not in memo:
        rows = _ACCESS.run(conn, {"account_id": account_id})
        memo[key] = {row.user_email: row.role for row in rows}
    roles: dict[str, str] = memo[key]
    return roles


def role_of(conn: Connection, user: User, account_id: str) -> str | None:
    """The user's role on the account, None without access."""
    return access_roles(conn, account_id).get(user.email)


def _readers(conn: Connection, account_id: str | None) -> list[tuple[int, str]]:
    memo = cache(conn)
    key = ("readers", account_id)
    if key not in memo:
        rows = _READERS.run(conn, {"account_id": account_id})
        memo[key] = [(int(row[0]), str(row[1])) for row in rows]
    readers: list[tuple[int, str]] = memo[key]
    return readers


def audience(
    conn: Connection, table: str, account_id: str | None, data: dict[str, Any]
) -> list[int]:
    """The users whose feed carries a row: everyone for the directory of users, the owners of
    its account otherwise, and only the reader for read receipts."""
    if table == "users":
        return [int(row[0]) for row in _ALL_USERS.run(conn)]
    readers = _readers(conn, account_id)
    if table == "handoff_reads":
        return [user_id for user_id, email in readers if email == data.get("reader_email")]
    return [user_id for user_id, _email in readers]


def refresh_access(conn: Connection, account_id: str) -> None:
    """Recompute who may see the account from its owners; grant and revoke the difference."""
    wanted = {row["user_email"]: row["role"] for row in live_rows(conn, "owners", account_id)}
    account = get_record(conn, "accounts", account_id)
    if account is not None and not account.deleted and "primary" not in wanted.values():
        creator = _email_of(conn, account.created_by)
        if creator and creator not in wanted:
            wanted[creator] = "creator"
    before = dict(access_roles(conn, account_id))
    for email in before.keys() - wanted.keys():
        _ACCESS_DROP.run(conn, {"account_id": account_id, "email": email})
    for email, role in wanted.items():
        if email not in before:
            _ACCESS_ADD.run(conn, {"account_id": account_id, "email": email, "role": role})
        elif before[email] != role:
            _ACCESS_SET.run(conn, {"account_id": account_id, "email": email, "role": role})
    cache(conn).clear()
    for user_id in _ids_of(conn, before.keys() - wanted.keys()):
        revoke(conn, user_id, account_id)
    for user_id in _ids_of(conn, wanted.keys() - before.keys()):
        grant(conn, user_id, account_id)


def grant(conn: Connection, user_id: int, account_id: str) -> None:
    """Put every live row of the account into the user's feed, parents first."""
    email = _email_of(conn, user_id)
    order = {name: index for index, name in enumerate(TABLE_ORDER)}
    rows = sorted(
        _ACCOUNT_ROWS.run(conn, {"account_id": account_id, "live": False}),
        key=lambda row: (order.get(row.table_name, len(order)), row.id),
    )
    rows = [
        row
        for row in rows
        if row.table_name != "handoff_reads" or json.loads(row.data)["reader_email"] == email
    ]
    if not rows:
        return
    first = next_seqs(conn, len(rows))
    _FEED_UPSERT.run(
        conn,
        [
            {
                "user_id": user_id,
                "table": row.table_name,
                "row_id": row.id,
                "account_id": account_id,
                "seq": first + index,
                "deleted": False,
            }
            for index, row in enumerate(rows)
        ],
    )


def revoke(conn: Connection, user_id: int, account_id: str) -> None:
    """The account leaves the user's feed; a tombstone tells their devices to drop it."""
    _FEED_DROP.run(conn, {"user_id": user_id, "account_id": account_id})
    _tell(conn, [user_id], "accounts", account_id, account_id, next_seqs(conn), True)


def grant_directory(conn: Connection, user_id: int) -> None:
    """A new user's feed starts with the team's directory of users."""
    emails = [str(row[0]) for row in _DIRECTORY.run(conn, {"live": False})]
    if emails:
        first = next_seqs(conn, len(emails))
        _FEED_UPSERT.run(
            conn,
            [
                {
                    "user_id": user_id,
                    "table": "users",
                    "row_id": email,
                    "account_id": None,
                    "seq": first + index,
                    "deleted": False,
                }
                for index, email in enumerate(emails)
            ],
        )


def accounts_of_email(conn: Connection, email: str) -> list[str]:
    return [str(row[0]) for row in _ACCOUNTS_OF.run(conn, {"email": email})]


def _tell(
    conn: Connection,
    user_ids: Iterable[int],
    table: str,
    row_id: str,
    account_id: str | None,
    seq: int,
    deleted: bool,
) -> None:
    rows = [
        {
            "user_id": user_id,
            "table": table,
            "row_id": row_id,
            "account_id": account_id,
            "seq": seq,
            "deleted": deleted,
        }
        for user_id in user_ids
    ]
    if rows:
        _FEED_UPSERT.run(conn, rows if len(rows) > 1 else rows[0])


def _email_of(conn: Connection, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    row = _USER_EMAIL.run(conn, {"id": user_id}).first()
    return None if row is None else str(row[0])


def _ids_of(conn: Connection, emails: Iterable[str]) -> list[int]:
    wanted = set(emails)
    if not wanted:
        return []
    return [int(row[0]) for row in _USER_IDS.run(conn) if row[1] in wanted]


def count_live(conn: Connection) -> dict[str, int]:
    """Live rows per table (for tests and the benchmark)."""
    rows = conn.execute(
        select(records.c.table_name, func.count())
        .where(records.c.deleted.is_(False))
        .group_by(records.c.table_name)
    )
    return {row[0]: int(row[1]) for row in rows}
