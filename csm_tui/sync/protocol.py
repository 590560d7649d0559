"""The sync wire format, shared by the server (validating requests) and the client (replies).

The rows themselves are in `rows`; this module holds the messages around them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from csm_tui.sync.rows import ClientId, MutationId

PROTOCOL_VERSION = 3
"""Sent by the client in the `CSM-Protocol` header; the server answers 426 `client_too_old` to
older ones, and 400 `server_too_old` to newer ones. 2: pulls as rows per table
(`GET /v1/sync/rows`). 3: a page that more follow names the next page's cursor in the
`CSM-Next-Cursor` header (a client no longer reads it from the reply's last bytes)."""
MIN_PROTOCOL_VERSION = 3
"""Protocol 2 clients guessed the next cursor from the reply's last bytes, as the server wrote
them: they are told to upgrade rather than trusted with a reply written otherwise."""
PROTOCOL_HEADER = "CSM-Protocol"
NEXT_CURSOR_HEADER = "CSM-Next-Cursor"
"""On a page of `/v1/sync/rows` that more follow: the cursor to ask the next page with (the
page's `cursor`), readable before the body is parsed, so the client asks for the next page
while it checks and writes this one. Absent on the last page."""
USER_HEADER = "CSM-User"
"""The e-mail of the book's user, percent-encoded (UTF-8): the server refuses a token of anyone
else (409 wrong_user)."""
SERVER_ID_HEADER = "CSM-Server-Id"
"""On every reply: the server database's identity (a UUID made with it). A book bound to one URL
accepts another URL whose replies carry the same id (the same server, moved or behind another
name), and remembers the new URL."""

MAX_PUSH_MUTATIONS = 500
MAX_PULL_LIMIT = 10_000
DEFAULT_PULL_LIMIT = 5000
MAX_BODY_BYTES = 8 * 1024 * 1024
"""Request bodies larger than this get 413; the client halves its batch."""
MAX_SEQ = 10**15  # exact as a JSON double, so every client reads the same number

# -- messages ----------------------------------------------------------------------------------

Scalar = str | int | float | bool | None
TableName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z_]+$")]
ColumnName = Annotated[str, StringConstraints(max_length=64)]  # unknown ones: refused per row
RowKey = Annotated[str, StringConstraints(min_length=1, max_length=254, pattern=r"^[^\x00-\x1f]+$")]
"""A row's key: an id or an e-mail; never a control character (nor a NUL, which PostgreSQL
cannot store)."""


class Message(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Mutation(Message):
    """One journal entry. `table` is checked per mutation, so one unknown table or invalid row
    is refused on its own instead of failing the whole batch."""

    seq: Annotated[int, Field(ge=1, le=MAX_SEQ)]
    mutation_id: MutationId
    table: TableName
    row_id: RowKey
    op: Literal["insert", "update", "delete"]
    payload: Annotated[dict[ColumnName, Scalar], Field(max_length=64)]
    created_at: Annotated[str, StringConstraints(max_length=40, pattern=r"^[^\x00-\x1f]*$")] = ""


class PushRequest(Message):
    client_id: ClientId
    mutations: Annotated[list[Mutation], Field(min_length=1, max_length=MAX_PUSH_MUTATIONS)]
    acked_through: Annotated[int, Field(ge=0, le=MAX_SEQ)] | None = None
    """The last sequence the client saw acknowledged: if the server's is lower, it lost them
    (restored from a backup) and answers 409 `device_behind` with its `last_seq`, so the client
    sends them again (it keeps acknowledged entries)."""


class Status(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"  # applied before (a replay); the earlier result is returned
    REJECTED = "rejected"  # refused for good (invalid, not allowed); `current` is the server's row
    CONFLICT = "conflict"  # kept, but flagged (a handoff note saved from an older version)
    IGNORED = "ignored"  # acknowledged, nothing to do (the server keeps the user directory)


class Change(Message):
    """A row's current state in a pull (or `current` in a push result); `data` None if deleted."""

    seq: int
    table: str
    id: str
    account_id: str | None = None
    deleted: bool = False
    data: dict[str, Any] | None = None


class MutationResult(Message):
    seq: int
    mutation_id: str
    status: Status
    server_seq: int | None = None
    reason: str = ""
    current: Change | None = None


class PushResponse(Message):
    results: list[MutationResult]
    last_processed_seq: int
    previous_last_seq: int
    """The device's last sequence before this push: lower than what the client had acknowledged
    means the server lost mutations (restored from a backup), and the client sends them again."""
    high_water: int
    epoch: str


class PullResponse(Message):
    changes: list[Change]
    cursor: int
    has_more: bool
    high_water: int
    epoch: str


class TableRows(Message):
    """The rows of one table in a page: each row's values in the order of `columns` (every
    column of the table), and the sequence of each row's last change."""

    table: str
    columns: list[str]
    seqs: list[int]
    rows: list[list[Scalar]]


class Tombstone(Message):
    """A row gone since the cursor (deleted, or its account is no longer the user's)."""

    seq: int
    table: str
    id: str


class RowsPage(Message):
    """A page of the feed as rows per table (protocol 2): the same changes as `PullResponse`,
    without repeating every column name in every row. The page's changes are those of
    `tables` and `deleted` together; `cursor` is the last one's sequence, and when
    `has_more`, the `CSM-Next-Cursor` header says it too (protocol 3)."""

    tables: list[TableRows]
    deleted: list[Tombstone]
    cursor: int
    has_more: bool
    high_water: int
    epoch: str


class DeviceRequest(Message):
    client_id: ClientId
    next_seq: Annotated[int, Field(ge=1, le=MAX_SEQ)]


class DeviceResponse(Message):
    client_id: str
    last_seq: int
    epoch: str
    high_water: int = 0


class Me(Message):
    email: str
    name: str
    is_admin: bool


class HistoryEntry(Message):
    server_seq: int | None
    user: str | None
    op: str
    status: Status
    payload: dict[str, Any]
    created_at: str


class ErrorBody(Message):
    code: str
    message: str
    last_seq: int | None = None  # with `device_behind`: where the server's copy of the device is
