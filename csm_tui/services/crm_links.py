"""The push half of the CRM connector's local `Book`: which activities to send, and the link
each one keeps to its engagement (`crm_links`, local and never journaled).

Every link write is its own committed transaction: `sending` must be on disk before the create
request leaves, so that a kill at any point leaves either no mark (nothing was sent) or a mark
the next pass resolves by looking the engagement up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from csm_tui.crm.records import Link, OutActivity
from csm_tui.store.connection import Store


class LocalLinks:
    """Activities to push and their links, on the local book."""

    store: Store
    crm: str

    def activities_to_push(self, since: str, backfill_since: str | None) -> list[OutActivity]:
        rows = self.store.query(
            "SELECT a.*, r.crm_id AS company FROM activities AS a "
            "JOIN crm_records AS r ON r.local_id = a.account_id AND r.crm = :crm "
            "AND r.object = 'company' AND r.state = 'live' "
            "WHERE a.created_at >= :since OR a.occurred_at >= :backfill "
            "OR a.id IN (SELECT activity_id FROM crm_links WHERE crm = :crm) "
            "ORDER BY a.occurred_at, a.id",
            {"crm": self.crm, "since": since, "backfill": backfill_since or "~"},
        )
        return [_out(row) for row in rows]

    def links(self) -> dict[str, Link]:
        rows = self.store.query(
            "SELECT activity_id, object_type, crm_id, state, pushed_hash, updated_at "
            "FROM crm_links WHERE crm = ?",
            (self.crm,),
        )
        now = self.store.clock.now()
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
        rows = self.store.query(
            "SELECT l.activity_id, l.object_type, l.crm_id, l.state, l.pushed_hash "
            "FROM crm_links AS l LEFT JOIN activities AS a ON a.id = l.activity_id "
            "WHERE l.crm = ? AND l.state = 'sent' AND a.id IS NULL",
            (self.crm,),
        )
        return [Link(row[0], row[1], row[2], row[3], row[4]) for row in rows]

    def begin_send(self, activity_id: str, object_type: str) -> None:
        self._link(activity_id, object_type, None, "sending", "", "")

    def record_sent(self, activity_id: str, object_type: str, crm_id: str, digest: str) -> None:
        self._link(activity_id, object_type, crm_id, "sent", digest, "")

    def record_failed(self, activity_id: str, object_type: str, reason: str, digest: str) -> None:
        self._link(activity_id, object_type, None, "failed", digest, reason)

    def record_deleted(self, activity_id: str) -> None:
        with self.store.transaction() as tx:
            self.store.conn.execute(
                "UPDATE crm_links SET state = 'deleted', updated_at = ? WHERE activity_id = ?",
                (tx.now, activity_id),
            )

    def forget_link(self, activity_id: str) -> None:
        with self.store.transaction():
            self.store.conn.execute("DELETE FROM crm_links WHERE activity_id = ?", (activity_id,))

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
        with self.store.transaction() as tx:
            self.store.conn.execute(
                "INSERT INTO crm_links (activity_id, crm, object_type, crm_id, state, pushed_hash, "
                "attempts, last_error, updated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?) "
                "ON CONFLICT (activity_id) DO UPDATE SET object_type = excluded.object_type, "
                "crm_id = coalesce(excluded.crm_id, crm_links.crm_id), state = excluded.state, "
                "pushed_hash = excluded.pushed_hash, attempts = crm_links.attempts + 1, "
                "last_error = excluded.last_error, updated_at = excluded.updated_at",
                (activity_id, self.crm, object_type, crm_id, state, digest, error, tx.now),
            )


def _out(row: Any) -> OutActivity:
    return OutActivity(
        id=row["id"],
        company_id=row["company"],
        author_email=row["author_email"],
        type=row["type"],
        minutes=int(row["minutes"]),
        occurred_at=datetime.fromisoformat(row["occurred_at"]),
        proactive=bool(row["proactive"]),
        recurring=bool(row["recurring"]),
        outcome=row["outcome"],
        note=row["note"],
    )
