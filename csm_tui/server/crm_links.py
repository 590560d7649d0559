"""The push half of the server's CRM `Book`: the activities that reached the server (from any
device) to send, and one `crm_links` row per activity with its engagement's CRM id.

Every link write is its own committed write transaction, checked against the pass's lease:
`sending` is on disk before the create request leaves, so a kill at any point leaves either no
mark (nothing was sent) or a mark the next pass resolves by looking the engagement up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, delete, insert, select, update

from csm_tui.crm.records import Link, OutActivity
from csm_tui.server.db import reading, writing
from csm_tui.server.schema import crm_links, crm_records, records


class ServerLinks:
    """Activities to push and their links, on the server's tables."""

    engine: Any
    crm: str
    now: Callable[[], str]

    def _checked(self, conn: Connection) -> None:  # pragma: no cover - ServerBook's
        raise NotImplementedError

    def activities_to_push(self, since: str, backfill_since: str | None) -> list[OutActivity]:
        query = (
            select(records.c.data, crm_records.c.crm_id)
            .join(
                crm_records,
                and_(
                    crm_records.c.local_id == records.c.account_id,
                    crm_records.c.crm == self.crm,
                    crm_records.c.object == "company",
                    crm_records.c.state == "live",
                ),
            )
            .where(records.c.table_name == "activities", records.c.deleted.is_(False))
        )
        with reading(self.engine) as conn:
            linked = set(
                conn.execute(select(crm_links.c.activity_id).where(crm_links.c.crm == self.crm))
                .scalars()
                .all()
            )
            rows = conn.execute(query).all()
        wanted: list[OutActivity] = []
        for data_text, company in rows:
            data = json.loads(data_text)
            if (
                data["created_at"] >= since
                or (backfill_since is not None and data["occurred_at"] >= backfill_since)
                or data["id"] in linked
            ):
                wanted.append(_out(data, company))
        wanted.sort(key=lambda item: (item.occurred_at.isoformat(), item.id))
        return wanted

    def links(self) -> dict[str, Link]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(
                    crm_links.c.activity_id,
                    crm_links.c.object_type,
                    crm_links.c.crm_id,
                    crm_links.c.state,
                    crm_links.c.pushed_hash,
                    crm_links.c.updated_at,
                ).where(crm_links.c.crm == self.crm)
            ).all()
        now = datetime.fromisoformat(self.now())
        return {
            row[0]: Link(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                (now - datetime.fromisoformat(row[5])).total_seconds(),
            )
            for row in rows
        }

    def deleted_activity_links(self) -> list[Link]:
        query = (
            select(
                crm_links.c.activity_id,
                crm_links.c.object_type,
                crm_links.c.crm_id,
                crm_links.c.state,
                crm_links.c.pushed_hash,
            )
            .outerjoin(
                records,
                and_(records.c.table_name == "activities", records.c.id == crm_links.c.activity_id),
            )
            .where(
                crm_links.c.crm == self.crm,
                crm_links.c.state == "sent",
                (records.c.id.is_(None)) | records.c.deleted.is_(True),
            )
        )
        with reading(self.engine) as conn:
            return [Link(*row) for row in conn.execute(query).all()]

    def begin_send(self, activity_id: str, object_type: str) -> None:
        self._link(activity_id, object_type, None, "sending", "", "")

    def record_sent(self, activity_id: str, object_type: str, crm_id: str, digest: str) -> None:
        self._link(activity_id, object_type, crm_id, "sent", digest, "")

    def record_failed(self, activity_id: str, object_type: str, reason: str, digest: str) -> None:
        self._link(activity_id, object_type, None, "failed", digest, reason)

    def record_deleted(self, activity_id: str) -> None:
        with writing(self.engine) as conn:
            self._checked(conn)
            conn.execute(
                update(crm_links)
                .where(crm_links.c.activity_id == activity_id)
                .values(state="deleted", updated_at=self.now())
            )

    def forget_link(self, activity_id: str) -> None:
        with writing(self.engine) as conn:
            self._checked(conn)
            conn.execute(delete(crm_links).where(crm_links.c.activity_id == activity_id))

    def _link(
        self,
        activity_id: str,
        object_type: str,
        crm_id: str | None,
        state: str,
        digest: str,
        error: str,
    ) -> None:
        """One committed write of a link: `sending` must be on disk before the request."""
        with writing(self.engine) as conn:
            self._checked(conn)
            where = crm_links.c.activity_id == activity_id
            current = conn.execute(select(crm_links.c.crm_id, crm_links.c.attempts).where(where))
            found = current.first()
            values = {
                "crm": self.crm,
                "object_type": object_type,
                "crm_id": crm_id if crm_id is not None else (found[0] if found else None),
                "state": state,
                "pushed_hash": digest,
                "attempts": (found[1] if found else 0) + 1,
                "last_error": error,
                "updated_at": self.now(),
            }
            if found is None:
                conn.execute(insert(crm_links).values(activity_id=activity_id, **values))
            else:
                conn.execute(update(crm_links).where(where).values(**values))


def _out(data: dict[str, Any], company: str) -> OutActivity:
    return OutActivity(
        id=data["id"],
        company_id=company,
        author_email=data["author_email"],
        type=data["type"],
        minutes=int(data["minutes"]),
        occurred_at=datetime.fromisoformat(data["occurred_at"]),
        proactive=bool(data.get("proactive", 0)),
        recurring=bool(data.get("recurring", 0)),
        outcome=data.get("outcome") or "none",
        note=data.get("note") or "",
    )
