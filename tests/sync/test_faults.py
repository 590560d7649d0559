"""kill -9 at random points: the client during sync (`csm-tui sync` as a process), and the
server during a push. Afterwards one sync completes with nothing lost and nothing twice: both
sides hold the same set of rows."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sync_kit import AOI, KEN, ProcessServer, Team, integrity_ok, rows_of
from test_scenarios import activities_on_server, many_activities

from csm_tui.services.activities import log_activity
from csm_tui.store.connection import open_store
from csm_tui.sync.http import SyncError
from csm_tui.sync.token import TOKEN_ENV

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
SYNC = [sys.executable, "-m", "csm_tui", "sync"]


def _killed_syncs(
    team: Team, path: Path, email: str, *, kills: int, seed: int, between: object = None
) -> int:
    """Run `csm-tui sync` on the book until it was killed `kills` times at a random moment
    (at most 10·kills runs: on a fast machine many runs finish before their moment comes;
    `between` is called after each run); returns the kills."""
    rng = random.Random(seed)
    env = {**os.environ, TOKEN_ENV: team.tokens[email]}
    killed = 0
    for run in range(10 * kills):
        if killed == kills:
            break
        proc = subprocess.Popen(
            [*SYNC, "--server", team.url, "--db", str(path)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            proc.wait(rng.uniform(0.2, 1.6))
        except subprocess.TimeoutExpired:
            proc.kill()  # SIGKILL: no cleanup, no rollback but SQLite's own
            proc.wait()
            killed += 1
        if callable(between):
            between(run)
    return killed


def test_kill_9_the_client_at_random_points(sqlite_team: Team) -> None:
    team = sqlite_team
    acme = team.accounts["Acme Analytics"]
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    expected = set(many_activities(aoi, acme, 3000))
    path = aoi.path
    aoi.close()

    def keep_working(run: int) -> None:  # the user goes on between the kills
        book = open_store(path, clock=team.clock)
        assert integrity_ok(book)
        expected.update(many_activities(book, acme, 300, prefix=f"r{run}-"))
        expected.add(log_activity(book, acme, 5, AT + timedelta(minutes=run)).id)
        book.close()

    assert _killed_syncs(team, path, AOI, kills=8, seed=3, between=keep_working) == 8
    aoi = open_store(path, clock=team.clock)
    team.stores.append(aoi)
    team.sync(aoi, AOI)
    local = {row["id"] for row in rows_of(aoi, "activities", "WHERE account_id = ?", (acme,))}
    on_server = [row["id"] for row in activities_on_server(team, acme)]
    assert local == set(on_server) == expected
    assert len(on_server) == len(expected)  # nothing twice


def test_kill_9_a_new_device_while_it_downloads(sqlite_team: Team) -> None:
    team = sqlite_team
    acme = team.accounts["Acme Analytics"]
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    many_activities(aoi, acme, 6000)
    team.sync(aoi, AOI)
    ken = team.book("ken")
    path = ken.path
    ken.close()
    assert _killed_syncs(team, path, KEN, kills=4, seed=7) == 4
    ken = open_store(path, clock=team.clock)
    team.stores.append(ken)
    assert integrity_ok(ken)
    team.sync(ken, KEN)
    fresh = team.book("ken-check")
    team.sync(fresh, KEN)
    for table in ("accounts", "owners", "checklist_items", "activities", "users"):

        def rows(book: object, table: str = table) -> list[tuple[object, ...]]:
            found = rows_of(book, table)  # type: ignore[arg-type]
            return sorted(tuple(v for k, v in row.items() if k != "search") for row in found)

        assert rows(ken) == rows(fresh), table
    indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    assert ken.query(indexes) and [tuple(r) for r in ken.query(indexes)] == [
        tuple(r) for r in fresh.query(indexes)
    ]  # whatever a killed download dropped was recreated


def test_kill_9_the_server_during_a_push(process_team: tuple[Team, ProcessServer]) -> None:
    team, server = process_team
    acme = team.accounts["Acme Analytics"]
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    expected = set(many_activities(aoi, acme, 4000))
    rng = random.Random(11)
    errors: list[BaseException] = []
    for round_ in range(3):

        def between_batches(stage: str, done: int) -> None:
            if stage == "push" and server.proc is not None:
                server.kill()  # round 1: after the first batch was acknowledged, for certain

        def push(first: bool = round_ == 0) -> None:
            try:
                team.sync(aoi, AOI, progress=between_batches if first else None)
            except SyncError as exc:
                errors.append(exc)

        worker = threading.Thread(target=push)
        worker.start()
        if round_ > 0:
            worker.join(rng.uniform(0.2, 1.2))
            server.kill()  # later rounds: mid-batch, or between batches, or after
        worker.join(60)
        assert not worker.is_alive()
        server.start(port=server.port)
        expected.add(log_activity(aoi, acme, 10, AT).id)
    assert errors  # round 1 cannot have finished: 4000 rows are 8 batches
    team.sync(aoi, AOI)
    on_server = [row["id"] for row in activities_on_server(team, acme)]
    assert set(on_server) == expected and len(on_server) == len(expected)
    local = {row["id"] for row in rows_of(aoi, "activities", "WHERE account_id = ?", (acme,))}
    assert local == expected
