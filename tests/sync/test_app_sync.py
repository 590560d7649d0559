"""The app's background sync with a real server on loopback: the indicator, "Sync now" (F5),
local changes counted as pending, offline work, and what a sync that brought rows does
(the open screens show them, the playbooks run on them)."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cli_run import run
from sync_kit import AOI, KEN, Team

from csm_tui.config import Config
from csm_tui.i18n import set_language
from csm_tui.models.activity import ActivityType
from csm_tui.services.accounts import update_account
from csm_tui.services.activities import log_activity
from csm_tui.services.identity import set_me
from csm_tui.services.playbooks import run_playbooks
from csm_tui.services.session import Session
from csm_tui.store.connection import Store, open_store
from csm_tui.store.remote import write_sync_state
from csm_tui.sync.token import TOKEN_ENV
from csm_tui.ui.app import CsmApp
from csm_tui.ui.textual_ext.title_bar import TitleBar

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
SIZE = (120, 36)


@pytest.fixture
def team(sqlite_team: Team) -> Team:
    """These tests are about the app: the SQLite server is enough (the server's own tests run
    on both databases)."""
    return sqlite_team


@pytest.fixture(autouse=True)
def _no_delay(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr("csm_tui.ui.app.START_DELAY", 0.05)
    yield
    set_language("en")


def app_on(store: Store, team: Team, tmp_path: Path, language: str = "en") -> CsmApp:
    set_language(language)
    config = Config(language=language, path=tmp_path / "config.toml")
    return CsmApp(Session(store, team.clock), config, save_settings=False, landing="book")


async def until(pilot: object, done: Callable[[], bool], timeout: float = 20.0) -> None:
    """Let the app and the engine work until `done()`, or fail saying what was seen."""
    waited = 0.0
    while not done():
        if waited > timeout:
            raise AssertionError(f"timed out; the title bar says: {indicator(pilot.app)}")  # type: ignore[attr-defined]
        await pilot.pause(0.05)  # type: ignore[attr-defined]
        waited += 0.05


def indicator(app: CsmApp) -> str:
    return str(app.screen.query_one(TitleBar).render())


def notes(app: CsmApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.fixture
def aoi(team: Team, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Aoi's book, connected to the server and synced once; her token in the environment."""
    book = team.book("aoi")
    set_me(book, "Aoi Tanaka", AOI)
    team.sync(book, AOI)
    monkeypatch.setenv(TOKEN_ENV, team.tokens[AOI])
    return book


