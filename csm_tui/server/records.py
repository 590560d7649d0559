"""Records, the per-user change feeds and account access, inside one write transaction.

Every function takes a connection from `db.writing` (which holds the writers' lock), so reading
something and then writing based on it cannot race another process.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from csm_tui.server.schema import access, feed, records, sequence, users
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


def next_seqs(conn: Connection, count: int = 1) -> int:
    """Reserve `count` server sequences; returns the first."""
    last = conn.execute(
        update(sequence)
        .where(sequence.c.id == 1)
        .values(value=sequence.c.value + count)
        .returning(sequence.c.value)
    ).scalar_one()
    return int(last) - count + 1


def high_water(conn: Connection) -> int:
    return int(conn.execute(select(sequence.c.value).where(sequence.c.id == 1)).scalar_one())


def get_record(conn: Connection, table: str, row_id: str) -> Record | None:
    row = conn.execute(
        select(records).where(records.c.table_name == table, records.c.id == row_id)
    ).first()
    if row is None:
        return None
    return Record(
        table=row.table_name,
        id=row.id,
        account_id=row.account_id,
        data=None if row.data is None else json.loads(row.data),
        version=row.version,
        seq=row.seq,
        deleted=row.deleted,
        created_by=row.created_by,
    )


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
    return None


def holder_of(conn: Connection, table: str, ukey: str) -> str | None:
    """The id of the live row of `table` holding `ukey`, if any."""
    row = conn.execute(
        select(records.c.id).where(records.c.table_name == table, records.c.ukey == ukey)
    ).first()
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
        "account_id": account_id,
        "data": json.dumps(data, ensure_ascii=False, sort_keys=True),
        "seq": seq,
        "deleted": False,
        "ukey": unique_key(table, data),
        "updated_by": user_id,
    }
    if current is None:
        conn.execute(
            records.insert().values(
                table_name=table, id=row_id, version=1, created_by=user_id, **values
            )
        )
    else:
        conn.execute(
            update(records)
            .where(records.c.table_name == table, records.c.id == row_id)
            .values(version=current.version + 1, **values)
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
    tombstone = {"data": None, "deleted": True, "ukey": None, "seq": seq, "updated_by": user_id}
    if record.table == "accounts":
        conn.execute(
            update(records)
            .where(records.c.account_id == record.id, records.c.deleted.is_(False))
            .values(version=records.c.version + 1, **tombstone)
        )
        for reader in readers:
            conn.execute(
                delete(feed).where(feed.c.user_id == reader, feed.c.account_id == record.id)
            )
        conn.execute(delete(access).where(access.c.account_id == record.id))
    else:
        conn.execute(
            update(records)
            .where(records.c.table_name == record.table, records.c.id == record.id)
            .values(version=record.version + 1, **tombstone)
        )
    _tell(conn, readers, record.table, record.id, record.account_id, seq, True)
    if record.table == "owners" and record.account_id:
        refresh_access(conn, record.account_id)
    return seq


def live_rows(conn: Connection, table: str, account_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(records.c.data).where(
            records.c.account_id == account_id,
            records.c.table_name == table,
            records.c.deleted.is_(False),
        )
    ).scalars()
    return [json.loads(row) for row in rows]


# -- who sees what -----------------------------------------------------------------------------


def access_roles(conn: Connection, account_id: str) -> dict[str, str]:
    rows = conn.execute(
        select(access.c.user_email, access.c.role).where(access.c.account_id == account_id)
    )
    return {row.user_email: row.role for row in rows}


def role_of(conn: Connection, user: User, account_id: str) -> str | None:
    """The user's role on the account (primary, secondary, creator), None without access."""
    return conn.execute(
        select(access.c.role).where(
            access.c.account_id == account_id, access.c.user_email == user.email
        )
    ).scalar()


def audience(
    conn: Connection, table: str, account_id: str | None, data: dict[str, Any]
) -> list[int]:
    """The users whose feed carries a row: everyone for the directory of users, the owners of
    its account otherwise, and only the reader for read receipts."""
    if table == "users":
        return list(conn.execute(select(users.c.id)).scalars())
    query = (
        select(users.c.id)
        .join(access, access.c.user_email == users.c.email)
        .where(access.c.account_id == account_id)
    )
    if table == "handoff_reads":
        query = query.where(users.c.email == data.get("reader_email"))
    return list(conn.execute(query).scalars())


