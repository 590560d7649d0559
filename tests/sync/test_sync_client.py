"""The sync client against a real server: connecting a book, push, pull, refusals, rebase."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sync_kit import AOI, FAST, KEN, Team, rows_of

from csm_tui.services.activities import edit_activity, log_activity
from csm_tui.store import remote
from csm_tui.sync.client import LocalBook
from csm_tui.sync.http import SyncError

AT = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


def test_a_new_book_gets_my_accounts_and_knows_who_i_am(team: Team) -> None:
    book = team.book("aoi")
    result = team.sync(book, AOI)
    names = {row["name"] for row in rows_of(book, "accounts")}
    assert names == {"Acme Analytics", "株式会社サクラ精機", "Globex Logistics", "Initech"}
    assert book.get_setting("me.email") == AOI
    assert len(rows_of(book, "checklist_items")) > 40  # the roadmaps made by the server import
    assert result.pulled > 40 and result.pushed == 1  # my user row, from the first start
    assert remote.count_pending(book, int(remote.read_sync_state(book)["acked_through"])) == 0
    # the book's search column is filled, so the filter finds pulled accounts
    assert rows_of(book, "accounts", "WHERE search LIKE '%さくら%'")


def test_an_activity_logged_offline_reaches_the_colleague_once(team: Team) -> None:
    aoi, ken = team.book("aoi"), team.book("ken")
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    acme = team.accounts["Acme Analytics"]
    activity = log_activity(aoi, acme, 45, AT, note="QBRの準備")
    assert team.sync(aoi, AOI).pushed == 1
    team.sync(ken, KEN)
    team.sync(ken, KEN)
    found = rows_of(ken, "activities", "WHERE account_id = ?", (acme,))
    assert [(row["id"], row["minutes"], row["note"]) for row in found] == [
        (activity.id, 45, "QBRの準備")
    ]


def test_an_empty_sync_is_one_round_trip(team: Team) -> None:
    book = team.book("aoi")
    team.sync(book, AOI)
    assert team.sync(book, AOI).requests == 1


def test_a_book_made_offline_is_not_sent_without_consent(team: Team) -> None:
    from csm_tui.models.account import Account
    from csm_tui.services.accounts import create_account
    from csm_tui.services.identity import set_me

    book = team.book("imported")
    set_me(book, "Aoi Tanaka", AOI)
    mine = create_account(book, Account(name="Local Only KK"), primary_owner=AOI)
    with pytest.raises(LocalBook, match="push-local"):
        team.sync(book, AOI)
    assert remote.read_sync_state(book) == {}
    assert {row["name"] for row in rows_of(book, "accounts")} == {"Local Only KK"}
    result = team.sync(book, AOI, push_local=True)
    assert result.refused == 0
    ken = team.book("ken")
    team.sync(ken, KEN)
    assert not rows_of(ken, "accounts", "WHERE id = ?", (mine.id,))  # Aoi's alone
    assert {row["name"] for row in rows_of(book, "accounts")} >= {"Local Only KK", "Initech"}


def test_the_demo_book_never_syncs(team: Team) -> None:
    from csm_tui.store.settings_keys import DEMO_SETTING

    book = team.book("demo")
    book.set_setting(DEMO_SETTING, "{}")
    with pytest.raises(SyncError, match="demo"):
        team.sync(book, AOI)


def test_a_book_of_someone_else_is_refused(team: Team) -> None:
    from csm_tui.services.identity import set_me

    book = team.book("ken-book")
    set_me(book, "Ken Sato", KEN)
    with pytest.raises(SyncError, match="belongs to"):
        team.sync(book, AOI)


def test_a_book_stays_with_its_server(team: Team) -> None:
    from csm_tui.sync.client import connect
    from csm_tui.sync.http import Server

    book = team.book("aoi")
    team.sync(book, AOI)
    before = remote.read_sync_state(book)
    with (  # another address must prove it is the same server (test_server_moves.py)
        Server("http://127.0.0.1:9", team.tokens[AOI], policy=FAST) as other,
        pytest.raises(SyncError, match="Cannot reach"),
    ):
        connect(book, other)
    assert remote.read_sync_state(book) == before


def test_a_refused_change_is_kept_for_the_user_and_the_servers_row_comes_back(
    team: Team,
) -> None:
    aoi, ken = team.book("aoi"), team.book("ken")
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    acme = team.accounts["Acme Analytics"]
    activity = log_activity(ken, acme, 30, AT)
    team.sync(ken, KEN)
    team.sync(aoi, AOI)
    edit_activity(aoi, activity.id, minutes=5)  # Ken's activity: only Ken changes it
    result = team.sync(aoi, AOI)
    assert result.refused == 1
    assert rows_of(aoi, "activities", "WHERE id = ?", (activity.id,))[0]["minutes"] == 30
    refused = remote.rejected_entries(aoi)
    assert len(refused) == 1 and refused[0]["table_name"] == "activities"
    assert "ken.sato@example.com" in refused[0]["reason"]
    # and the queue went on: nothing pending, later changes still go through
    log_activity(aoi, acme, 20, AT)
    assert team.sync(aoi, AOI).refused == 0


def test_a_pull_never_undoes_a_change_not_yet_sent(team: Team) -> None:
    from csm_tui.sync.client import SyncResult, _pull_all, connect

    aoi, ken = team.book("aoi"), team.book("ken")
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    item = rows_of(
        aoi, "checklist_items", "WHERE account_id = ? LIMIT 1", (team.accounts["Acme Analytics"],)
    )[0]
    with aoi.transaction() as tx:  # Aoi ticks it, offline
        tx.update("checklist_items", item["id"], {"done": 1, "done_by": AOI})
    with ken.transaction() as tx:  # Ken renames it and syncs
        tx.update("checklist_items", item["id"], {"title": "Kickoff held (with IT)"})
    team.sync(ken, KEN)
    with team.server(AOI) as server:  # a pull before Aoi's push
        state = connect(aoi, server)
        _pull_all(aoi, server, state, SyncResult(server.url), None)
    row = rows_of(aoi, "checklist_items", "WHERE id = ?", (item["id"],))[0]
    assert (row["title"], row["done"]) == ("Kickoff held (with IT)", 1)
    team.sync(aoi, AOI)
    team.sync(ken, KEN)
    again = rows_of(ken, "checklist_items", "WHERE id = ?", (item["id"],))[0]
    assert (again["title"], again["done"], again["done_by"]) == ("Kickoff held (with IT)", 1, AOI)


def test_a_book_never_syncs_with_another_users_token(team: Team) -> None:
    """Issue 19.4: the token's user is checked on every sync, not only the first: a book of Aoi
    given Ken's token (the keyring's entry of another book) sends and receives nothing."""
    from csm_tui.sync.client import WrongUser

    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    log_activity(aoi, team.accounts["Acme Analytics"], 20, AT)
    before = {table: rows_of(aoi, table) for table in ("accounts", "activities", "owners")}
    state = remote.read_sync_state(aoi)
    with pytest.raises(WrongUser, match=rf"{re.escape(AOI)}.*{re.escape(KEN)}"):
        team.sync(aoi, KEN)
    assert {table: rows_of(aoi, table) for table in before} == before
    assert remote.read_sync_state(aoi) == state  # nothing acknowledged, nothing pulled
    assert team.sync(aoi, AOI).pushed == 1  # her own token still works
