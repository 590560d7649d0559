"""Pull: pages in server order, tombstones for deletions and for accounts no longer mine."""

from __future__ import annotations

from typing import Any

from server_kit import ALICE, BOB, CAROL, Team, account_row, activity_row, item_row, owner_row

from csm_tui.server.db import writing
from csm_tui.server.importer import _set_owners
from csm_tui.sync.protocol import RowsPage
from csm_tui.sync.rows import ROW_MODELS, key_column


def test_pages_cover_everything_once_in_order(team: Team) -> None:
    for _ in range(3):
        team.alice.push(
            *(team.alice.insert("activities", activity_row(team.acme, ALICE)) for _ in range(10))
        )
    paged, cursor = team.alice.pull_all(limit=7)
    whole, same_cursor = team.alice.pull_all(limit=5000)
    assert [c["seq"] for c in paged] == [c["seq"] for c in whole]
    assert [c["seq"] for c in paged] == sorted({c["seq"] for c in paged})
    assert cursor == same_cursor
    assert sum(1 for c in whole if c["table"] == "activities") == 30


def test_a_pull_after_the_cursor_has_only_what_changed(team: Team) -> None:
    _, cursor = team.bob.pull_all()
    activity = activity_row(team.acme, ALICE)
    team.alice.push(team.alice.insert("activities", activity))
    changes, _ = team.bob.pull_all(cursor)
    assert [(c["table"], c["id"]) for c in changes] == [("activities", activity["id"])]
    nothing, again = team.bob.pull_all(_)
    assert nothing == [] and again == _


def test_a_row_changed_many_times_comes_once_as_it_is_now(team: Team) -> None:
    _, cursor = team.bob.pull_all()
    item = item_row(team.acme)
    team.alice.push(team.alice.insert("checklist_items", item))
    for done in (1, 0, 1):
        team.alice.push(
            team.alice.mutation("checklist_items", "update", item["id"], {"done": done})
        )
    changes, _ = team.bob.pull_all(cursor)
    assert len(changes) == 1 and changes[0]["data"]["done"] == 1


def test_a_deletion_reaches_the_others_as_a_tombstone(team: Team) -> None:
    activity = activity_row(team.acme, ALICE)
    team.alice.push(team.alice.insert("activities", activity))
    _, cursor = team.bob.pull_all()
    team.alice.push(team.alice.mutation("activities", "delete", activity["id"], {}))
    changes, _ = team.bob.pull_all(cursor)
    assert [(c["id"], c["deleted"], c["data"]) for c in changes] == [(activity["id"], True, None)]


def test_a_new_device_gets_live_rows_only(team: Team) -> None:
    rows = [activity_row(team.acme, ALICE) for _ in range(20)]
    team.alice.push(*(team.alice.insert("activities", row) for row in rows))
    team.alice.push(
        *(team.alice.mutation("activities", "delete", row["id"], {}) for row in rows[:18])
    )
    first = team.bob.get("/v1/sync/pull", cursor=0, limit=1).json()
    fresh_until = first["high_water"]
    changes, _ = team.bob.pull_all(0, fresh_until=fresh_until)
    assert not any(c["deleted"] for c in changes)
    assert sum(1 for c in changes if c["table"] == "activities") == 2
    # a deletion after the start still arrives
    team.alice.push(team.alice.mutation("activities", "delete", rows[18]["id"], {}))
    late, _ = team.bob.pull_all(0, fresh_until=fresh_until)
    assert [c["id"] for c in late if c["deleted"]] == [rows[18]["id"]]


def test_an_account_taken_away_becomes_a_tombstone_and_a_new_owner_gets_all_of_it(
    team: Team,
) -> None:
    team.alice.push(team.alice.insert("activities", activity_row(team.acme, ALICE)))
    _, bob_cursor = team.bob.pull_all()
    _, carol_cursor = team.carol.pull_all()
    with writing(team.engine) as conn:  # the admin re-imports Acme with Carol instead of Bob
        _set_owners(conn, team.acme, [(ALICE, "primary"), (CAROL, "secondary")], "now")
    bob_changes, _ = team.bob.pull_all(bob_cursor)
    tombstones = [(c["table"], c["id"]) for c in bob_changes if c["deleted"]]
    assert ("accounts", team.acme) in tombstones
    assert all(c["data"] is None for c in bob_changes if c["table"] == "accounts")
    assert team.bob.get(f"/v1/accounts/{team.acme}").status_code == 404
    carol_changes, _ = team.carol.pull_all(carol_cursor)
    tables = [c["table"] for c in carol_changes if c["account_id"] == team.acme]
    assert tables[0] == "accounts"  # parents first
    assert {"accounts", "owners", "activities"} <= set(tables)
    assert (
        team.bob.visible()
        .keys()
        .isdisjoint(
            {key for key, row in team.carol.visible().items() if row.get("account_id") == team.acme}
        )
    )


def test_a_deleted_account_takes_its_rows_along(team: Team) -> None:
    team.alice.push(team.alice.insert("activities", activity_row(team.acme, ALICE)))
    _, cursor = team.bob.pull_all()
    result = team.alice.push(team.alice.mutation("accounts", "delete", team.acme, {}))[0]
    assert result["status"] == "applied"
    changes, _ = team.bob.pull_all(cursor)
    assert [(c["table"], c["deleted"]) for c in changes] == [("accounts", True)]
    assert not any(row.get("account_id") == team.acme for row in team.bob.visible().values())


