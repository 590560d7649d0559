"""Devices, push and pull: the sync endpoints' work, independent of HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from pydantic_core import from_json, to_json
from sqlalchemy import Connection, Engine, select, update

from csm_tui.server import changes
from csm_tui.server import records as rec
from csm_tui.server.apply import apply_mutation, current_change, stored_payload
from csm_tui.server.db import read_meta, reading, writing
from csm_tui.server.records import User
from csm_tui.server.schema import devices, mutations, users
from csm_tui.server.sql import Sql
from csm_tui.sync.protocol import (
    DeviceRequest,
    DeviceResponse,
    HistoryEntry,
    MutationResult,
    PushRequest,
    PushResponse,
    Status,
)
from csm_tui.sync.rows import ADDED_LATER, PRIVATE, ROW_MODELS


@dataclass
class ApiError(Exception):
    """A request the server refuses as a whole: HTTP status, a stable code, one sentence."""

    status: int
    code: str
    message: str
    last_seq: int | None = None


def register_device(engine: Engine, user: User, request: DeviceRequest, now: str) -> DeviceResponse:
    with writing(engine) as conn:
        row = conn.execute(select(devices).where(devices.c.client_id == request.client_id)).first()
        if row is not None and row.user_id != user.id:
            raise ApiError(409, "device_taken", "This device id belongs to another user.")
        if row is None:
            conn.execute(
                devices.insert().values(
                    client_id=request.client_id,
                    user_id=user.id,
                    last_seq=request.next_seq - 1,
                    created_at=now,
                    last_seen_at=now,
                )
            )
            last_seq = request.next_seq - 1
        else:
            last_seq = row.last_seq
        return DeviceResponse(
            client_id=request.client_id,
            last_seq=last_seq,
            epoch=read_meta(conn, "epoch"),
            high_water=rec.high_water(conn),
        )


def push(engine: Engine, user: User, request: PushRequest, now: str) -> PushResponse:
    """Apply a batch in one transaction: all of it, or (on a database error) none of it."""
    with writing(engine) as conn:
        changes.set_now(conn, now)
        device = conn.execute(
            select(devices).where(devices.c.client_id == request.client_id)
        ).first()
        if device is None or device.user_id != user.id:
            raise ApiError(409, "unknown_device", "Register this device first (POST /v1/devices).")
        previous = last = int(device.last_seq)
        if request.acked_through is not None and previous < request.acked_through:
            raise ApiError(
                409,
                "device_behind",
                "The server has fewer of this device's changes than were acknowledged "
                "(it was restored from a backup); send them again from last_seq.",
                last_seq=previous,
            )
        seen = _seen(conn, [mutation.mutation_id for mutation in request.mutations])
        rec.prefetch(conn, ((m.table, m.row_id) for m in request.mutations if m.table != "users"))
        results: list[MutationResult] = []
        log: list[dict[str, object]] = []
        for mutation in request.mutations:
            stored = seen.get(mutation.mutation_id)
            if stored is not None:
                results.append(_replay(conn, user, mutation.seq, stored))
                last = max(last, mutation.seq)
                continue
            if mutation.seq <= last:
                raise ApiError(
                    409,
                    "device_reused",
                    "Another copy of this database already sent different changes under the "
                    "same device id; this copy must register as a new device.",
                )
            outcome = apply_mutation(conn, user, mutation)
            seen[mutation.mutation_id] = _Seen(
                mutation.mutation_id,
                user.id,
                mutation.table,
                mutation.row_id,
                outcome.status.value,
                outcome.reason,
                outcome.server_seq,
            )
            log.append(
                {
                    "mutation_id": mutation.mutation_id,
                    "client_id": request.client_id,
                    "device_seq": mutation.seq,
                    "user_id": user.id,
                    "table_name": mutation.table,
                    "row_id": mutation.row_id,
                    "op": mutation.op,
                    "payload": stored_payload(mutation),
                    "status": outcome.status.value,
                    "reason": outcome.reason,
                    "server_seq": outcome.server_seq,
                    "created_at": now,
                }
            )
            results.append(
                MutationResult(
                    seq=mutation.seq,
                    mutation_id=mutation.mutation_id,
                    status=outcome.status,
                    server_seq=outcome.server_seq,
                    reason=outcome.reason,
                    current=outcome.current,
                )
            )
            last = mutation.seq
        if log:
            _LOG.run(conn, log)
        conn.execute(
            update(devices)
            .where(devices.c.client_id == request.client_id)
            .values(last_seq=last, last_seen_at=now)
        )
        return PushResponse(
            results=results,
            last_processed_seq=last,
            previous_last_seq=previous,
            high_water=rec.high_water(conn),
            epoch=read_meta(conn, "epoch"),
        )


@dataclass(frozen=True)
class _Seen:
    """A mutation applied before (or earlier in this batch) and its result."""

    mutation_id: str
    user_id: int | None
    table_name: str
    row_id: str
    status: str
    reason: str
    server_seq: int | None


_SEEN = Sql(
    "SELECT mutation_id, user_id, table_name, row_id, status, reason, server_seq "
    "FROM mutations WHERE mutation_id IN (SELECT value FROM json_each(:ids))"
)
_SEEN_PG = Sql(
    "SELECT mutation_id, user_id, table_name, row_id, status, reason, server_seq "
    "FROM mutations WHERE mutation_id = ANY(:ids)"
)
_LOG = Sql(
    "INSERT INTO mutations (mutation_id, client_id, device_seq, user_id, table_name, row_id, "
    "op, payload, status, reason, server_seq, created_at) VALUES (:mutation_id, :client_id, "
    ":device_seq, :user_id, :table_name, :row_id, :op, :payload, :status, :reason, "
    ":server_seq, :created_at)"
)


def _seen(conn: Connection, ids: list[str]) -> dict[str, _Seen]:
    """The batch's mutations the server has seen before, in one query."""
    if conn.dialect.name == "postgresql":
        rows = _SEEN_PG.run(conn, {"ids": ids})
    else:
        rows = _SEEN.run(conn, {"ids": json.dumps(ids)})
    return {row[0]: _Seen(*row) for row in rows}