def refresh_access(conn: Connection, account_id: str) -> None:
    """Recompute who may see the account from its owners; grant and revoke the difference."""
    wanted = {row["user_email"]: row["role"] for row in live_rows(conn, "owners", account_id)}
    account = get_record(conn, "accounts", account_id)
    if account is not None and not account.deleted and "primary" not in wanted.values():
        creator = _email_of(conn, account.created_by)
        if creator and creator not in wanted:
            wanted[creator] = "creator"
    before = access_roles(conn, account_id)
    for email in before.keys() - wanted.keys():
        conn.execute(
            delete(access).where(access.c.account_id == account_id, access.c.user_email == email)
        )
    for email, role in wanted.items():
        if email not in before:
            conn.execute(access.insert().values(account_id=account_id, user_email=email, role=role))
        elif before[email] != role:
            conn.execute(
                update(access)
                .where(access.c.account_id == account_id, access.c.user_email == email)
                .values(role=role)
            )
    for user_id in _ids_of(conn, before.keys() - wanted.keys()):
        revoke(conn, user_id, account_id)
    for user_id in _ids_of(conn, wanted.keys() - before.keys()):
        grant(conn, user_id, account_id)


def grant(conn: Connection, user_id: int, account_id: str) -> None:
    """Put every live row of the account into the user's feed, parents first."""
    email = _email_of(conn, user_id)
    order = case(
        {name: index for index, name in enumerate(TABLE_ORDER)}, value=records.c.table_name
    )
    rows = conn.execute(
        select(records.c.table_name, records.c.id, records.c.data)
        .where(records.c.account_id == account_id, records.c.deleted.is_(False))
        .order_by(order, records.c.id)
    ).all()
    rows = [
        row
        for row in rows
        if row.table_name != "handoff_reads" or json.loads(row.data)["reader_email"] == email
    ]
    if not rows:
        return
    first = next_seqs(conn, len(rows))
    _upsert_feed(
        conn,
        [
            {
                "user_id": user_id,
                "table_name": row.table_name,
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
    conn.execute(delete(feed).where(feed.c.user_id == user_id, feed.c.account_id == account_id))
    _tell(conn, [user_id], "accounts", account_id, account_id, next_seqs(conn), True)


def grant_directory(conn: Connection, user_id: int) -> None:
    """A new user's feed starts with the team's directory of users."""
    emails = list(
        conn.execute(
            select(records.c.id).where(
                records.c.table_name == "users", records.c.deleted.is_(False)
            )
        ).scalars()
    )
    if emails:
        first = next_seqs(conn, len(emails))
        _upsert_feed(
            conn,
            [
                {
                    "user_id": user_id,
                    "table_name": "users",
                    "row_id": email,
                    "account_id": None,
                    "seq": first + index,
                    "deleted": False,
                }
                for index, email in enumerate(emails)
            ],
        )


def accounts_of_email(conn: Connection, email: str) -> list[str]:
    return list(
        conn.execute(select(access.c.account_id).where(access.c.user_email == email)).scalars()
    )


def _tell(
    conn: Connection,
    user_ids: Iterable[int],
    table: str,
    row_id: str,
    account_id: str | None,
    seq: int,
    deleted: bool,
) -> None:
    _upsert_feed(
        conn,
        [
            {
                "user_id": user_id,
                "table_name": table,
                "row_id": row_id,
                "account_id": account_id,
                "seq": seq,
                "deleted": deleted,
            }
            for user_id in user_ids
        ],
    )


def _upsert_feed(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(feed)
    statement = statement.on_conflict_do_update(
        index_elements=[feed.c.user_id, feed.c.table_name, feed.c.row_id],
        set_={"seq": statement.excluded.seq, "deleted": statement.excluded.deleted},
    )
    for start in range(0, len(rows), 5000):
        conn.execute(statement, rows[start : start + 5000])


def _email_of(conn: Connection, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return conn.execute(select(users.c.email).where(users.c.id == user_id)).scalar()


def _ids_of(conn: Connection, emails: Iterable[str]) -> list[int]:
    emails = list(emails)
    if not emails:
        return []
    return list(conn.execute(select(users.c.id).where(users.c.email.in_(emails))).scalars())


def count_live(conn: Connection) -> dict[str, int]:
    """Live rows per table (for `server status` and tests)."""
    rows = conn.execute(
        select(records.c.table_name, func.count())
        .where(records.c.deleted.is_(False))
        .group_by(records.c.table_name)
    )
    return {row[0]: int(row[1]) for row in rows}
