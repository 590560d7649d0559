"""Fixtures of the sync tests: a team on a real server (SQLite, then PostgreSQL), client books.

The team: Aoi (primary owner of Acme, the Japanese 株式会社サクラ精機 and Globex, secondary on
Initech), Ken (secondary on Acme, primary of Initech) and Carol, who owns nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "server"))  # the shared server fixtures

from server_fixtures import server_url
from sync_kit import ProcessServer, Team, ThreadServer, seed_team

from csm_tui.clock import FixedClock

__all__ = ["server_url"]


@contextmanager
def _thread_team(url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Team]:
    tokens, accounts = seed_team(url, tmp_path)
    live = ThreadServer(url)
    team = Team(live.url, url, tokens, accounts, tmp_path, clock)
    try:
        yield team
    finally:
        for store in team.stores:
            store.close()
        live.stop()


@contextmanager
def _process_team(
    url: str, tmp_path: Path, clock: FixedClock
) -> Iterator[tuple[Team, ProcessServer]]:
    tokens, accounts = seed_team(url, tmp_path)
    server = ProcessServer(url, tmp_path / "server.log")
    server.start()
    team = Team(server.url, url, tokens, accounts, tmp_path, clock)
    try:
        yield team, server
    finally:
        for store in team.stores:
            store.close()
        server.kill()


@pytest.fixture
def team(server_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Team]:
    """The team on a server thread, on SQLite and on PostgreSQL."""
    with _thread_team(server_url, tmp_path, clock) as team:
        yield team


@pytest.fixture
def sqlite_team(tmp_path: Path, clock: FixedClock) -> Iterator[Team]:
    """For what does not depend on the server's database (the client's own crash safety)."""
    with _thread_team(f"sqlite:///{tmp_path / 'server.db'}", tmp_path, clock) as team:
        yield team


@pytest.fixture
def process_team(
    server_url: str, tmp_path: Path, clock: FixedClock
) -> Iterator[tuple[Team, ProcessServer]]:
    """The team on `csm-tui server run` as a child process (for tests that kill it)."""
    with _process_team(server_url, tmp_path, clock) as found:
        yield found


@pytest.fixture
def sqlite_process_team(tmp_path: Path, clock: FixedClock) -> Iterator[tuple[Team, ProcessServer]]:
    """A server process on an SQLite file (a backup is a copy of the file)."""
    with _process_team(f"sqlite:///{tmp_path / 'server.db'}", tmp_path, clock) as found:
        yield found
