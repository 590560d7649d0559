"""A team's server that moves: the same server database under another URL (a new domain, a load
balancer in front of two hosts, a failover) is accepted and remembered; another server is not.

Every reply names the server database (`CSM-Server-Id`); a book keeps that id in its sync state.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sync_kit import AOI, KEN, ProcessServer, Team, ThreadServer, book_state, rows_of, seed_team

from csm_tui.clock import FixedClock
from csm_tui.services.activities import log_activity
from csm_tui.store import remote
from csm_tui.sync.client import sync_once
from csm_tui.sync.http import Server, SyncError
from csm_tui.sync.rows import ROW_MODELS

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def test_devices_alternating_between_two_urls_of_one_server_converge(
    server_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    """Two `server run` processes on one database, each under its own URL (two ports): every
    book moves between them at each sync, and all end with the same rows."""
    tokens, accounts = seed_team(server_url, tmp_path)
    servers = [ProcessServer(server_url, tmp_path / f"{name}.log") for name in ("a", "b")]
    for process in servers:
        process.start()
    urls = [process.url for process in servers]
    team = Team(urls[0], server_url, tokens, accounts, tmp_path, clock)
    try:
        acme = accounts["Acme Analytics"]
        books = [
            (AOI, team.book("aoi-laptop")),
            (AOI, team.book("aoi-desktop")),
            (KEN, team.book("ken")),
        ]
        for n, (email, book) in enumerate(books):  # each book joins under one of the URLs
            with Server(urls[n % 2], tokens[email]) as server:
                sync_once(book, server)
        for round_ in range(4):
            for n, (email, book) in enumerate(books):
                url = urls[(round_ + n + 1) % 2]  # the other URL each time
                for k in range(5):
                    log_activity(
                        book, acme, 10 + k, AT + timedelta(minutes=round_ * 100 + n * 10 + k)
                    )
                with Server(url, tokens[email]) as server:
                    result = sync_once(book, server)
                assert result.refused == 0
                state = remote.read_sync_state(book)
                assert state["server"] == url  # the new URL is remembered
        for _ in range(2):  # everyone hears everything, from either URL
            for n, (email, book) in enumerate(books):
                with Server(urls[n % 2], tokens[email]) as server:
                    sync_once(book, server)
        ids = {remote.read_sync_state(book)["server_id"] for _, book in books}
        assert len(ids) == 1
        acme_rows = [
            {row["id"] for row in rows_of(book, "activities", "WHERE account_id = ?", (acme,))}
            for _, book in books
        ]
        assert len(acme_rows[0]) == 4 * 3 * 5
        assert acme_rows[0] == acme_rows[1] == acme_rows[2]
        states = [book_state(book, tuple(ROW_MODELS)) for _, book in books]
        assert states[0] == states[1]  # Aoi's two devices hold the same book
        assert states[0]["activities"] == states[2]["activities"]
    finally:
        for store in team.stores:
            store.close()
        for process in servers:
            process.kill()


TwoServers = tuple[Team, list[ThreadServer], dict[str, str]]


@pytest.fixture
def two_servers(tmp_path: Path, clock: FixedClock) -> Iterator[TwoServers]:
    """Server A (one database, under two URLs) and server B (a database of its own)."""
    first = f"sqlite:///{tmp_path / 'a.db'}"
    (tmp_path / "b").mkdir()
    tokens, accounts = seed_team(first, tmp_path)
    other_tokens, _ = seed_team(f"sqlite:///{tmp_path / 'b' / 'b.db'}", tmp_path / "b")
    live = [
        ThreadServer(first),
        ThreadServer(first),
        ThreadServer(f"sqlite:///{tmp_path / 'b' / 'b.db'}"),
    ]
    team = Team(live[0].url, first, tokens, accounts, tmp_path, clock)
    try:
        yield team, live, other_tokens
    finally:
        for store in team.stores:
            store.close()
        for server in live:
            server.stop()


def test_another_server_is_refused(two_servers: TwoServers) -> None:
    team, [a, _a2, b], other_tokens = two_servers
    book = team.book("aoi")
    with Server(a.url, team.tokens[AOI]) as server:
        sync_once(book, server)
    before = remote.read_sync_state(book)
    with Server(b.url, other_tokens[AOI]) as server, pytest.raises(SyncError) as refused:
        sync_once(book, server)
    assert str(refused.value) == (
        f"This book syncs with {a.url}; use another database (--db) for {b.url}."
    )
    assert remote.read_sync_state(book) == before


def test_a_book_connected_before_server_ids_learns_its_server_first(
    two_servers: TwoServers,
) -> None:
    team, [a, a2, _b], _ = two_servers
    book = team.book("aoi")
    with Server(a.url, team.tokens[AOI]) as server:
        sync_once(book, server)
    server_id = remote.read_sync_state(book)["server_id"]
    remote.write_sync_state(book, {"server_id": None})  # as an older csm-tui left it
    with Server(a2.url, team.tokens[AOI]) as server, pytest.raises(SyncError):
        sync_once(book, server)  # nothing proves it is the same server yet
    with Server(a.url, team.tokens[AOI]) as server:
        sync_once(book, server)  # its own URL: it learns the id
    assert remote.read_sync_state(book)["server_id"] == server_id
    log_activity(book, team.accounts["Acme Analytics"], 30, AT)
    with Server(a2.url, team.tokens[AOI]) as server:
        assert sync_once(book, server).pushed == 1
    assert remote.read_sync_state(book)["server"] == a2.url


def test_the_commands_follow_a_server_that_moved(
    two_servers: TwoServers, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`csm-tui sync --server NEW` once; then plain `csm-tui sync` goes to the new address."""
    from cli_run import run

    from csm_tui.store.connection import open_store
    from csm_tui.sync.token import TOKEN_ENV

    team, [a, a2, b], other_tokens = two_servers
    db = str(team.tmp / "aoi-cli.db")
    monkeypatch.setenv(TOKEN_ENV, team.tokens[AOI])
    code, out, err = run(["sync", "--server", a.url, "--db", db], capsys)
    assert code == 0, err
    code, out, err = run(["sync", "--server", a2.url, "--db", db], capsys)
    assert code == 0 and a2.url in out, err
    code, out, err = run(["sync", "--db", db], capsys)
    assert code == 0 and a2.url in out, err
    monkeypatch.setenv(TOKEN_ENV, other_tokens[AOI])
    code, out, err = run(["sync", "--server", b.url, "--db", db], capsys)
    assert code == 1 and f"This book syncs with {a2.url}" in err
    book = open_store(Path(db))
    try:
        assert remote.read_sync_state(book)["server"] == a2.url
    finally:
        book.close()
