"""A row change and everyone who must hear of it: the per-user feeds and account access.

`write_record` / `delete_record` store a row (see `records`) and put it in the feed of each user
who may see it; a change of owners grants (every live row of the account, parents first) and
revokes (a tombstone for the account). Who may see an account is memoised per transaction
(`sql.cache`) and forgotten whenever its owners change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from csm_tui.server.records import (
    INSERT_ROW,
    TOMBSTONE_ACCOUNT_ROWS,
    UPDATE_ROW,
    Record,
    User,
    account_of,
    get_record,
    live_rows,
    next_seqs,
    remember,
    unique_key,
)
from csm_tui.server.sql import Sql, cache
from csm_tui.sync.rows import PRIVATE, ROW_MODELS, key_column

TABLE_ORDER = list(ROW_MODELS)
"""Parents before children: the order a whole account is sent in when access is granted."""

MANAGER_ROLES = frozenset({"primary", "creator"})
"""Who may change an account's owners: its primary owner, or its creator until it has one."""

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
_HISTORY_OPEN = Sql(
    "INSERT INTO access_history (account_id, user_email, since) VALUES (:account_id, :email, :at)"
)
_HISTORY_CLOSE = Sql(
    "UPDATE access_history SET until = :at WHERE account_id = :account_id AND until IS NULL "
    "AND user_email = :email"
)
_HISTORY_CLOSE_ALL = Sql(
    "UPDATE access_history SET until = :at WHERE account_id = :account_id AND until IS NULL"
)
_HISTORY_OF = Sql(
    "SELECT since, until FROM access_history WHERE account_id = :account_id AND user_email = :email"
)
_FEED_DROP = Sql("DELETE FROM feed WHERE user_id = :user_id AND account_id = :account_id")
_FEED_UPSERT = Sql(
    "INSERT INTO feed (user_id, table_name, row_id, account_id, seq, deleted) "
    "VALUES (:user_id, :table, :row_id, :account_id, :seq, :deleted) "
    "ON CONFLICT (user_id, table_name, row_id) "
    "DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted, account_id = excluded.account_id"
)


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
    (INSERT_ROW if current is None else UPDATE_ROW).run(conn, values)
    remember(
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
        TOMBSTONE_ACCOUNT_ROWS.run(
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
        _HISTORY_CLOSE_ALL.run(conn, {"account_id": record.id, "at": now(conn)})
        cache(conn).clear()
        conn.info.pop("csm_records", None)  # its rows changed in bulk
    else:
        UPDATE_ROW.run(
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
        remember(
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
    if account_id is None and table == "activities":
        # work for many customers or none (issue 16): on no account, so its author's alone
        return _ids_of(conn, [str(data.get("author_email"))])
    readers = _readers(conn, account_id)
    private = PRIVATE.get(table)
    if private is not None:
        return [user_id for user_id, email in readers if email == data.get(private)]
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
    at = now(conn)
    for email in before.keys() - wanted.keys():
        _ACCESS_DROP.run(conn, {"account_id": account_id, "email": email})
        _HISTORY_CLOSE.run(conn, {"account_id": account_id, "email": email, "at": at})
    for email, role in wanted.items():
        if email not in before:
            _ACCESS_ADD.run(conn, {"account_id": account_id, "email": email, "role": role})
            _HISTORY_OPEN.run(conn, {"account_id": account_id, "email": email, "at": at})
        elif before[email] != role:
            _ACCESS_SET.run(conn, {"account_id": account_id, "email": email, "role": role})
    cache(conn).clear()
    for user_id in _ids_of(conn, before.keys() - wanted.keys()):
        revoke(conn, user_id, account_id)
    for user_id in _ids_of(conn, wanted.keys() - before.keys()):
        grant(conn, user_id, account_id)


def now(conn: Connection) -> str:
    """The time of this write transaction (the push's, from the server's clock), in UTC."""
    at: str = conn.info.setdefault("csm_now", _utc(datetime.now(UTC)))
    return at


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def set_now(conn: Connection, iso: str) -> None:
    conn.info["csm_now"] = _utc(_instant(iso))


def _instant(iso: str) -> datetime:
    """An ISO date or time as an instant; a time without an offset is taken as UTC."""
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


SKEW = timedelta(minutes=5)
"""How far a device's clock (which dates the work) may run ahead of the server's (which dates
the loss of access)."""


def had_access(conn: Connection, email: str, account_id: str, at: str) -> bool:
    """Whether `email` had access to the account at the time `at` (by the access history)."""
    moment = _instant(at)
    for since, until in _HISTORY_OF.run(conn, {"account_id": account_id, "email": email}):
        started = not since or _instant(since) - SKEW <= moment
        if started and (until is None or moment <= _instant(until) + SKEW):
            return True
    return False


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
        if row.table_name not in PRIVATE or json.loads(row.data)[PRIVATE[row.table_name]] == email
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
