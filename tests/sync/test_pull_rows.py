"""Pulled pages as rows per table (protocol 2): what the client checks before writing anything,
how the rows are written, and the indexes a first download drops and always recreates."""

from __future__ import annotations

import fcntl
import json
import os
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import ValidationError
from sync_kit import AOI, KEN, Team, book_state, rows_of

from csm_tui.services.accounts import update_account
from csm_tui.store import bulk, remote
from csm_tui.store.connection import Store, open_store
from csm_tui.sync import client
from csm_tui.sync.ahead import Ahead
from csm_tui.sync.http import BadReply, Reply, Transient, Unauthorized, parse_rows_page
from csm_tui.sync.rows import ROW_MODELS, wire_tuples

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
COLUMNS = list(ROW_MODELS["activities"].model_fields)
ACTIVITY = {
    "id": "act1",
    "account_id": "acc1",
    "author_email": AOI,
    "type": "call",
    "minutes": 30,
    "occurred_at": "2026-11-26T10:00:00+00:00",
    "proactive": 0,
    "recurring": 0,
    "outcome": "none",
    "note": "株式会社サクラ",
    "checklist_item_id": None,
    "created_at": "2026-11-26T10:00:00+00:00",
    "updated_at": "2026-11-26T10:00:00+00:00",
    "audience": "account",
    "audience_segment": "",
    "audience_accounts": "[]",
    "skills": "[]",
    "participants": "[]",
}


def page(**change: Any) -> bytes:
    body: dict[str, Any] = {
        "tables": [
            {
                "table": "activities",
                "columns": COLUMNS,
                "seqs": [7],
                "rows": [[ACTIVITY[name] for name in COLUMNS]],
            }
        ],
        "deleted": [{"seq": 9, "table": "activities", "id": "old"}],
        "cursor": 9,
        "has_more": False,
        "high_water": 9,
        "epoch": "e",
    }
    for key, value in change.items():
        if key in body:
            body[key] = value
        else:
            body["tables"][0][key] = value
    return json.dumps(body).encode()


def test_a_good_page_gives_rows_ready_to_write() -> None:
    parsed = parse_rows_page(page())
    assert parsed.tables == [("activities", tuple(COLUMNS), [tuple(ACTIVITY.values())])]
    assert parsed.deleted == [("activities", "old")]
    assert (parsed.count, parsed.seqs, parsed.cursor) == (2, (7, 9), 9)
    shuffled = list(reversed(COLUMNS))  # any order of the columns, each once
    rows = [[ACTIVITY[name] for name in shuffled]]
    assert parse_rows_page(page(columns=shuffled, rows=rows)).tables[0][1] == tuple(shuffled)


def _row(**change: Any) -> list[list[Any]]:
    return [[change.get(name, ACTIVITY[name]) for name in COLUMNS]]


@pytest.mark.parametrize(
    "bad",
    [
        {"table": "secrets"},
        {"columns": COLUMNS[:-1], "rows": [[ACTIVITY[name] for name in COLUMNS[:-1]]]},
        {"columns": [*COLUMNS[:-1], "id"]},  # a column twice, one missing
        {"rows": [[ACTIVITY[name] for name in COLUMNS][:-1]]},  # a value short
        {"rows": _row(minutes="a lot")},
        {"rows": _row(minutes=0)},  # the book's CHECK, checked here
        {"rows": _row(type="party")},
        {"rows": _row(author_email="nobody")},
        {"rows": _row(id="")},
        {"rows": _row(note="x" * 20_001)},
        {"rows": [dict(ACTIVITY)]},  # an object where a row is a list
        {"seqs": [7, 8]},  # not one sequence per row
        {"deleted": [{"seq": 9, "table": "secrets", "id": "x"}]},
        {"deleted": [{"seq": 9, "table": "activities", "id": ""}]},
        {"cursor": "nine"},
    ],
)
def test_a_bad_page_is_refused_whole(bad: dict[str, Any]) -> None:
    with pytest.raises((ValueError, ValidationError)):
        parse_rows_page(page(**bad))


def test_a_page_that_is_not_json_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_rows_page(page()[:-5])