def test_a_secondary_owner_cannot_delete_the_account(team: Team) -> None:
    assert team.bob.push(team.bob.mutation("accounts", "delete", team.acme, {}))[0]["status"] == (
        "rejected"
    )


def test_a_new_account_is_its_creators_until_it_has_a_primary_owner(team: Team) -> None:
    mine = account_row("Initech")
    carol = team.carol
    results = carol.push(
        carol.insert("accounts", mine),
        carol.insert("owners", owner_row(mine["id"], CAROL, "primary")),
    )
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert carol.get(f"/v1/accounts/{mine['id']}").status_code == 200
    two_primaries = carol.push(carol.insert("owners", owner_row(mine["id"], BOB, "primary")))[0]
    assert two_primaries["status"] == "rejected"
    handover = carol.push(  # as the client writes a handover: demote first, then appoint
        carol.mutation("owners", "update", _owner_id(team, mine["id"]), {"role": "secondary"}),
        carol.insert("owners", owner_row(mine["id"], BOB, "primary")),
    )
    assert [r["status"] for r in handover] == ["applied", "applied"]
    assert team.bob.get(f"/v1/accounts/{mine['id']}").status_code == 200
    # Carol is secondary now: she can no longer change the owners
    denied = carol.push(carol.insert("owners", owner_row(mine["id"], ALICE, "secondary")))[0]
    assert denied["status"] == "rejected"


def _owner_id(team: Team, account_id: str) -> str:
    rows = team.carol.visible()
    return next(
        key[1]
        for key, row in rows.items()
        if key[0] == "owners" and row["account_id"] == account_id
    )


def test_read_receipts_reach_only_their_reader(team: Team) -> None:
    receipt = {
        "id": "r1",
        "note_id": "n1",
        "account_id": team.acme,
        "reader_email": BOB,
        "read_version": 1,
        "read_at": "2026-11-27T09:00:00+00:00",
    }
    assert team.bob.push(team.bob.insert("handoff_reads", receipt))[0]["status"] == "applied"
    assert ("handoff_reads", "r1") in team.bob.visible()
    assert ("handoff_reads", "r1") not in team.alice.visible()
    forged = {**receipt, "id": "r2", "reader_email": ALICE}
    assert team.bob.push(team.bob.insert("handoff_reads", forged))[0]["status"] == "rejected"


def test_pull_parameters_are_checked(team: Team) -> None:
    for params in ({"cursor": -1}, {"limit": 0}, {"limit": 100_000}, {"cursor": "x"}):
        response = team.alice.get("/v1/sync/pull", **params)
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_request"


def _rows_pages(client: Any, limit: int, **params: Any) -> tuple[list[dict[str, Any]], int]:
    """Every page of `/v1/sync/rows`, turned back into the changes of `/v1/sync/pull`."""
    changes: list[dict[str, Any]] = []
    cursor = 0
    while True:
        response = client.get("/v1/sync/rows", cursor=cursor, limit=limit, **params)
        assert response.status_code == 200, response.text
        page = RowsPage.model_validate_json(response.content)
        for group in page.tables:
            assert group.columns == list(ROW_MODELS[group.table].model_fields)
            assert len(group.seqs) == len(group.rows)
            for seq, values in zip(group.seqs, group.rows, strict=True):
                data = dict(zip(group.columns, values, strict=True))
                changes.append(
                    {"seq": seq, "table": group.table, "id": data[key_column(group.table)]}
                    | {"deleted": False, "data": data}
                )
        for gone in page.deleted:
            changes.append(gone.model_dump() | {"deleted": True, "data": None})
        seqs = [change["seq"] for change in changes]
        assert page.cursor == (max(seqs) if seqs else cursor)
        cursor = page.cursor
        if not page.has_more:
            return sorted(changes, key=lambda change: change["seq"]), cursor


def test_rows_pages_hold_what_pull_pages_hold(team: Team) -> None:
    rows = [activity_row(team.acme, ALICE, note='株式会社サクラ "quoted", 1,2') for _ in range(9)]
    team.alice.push(*(team.alice.insert("activities", row) for row in rows))
    team.alice.push(team.alice.mutation("activities", "delete", rows[0]["id"], {}))
    team.alice.push(team.alice.mutation("activities", "update", rows[1]["id"], {"minutes": 7}))
    expected, cursor = team.bob.pull_all(limit=4)
    expected = [{k: v for k, v in c.items() if k != "account_id"} for c in expected]
    assert any(c["deleted"] for c in expected)
    for limit in (1, 4, 5000):
        assert _rows_pages(team.bob, limit) == (expected, cursor)
    fresh, _ = _rows_pages(team.bob, 3, fresh_until=cursor)  # a new device: live rows only
    assert fresh == [c for c in expected if not c["deleted"]]


def test_rows_parameters_are_checked(team: Team) -> None:
    for params in ({"cursor": -1}, {"limit": 0}, {"limit": 100_000}, {"fresh_until": "x"}):
        response = team.alice.get("/v1/sync/rows", **params)
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_request"
