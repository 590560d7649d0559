"""The pages of a pull: the rows a user may see that changed after a cursor, built for the
wire by the database where it can (SQLite) or around the stored text (PostgreSQL).

Access is the feed's: a page holds only what the user's `feed` rows name (see `changes`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from operator import itemgetter
from typing import Any, NamedTuple
from urllib.parse import quote, unquote

from pydantic_core import from_json, to_json
from sqlalchemy import Connection, Engine

from csm_tui.server import records as rec
from csm_tui.server.db import read_meta, reading
from csm_tui.server.records import User
from csm_tui.server.sql import Sql
from csm_tui.sync.rows import ADDED_LATER, ROW_MODELS

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


_SERIAL = "SET LOCAL max_parallel_workers_per_gather = 0"
"""PostgreSQL plans a page's scan in parallel (Gather Merge), whose workers take longer to
start and merge than the page takes to read on one (EXPLAIN ANALYZE: 21 ms of work in each of
three processes, 178 ms in all); a server's cores are better left to the other requests."""
_MORE = Sql(  # ORDER BY: a generic plan (prepared after 5 runs) might scan the table instead
    "SELECT f.seq FROM feed AS f WHERE f.user_id = :user_id AND f.seq > :cursor "
    "AND (f.deleted = :live OR f.seq > :fresh) ORDER BY f.user_id, f.seq LIMIT 1"
)
_COLUMNS = {table: json.dumps(list(model.model_fields)) for table, model in ROW_MODELS.items()}


class RowsReply(NamedTuple):
    """A page of `/v1/sync/rows`: its JSON body, and where the page after it starts (the
    `CSM-Next-Cursor` header: a cursor of the feed, or a snapshot's position), None when it is
    the last."""

    body: bytes
    next_cursor: int | str | None


def pull_rows_json(
    engine: Engine, user: User, cursor: int, limit: int, fresh_until: int | None
) -> RowsReply:
    """The page of `pull_json` as rows per table (`RowsPage`): a few strings per page,
    whatever its size, put together around the arrays of each row."""
    params = {"user_id": user.id, "cursor": cursor, "live": False, "fresh": fresh_until or 0}
    with reading(engine) as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql(_SERIAL)
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
    return RowsReply(body.encode("utf-8"), new_cursor if has_more else None)


# -- a first download's snapshot ---------------------------------------------------------------
# A new device's first pages are the user's live rows at a sequence S, table by table in the
# order of their ids, then the feed from S (deletions up to S left out). Each page is read on
# its own (the server keeps nothing between requests) and is still a view at S: a feed row of
# sequence ≤ S is one of a record unchanged since S that the user could see at S, so whatever
# changed since is not in the snapshot but in the feed after it. Access is the feed's, as for
# any page. In id order, the rows reach the device's primary key indexes as appends: writing
# them costs a third to a fifth of writing them at random places (their order by sequence).

_SNAPSHOT_WHERE = (
    "FROM feed AS f LEFT JOIN records AS r ON r.table_name = f.table_name AND r.id = f.row_id "
    "WHERE f.user_id = :user_id AND f.table_name = :table AND f.row_id > :after "
    "AND f.seq <= :at AND f.deleted = :live ORDER BY f.row_id LIMIT :limit"
)
_SNAPSHOT_SQLITE = {
    table: Sql(
        "SELECT count(*), max(p.row_id), group_concat(p.seq, ','), group_concat(p.item, ',') "
        f"FROM (SELECT f.seq, f.row_id, json_extract({_source(table)}, {paths}) AS item "
        f"{_SNAPSHOT_WHERE}) AS p"
    )
    for table, paths in _PATHS.items()
}
# PostgreSQL: the page of the feed first, then its records by primary key. As one join, a table
# just filled (statistics not yet gathered) was planned as a scan of `records` per feed row:
# seconds a page at 10,000 rows, past the client's timeout.
_SNAPSHOT_PG = Sql(
    "SELECT f.seq, f.row_id FROM feed AS f "
    "WHERE f.user_id = :user_id AND f.table_name = :table AND f.row_id > :after "
    "AND f.seq <= :at AND f.deleted = :live ORDER BY f.row_id LIMIT :limit"
)
_SNAPSHOT_PG_DATA = Sql("SELECT id, data FROM records WHERE table_name = :table AND id = ANY(:ids)")
_POSITION = re.compile(r"^([0-9]{1,16})/([a-z_]{1,64})/(.+)$")
SNAPSHOT_START = "0"
"""The position of a snapshot's first page; the next ones are named by the server."""


def _snapshot_table(
    conn: Connection, params: dict[str, Any], postgres: bool
) -> tuple[int, str, str, str]:
    """(rows, the last one's id, their sequences, their arrays) of one table's slice."""
    if not postgres:
        count, last, seqs, items = _SNAPSHOT_SQLITE[params["table"]].run(conn, params).one()
        return int(count), last or "", seqs or "", items or ""
    found = _SNAPSHOT_PG.run(conn, params).all()
    ids = [row[1] for row in found]
    data_of = (
        dict(_SNAPSHOT_PG_DATA.run(conn, {"table": params["table"], "ids": ids}).all())
        if ids
        else {}
    )
    values = _VALUES[params["table"]]
    arrays = []
    for _seq, row_id in found:
        data = data_of.get(row_id)
        arrays.append("null" if data is None else to_json(values(from_json(data))).decode())
    last = found[-1][1] if found else ""
    return len(found), last, ",".join(str(row[0]) for row in found), ",".join(arrays)


def snapshot_rows_json(engine: Engine, user: User, position: str, limit: int) -> RowsReply:
    """A page of a first download's snapshot, as `RowsPage` (no tombstones; `cursor` is the
    snapshot's sequence S, where the feed goes on after its last page). `position` is
    `SNAPSHOT_START` or what the page before named (`S/table/id`); raises ValueError for
    anything else."""
    tables = list(_PATHS)
    postgres = engine.dialect.name == "postgresql"
    with reading(engine) as conn:
        if postgres:
            conn.exec_driver_sql(_SERIAL)
        if position == SNAPSHOT_START:
            at, start, after = rec.high_water(conn), 0, ""
        else:
            found = _POSITION.match(position)
            if found is None or found[2] not in _PATHS:
                raise ValueError("not a snapshot position")
            at, start, after = int(found[1]), tables.index(found[2]), unquote(found[3])
        parts: list[str] = []
        following: str | None = None
        left = limit
        for table in tables[start:]:
            params = {"user_id": user.id, "table": table, "after": after, "at": at}
            count, last, seqs, items = _snapshot_table(
                conn, {**params, "live": False, "limit": left}, postgres
            )
            after = ""
            if count:
                parts.append(
                    f'{{"table":"{table}","columns":{_COLUMNS[table]},"seqs":[{seqs}],'
                    f'"rows":[{items}]}}'
                )
            left -= count
            if not left:
                following = f"{at}/{table}/{quote(last, safe='')}"
                break
        high_water = rec.high_water(conn)
        epoch = read_meta(conn, "epoch")
    body = (
        f'{{"tables":[{",".join(parts)}],"deleted":[],"cursor":{at},'
        f'"has_more":{"true" if following else "false"},"high_water":{high_water},'
        f'"epoch":{json.dumps(epoch)}}}'
    )
    return RowsReply(body.encode("utf-8"), following)
