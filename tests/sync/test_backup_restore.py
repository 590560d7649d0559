"""The backup and restore procedure of docs/server.md, end to end on SQLite: `server backup` while
the server runs, the database lost, the backup copied back, `server mark-restored`, and every
device converges with nothing lost (what was pushed after the backup comes back from them)."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_run import run
from sync_kit import AOI, KEN, ProcessServer, Team, book_state, rows_of

from csm_tui.services.activities import edit_activity, log_activity

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_backup_lose_restore_mark_restored_and_every_device_converges(
    sqlite_process_team: tuple[Team, ProcessServer],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    team, server = sqlite_process_team
    acme = team.accounts["Acme Analytics"]
    database = Path(team.database.split("///", 1)[1])
    aoi, ken = team.book("aoi"), team.book("ken")
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    before = [log_activity(aoi, acme, 15 + n, AT + timedelta(hours=n)).id for n in range(2)]
    team.sync(aoi, AOI)

    backup = tmp_path / "backups" / "server-2026-11-26.db"  # last night's backup, server running
    code, _, err = run(
        ["server", "backup", "--to", str(backup), "--database", team.database], capsys
    )
    assert code == 0, err

    after = [log_activity(aoi, acme, 30 + n, AT + timedelta(days=1, hours=n)).id for n in range(4)]
    edit_activity(aoi, before[0], minutes=90)  # a change to a row the backup has
    team.sync(aoi, AOI)
    theirs = [log_activity(ken, acme, 45 + n, AT + timedelta(days=1, hours=n)).id for n in range(3)]
    team.sync(ken, KEN)
    team.sync(aoi, AOI)

    server.kill()  # the disk dies with the database
    for lost in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        lost.unlink(missing_ok=True)
    shutil.copy(backup, database)  # restore: the backup file becomes the database again
    code, _, err = run(["server", "mark-restored", "--database", team.database], capsys)
    assert code == 0, err
    server.start(port=server.port)

    for _ in range(2):
        team.sync(aoi, AOI)
        team.sync(ken, KEN)
    expected = sorted(before + after + theirs)
    fresh = team.book("aoi-new-laptop")  # a device that starts from the restored server
    team.sync(fresh, AOI)
    for book in (aoi, ken, fresh):
        found = rows_of(book, "activities", "WHERE account_id = ? ORDER BY id", (acme,))
        assert [row["id"] for row in found] == expected
        assert {row["id"]: row["minutes"] for row in found}[before[0]] == 90
    assert book_state(aoi) == book_state(fresh)
    code, out, _ = run(["server", "list-users", "--database", team.database], capsys)
    assert code == 0 and AOI in out and KEN in out
