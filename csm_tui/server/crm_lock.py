"""One CRM pass at a time across every server process.

PostgreSQL: `pg_try_advisory_lock` on a connection of its own, held for the whole pass (never
a pooled transaction's: the lock belongs to the session) and released before it goes back.
SQLite: a lease row claimed under `BEGIN IMMEDIATE` (the database's write lock), free when its
holder released it or when it expired (a killed pass); each write of the pass renews it.
Both write an increasing fence on the lease row; every write of a pass checks its fence first,
so a pass that lost its lease (expired while it hung, or its lock's connection died) stops
without writing rather than racing the one that took over.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, insert, select, text, update

from csm_tui.errors import CsmError
from csm_tui.server.db import is_postgres, writing
from csm_tui.server.schema import crm_lease

LEASE = "crm"
LEASE_SECONDS = 300.0
# advisory locks are per database cluster: the key names this server's schema, so two servers in
# one database (each with its own schema) never wait for each other
_PG_KEY = "hashtext(current_database() || '.' || current_schema() || '.csm-tui-crm')"


class LeaseLost(CsmError):
    """Another process holds the CRM pass now: this one stops without writing."""


@dataclass
class Lease:
    holder: str
    fence: int
    ttl: float

    def guard(self, conn: Connection) -> None:
        """Inside a write transaction: refuse if the lease moved on, else renew it."""
        row = conn.execute(
            select(crm_lease.c.fence).where(crm_lease.c.name == LEASE).with_for_update()
        ).first()
        if row is None or row[0] != self.fence:
            raise LeaseLost("Another server process took over the CRM pass; this one stopped.")
        conn.execute(
            update(crm_lease)
            .where(crm_lease.c.name == LEASE)
            .values(expires_at=time.time() + self.ttl)
        )


def lease_row(conn: Connection) -> dict[str, Any] | None:
    row = conn.execute(select(crm_lease).where(crm_lease.c.name == LEASE)).first()
    return dict(row._mapping) if row else None


def running_pass(conn: Connection) -> str | None:
    """Who runs a pass now, if anyone (a lease left by a killed pass does not count)."""
    row = lease_row(conn)
    if row is None or row["expires_at"] <= time.time() or _dead_here(str(row["holder"])):
        return None
    return str(row["holder"])


def _take(engine: Any, holder: str, ttl: float, *, force: bool) -> Lease | None:
    with writing(engine) as conn:
        row = lease_row(conn)
        running = row is not None and row["expires_at"] > time.time()
        if running and not force and not _dead_here(str(row["holder"])):  # type: ignore[index]
            return None  # another pass runs (or was killed elsewhere less than ttl ago)
        fence = (row["fence"] if row else 0) + 1
        conn.execute(delete(crm_lease).where(crm_lease.c.name == LEASE))
        conn.execute(
            insert(crm_lease).values(
                name=LEASE, holder=holder, fence=fence, expires_at=time.time() + ttl
            )
        )
        return Lease(holder, fence, ttl)


def holder_name() -> str:
    """Who runs a pass: host, process id and a random part (two passes of one process differ)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _dead_here(holder: str) -> bool:
    """True if the holder was a process of this host that no longer exists (killed): its lease
    need not run out first."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname()[:30] or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _release(engine: Any, lease: Lease) -> None:
    with writing(engine) as conn:
        conn.execute(
            delete(crm_lease).where(crm_lease.c.name == LEASE, crm_lease.c.fence == lease.fence)
        )


@contextmanager
def claim(engine: Any, holder: str, ttl: float = LEASE_SECONDS) -> Iterator[Lease | None]:
    """The pass's lease, or None when another process's pass is running."""
    if not is_postgres(engine):
        lease = _take(engine, holder, ttl, force=False)
        if lease is None:
            yield None
            return
        try:
            yield lease
        finally:
            _release(engine, lease)
        return
    conn = engine.connect()
    try:
        got = conn.execute(text(f"SELECT pg_try_advisory_lock({_PG_KEY})")).scalar()
        conn.commit()
        if not got:
            yield None
            return
        # the lock is ours: whatever the row says, its holder is gone (its lock went with it)
        taken = _take(engine, holder, ttl, force=True)
        assert taken is not None
        try:
            yield taken
        finally:
            _release(engine, taken)
            conn.execute(text(f"SELECT pg_advisory_unlock({_PG_KEY})"))
            conn.commit()
    except BaseException:
        conn.invalidate()  # never hand a connection that may still hold the lock to the pool
        raise
    finally:
        conn.close()