class Corrupt(httpx.BaseTransport):
    """Passes requests through; the `nth` page of the feed comes back damaged by `damage`."""

    def __init__(self, nth: int, damage: Any) -> None:
        self.real = httpx.HTTPTransport()
        self.nth, self.damage, self.pages = nth, damage, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.real.handle_request(request)
        if request.url.path != "/v1/sync/rows":
            return response
        self.pages += 1
        body = response.read()
        if self.pages == self.nth:
            body = self.damage(json.loads(body))
        return httpx.Response(response.status_code, content=body, request=request)


def _wrong_value(body: dict[str, Any]) -> bytes:
    group = body["tables"][-1]
    group["rows"][-1][group["columns"].index("created_at")] = "yesterday"
    return json.dumps(body).encode()


def _out_of_order(body: dict[str, Any]) -> bytes:
    body["cursor"] += 1  # not the last change's sequence
    return json.dumps(body).encode()


@pytest.mark.parametrize("damage", [_wrong_value, _out_of_order])
def test_a_damaged_page_applies_nothing_and_the_next_sync_goes_on(
    team: Team, monkeypatch: pytest.MonkeyPatch, damage: Any
) -> None:
    monkeypatch.setattr(client, "DEFAULT_PULL_LIMIT", 4)
    aoi = team.book("aoi")
    with pytest.raises(BadReply):
        team.sync(aoi, AOI, transport=Corrupt(3, damage))
    state = remote.read_sync_state(aoi)
    applied = sum(len(rows) for rows in book_state(aoi, ("accounts", "owners")).values())
    assert int(state["cursor"]) > 0 and "fresh_until" in state  # two pages in, and no more
    assert 0 < applied <= 8
    team.sync(aoi, AOI)
    fresh = team.book("fresh")
    team.sync(fresh, AOI)
    assert book_state(aoi) == book_state(fresh)
    assert _indexes(aoi) == _indexes(fresh) == _indexes(team.book("empty"))


def _indexes(store: Store) -> list[str]:
    return [
        row[0]
        for row in store.query(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name"
        )
    ]


def test_a_first_download_writes_without_secondary_indexes_then_makes_them(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "DEFAULT_PULL_LIMIT", 5)
    aoi = team.book("aoi")
    expected = _indexes(aoi)
    during: list[list[str]] = []
    with team.server(AOI) as server:
        client.sync_once(
            aoi, server, progress=lambda step, n: step == "pull" and during.append(_indexes(aoi))
        )
    assert len(during) > 2
    synced = [sql for sql in during[0] if sql.split(" ON ")[1].split()[0] in ROW_MODELS]
    kept = [  # UNIQUE ones decide which row a pulled row replaces; queries name the others
        sql
        for sql in synced
        if sql.startswith("CREATE UNIQUE") or sql.split()[2] in bulk.NAMED_BY_QUERIES
    ]
    assert synced and synced == kept and len(during[0]) < len(expected)
    assert during[-1] == expected == _indexes(aoi)
    assert bulk.DROPPED_KEY not in remote.read_sync_state(aoi)
    # a later sync (not a first download) keeps them
    ken = team.book("ken")
    team.sync(ken, KEN)
    update_account(ken, team.accounts["Acme Analytics"], renewal_date=date(2027, 2, 1))
    team.sync(ken, KEN)
    seen: list[list[str]] = []
    with team.server(AOI) as server:
        client.sync_once(
            aoi, server, progress=lambda step, n: step == "pull" and seen.append(_indexes(aoi))
        )
    assert seen and all(found == expected for found in seen)


