"""The app's CRM sync in the background (services/crm_background.py): a pass against the
HubSpot stand-in, an error as a status, and a CRM that hangs never holding up logging."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import HUBSPOT_MAP
from fake_hubspot import FakeHubSpot

from csm_tui.clock import FixedClock
from csm_tui.crm.http import Policy
from csm_tui.i18n import set_language
from csm_tui.services import crm
from csm_tui.services.activities import log_activity
from csm_tui.services.crm_background import CrmRunner, CrmStatus, run_pass
from csm_tui.store.accounts import find_account_by_external_id
from csm_tui.store.connection import Store

Fake = tuple[FakeHubSpot, str]


@pytest.fixture
def connected(
    store: Store, me: object, hubspot: Fake, no_wait: Policy, monkeypatch: pytest.MonkeyPatch
) -> str:
    """Acme pulled into a connected book; returns its account id."""
    fake, url = hubspot
    monkeypatch.setenv("CSM_TUI_CRM_TOKEN", fake.token)
    acme = fake.add_company("Acme", fake.owners[0]["id"])
    crm.connect(store, "hubspot", fake.token, url=url, map_options=HUBSPOT_MAP, policy=no_wait)
    crm.sync(store, fake.token, policy=no_wait)
    account = find_account_by_external_id(store, acme)
    assert account is not None
    return account.id


def test_a_pass_in_the_background_reports_synced_then_an_error(
    store: Store, connected: str, hubspot: Fake, clock: FixedClock
) -> None:
    fake = hubspot[0]
    fake.add_company("Beta", fake.owners[0]["id"])
    fake.now_ms += 3_600_000
    status = run_pass(store.path, clock)
    assert (status.connected, status.state, status.changed) == (True, "synced", True)
    fake.fail("search", 401, times=20, category="INVALID_AUTHENTICATION")
    status = run_pass(store.path, clock)
    assert status.state == "error" and status.message
    assert crm.status(store)["last_pass"]["error"]


def test_a_book_without_a_crm_shows_nothing(store: Store, clock: FixedClock) -> None:
    seen: list[CrmStatus] = []
    runner = CrmRunner(store.path, clock, seen.append, every=0.01)
    runner.start()
    assert runner._thread is not None
    runner._thread.join(10)
    assert seen == []


def test_the_runner_says_syncing_then_synced_and_keeps_the_last_good_time(
    store: Store, connected: str, clock: FixedClock
) -> None:
    seen: list[CrmStatus] = []
    results = [CrmStatus(True, "synced", at=clock.now()), CrmStatus(True, "error", message="down")]
    done = threading.Event()

    def one_pass(_path: Path, _clock: object) -> CrmStatus:
        if len(results) == 1:
            done.set()
        return results.pop(0) if results else CrmStatus(True, "error", message="down")

    runner = CrmRunner(store.path, clock, seen.append, every=0.01, one_pass=one_pass)
    runner.start()
    assert done.wait(10)
    time.sleep(0.1)
    runner.stop()
    states = [status.state for status in seen]
    assert states[:4] == ["synced", "syncing", "synced", "syncing"], states
    error = next(status for status in seen if status.state == "error")
    assert error.at == clock.now()  # "synced 3 min ago" is still known while it fails


def test_a_hanging_crm_never_holds_up_logging(
    store: Store, connected: str, hubspot: Fake, clock: FixedClock
) -> None:
    fake = hubspot[0]
    log_activity(store, connected, 30, clock.now() - timedelta(hours=1))
    fake.hold_creates = True  # the CRM takes the create and does not answer
    passing = threading.Thread(target=run_pass, args=(store.path, clock), daemon=True)
    passing.start()
    try:
        assert fake.created.wait(30)
        started = time.monotonic()
        log_activity(store, connected, 15, clock.now())
        assert time.monotonic() - started < 1.0
    finally:
        fake.released.set()
        passing.join(30)


@pytest.mark.parametrize(
    ("language", "minutes", "shown"),
    [
        ("en", 0, "CRM: synced just now"),
        ("en", 3, "CRM: synced 3 min ago"),
        ("ja", 3, "CRM: 3 分前に同期"),
    ],
)
def test_the_label(clock: FixedClock, language: str, minutes: int, shown: str) -> None:
    set_language(language)
    try:
        at = clock.now() - timedelta(minutes=minutes)
        assert CrmStatus(True, "synced", at=at).label(clock.now()) == shown
    finally:
        set_language("en")


async def test_the_app_runs_the_pass_and_its_title_bar_says_so(
    store: Store,
    connected: str,
    hubspot: Fake,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    from csm_tui.config import Config
    from csm_tui.services.session import Session
    from csm_tui.ui import app as app_module
    from csm_tui.ui.textual_ext.title_bar import TitleBar

    monkeypatch.setattr(app_module, "CRM_START_DELAY", 0.1)
    fake = hubspot[0]
    fake.add_company("Beta", fake.owners[0]["id"])
    fake.now_ms += 3_600_000
    config = Config(theme="csm-dark", language="en", path=tmp_path / "config.toml")
    app = app_module.CsmApp(Session(store, clock), config, landing="book", sync=True)
    async with app.run_test(size=(140, 30)) as pilot:
        for _ in range(200):
            status = app.crm_status
            if status is not None and status.state == "synced" and status.changed:
                break
            await asyncio.sleep(0.05)
        await pilot.pause()
        assert app.crm_status is not None and app.crm_status.state == "synced"
        assert "CRM: synced just now" in str(app.screen.query_one(TitleBar).render())
        assert store.query_one("SELECT 1 FROM accounts WHERE name = 'Beta'") is not None
