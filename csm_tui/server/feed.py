"""Devices, push and pull: the sync endpoints' work, independent of HTTP."""

from __future__ import annotations

import json
from dataclasses import dataclass

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
from csm_tui.sync.rows import PRIVATE


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