def test_indexes_dropped_by_a_killed_download_come_back_when_the_book_opens(team: Team) -> None:
    book = team.book("aoi")
    expected = _indexes(book)
    with book.conn:
        bulk.drop_secondary_indexes(book.conn, frozenset({"activities", "checklist_items"}))
    assert len(_indexes(book)) < len(expected)
    path = book.path
    book.close()
    lock = os.open(bulk.sync_lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a sync is running: it will recreate them itself
        with open_store(path) as busy:
            assert len(_indexes(busy)) < len(expected)
    finally:
        os.close(lock)
    with open_store(path) as again:
        assert _indexes(again) == expected
        assert bulk.DROPPED_KEY not in remote.read_sync_state(again)


def test_an_account_changed_elsewhere_arrives_with_its_search_text(team: Team) -> None:
    aoi, ken = team.book("aoi"), team.book("ken")
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    acme = team.accounts["Acme Analytics"]
    update_account(ken, acme, name="Acme Ｒｏｂｏｔｉｃｓ", renewal_date=date(2027, 2, 1))
    team.sync(ken, KEN)
    assert team.sync(aoi, AOI).pulled >= 1
    row = rows_of(aoi, "accounts", "WHERE id = ?", (acme,))[0]
    assert (row["name"], row["renewal_date"]) == ("Acme Ｒｏｂｏｔｉｃｓ", "2027-02-01")
    assert "acme robotics" in row["search"]
    others = rows_of(aoi, "accounts", "WHERE id != ?", (acme,))
    assert others and all(other["search"] for other in others)


# Every CHECK of the synced tables, with a value it refuses: pulled rows are written with
# SQLite's CHECKs off (`ignore_check_constraints`), so the wire check must refuse each of these.
CHECKS = {
    ("accounts", "contract_value IS NULL OR contract_value >= 0"): ("contract_value", -1.0),
    ("accounts", "health_score IS NULL OR health_score BETWEEN 0 AND 100"): ("health_score", 101),
    ("accounts", "stage IN ('onboarding', 'adoption', 'renewal')"): ("stage", "done"),
    ("owners", "role IN ('primary', 'secondary')"): ("role", "boss"),
    ("health_snapshots", "score BETWEEN 0 AND 100"): ("score", -1),
    ("checklist_items", "stage IN ('onboarding', 'adoption', 'renewal')"): ("stage", "x"),
    (
        "activities",
        "type IN ('call', 'meeting', 'email', 'chat', 'inquiry', 'training', 'internal', 'other')",
    ): ("type", "party"),
    ("activities", "minutes > 0 AND minutes <= 1440"): ("minutes", 1441),
    ("activities", "outcome IN ('resolved', 'follow_up', 'risk_found', 'expansion', 'none')"): (
        "outcome",
        "won",
    ),
    ("handoff_reads", "read_version >= 0"): ("read_version", -1),
    ("usage_metrics", "period IN ('day', 'week')"): ("period", "month"),
    ("tasks", "source IN ('manual', 'playbook')"): ("source", "robot"),
    ("calendar_marks", "state IN ('logged', 'dismissed')"): ("state", "maybe"),
    ("renewals", "outcome IN ('renewed', 'churned', 'downgraded', 'expanded')"): ("outcome", "won"),
    ("activities", "audience IN ('account', 'segment', 'accounts', 'none')"): ("audience", "all"),
}
# CHECKs across columns: the wire's fast check keeps each column's own bounds only; the server's
# whole-row model refuses these on every write (issue 16), so a pulled row never breaks them
WHOLE_ROW = {
    ("activities", "(audience = 'account') = (account_id IS NOT NULL)"): {"audience": "none"},
}


def _checks(store: Store) -> set[tuple[str, str]]:
    import re

    found = set()
    for table in ROW_MODELS:
        row = store.query_one("SELECT sql FROM sqlite_master WHERE name = ?", (table,))
        sql = " ".join(str(row[0]).split())  # type: ignore[index]
        for check in re.findall(r"CHECK \(((?:[^()]|\([^()]*\))*)\)", sql):
            found.add((table, check))
    return found


def test_every_check_of_the_book_is_checked_on_the_wire(store: Store) -> None:
    assert _checks(store) == set(CHECKS) | set(WHOLE_ROW), "a new CHECK: make the model refuse it"
    for (table, _check), change in WHOLE_ROW.items():
        model = ROW_MODELS[table]
        row = dict(zip(model.model_fields, _valid_row(table, change), strict=True))
        with pytest.raises(ValidationError):
            model.model_validate(row)
    for (table, _check), (column, value) in CHECKS.items():
        adapter = wire_tuples(table, tuple(ROW_MODELS[table].model_fields))
        with pytest.raises(ValidationError):
            adapter.validate_python([_valid_row(table, {column: value})])


def _valid_row(table: str, change: dict[str, Any]) -> tuple[Any, ...]:
    samples: dict[str, Any] = {
        "id": "x1", "account_id": "a1", "note_id": "n1", "email": AOI, "user_email": AOI,
        "author_email": AOI, "reader_email": AOI, "assignee_email": AOI, "name": "N",
        "title": "T", "role": "primary", "stage": "adoption", "type": "call", "minutes": 5,
        "score": 50, "date": "2026-11-26", "period": "week", "period_start": "2026-11-23",
        "occurred_at": "2026-11-26T10:00:00+00:00", "created_at": "2026-11-26T10:00:00+00:00",
        "updated_at": "2026-11-26T10:00:00+00:00", "version": 1, "key": "uid@google.com",
        "state": "logged", "marked_at": "2026-11-26T10:00:00+00:00",
    }  # fmt: skip
    model = ROW_MODELS[table]
    row = []
    for name, info in model.model_fields.items():
        row.append(change.get(name, samples.get(name, info.default)))
    good = tuple(samples.get(name, info.default) for name, info in model.model_fields.items())
    wire_tuples(table, tuple(model.model_fields)).validate_python([good])  # the base is valid
    return tuple(row)


class Guessing:
    """A feed whose replies name the next cursor `hints` says (none: a reply that names none);
    `fail` maps a cursor to the error its request raises."""

    url = "http://feed"

    def __init__(self, hints: dict[int, int], fail: dict[int, Exception] | None = None) -> None:
        self.hints, self.fail, self.asked = hints, fail or {}, []

    def pull_raw(self, cursor: int, limit: int, fresh_until: int | None) -> Reply:
        self.asked.append(cursor)
        if cursor in self.fail:
            raise self.fail[cursor]
        # the body ends as a protocol 2 client's guess read it, naming another cursor: only
        # the one the server names in its header is used
        body = f'{{"reply_to":{cursor},"cursor":999,"has_more":true,"e":1}}'.encode()
        return Reply(body, self.hints.get(cursor))


def test_pages_are_asked_for_ahead_but_only_a_checked_cursors_reply_is_used() -> None:
    feed = Guessing({0: 5, 5: 9, 7: 11}, fail={9: Transient("down")})
    ahead = Ahead(lambda at: feed.pull_raw(int(at), 5000, None), 0)
    try:
        assert b'"reply_to":0' in ahead.take(0).body
        assert b'"reply_to":5' in ahead.take(5).body  # named: asked for already
        # the page said 7, not 9: the reply to 9 (a failure) is dropped and 7 asked for
        assert b'"reply_to":7' in ahead.take(7).body
        assert b'"reply_to":11' in ahead.take(11).body  # asked for ahead again
        # 11's reply names no next cursor: 12 is asked for when needed
        assert b'"reply_to":12' in ahead.take(12).body
    finally:
        ahead.close()
    assert feed.asked[:4] == [0, 5, 9, 7] and feed.asked.count(11) == 1 and 12 in feed.asked
    assert 999 not in feed.asked  # what the body's last bytes say is never asked for


def test_a_failed_request_for_the_page_needed_is_raised() -> None:
    feed = Guessing({0: 5}, fail={5: Unauthorized("log in")})
    ahead = Ahead(lambda at: feed.pull_raw(int(at), 5000, None), 0)
    try:
        ahead.take(0)
        with pytest.raises(Unauthorized):
            ahead.take(5)
    finally:
        ahead.close()


def test_the_wal_is_folded_back_while_a_pull_goes_on(tmp_path: Path) -> None:
    from csm_tui.store.pulled import Folding

    book = open_store(tmp_path / "book.db")
    book.conn.execute("PRAGMA wal_autocheckpoint = 0")
    before = book.path.stat().st_size
    with book.conn:
        book.conn.execute("CREATE TABLE filler (x)")
        book.conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,)] * 2000)
    assert book.path.stat().st_size == before  # all of it in the WAL
    folding = Folding(book.path)
    try:
        folding.committed()
        deadline = time.monotonic() + 10
        while book.path.stat().st_size < before + 1_000_000 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        folding.close()
    assert book.path.stat().st_size > before + 1_000_000
    assert book.query_one("SELECT count(*) FROM filler")[0] == 2000  # type: ignore[index]
    book.close()
