"""The scenarios at the end of the sync design notes (../shared/design/sync.md), one test each.

Numbers follow the notes. 17 (keyring) is in test_engine.py, the kills in test_faults.py, and
18 (syncing the SQLite file with Dropbox or Syncthing) is a README sentence: unsupported.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sync_kit import (
    AOI,
    FAST,
    KEN,
    FaultTransport,
    ProcessServer,
    Team,
    book_state,
    integrity_ok,
    rows_of,
)

from csm_tui.clock import FixedClock
from csm_tui.errors import StoreError
from csm_tui.services.activities import delete_activity, edit_activity, log_activity
from csm_tui.services.handoff import NoteFields, edit_note, write_note
from csm_tui.store import remote
from csm_tui.store.connection import open_store
from csm_tui.store.journal import insert_many
from csm_tui.sync.client import SyncResult, sync_once
from csm_tui.sync.http import RetryPolicy, Server, Unauthorized

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def acme(team: Team) -> str:
    return team.accounts["Acme Analytics"]


def activities_on_server(team: Team, account_id: str) -> list[dict[str, object]]:
    """What a brand-new device of Ken's would get: the server's truth."""
    fresh = team.book(f"probe-{time.monotonic_ns()}")
    team.sync(fresh, KEN)
    return rows_of(fresh, "activities", "WHERE account_id = ? ORDER BY id", (account_id,))


def many_activities(
    store: object, account_id: str, count: int, author: str = AOI, prefix: str = "bulk"
) -> list[str]:
    rows = [
        {
            "id": f"{prefix}{n:05d}{author[:3]}",
            "account_id": account_id,
            "author_email": author,
            "type": "email",
            "minutes": 5,
            "occurred_at": "2026-11-20T09:00:00+00:00",
            "proactive": 0,
            "recurring": 0,
            "outcome": "none",
            "note": "",
            "checklist_item_id": None,
            "created_at": "2026-11-20T09:00:00+00:00",
            "updated_at": "2026-11-20T09:00:00+00:00",
        }
        for n in range(count)
    ]
    with store.transaction() as tx:  # type: ignore[attr-defined]
        insert_many(tx, "activities", rows)
    return [row["id"] for row in rows]


def test_01_a_change_made_before_a_crash_is_pushed_once_after_restart(team: Team) -> None:
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    activity = log_activity(aoi, acme(team), 30, AT)  # committed; the app dies before a push
    aoi = team.reopen(aoi)
    assert team.sync(aoi, AOI).pushed == 1
    assert team.sync(aoi, AOI).pushed == 0
    assert [row["id"] for row in activities_on_server(team, acme(team))] == [activity.id]


def test_02_a_lost_answer_is_answered_duplicate_on_retry(team: Team) -> None:
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    activity = log_activity(aoi, acme(team), 40, AT)
    lost = FaultTransport({"/v1/sync/push": ["lost"]})
    result = team.sync(aoi, AOI, transport=lost)
    assert [fault for path, fault in lost.calls if path == "/v1/sync/push"] == ["lost", "pass"]
    assert result.refused == 0
    found = activities_on_server(team, acme(team))
    assert [(row["id"], row["minutes"]) for row in found] == [(activity.id, 40)]
    with team.server(AOI) as server:
        history = server.client.get(f"/v1/history/activities/{activity.id}").json()
    assert len(history) == 1


def test_03_competing_note_edits_keep_both_texts_flagged_for_both(team: Team) -> None:
    aoi, ken = team.book("aoi"), team.book("ken")
    team.sync(aoi, AOI)
    note = write_note(aoi, acme(team), NoteFields(situation="v1"))
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    edit_note(aoi, note.note.id, NoteFields(situation="Aoi: renewal at risk"))
    edit_note(ken, note.note.id, NoteFields(situation="Ken: champion left"))
    team.sync(ken, KEN)
    result = team.sync(aoi, AOI)  # Aoi pushes second: hers is the sibling
    assert result.conflicts == 1
    team.sync(ken, KEN)
    for book in (aoi, ken):
        texts = {
            (row["situation"], row["conflict"])
            for row in rows_of(book, "handoff_notes", "WHERE note_id = ?", (note.note.note_id,))
        }
        assert texts == {("v1", 0), ("Ken: champion left", 0), ("Aoi: renewal at risk", 1)}
        assert remote.count_open_conflicts(book) == 1


def test_04_a_deletion_reaches_the_other_device_and_nothing_brings_it_back(team: Team) -> None:
    aoi, ken = team.book("aoi"), team.book("ken")
    team.sync(aoi, AOI)
    activity = log_activity(aoi, acme(team), 25, AT)
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    aoi_laptop = team.book("aoi-laptop")
    team.sync(aoi_laptop, AOI)
    edit_activity(aoi_laptop, activity.id, minutes=50)  # offline edit on another device
    delete_activity(aoi, activity.id)
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    assert not rows_of(ken, "activities", "WHERE id = ?", (activity.id,))
    result = team.sync(aoi_laptop, AOI)  # the stale edit is refused, the row stays gone
    assert result.refused == 1
    assert not rows_of(aoi_laptop, "activities", "WHERE id = ?", (activity.id,))
    team.sync(ken, KEN)
    assert not rows_of(ken, "activities", "WHERE id = ?", (activity.id,))


@pytest.mark.parametrize("announced", [True, False], ids=["mark-restored", "unannounced"])
def test_05_a_server_restored_from_a_backup_gets_everything_back(
    sqlite_process_team: tuple[Team, ProcessServer],
    announced: bool,
    capsys: pytest.CaptureFixture[str],
) -> None:
    team, server = sqlite_process_team  # the backup: a copy of the SQLite file
    path = Path(team.database.split("///", 1)[1])
    aoi, ken = team.book("aoi"), team.book("ken")
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    backup, source = sqlite3.connect(path.with_suffix(".bak")), sqlite3.connect(path)
    source.backup(backup)  # a backup taken while the server runs
    source.close()
    backup.close()
    mine = [log_activity(aoi, acme(team), 10 + n, AT + timedelta(hours=n)).id for n in range(5)]
    team.sync(aoi, AOI)
    theirs = [log_activity(ken, acme(team), 20 + n, AT + timedelta(hours=n)).id for n in range(3)]
    team.sync(ken, KEN)
    server.kill()  # the disk dies; last night's backup comes back
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copy(path.with_suffix(".bak"), path)
    if announced:
        from cli_run import run

        code, _, err = run(["server", "mark-restored", "--database", team.database], capsys)
        assert code == 0, err
    server.start(port=server.port)
    for _ in range(2):
        team.sync(aoi, AOI)
        team.sync(ken, KEN)
    expected = sorted(mine + theirs)
    assert [row["id"] for row in activities_on_server(team, acme(team))] == expected
    for book in (aoi, ken):
        ids = rows_of(book, "activities", "WHERE account_id = ?", (acme(team),))
        assert sorted(row["id"] for row in ids) == expected


def test_06_a_copied_database_is_caught_and_both_copies_are_kept(team: Team) -> None:
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    aoi.close()
    shutil.copy(aoi.path, team.tmp / "copy.db")
    aoi = open_store(aoi.path, clock=team.clock)
    copy = open_store(team.tmp / "copy.db", clock=team.clock)
    team.stores += [aoi, copy]
    here = log_activity(aoi, acme(team), 10, AT)
    there = log_activity(copy, acme(team), 20, AT)  # the same journal seq, another change
    team.sync(aoi, AOI)
    team.sync(copy, AOI)
    assert remote.read_sync_state(copy)["client_id"] != remote.read_sync_state(aoi)["client_id"]
    team.sync(aoi, AOI)
    ids = {row["id"] for row in activities_on_server(team, acme(team))}
    assert ids == {here.id, there.id}
    assert {row["id"] for row in rows_of(aoi, "activities")} == ids


def test_07_a_change_the_server_can_never_take_does_not_block_the_others(team: Team) -> None:
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    before = log_activity(aoi, acme(team), 10, AT)
    poison = {"id": "poison", "account_id": acme(team), "author_email": AOI, "type": "call"}
    aoi.conn.execute(  # as an old buggy version might have written it: minutes missing
        "INSERT INTO journal (uuid, table_name, row_id, operation, payload, created_at) "
        "VALUES (?, 'activities', 'poison', 'insert', ?, ?)",
        ("f" * 32, json.dumps(poison), AT.isoformat()),
    )
    aoi.conn.commit()
    after = log_activity(aoi, acme(team), 20, AT)
    result = team.sync(aoi, AOI)
    assert result.refused == 1
    assert {row["id"] for row in activities_on_server(team, acme(team))} == {before.id, after.id}
    assert remote.count_pending(aoi, int(remote.read_sync_state(aoi)["acked_through"])) == 0
    assert "minutes" in remote.rejected_entries(aoi)[0]["reason"]


def test_08_a_database_error_mid_batch_applies_nothing_and_the_retry_succeeds(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy.exc import OperationalError

    from csm_tui.server import feed

    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    ids = [log_activity(aoi, acme(team), 5 + n, AT).id for n in range(6)]
    real = feed.apply_mutation
    calls = {"n": 0}

    def flaky(conn: object, user: object, mutation: object) -> object:
        calls["n"] += 1
        if calls["n"] == 4:  # the fourth mutation of the first attempt
            raise OperationalError("UPDATE records", {}, Exception("connection lost"))
        return real(conn, user, mutation)  # type: ignore[arg-type]

    monkeypatch.setattr(feed, "apply_mutation", flaky)
    result = team.sync(aoi, AOI)
    assert calls["n"] == 4 + 6  # three applied, then rolled back; all six again
    assert result.pushed == 6 and result.refused == 0
    with team.server(AOI) as server:
        for activity_id in ids:
            history = server.client.get(f"/v1/history/activities/{activity_id}").json()
            assert len(history) == 1


def test_09_concurrent_pushes_never_make_a_puller_skip_a_change(team: Team) -> None:
    aoi, ken, watcher = team.book("aoi"), team.book("ken"), team.book("ken-phone")
    for book, who in ((aoi, AOI), (ken, KEN), (watcher, KEN)):
        team.sync(book, who)
    seen: set[str] = set()
    done = threading.Event()

    def push(book: object, who: str) -> None:
        for round_ in range(8):
            for n in range(10):
                log_activity(book, acme(team), 1 + n, AT + timedelta(minutes=round_ * 10 + n))  # type: ignore[arg-type]
            team.sync(book, who)  # type: ignore[arg-type]

    def watch() -> None:
        while not done.is_set():
            team.sync(watcher, KEN)
        team.sync(watcher, KEN)

    threads = [
        threading.Thread(target=push, args=(aoi, AOI)),
        threading.Thread(target=push, args=(ken, KEN)),
    ]
    watcher_thread = threading.Thread(target=watch)
    watcher_thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    done.set()
    watcher_thread.join(60)
    seen = {
        row["id"] for row in rows_of(watcher, "activities", "WHERE account_id = ?", (acme(team),))
    }
    assert len(seen) == 160
    assert seen == {row["id"] for row in activities_on_server(team, acme(team))}


def test_10_clocks_off_by_hours_or_equal_do_not_decide_anything(team: Team) -> None:
    aoi, ken = team.book("aoi"), team.book("ken")
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    item = rows_of(aoi, "checklist_items", "WHERE account_id = ? LIMIT 1", (acme(team),))[0]
    aoi.clock = FixedClock(team.clock.at + timedelta(hours=2))  # Aoi's laptop runs ahead
    ken.clock = FixedClock(team.clock.at)
    with aoi.transaction() as tx:
        tx.update("checklist_items", item["id"], {"title": "Aoi's title", "updated_at": tx.now})
    with ken.transaction() as tx:
        tx.update("checklist_items", item["id"], {"title": "Ken's title", "updated_at": tx.now})
    team.sync(aoi, AOI)
    team.sync(ken, KEN)  # Ken's write reaches the server last: it wins, whatever the clocks say
    team.sync(aoi, AOI)
    for book in (aoi, ken):
        row = rows_of(book, "checklist_items", "WHERE id = ?", (item["id"],))[0]
        assert row["title"] == "Ken's title"
    where, params = "WHERE account_id = ? ORDER BY id", (acme(team),)
    assert rows_of(aoi, "checklist_items", where, params) == rows_of(
        ken, "checklist_items", where, params
    )


def test_11_ten_thousand_queued_changes_go_in_batches_and_resume(team: Team) -> None:
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    ids = many_activities(aoi, acme(team), 10_000)
    batches: list[int] = []

    def stop_after_five(phase: str, count: int) -> None:
        batches.append(count)
        if phase == "push" and len(batches) == 5:
            raise KeyboardInterrupt  # the user quits mid-sync

    with team.server(AOI) as server, pytest.raises(KeyboardInterrupt):
        sync_once(aoi, server, progress=stop_after_five)
    acked = int(remote.read_sync_state(aoi)["acked_through"])
    assert remote.count_pending(aoi, acked) == 10_000 - 5 * 500
    # meanwhile the book stays usable from another connection (the app's)
    app = open_store(aoi.path, clock=team.clock)
    team.stores.append(app)
    started = time.monotonic()
    log_activity(app, acme(team), 15, AT)
    assert time.monotonic() - started < 1.0
    result = team.sync(aoi, AOI)
    assert result.pushed == 10_000 - 2500 + 1
    assert len(activities_on_server(team, acme(team))) == 10_001
    assert set(ids) <= {row["id"] for row in rows_of(aoi, "activities")}


def test_12_a_new_device_downloads_live_rows_not_the_deletions(team: Team) -> None:
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    ids = many_activities(aoi, acme(team), 200)
    team.sync(aoi, AOI)
    for activity_id in ids[:190]:
        delete_activity(aoi, activity_id)
    team.sync(aoi, AOI)
    fresh = team.book("ken-new")
    result = team.sync(fresh, KEN)
    live = book_state(fresh)
    assert len(rows_of(fresh, "activities", "WHERE account_id = ?", (acme(team),))) == 10
    assert result.pulled == sum(len(rows) for rows in live.values())  # not one tombstone


def test_13_a_full_disk_during_a_pull_rolls_the_page_back(team: Team) -> None:
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    many_activities(aoi, acme(team), 3000)
    team.sync(aoi, AOI)
    ken = team.book("ken")
    pages = ken.query_one("PRAGMA page_count")[0]  # type: ignore[index]
    ken.conn.execute(f"PRAGMA max_page_count = {pages + 40}")  # room for a little, not all
    with pytest.raises(StoreError, match="full"):
        team.sync(ken, KEN)
    state = remote.read_sync_state(ken)
    cursor = int(state["cursor"])
    kept = len(rows_of(ken, "activities"))
    assert kept % 1 == 0 and integrity_ok(ken)
    ken.conn.execute("PRAGMA max_page_count = 1073741823")
    team.sync(ken, KEN)
    assert int(remote.read_sync_state(ken)["cursor"]) > cursor
    assert len(rows_of(ken, "activities", "WHERE account_id = ?", (acme(team),))) == 3000
    assert kept < 3000


def test_14_401_429_503_and_timeouts(team: Team) -> None:
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    log_activity(aoi, acme(team), 10, AT)
    waits: list[float] = []
    policy = RetryPolicy(attempts=5, base=0.01, cap=5, deadline=30, sleep=waits.append)
    faults = FaultTransport(
        {"/v1/sync/push": ["429:2", "503", "timeout"], "/v1/sync/rows": ["500"]}
    )
    with Server(team.url, team.tokens[AOI], policy=policy, transport=faults) as server:
        result = sync_once(aoi, server)
    assert result.pushed == 1
    assert waits[0] >= 2  # Retry-After honoured
    assert len(waits) == 4 and all(wait <= 5 for wait in waits)
    # 401 in the middle: what was acknowledged stays acknowledged, the rest stays queued
    log_activity(aoi, acme(team), 20, AT)
    denied = FaultTransport({"/v1/sync/rows": ["401"]})
    with (
        Server(team.url, team.tokens[AOI], policy=FAST, transport=denied) as server,
        pytest.raises(Unauthorized, match="login"),
    ):
        sync_once(aoi, server)
    assert remote.count_pending(aoi, int(remote.read_sync_state(aoi)["acked_through"])) == 0
    log_activity(aoi, acme(team), 30, AT)
    with Server(team.url, "csm_revoked", policy=FAST) as server, pytest.raises(Unauthorized):
        sync_once(aoi, server)
    assert remote.count_pending(aoi, int(remote.read_sync_state(aoi)["acked_through"])) == 1
    # too many failures in a row: reported, nothing lost
    down = FaultTransport({"/v1/sync/push": ["503"] * 10})
    with (
        Server(team.url, team.tokens[AOI], policy=FAST, transport=down) as server,
        pytest.raises(Exception, match="busy or failing"),
    ):
        sync_once(aoi, server)
    assert team.sync(aoi, AOI).pushed == 1


def test_15_changes_queued_by_an_older_version_are_still_accepted(team: Team) -> None:
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    old_note = {  # a handoff note as the app wrote it before migration 3 (no `conflict`)
        "id": "oldnote1",
        "note_id": "oldnote",
        "version": 1,
        "parent_id": None,
        "account_id": acme(team),
        "author_email": AOI,
        "situation": "Written before the upgrade",
        "goals": "",
        "risks": "",
        "commitments": "[]",
        "key_contact_ids": "[]",
        "coverage_from": None,
        "coverage_to": None,
        "body": "",
        "created_at": AT.isoformat(),
    }
    with aoi.transaction() as tx:
        tx.insert("handoff_notes", old_note)
    aoi.conn.execute(  # the journal entry exactly as the old version wrote it
        "UPDATE journal SET payload = ? WHERE row_id = 'oldnote1'", (json.dumps(old_note),)
    )
    aoi.conn.commit()
    result = team.sync(aoi, AOI)
    assert result.refused == 0
    ken = team.book("ken")
    team.sync(ken, KEN)
    found = rows_of(ken, "handoff_notes", "WHERE id = 'oldnote1'")
    assert found and found[0]["conflict"] == 0


def test_16_an_account_taken_away_leaves_the_book_with_everything_of_it(team: Team) -> None:
    from datetime import date

    from sync_kit import ACCOUNTS_CSV, engine_for

    from csm_tui.server.importer import import_accounts

    ken = team.book("ken")
    team.sync(ken, KEN)
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    log_activity(aoi, acme(team), 10, AT)
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    assert rows_of(ken, "activities", "WHERE account_id = ?", (acme(team),))
    path = team.tmp / "reassigned.csv"
    path.write_text(ACCOUNTS_CSV.replace(f"{AOI},{KEN}\n", f"{AOI},\n"), encoding="utf-8")
    engine = engine_for(team.database)
    import_accounts(engine, path, now=AT.isoformat(), today=date(2026, 11, 27))
    engine.dispose()
    team.sync(ken, KEN)
    assert not rows_of(ken, "accounts", "WHERE id = ?", (acme(team),))
    for table in ("owners", "checklist_items", "activities", "handoff_notes"):
        assert not rows_of(ken, table, "WHERE account_id = ?", (acme(team),)), table
    assert rows_of(ken, "accounts", "WHERE name = 'Initech'")  # the others stay
    assert isinstance(SyncResult, type)


def test_16b_work_logged_offline_before_the_account_moved_is_kept(team: Team) -> None:
    """Issue 19.6: Ken covers Acme, logs a call offline; meanwhile Acme is reassigned without
    him. His call happened while he had the account: the server keeps it (Aoi receives it);
    his book then drops Acme as in scenario 16, and nothing is refused."""
    from datetime import date

    from sync_kit import ACCOUNTS_CSV, engine_for

    from csm_tui.server.importer import import_accounts

    ken, aoi = team.book("ken"), team.book("aoi")
    team.sync(ken, KEN)
    team.sync(aoi, AOI)
    call = log_activity(ken, acme(team), 35, datetime(2026, 11, 27, 10, 0, tzinfo=UTC))
    path = team.tmp / "reassigned.csv"
    path.write_text(ACCOUNTS_CSV.replace(f"{AOI},{KEN}\n", f"{AOI},\n"), encoding="utf-8")
    engine = engine_for(team.database)
    import_accounts(engine, path, now="2026-11-27T12:00:00+00:00", today=date(2026, 11, 27))
    engine.dispose()
    result = team.sync(ken, KEN)
    assert result.refused == 0
    assert not rows_of(ken, "accounts", "WHERE id = ?", (acme(team),))
    team.sync(aoi, AOI)
    kept = rows_of(aoi, "activities", "WHERE id = ?", (call.id,))
    assert [(row["author_email"], row["minutes"]) for row in kept] == [(KEN, 35)]