def _replay(conn: Connection, user: User, seq: int, stored: _Seen) -> MutationResult:
    """A mutation seen before: the earlier result, never a second application."""
    first = Status(stored.status)
    if stored.user_id != user.id:
        return MutationResult(
            seq=seq,
            mutation_id=stored.mutation_id,
            status=Status.REJECTED,
            reason="This mutation id was used by someone else.",
        )
    current = None
    if first in (Status.REJECTED, Status.CONFLICT):
        current = current_change(conn, user, stored.table_name, stored.row_id)
    return MutationResult(
        seq=seq,
        mutation_id=stored.mutation_id,
        status=Status.DUPLICATE,
        server_seq=stored.server_seq,
        reason=f"{first.value}: {stored.reason}".rstrip(": "),
        current=current,
    )


# Each change's JSON is put together by the database around the stored row text (never parsed
# again): a third of the cost of building it in Python. Table names and sequences need no quoting.
_PAGE_SQLITE = Sql(
    """SELECT f.seq, '{"seq":' || f.seq || ',"table":"' || f.table_name || '","id":'
    || json_quote(f.row_id) || ',"account_id":' || json_quote(f.account_id) || ',"deleted":'
    || CASE WHEN f.deleted THEN 'true,"data":null}'
       ELSE 'false,"data":' || coalesce(r.data, 'null') || '}' END
    FROM feed AS f LEFT JOIN records AS r ON r.table_name = f.table_name AND r.id = f.row_id
    WHERE f.user_id = :user_id AND f.seq > :cursor AND (f.deleted = :live OR f.seq > :fresh)
    ORDER BY f.seq LIMIT :limit"""
)
_PAGE_PG = Sql(
    """SELECT f.seq, '{"seq":' || f.seq || ',"table":"' || f.table_name || '","id":'
    || to_json(f.row_id)::text || ',"account_id":' || coalesce(to_json(f.account_id)::text,
    'null') || ',"deleted":' || CASE WHEN f.deleted THEN 'true,"data":null}'
       ELSE 'false,"data":' || coalesce(r.data, 'null') || '}' END
    FROM feed AS f LEFT JOIN records AS r ON r.table_name = f.table_name AND r.id = f.row_id
    WHERE f.user_id = :user_id AND f.seq > :cursor AND (f.deleted = :live OR f.seq > :fresh)
    ORDER BY f.seq LIMIT :limit"""
)


