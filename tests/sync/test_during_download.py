"""The book stays usable during its first download (issue 19, items 1 and 2).

A real server on loopback sends a book of several pages, slowed down so that the download
lasts; meanwhile another connection to the book (as the app or a second `csm-tui` is) logs work
and runs every screen's queries, and `csm-tui` commands run as separate processes. Nothing may
fail, and every minute logged meanwhile reaches the server afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import httpx
import pytest
from sync_kit import AOI, KEN, Team, ThreadServer, rows_of, seed_team

from csm_tui.clock import FixedClock
from csm_tui.config import TODAY_WEIGHTS
from csm_tui.services.activities import log_activity
from csm_tui.services.checklist import due_items
from csm_tui.services.effort import Period, PeriodKind, effort_report
from csm_tui.services.tasks import my_open_tasks
from csm_tui.services.today import today_view
from csm_tui.store import bulk
from csm_tui.store.book import build_book
from csm_tui.store.connection import Store, open_store
from csm_tui.sync.client import SyncResult, sync_once

ACCOUNTS = 700  # with their roadmap items, several pages of the feed
TODAY = date(2026, 11, 27)
WHEN = datetime(2026, 11, 27, 8, 30, tzinfo=UTC)


class HeldPages(httpx.HTTPTransport):
    """The first page of the feed arrives; the next ones wait until the test lets them go,
    so the test works in the middle of a first download, however fast the machine."""

    def __init__(self, gate: threading.Event) -> None:
        super().__init__()
        self.gate = gate
        self.pages = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/sync/rows":
            self.pages += 1
            if self.pages > 1:
                self.gate.wait(120)
        return super().handle_request(request)


class HeldSync:
    """`sync_once` of a book as Aoi on a thread of its own, its pages held after the first
    until `release`: the test works in the middle of it."""

    def __init__(self, team: Team, book: Store) -> None:
        self.gate = threading.Event()
        self.outcome: list[SyncResult | BaseException] = []

        def run() -> None:
            try:
                with team.server(AOI, transport=HeldPages(self.gate)) as server:
                    self.outcome.append(sync_once(book, server))
            except BaseException as exc:  # reported by `result`
                self.outcome.append(exc)

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def running(self) -> bool:
        return self.thread.is_alive()

    def release(self) -> None:
        self.gate.set()
        self.thread.join(60)

    def result(self) -> SyncResult:
        [result] = self.outcome
        assert isinstance(result, SyncResult), result
        return result


@pytest.fixture
def big_team(tmp_path: Path, clock: FixedClock) -> Iterator[Team]:
    rows = "".join(
        f"Account {i:04d},CRM-{i},SMB,2027-0{1 + i % 9}-15,70,adoption,{AOI},\n"
        for i in range(ACCOUNTS)
    )
    header = (
        "name,external_id,segment,renewal_date,health_score,stage,primary_owner,secondary_owners\n"
    )
    database = f"sqlite:///{tmp_path / 'server.db'}"
    tokens, accounts = seed_team(database, tmp_path, header + rows)
    live = ThreadServer(database)
    team = Team(live.url, database, tokens, accounts, tmp_path, clock)
    try:
        yield team
    finally:
        for store in team.stores:
            store.close()
        live.stop()


def _cli(*args: str, book: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CSM_TUI_DB": str(book)}
    return subprocess.run(
        [sys.executable, "-m", "csm_tui", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_a_first_download_leaves_the_book_usable(big_team: Team, clock: FixedClock) -> None:
    path = big_team.tmp / "aoi.db"
    syncing = big_team.book("aoi")
    held = HeldSync(big_team, syncing)
    other = open_store(path, clock=clock)  # the app, or a second csm-tui
    logged: list[str] = []
    failures: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while not (other.query_one("SELECT 1 FROM accounts") and bulk.dropped(other.conn)):
            assert held.running() and time.monotonic() < deadline, held.outcome
            time.sleep(0.02)
        first = other.query_one("SELECT id, name FROM accounts ORDER BY name LIMIT 1")
        assert first is not None
        for _ in range(10):
            logged.append(log_activity(other, str(first[0]), 5, WHEN, note="meanwhile").id)
        today_view(other, clock, dict(TODAY_WEIGHTS))
        due_items(other, today=TODAY)
        my_open_tasks(other, TODAY)
        effort_report(other, Period.around(PeriodKind.MONTH, TODAY), clock)
        build_book(other, AOI, TODAY)
        for args in (  # whole processes, as from a shell
            ("log", str(first[1]), "7", "--note", "from the shell"),
            ("checklist", "--due"),
            ("tasks",),
            ("today",),
            ("report", "week"),
        ):
            done = _cli(*args, book=path)
            if done.returncode != 0:
                failures.append(f"{' '.join(args)}: {done.stderr.strip()}")
        assert held.running(), "the download ended before the test was done"
        assert bulk.dropped(other.conn), "no longer in the middle of a first download"
    finally:
        held.release()
    assert not failures, failures
    held.result()
    assert big_team.sync(other, AOI).pushed >= len(logged) + 1
    other.close()
    again = big_team.book("aoi-second-device")
    big_team.sync(again, AOI)
    notes = rows_of(again, "activities", "WHERE note IN ('meanwhile', 'from the shell')")
    assert len(notes) == len(logged) + 1


async def test_the_app_opens_every_screen_during_a_first_download(
    big_team: Team, clock: FixedClock, tmp_path: Path
) -> None:
    from textual.screen import Screen

    from csm_tui.config import Config
    from csm_tui.services.session import Session
    from csm_tui.ui.app import CsmApp

    path = big_team.tmp / "aoi.db"
    syncing = big_team.book("aoi")
    held = HeldSync(big_team, syncing)
    store = open_store(path, clock=clock)
    try:
        deadline = time.monotonic() + 60
        while not (store.query_one("SELECT 1 FROM accounts") and bulk.dropped(store.conn)):
            assert held.running() and time.monotonic() < deadline, held.outcome
            time.sleep(0.02)
        config = Config(path=tmp_path / "config.toml")
        app = CsmApp(Session(store, clock), config, landing="today", sync=False)
        seen: list[str] = []
        async with app.run_test(size=(120, 35)) as pilot:
            await app.workers.wait_for_complete()
            for key in ("b", "C", "E", "V", "H", "W", "M"):
                await pilot.press(key)
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                seen.append(type(app.screen).__name__)
                assert isinstance(app.screen, Screen)
                if key != "b":
                    await pilot.press("escape")
                    await pilot.pause()
            await pilot.press("b")  # back to the book, then into an account
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.press("enter")
            await pilot.pause()
            await app.workers.wait_for_complete()
            seen.append(type(app.screen).__name__)
        assert app.return_code in (None, 0), seen
        assert held.running() and bulk.dropped(store.conn), "the download was over too soon"
        assert len(set(seen)) >= 7, seen
    finally:
        held.release()
        store.close()
    held.result()


def test_logging_goes_on_during_a_normal_pull(
    sqlite_team: Team, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from csm_tui.sync import client

    team = sqlite_team
    acme = team.accounts["Acme Analytics"]
    aoi, ken = team.book("aoi"), team.book("ken")
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    for minute in range(1, 31):
        log_activity(ken, acme, minute, WHEN, note="ken's call")
    team.sync(ken, KEN)
    monkeypatch.setattr(client, "DEFAULT_PULL_LIMIT", 5)  # Ken's 30 calls: several pages
    held = HeldSync(team, aoi)
    other = open_store(aoi.path, clock=clock)
    try:
        deadline = time.monotonic() + 30
        while not other.query_one("SELECT 1 FROM activities WHERE note = 'ken''s call'"):
            assert held.running() and time.monotonic() < deadline, held.outcome
            time.sleep(0.01)
        for _ in range(10):
            log_activity(other, acme, 5, WHEN, note="meanwhile")
        done = _cli("log", "Acme Analytics", "7", "--note", "from the shell", book=aoi.path)
        assert done.returncode == 0, done.stderr
        assert held.running(), "the pull ended before the test was done"
    finally:
        held.release()
    assert held.result().pulled >= 30
    team.sync(other, AOI)
    other.close()
    team.sync(ken, KEN)
    assert len(rows_of(ken, "activities", "WHERE note IN ('meanwhile', 'from the shell')")) == 11
