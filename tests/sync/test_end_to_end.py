"""End to end: `csm-tui server run` as a real process, two people's books in their own files.

Aoi (primary owner of Acme) works offline: logs activities, ticks roadmap items, writes a
handoff note. Back online she syncs; Ken (secondary on Acme, covering) syncs and sees exactly
those records, once. And two server processes on one database serve clients at once.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sync_kit import (
    AOI,
    KEN,
    ProcessServer,
    Team,
    book_state,
    group_alive,
    port_open,
    rows_of,
    seed_team,
)

from csm_tui.services.activities import log_activity
from csm_tui.services.checklist import tick
from csm_tui.services.handoff import NoteFields, write_note
from csm_tui.sync.client import sync_once
from csm_tui.sync.http import Server, Transient
from csm_tui.sync.rows import ROW_MODELS

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_offline_work_reaches_the_covering_colleague_exactly_once(
    process_team: tuple[Team, ProcessServer],
) -> None:
    team, server = process_team
    aoi, ken = team.book("aoi"), team.book("ken")
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    acme = team.accounts["Acme Analytics"]
    before = book_state(ken)

    server.kill()  # offline from here
    logged = [log_activity(aoi, acme, 15 * (n + 1), AT + timedelta(hours=n)) for n in range(3)]
    # open items: those of the stages Acme was past when imported are done before csm-tui
    items = rows_of(
        aoi, "checklist_items", "WHERE account_id = ? AND done = 0 ORDER BY position", (acme,)
    )
    for item in items[:2]:
        tick(aoi, item["id"], True, note="確認済み")
    note = write_note(
        aoi,
        acme,
        NoteFields(situation="更新交渉中", risks="予算削減の可能性", body="Call Sato-san"),
    )
    with pytest.raises(Transient):
        team.sync(aoi, AOI)  # fails, and keeps everything for later
    assert rows_of(aoi, "activities", "WHERE id = ?", (logged[0].id,))

    server.start(port=server.port)  # back online
    result = team.sync(aoi, AOI)
    assert result.refused == 0 and result.conflicts == 0
    team.sync(ken, KEN)
    team.sync(ken, KEN)

    after = book_state(ken)
    new = {table: after[table] - before[table] for table in after}
    gone = {table: before[table] - after[table] for table in before}
    changed = {table: len(rows) for table, rows in new.items() if rows}
    assert changed == {"activities": 3, "checklist_items": 2, "handoff_notes": 1}
    assert {table: len(rows) for table, rows in gone.items() if rows} == {"checklist_items": 2}
    activities = rows_of(ken, "activities", "WHERE account_id = ?", (acme,))
    assert sorted(row["id"] for row in activities) == sorted(a.id for a in logged)
    ticked = rows_of(ken, "checklist_items", "WHERE done = 1 AND done_at IS NOT NULL")
    assert {(row["id"], row["done_by"], row["done_note"]) for row in ticked} == {
        (item["id"], AOI, "確認済み") for item in items[:2]
    }
    notes = rows_of(ken, "handoff_notes")
    assert [(n["id"], n["situation"], n["conflict"]) for n in notes] == [
        (note.note.id, "更新交渉中", 0)
    ]
    assert not rows_of(ken, "handoff_reads")  # Aoi's read receipt is hers alone
    assert book_state(aoi)["activities"] == book_state(ken)["activities"]


def test_two_server_processes_on_one_database(
    server_url: str, tmp_path: object, clock: object
) -> None:
    """Clients push to two processes at once; every client converges on the same rows."""
    from pathlib import Path

    tmp = Path(str(tmp_path))
    tokens, accounts = seed_team(server_url, tmp)
    first, second = (
        ProcessServer(server_url, tmp / "a.log"),
        ProcessServer(server_url, tmp / "b.log"),
    )
    first.start()
    second.start()
    team = Team(first.url, server_url, tokens, accounts, tmp, clock)  # type: ignore[arg-type]
    try:
        acme = accounts["Acme Analytics"]
        books = {
            ("aoi", first.url): team.book("aoi-laptop"),
            ("aoi", second.url): team.book("aoi-desktop"),
            ("ken", second.url): team.book("ken"),
        }
        for (who, url), book in books.items():
            with Server(url, tokens[AOI if who == "aoi" else KEN]) as server:
                sync_once(book, server)

        def work(who: str, url: str) -> None:
            book = books[(who, url)]
            with Server(url, tokens[AOI if who == "aoi" else KEN]) as server:
                for round_ in range(4):
                    for n in range(25):
                        log_activity(book, acme, 10 + n, AT + timedelta(minutes=round_ * 100 + n))
                    sync_once(book, server)

        threads = [threading.Thread(target=work, args=key) for key in books]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        for _ in range(2):  # everyone hears everything
            for (who, url), book in books.items():
                with Server(url, tokens[AOI if who == "aoi" else KEN]) as server:
                    sync_once(book, server)
        acme_rows = [
            {row["id"] for row in rows_of(book, "activities", "WHERE account_id = ?", (acme,))}
            for book in books.values()
        ]
        assert len(acme_rows[0]) == 3 * 4 * 25
        assert acme_rows[0] == acme_rows[1] == acme_rows[2]
        states = [book_state(book, tuple(ROW_MODELS)) for book in books.values()]
        assert states[0]["activities"] == states[2]["activities"]
    finally:
        for store in team.stores:
            store.close()
        first.kill()
        second.kill()


def test_server_run_with_several_workers(server_url: str, tmp_path: object, clock: object) -> None:
    """`server run --workers 2`: uvicorn's worker processes share nothing but the database; and
    stopping the server stops all of them (the group), with the port closed afterwards."""
    from pathlib import Path

    import httpx

    tmp = Path(str(tmp_path))
    tokens, accounts = seed_team(server_url, tmp)
    server = ProcessServer(server_url, tmp / "workers.log", workers=2)
    server.start()
    try:
        assert server.proc is not None
        group = server.proc.pid
        started = server.log.read_text(errors="replace")
        assert "Started parent process" in started, started
        book = Team(server.url, server_url, tokens, accounts, tmp, clock).book("aoi")  # type: ignore[arg-type]
        with Server(server.url, tokens[AOI]) as client:
            result = sync_once(book, client)
            log_activity(book, accounts["Acme Analytics"], 10, AT)
            assert sync_once(book, client).pushed == 1
        book.close()
        assert result.pulled > 0
        assert httpx.get(f"{server.url}/v1/health").json()["status"] == "ok"
    finally:
        server.kill()
    assert not group_alive(group)  # no worker, no resource tracker left behind
    assert not port_open(server.port)
