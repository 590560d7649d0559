"""Fixtures of the sync tests: a team on a real server (SQLite, then PostgreSQL), client books.

The team: Aoi (primary owner of Acme, the Japanese 株式会社サクラ精機 and Globex, secondary on
Initech), Ken (secondary on Acme, primary of Initech) and Carol, who owns nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "server"))  # the shared server fixtures

from server_fixtures import server_url
from sync_kit import ProcessServer, Team, ThreadServer, seed_team

from csm_tui.clock import FixedClock

__all__ = ["server_url"]


@pytest.fixture
def team(server_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Team]:
    tokens, accounts = seed_team(server_url, tmp_path)
    live = ThreadServer(server_url)
    team = Team(live.url, server_url, tokens, accounts, tmp_path, clock)
    try:
        yield team
    finally:
        for store in team.stores:
            store.close()
        live.stop()


@pytest.fixture
def process_server(server_url: str, tmp_path: Path) -> Iterator[ProcessServer]:
    server = ProcessServer(server_url, tmp_path / "server.log")
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def process_team(
    server_url: str, tmp_path: Path, clock: FixedClock, process_server: ProcessServer
) -> Iterator[tuple[Team, ProcessServer]]:
    """The team on `csm-tui server run` as a child process (for tests that kill it)."""
    tokens, accounts = seed_team(server_url, tmp_path)
    process_server.start()
    team = Team(process_server.url, server_url, tokens, accounts, tmp_path, clock)
    try:
        yield team, process_server
    finally:
        for store in team.stores:
            store.close()