def pull_json(
    engine: Engine, user: User, cursor: int, limit: int, fresh_until: int | None
) -> bytes:
    """A page of the user's feed after `cursor`, as JSON; the database builds each change's
    JSON around the stored row text (five times faster than building it here).

    `fresh_until`: the client had nothing when it started at this sequence, so deletions up to
    it are left out (a new device downloads live rows only, however many were deleted).
    """
    page = _PAGE_PG if engine.dialect.name == "postgresql" else _PAGE_SQLITE
    params = {
        "user_id": user.id,
        "cursor": cursor,
        "live": False,
        "fresh": fresh_until or 0,
        "limit": limit + 1,
    }
    with reading(engine) as conn:
        rows = page.run(conn, params).all()
        high_water = rec.high_water(conn)
        epoch = read_meta(conn, "epoch")
    has_more = len(rows) > limit
    rows = rows[:limit]
    new_cursor = rows[-1][0] if rows else cursor
    head = '{"changes":[' + ",".join(row[1] for row in rows) + "]"
    tail = (
        f',"cursor":{new_cursor},"has_more":{"true" if has_more else "false"},'
        f'"high_water":{high_water},"epoch":{json.dumps(epoch)}}}'
    )
    return (head + tail).encode("utf-8")


# A page as a few rows: per table, its live rows' sequences and values (each row a JSON array in
# the table's column order, taken from the stored text by json_extract: one parse of it, nothing
# in Python) and its tombstones, joined by SQLite. Both lists of a table are aggregated over the
# same rows in the same order, so the n-th sequence is the n-th row's.
_PATHS = {
    table: ", ".join(f"'$.{name}'" for name in model.model_fields)
    for table, model in ROW_MODELS.items()
}


def _source(table: str) -> str:
    """The stored text, under the defaults of the columns added since it may have been stored
    (a missing key reads as null, which only a nullable column may hold)."""
    defaults = {k: v for k, v in ADDED_LATER.get(table, {}).items() if v is not None}
    if not defaults:
        return "r.data"
    return f"json_patch('{json.dumps(defaults, sort_keys=True)}', r.data)"


_ARRAYS = " ".join(
    f"WHEN '{table}' THEN json_extract({_source(table)}, {paths})"
    for table, paths in _PATHS.items()
)
_ROWS_SQLITE = Sql(
    f"""SELECT p.table_name, p.deleted, min(p.seq), max(p.seq), group_concat(p.seq, ','),
    group_concat(p.item, ',')
    FROM (SELECT f.seq, f.table_name, f.deleted, CASE WHEN f.deleted
        THEN '{{"seq":' || f.seq || ',"table":"' || f.table_name || '","id":'
          || json_quote(f.row_id) || '}}'
        ELSE CASE f.table_name {_ARRAYS} END END AS item
      FROM feed AS f LEFT JOIN records AS r ON r.table_name = f.table_name AND r.id = f.row_id
      WHERE f.user_id = :user_id AND f.seq > :cursor AND (f.deleted = :live OR f.seq > :fresh)
      ORDER BY f.seq LIMIT :limit) AS p
    GROUP BY p.table_name, p.deleted"""
)
# PostgreSQL's JSON functions take ~70 µs a row for the same arrays (jsonb_build_array over
# data::jsonb), pydantic-core ~6 µs: PostgreSQL sends the stored text, Python rearranges it.
_ROWS_PG = Sql(
    """SELECT f.seq, f.table_name, f.row_id, f.deleted, r.data
    FROM feed AS f LEFT JOIN records AS r ON r.table_name = f.table_name AND r.id = f.row_id
    WHERE f.user_id = :user_id AND f.seq > :cursor AND (f.deleted = :live OR f.seq > :fresh)
    ORDER BY f.seq LIMIT :limit"""
)


