"""A new device's first download as a snapshot (issue 17): the user's live rows at one sequence
in the order of their ids, then the feed from there. It must give the book the feed alone gives,
for every user whatever they may see, also when rows change while it runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import httpx
import pytest
from sync_kit import ACCOUNTS_CSV, AOI, CAROL, KEN, Team, book_state, engine_for, rows_of

from csm_tui.server.importer import import_accounts
from csm_tui.services.activities import delete_activity, edit_activity, log_activity
from csm_tui.services.handoff import NoteFields, write_note
from csm_tui.store import remote
from csm_tui.store.connection import Store
from csm_tui.sync import client
from csm_tui.sync.protocol import NEXT_CURSOR_HEADER

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


class Watching(httpx.BaseTransport):
    """Passes requests through; notes the snapshot positions asked for and calls `then` once,
    after the first page of a snapshot."""

    def __init__(self, then: Callable[[], None] | None = None) -> None:
        self.real = httpx.HTTPTransport()
        self.then = then
        self.positions: list[str] = []
        self.named: list[str | None] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.real.handle_request(request)
        position = request.url.params.get("snapshot")
        if request.url.path == "/v1/sync/rows" and position is not None:
            response.read()
            self.positions.append(position)
            self.named.append(response.headers.get(NEXT_CURSOR_HEADER))
            if self.then is not None:
                then, self.then = self.then, None
                then()
        return response


def _feed_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A first download as before the snapshot: the feed from 0, deletions left out."""
    monkeypatch.setattr(client, "_pull_snapshot", lambda *args: None)


def _world(team: Team) -> dict[str, Store]:
    """Three users who see different things: Aoi owns Acme, Sakura and Globex and is secondary
    on Initech; Ken lost Acme after working on it; Carol owns nothing. Each has private rows
    (a read receipt), deletions and edits."""
    aoi, ken, carol = team.book("aoi"), team.book("ken"), team.book("carol")
    for book, email in ((aoi, AOI), (ken, KEN), (carol, CAROL)):
        team.sync(book, email)
    acme, initech = team.accounts["Acme Analytics"], team.accounts["Initech"]
    for n in range(7):
        log_activity(aoi, acme, 10 + n, AT, note=f"Aoi {n}")
        log_activity(ken, initech, 20 + n, AT, note=f"Ken {n}")
    gone = log_activity(ken, acme, 5, AT, note="Ken on Acme")
    write_note(aoi, acme, NoteFields(situation="renewal at risk"))
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    delete_activity(ken, gone.id)
    edit_activity(ken, rows_of(ken, "activities", "WHERE note = 'Ken 3'")[0]["id"], minutes=45)
    team.sync(ken, KEN)
    team.sync(aoi, AOI)  # Aoi reads what Ken did: nothing private to Ken reaches her
    engine = engine_for(team.database)  # Ken loses Acme
    path = team.tmp / "moved.csv"
    path.write_text(ACCOUNTS_CSV.replace(f"{AOI},{KEN}\n", f"{AOI},\n"), encoding="utf-8")
    import_accounts(engine, path, now=AT.isoformat(), today=date(2026, 11, 27))
    engine.dispose()
    return {AOI: aoi, KEN: ken, CAROL: carol}


def test_a_snapshot_gives_each_user_the_book_the_feed_gives(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "DEFAULT_PULL_LIMIT", 4)
    _world(team)
    acme = team.accounts["Acme Analytics"]
    for email in (AOI, KEN, CAROL):
        watching = Watching()
        snapshot = team.book(f"snapshot-{email}")
        team.sync(snapshot, email, transport=watching)
        assert watching.positions[0] == "0" and (len(watching.positions) > 1 or email == CAROL)
        assert watching.positions[1:] == watching.named[:-1] and watching.named[-1] is None
        with monkeypatch.context() as patched:
            _feed_only(patched)
            feed = team.book(f"feed-{email}")
            team.sync(feed, email)
        assert book_state(snapshot) == book_state(feed), email
        state = remote.read_sync_state(snapshot)
        assert "snapshot" not in state and "fresh_until" not in state
        assert int(state["cursor"]) >= int(remote.read_sync_state(feed)["cursor"]) - 1000
    ken = team.book("ken-again")
    team.sync(ken, KEN)
    assert not rows_of(ken, "accounts", "WHERE id = ?", (acme,))
    assert not rows_of(ken, "activities", "WHERE account_id = ?", (acme,))
    assert rows_of(ken, "activities", "WHERE note = 'Ken 3' AND minutes = 45")
    carol = team.book("carol-again")
    team.sync(carol, CAROL)
    assert not rows_of(carol, "accounts") and not rows_of(carol, "activities")


def test_what_changes_during_a_snapshot_comes_with_the_feed_after_it(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "DEFAULT_PULL_LIMIT", 3)
    books = _world(team)
    ken = books[KEN]
    initech = team.accounts["Initech"]
    first = rows_of(ken, "activities", "WHERE note = 'Ken 0'")[0]["id"]
    last = rows_of(ken, "activities", "WHERE note = 'Ken 6'")[0]["id"]

    def meanwhile() -> None:  # Ken changes what Aoi sees of Initech, while her snapshot runs
        edit_activity(ken, first, minutes=99)
        delete_activity(ken, last)
        log_activity(ken, initech, 7, AT, note="during the snapshot")
        team.sync(ken, KEN)

    watching = Watching(then=meanwhile)
    aoi = team.book("aoi-new")
    team.sync(aoi, AOI, transport=watching)
    assert len(watching.positions) > 2
    fresh = team.book("aoi-after")
    team.sync(fresh, AOI)
    assert book_state(aoi) == book_state(fresh)
    assert rows_of(aoi, "activities", "WHERE id = ? AND minutes = 99", (first,))
    assert not rows_of(aoi, "activities", "WHERE id = ?", (last,))
    assert rows_of(aoi, "activities", "WHERE note = 'during the snapshot'")


def test_a_snapshot_cut_short_goes_on_where_it_stopped(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(client, "DEFAULT_PULL_LIMIT", 3)
    _world(team)

    class Failing(Watching):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if len(self.positions) == 3:
                raise httpx.ConnectError("cable pulled")
            return super().handle_request(request)

    aoi = team.book("aoi-new")
    watching = Failing()
    with pytest.raises(client.SyncError):
        team.sync(aoi, AOI, transport=watching)
    state = remote.read_sync_state(aoi)
    assert state["snapshot"].startswith(state["cursor"] + "/") and "fresh_until" in state
    resumed = Watching()
    team.sync(aoi, AOI, transport=resumed)
    assert resumed.positions[0] == state["snapshot"]  # not the start again
    fresh = team.book("aoi-fresh")
    team.sync(fresh, AOI)
    assert book_state(aoi) == book_state(fresh)