async def test_syncs_on_start_and_shows_what_a_colleague_did(
    aoi: Store, team: Team, tmp_path: Path
) -> None:
    ken = team.book("ken")
    team.sync(ken, KEN)
    acme = team.accounts["Acme Analytics"]
    app = app_on(aoi, team, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Synced just now" in indicator(app))
        # Ken, covering, answers a mail and moves the renewal closer; Aoi presses F5
        log_activity(ken, acme, 25, AT, type=ActivityType.EMAIL, note="Sato-san: budget approved")
        update_account(ken, acme, renewal_date=date(2027, 2, 1))
        team.sync(ken, KEN)
        await pilot.press("f5")
        await until(pilot, lambda: "Synced with the team server." in notes(app))
        assert "Synced just now" in indicator(app)
        found = aoi.query("SELECT note FROM activities WHERE account_id = ?", (acme,))
        assert [row[0] for row in found] == ["Sato-san: budget approved"]  # once
        # the book shows it, and the playbooks ran on it: renewal in 66 days and no call or
        # meeting for 30 days → the renewal-contact task on her Today
        await until(pilot, lambda: app.session.book.row(acme).renewal_date == "2027-02-01")  # type: ignore[union-attr]
        await until(
            pilot,
            lambda: bool(
                aoi.query(
                    "SELECT 1 FROM tasks WHERE account_id = ? AND rule_id = 'renewal-contact-120'",
                    (acme,),
                )
            ),
        )
        # the new task is journaled and was sent at once: nothing stays pending
        await until(pilot, lambda: app.sync_status is not None and app.sync_status.pending == 0)


async def test_local_work_is_pending_until_sent(aoi: Store, team: Team, tmp_path: Path) -> None:
    acme = team.accounts["Acme Analytics"]
    app = app_on(aoi, team, tmp_path)
    arrivals: list[int] = []
    arrived = app.data_arrived

    def counted() -> None:
        arrivals.append(1)
        arrived()

    app.data_arrived = counted  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Synced" in indicator(app))
        await app.workers.wait_for_complete()
        await pilot.pause(0.3)
        before = len(arrivals)
        app.session.log_activity(acme, 30, AT, note="QBR prep")
        app.session.log_activity(acme, 15, AT, note="follow-up mail")
        await until(pilot, lambda: "2 pending" in indicator(app))
        assert len(arrivals) == before  # a recount is not a sync: nothing is reloaded
        await pilot.press("f5")
        await until(pilot, lambda: "pending" not in indicator(app) and "Synced" in indicator(app))
        await until(pilot, lambda: len(arrivals) == before + 1)  # the echo of the two, once
    ken = team.book("ken")
    team.sync(ken, KEN)
    sent = ken.query("SELECT note FROM activities WHERE account_id = ? ORDER BY note", (acme,))
    assert [row[0] for row in sent] == ["QBR prep", "follow-up mail"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_offline_the_app_works_and_says_so(aoi: Store, team: Team, tmp_path: Path) -> None:
    write_sync_state(aoi, {"server": f"http://127.0.0.1:{free_port()}"})  # nobody listens
    acme = team.accounts["Acme Analytics"]
    app = app_on(aoi, team, tmp_path, language="ja")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "オフライン" in indicator(app))
        await app.workers.wait_for_complete()  # the playbooks' tasks at start are pending too
        await pilot.pause(0.2)
        assert app.sync_status is not None
        before = app.sync_status.pending
        app.session.log_activity(acme, 20, AT, note="電車の中で議事録")  # offline work is kept
        await until(pilot, lambda: f"未送信 {before + 1} 件" in indicator(app))
        await pilot.press("f5")
        await until(pilot, lambda: any("接続できません" in note for note in notes(app)))
    assert aoi.query("SELECT 1 FROM activities WHERE note = '電車の中で議事録'")


async def test_a_local_book_says_how_to_connect(team: Team, tmp_path: Path) -> None:
    local = team.book("local")  # never connected: a demo or an imported book
    set_me(local, "Aoi Tanaka", AOI)
    app = app_on(local, team, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Local book" in indicator(app))
        await pilot.press("f5")
        await until(pilot, lambda: any("csm-tui login --server" in note for note in notes(app)))


def test_cli_sync_runs_the_playbooks_on_what_arrived(
    team: Team, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    aoi = team.book("aoi")
    set_me(aoi, "Aoi Tanaka", AOI)
    team.sync(aoi, AOI)
    run_playbooks(aoi, team.clock)  # as the app did when it last started
    team.sync(aoi, AOI)
    monkeypatch.setenv(TOKEN_ENV, team.tokens[AOI])
    acme = team.accounts["Acme Analytics"]
    ken = team.book("ken")
    team.sync(ken, KEN)
    update_account(ken, acme, renewal_date=date(2027, 2, 1))  # 66 days away, no call yet
    team.sync(ken, KEN)
    aoi.close()
    code, out, err = run(["sync", "--db", str(aoi.path)], capsys)
    assert code == 0, err
    assert "Playbooks created" in err and out.startswith("Synced with")
    code, out, _ = run(["status", "--db", str(aoi.path)], capsys)
    assert "Pending:    0 changes" in out  # the task went to the server in the same command
    team.sync(ken, KEN)  # and Ken, covering, sees it
    mine = open_store(aoi.path, clock=team.clock)
    team.stores.append(mine)
    query = "SELECT id, assignee_email, rule_id FROM tasks WHERE account_id = ? ORDER BY id"
    created = [tuple(row) for row in mine.query(query, (acme,))]
    assert (AOI, "renewal-contact-120") in {row[1:] for row in created}
    assert [tuple(row) for row in ken.query(query, (acme,))] == created


def test_two_devices_of_one_person_fire_a_rule_once_for_the_team(team: Team) -> None:
    """Aoi's laptop and desktop both run the playbooks before either syncs: the tasks have
    the same ids, the server keeps one of each, and nothing is refused."""
    from csm_tui.store.remote import count_rejected

    laptop, desktop = team.book("laptop"), team.book("desktop")
    for device in (laptop, desktop):
        set_me(device, "Aoi Tanaka", AOI)
        team.sync(device, AOI)
    fired = [run_playbooks(device, team.clock).tasks for device in (laptop, desktop)]
    assert fired[0] > 0 and fired[0] == fired[1]
    for device in (laptop, desktop, laptop):
        team.sync(device, AOI)
    query = "SELECT id, rule_id, occurrence FROM tasks ORDER BY id"
    tasks = [tuple(row) for row in laptop.query(query)]
    assert len(tasks) == fired[0] == len(set(tasks))
    assert [tuple(row) for row in desktop.query(query)] == tasks
    assert count_rejected(laptop) == count_rejected(desktop) == 0
    ken = team.book("ken")
    team.sync(ken, KEN)  # Ken covers Acme and Initech: he sees Aoi's tasks there, once each
    seen = [tuple(row) for row in ken.query(query)]
    assert len(seen) == len(set(seen)) and set(seen) <= set(tasks)


async def test_the_demo_book_says_it_never_syncs(team: Team, tmp_path: Path) -> None:
    from csm_tui.store.settings_keys import DEMO_SETTING

    demo = team.book("demo")
    set_me(demo, "Aoi Tanaka", AOI)
    demo.set_setting(DEMO_SETTING, "{}")
    app = app_on(demo, team, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: "Local book" in indicator(app))
        await pilot.press("f5")
        await until(pilot, lambda: any("demo book" in note for note in notes(app)))
        assert any("--db team.db login" in note for note in notes(app))