def _values(table: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A stored row's values in column order; a row stored before a column was added gets
    the column's default (`ADDED_LATER`)."""
    getter = itemgetter(*ROW_MODELS[table].model_fields)
    defaults = ADDED_LATER.get(table)
    if not defaults:
        return getter
    return lambda data: getter({**defaults, **data})


_VALUES = {table: _values(table) for table in ROW_MODELS}
assert all(len(model.model_fields) > 1 for model in ROW_MODELS.values())  # arrays, not values


def _pg_groups(conn: Connection, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """What `_ROWS_SQLITE` answers, from PostgreSQL's plain rows."""
    found: dict[tuple[str, bool], tuple[list[int], list[str]]] = {}
    for seq, table, row_id, gone, data in _ROWS_PG.run(conn, params).all():
        seqs, items = found.setdefault((table, bool(gone)), ([], []))
        seqs.append(seq)
        if gone:
            items.append(json.dumps({"seq": seq, "table": table, "id": row_id}))
        elif data is None:
            items.append("null")  # never stored so; the client refuses the page
        else:
            items.append(to_json(_VALUES[table](from_json(data))).decode())
    return [
        (table, gone, seqs[0], seqs[-1], ",".join(map(str, seqs)), ",".join(items))
        for (table, gone), (seqs, items) in found.items()
    ]


_MORE = Sql(  # ORDER BY: a generic plan (prepared after 5 runs) might scan the table instead
    "SELECT f.seq FROM feed AS f WHERE f.user_id = :user_id AND f.seq > :cursor "
    "AND (f.deleted = :live OR f.seq > :fresh) ORDER BY f.user_id, f.seq LIMIT 1"
)
_COLUMNS = {table: json.dumps(list(model.model_fields)) for table, model in ROW_MODELS.items()}


def pull_rows_json(
    engine: Engine, user: User, cursor: int, limit: int, fresh_until: int | None
) -> bytes:
    """The page of `pull_json` as rows per table (protocol 2: `RowsPage`): a few strings per
    page, whatever its size, put together around the arrays of each row."""
    params = {"user_id": user.id, "cursor": cursor, "live": False, "fresh": fresh_until or 0}
    with reading(engine) as conn:
        if engine.dialect.name == "postgresql":
            groups = _pg_groups(conn, {**params, "limit": limit})
        else:
            groups = _ROWS_SQLITE.run(conn, {**params, "limit": limit}).all()
        new_cursor = max((group[3] for group in groups), default=cursor)
        has_more = _MORE.run(conn, {**params, "cursor": new_cursor}).first() is not None
        high_water = rec.high_water(conn)
        epoch = read_meta(conn, "epoch")
    tables: list[str] = []
    deleted: list[str] = []
    for table, gone, _first, _last, seqs, items in sorted(groups, key=lambda g: g[2]):
        if gone:
            deleted.append(items)
        else:
            tables.append(
                f'{{"table":"{table}","columns":{_COLUMNS[table]},"seqs":[{seqs}],'
                f'"rows":[{items or ""}]}}'
            )
    body = (
        f'{{"tables":[{",".join(tables)}],"deleted":[{",".join(deleted)}],"cursor":{new_cursor},'
        f'"has_more":{"true" if has_more else "false"},"high_water":{high_water},'
        f'"epoch":{json.dumps(epoch)}}}'
    )
    return body.encode("utf-8")


def history(engine: Engine, user: User, table: str, row_id: str) -> list[HistoryEntry]:
    """Every pushed change of a row the user may see, in server order; 404 otherwise."""
    with reading(engine) as conn:
        if current_change(conn, user, table, row_id).deleted and not _saw(
            conn, user, table, row_id
        ):
            raise ApiError(404, "not_found", "There is no such record.")
        query = select(mutations).where(
            mutations.c.table_name == table,
            mutations.c.row_id == row_id,
            mutations.c.server_seq.is_not(None),  # what changed the row; not refusals
        )
        if table in PRIVATE:  # a receipt is its reader's alone, like in the feed
            query = query.where(mutations.c.user_id == user.id)
        rows = conn.execute(query.order_by(mutations.c.server_seq)).all()
        if table in PRIVATE and not rows:
            raise ApiError(404, "not_found", "There is no such record.")
        emails = dict(conn.execute(select(users.c.id, users.c.email)).all())
    return [
        HistoryEntry(
            server_seq=row.server_seq,
            user=emails.get(row.user_id),
            op=row.op,
            status=Status(row.status),
            payload=json.loads(row.payload),
            created_at=row.created_at,
        )
        for row in rows
    ]


def _saw(conn: Connection, user: User, table: str, row_id: str) -> bool:
    """A deleted row's history stays readable by whoever can still see its account."""
    record = rec.get_record(conn, table, row_id)
    if record is None or record.account_id is None or table == "users":
        return False
    return changes.role_of(conn, user, record.account_id) is not None
