"""Applying pushed mutations: who may change what, and how competing changes are settled.

- activities are append-only per author: anyone owning the account adds them, only the author
  changes or removes them, so two people never compete for one;
- checklist items and other account fields: the last write by server order wins, field by field
  (an update carries only the columns that changed); every write stays in `mutations`;
- handoff note versions are never changed: a version made from the latest one is clean, any other
  is kept as a sibling flagged `conflict` (for everyone), numbered after the latest;
- accounts can be created by anyone (they own it until it has a primary owner); owners are
  changed by the primary owner (or an admin owning the account).

A mutation that breaks a rule is `rejected` with one sentence and the server's current row, so
the client can put its copy back; it never stops the mutations behind it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, select, update

from csm_tui.server import changes
from csm_tui.server import records as rec
from csm_tui.server.changes import MANAGER_ROLES
from csm_tui.server.records import Record, User
from csm_tui.server.schema import note_heads, records, users
from csm_tui.sync.protocol import Change, Mutation, Status
from csm_tui.sync.rows import PRIVATE, ROW_MODELS, key_column

ITEM_LINKS = ("activities", "tasks")
"""Tables whose rows may point at a checklist item (cleared when the item goes)."""


NOT_YOURS = "This row does not exist on the server (deleted, or not yours)."
"""The one answer about a row the user may not see, whatever it holds."""


class Refused(Exception):
    """The mutation breaks a rule; the message says which, in one sentence."""


@dataclass
class Outcome:
    status: Status
    reason: str = ""
    server_seq: int | None = None
    current: Change | None = None


def apply_mutation(conn: Connection, user: User, mutation: Mutation) -> Outcome:
    try:
        if mutation.table not in ROW_MODELS:
            raise Refused(f"There is no synced table {mutation.table}.")
        if mutation.table == "users":
            return _apply_user(conn, user, mutation)
        current = rec.get_record(conn, mutation.table, mutation.row_id)
        if mutation.op == "insert":
            return _insert(conn, user, mutation, current)
        if mutation.op == "update":
            return _update(conn, user, mutation, current)
        return _delete(conn, user, mutation, current)
    except Refused as exc:
        return Outcome(
            Status.REJECTED,
            str(exc),
            current=current_change(conn, user, mutation.table, mutation.row_id),
        )


def current_change(conn: Connection, user: User, table: str, row_id: str) -> Change:
    """The row as `user` may see it now: its data, or a tombstone if it is gone or not theirs."""
    record = rec.get_record(conn, table, row_id) if table in ROW_MODELS else None
    if record is not None and record.deleted and _visible(conn, user, record):
        # a deletion the user may see: its sequence says the row was there (seq 0: never was,
        # or not theirs; then the client keeps its own copy, see `client._record`)
        return Change(seq=record.seq, table=table, id=row_id, deleted=True)
    if record is None or record.deleted or not _visible(conn, user, record):
        return Change(seq=0, table=table, id=row_id, deleted=True)
    return Change(
        seq=record.seq, table=table, id=row_id, account_id=record.account_id, data=record.data
    )


# -- the three operations ----------------------------------------------------------------------


def _insert(conn: Connection, user: User, mutation: Mutation, current: Record | None) -> Outcome:
    table = mutation.table
    if str(mutation.payload.get(key_column(table))) != mutation.row_id:
        raise Refused("The row's id does not match the mutation's.")
    row = _validated(table, mutation.payload)
    if current is not None and not current.deleted:
        if not _visible(conn, user, current):
            # the same answer whatever the hidden row holds: never "applied" for a right guess
            raise Refused(NOT_YOURS)
        # another device wrote the same row (ids derived from content: read receipts, playbook
        # occurrences): the server's copy stays, and the client takes it
        same = current.data == row
        return Outcome(
            Status.APPLIED if same else Status.IGNORED,
            "" if same else "This row exists already; the server's copy is kept.",
            current=None if same else current_change(conn, user, table, mutation.row_id),
        )
    account_id = rec.account_of(table, row)
    if table == "activities" and account_id is None:
        pass  # for many customers or none (issue 16): the author's own (checked below)
    elif table == "activities" and _earned(conn, user, row):
        pass  # work done while the author had the account, logged since it moved (issue 19.6)
    elif table != "accounts":
        role = _role(conn, user, account_id)
        if table == "owners" and not _manages(conn, user, role, account_id):
            raise Refused("Only the account's primary owner changes its owners.")
    _check_author(user, table, row)
    status = Status.APPLIED
    if table in ITEM_LINKS:
        row = _detach_missing_item(conn, row)
    if table == "handoff_notes":
        row, clean = _place_version(conn, row)
        status = Status.APPLIED if clean else Status.CONFLICT
    _check_unique(conn, user, table, row)
    seq = changes.write_record(conn, table, row, user_id=user.id, current=current)
    outcome = Outcome(status, server_seq=seq)
    if status is Status.CONFLICT:
        outcome.reason = "Saved beside a newer version of the note, flagged as a conflict."
        outcome.current = current_change(conn, user, table, mutation.row_id)
    return outcome


def _update(conn: Connection, user: User, mutation: Mutation, current: Record | None) -> Outcome:
    table = mutation.table
    if current is None or current.deleted or not _visible(conn, user, current):
        raise Refused(NOT_YOURS)
    assert current.data is not None
    role = _unbound_role(current) or _role(conn, user, current.account_id)
    for fixed in (key_column(table), "account_id", "author_email", "note_id", *PRIVATE.values()):
        if fixed in mutation.payload and mutation.payload[fixed] != current.data.get(fixed):
            raise Refused(f"The {fixed} of a row cannot change.")
    if table == "handoff_notes":
        raise Refused("Versions of a handoff note are never changed; save a new version.")
    if table == "owners" and not _manages(conn, user, role, current.account_id):
        raise Refused("Only the account's primary owner changes its owners.")
    _check_author(user, table, current.data)
    row = _validated(table, {**current.data, **mutation.payload})
    if table in ITEM_LINKS:
        row = _detach_missing_item(conn, row)
    if row == current.data:
        return Outcome(Status.APPLIED)
    _check_unique(conn, user, table, row)
    return Outcome(
        Status.APPLIED,
        server_seq=changes.write_record(conn, table, row, user_id=user.id, current=current),
    )


def _delete(conn: Connection, user: User, mutation: Mutation, current: Record | None) -> Outcome:
    table = mutation.table
    if current is not None and current.deleted:
        return Outcome(Status.APPLIED)  # deleted already: the same end state
    if current is None or not _visible(conn, user, current):
        raise Refused(NOT_YOURS)
    assert current.data is not None
    role = _unbound_role(current) or _role(conn, user, current.account_id)
    if table in ("accounts", "owners") and not _manages(conn, user, role, current.account_id):
        raise Refused("Only the account's primary owner removes the account or its owners.")
    _check_author(user, table, current.data)
    if table == "checklist_items":
        _detach_activities(conn, user, current)
    return Outcome(Status.APPLIED, server_seq=changes.delete_record(conn, current, user_id=user.id))


# -- rules -------------------------------------------------------------------------------------


def _validated(table: str, data: dict[str, Any]) -> dict[str, Any]:
    try:
        return ROW_MODELS[table].model_validate(data).model_dump()
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"]) or table
        raise Refused(f"{where}: {error['msg']}.") from None


def _role(conn: Connection, user: User, account_id: str | None) -> str:
    role = changes.role_of(conn, user, account_id) if account_id else None
    if role is None:
        raise Refused("There is no such account on the server (deleted, or not yours).")
    return role


def _unbound_role(record: Record) -> str | None:
    """An activity on no account (issue 16) has no owners: its author alone (checked by
    `_visible` and `_check_author`) acts on it."""
    return "author" if record.table == "activities" and record.account_id is None else None


def _earned(conn: Connection, user: User, row: dict[str, Any]) -> bool:
    """An activity of an account the author no longer has, which happened while they had it:
    their work record, kept on the account (its owners see it; the author's devices do not)."""
    account_id = str(row["account_id"])
    if changes.role_of(conn, user, account_id) is not None:
        return False
    account = rec.get_record(conn, "accounts", account_id)
    if account is None or account.deleted:
        return False
    return changes.had_access(conn, user.email, account_id, str(row["occurred_at"]))


def _manages(conn: Connection, user: User, role: str, account_id: str | None) -> bool:
    """The primary owner (or the creator, or an admin owning it) manages an account; while it
    has no primary owner, any of its owners may name one (so a handover can demote first)."""
    if role in MANAGER_ROLES or user.is_admin:
        return True
    return (
        account_id is not None and "primary" not in changes.access_roles(conn, account_id).values()
    )


def _visible(conn: Connection, user: User, record: Record) -> bool:
    if record.table == "users":
        return True  # the team's directory
    if _unbound_role(record):
        if record.data is None:  # deleted: the author created it (nobody else could)
            return record.created_by == user.id
        return record.data.get("author_email") == user.email
    if record.account_id is None or changes.role_of(conn, user, record.account_id) is None:
        return False
    column = PRIVATE.get(record.table)
    return column is None or (record.data or {}).get(column) == user.email


def _check_author(user: User, table: str, data: dict[str, Any]) -> None:
    """Activities and note versions belong to their author, read receipts to their reader, a
    calendar mark to its user (`PRIVATE`)."""
    column = {"activities": "author_email", "handoff_notes": "author_email", **PRIVATE}.get(table)
    if column and data.get(column) != user.email:
        raise Refused(f"Only {data.get(column)} changes their own {table.replace('_', ' ')}.")


def _check_unique(conn: Connection, user: User, table: str, row: dict[str, Any]) -> None:
    if table == "owners" and row["role"] == "primary":
        others = rec.live_rows(conn, "owners", row["account_id"])
        if any(other["role"] == "primary" and other["id"] != row["id"] for other in others):
            raise Refused("The account has a primary owner already; make them secondary first.")
    key = rec.unique_key(table, row)
    if key is None:
        return
    holder = rec.holder_of(conn, table, key)
    if holder is not None and holder != row[key_column(table)]:
        if table == "accounts":
            # the only key shared across accounts: say nothing of the account holding it unless
            # it is the user's (whether an external id is taken is all a refusal can tell)
            if changes.role_of(conn, user, holder) is not None:
                raise Refused(f"Another account of yours already has external id {key}.")
            raise Refused(f"External id {key} cannot be used on the server; ask an admin.")
        what = {
            "owners": f"owner {row.get('user_email')}",
            "health_snapshots": f"health score for {row.get('date')}",
            "handoff_reads": "read receipt",
            "usage_metrics": f"usage for the {row.get('period')} of {row.get('period_start')}",
            "playbook_firings": "playbook occurrence",
            "calendar_marks": "calendar meeting",
        }[table]
        raise Refused(f"Another row already has this {what}.")


def _place_version(conn: Connection, row: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Number a new note version after the latest; clean only if made from the latest as the
    client knew it (same parent and the next number), else a conflict sibling."""
    head = conn.execute(select(note_heads).where(note_heads.c.note_id == row["note_id"])).first()
    clean = True
    if head is not None:
        latest = rec.get_record(conn, "handoff_notes", head.head_id)
        if latest is None or latest.account_id != row["account_id"]:
            # a note never moves between accounts: whoever once saw a note id must not be able
            # to move its head from an account of their own (issue 19.3)
            raise Refused("This note id belongs to another note; a new note needs a new id.")
        clean = row["parent_id"] == head.head_id and row["version"] == head.version + 1
        row = {**row, "version": head.version + 1}
        conn.execute(
            update(note_heads)
            .where(note_heads.c.note_id == row["note_id"])
            .values(head_id=row["id"], version=row["version"])
        )
    else:
        conn.execute(
            note_heads.insert().values(
                note_id=row["note_id"], head_id=row["id"], version=row["version"]
            )
        )
    return {**row, "conflict": 0 if clean else 1}, clean


def _detach_missing_item(conn: Connection, row: dict[str, Any]) -> dict[str, Any]:
    """An activity or task keeps its checklist item only if the item is still on its account."""
    item_id = row.get("checklist_item_id")
    if item_id is None:
        return row
    item = rec.get_record(conn, "checklist_items", item_id)
    if item is None or item.deleted or item.account_id != row["account_id"]:
        return {**row, "checklist_item_id": None}
    return row


def _detach_activities(conn: Connection, user: User, item: Record) -> None:
    """Like the client's ON DELETE SET NULL: activities and tasks forget a removed item."""
    for table in ITEM_LINKS:
        ids = conn.execute(
            select(records.c.id).where(
                records.c.account_id == item.account_id,
                records.c.table_name == table,
                records.c.deleted.is_(False),
            )
        ).scalars()
        for row_id in list(ids):
            linked = rec.get_record(conn, table, row_id)
            assert linked is not None and linked.data is not None
            if linked.data.get("checklist_item_id") == item.id:
                data = {**linked.data, "checklist_item_id": None}
                changes.write_record(conn, table, data, user_id=user.id, current=linked)


def _apply_user(conn: Connection, user: User, mutation: Mutation) -> Outcome:
    """The server keeps the directory of users: a user may rename themselves, nothing more."""
    name = mutation.payload.get("name")
    if mutation.row_id != user.email or mutation.op == "delete" or not isinstance(name, str):
        return Outcome(Status.IGNORED, "The server keeps the list of users.")
    row = _validated("users", {"email": user.email, "name": name})
    current = rec.get_record(conn, "users", user.email)
    if current is not None and current.data == row:
        return Outcome(Status.APPLIED)
    conn.execute(update(users).where(users.c.id == user.id).values(name=row["name"]))
    return Outcome(
        Status.APPLIED,
        server_seq=changes.write_record(conn, "users", row, user_id=user.id, current=current),
    )


def stored_payload(mutation: Mutation) -> str:
    return json.dumps(mutation.payload, ensure_ascii=False, sort_keys=True)
