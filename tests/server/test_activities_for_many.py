"""An activity for many customers or none (issue 16) is on no account: its author's alone.

It reaches the author's feed (both protocols), never a colleague's; only the author changes or
removes it; a row claiming an audience it does not have is refused like any invalid row.
"""

from __future__ import annotations

from typing import Any

from server_kit import ALICE, BOB, Team, activity_row

from csm_tui.server.changes import write_record
from csm_tui.server.db import writing
from csm_tui.sync.http import checked_page
from csm_tui.sync.rows import ROW_MODELS


def _webinar(author: str, **fields: Any) -> dict[str, Any]:
    row = activity_row("x", author, **{"type": "training", "audience": "none", **fields})
    row["account_id"] = None
    return row


def _rows_of(team: Team, client: Any) -> list[dict[str, Any]]:
    response = client.get("/v1/sync/rows", cursor=0, limit=5000)
    assert response.status_code == 200, response.text
    page = checked_page(response.content)
    return [
        dict(zip(columns, row, strict=True))
        for table, columns, rows in page.tables
        if table == "activities"
        for row in rows
    ]


def test_work_for_no_account_reaches_its_author_only(team: Team) -> None:
    webinar = _webinar(BOB, note="Webinar: new reports")
    segment = _webinar(BOB, audience="segment", audience_segment="Enterprise")
    several = _webinar(BOB, audience="accounts", audience_accounts=f'["{team.acme}"]')
    results = team.bob.push(
        *(team.bob.insert("activities", row) for row in (webinar, segment, several))
    )
    assert [result["status"] for result in results] == ["applied"] * 3
    mine = team.bob.visible()
    for row in (webinar, segment, several):
        assert mine[("activities", row["id"])]["account_id"] is None
    assert mine[("activities", several["id"])]["audience_accounts"] == f'["{team.acme}"]'
    # Alice owns Acme with Bob: she sees his work for Acme, not his work for no account
    alice = team.alice.visible()
    assert not {webinar["id"], segment["id"], several["id"]} & {key[1] for key in alice}
    by_rows = {row["id"]: row for row in _rows_of(team, team.bob)}
    assert by_rows[segment["id"]]["audience_segment"] == "Enterprise"
    assert webinar["id"] not in {row["id"] for row in _rows_of(team, team.alice)}


def test_only_the_author_changes_or_removes_it(team: Team) -> None:
    webinar = _webinar(BOB)
    assert team.bob.push(team.bob.insert("activities", webinar))[0]["status"] == "applied"
    edit = team.alice.mutation("activities", "update", webinar["id"], {"minutes": 5})
    [refused] = team.alice.push(edit)
    assert refused["status"] == "rejected" and refused["current"]["seq"] == 0
    assert (
        team.alice.push(team.alice.mutation("activities", "delete", webinar["id"], {}))[0]["status"]
        == "rejected"
    )
    mine = team.bob.mutation("activities", "update", webinar["id"], {"minutes": 45})
    assert team.bob.push(mine)[0]["status"] == "applied"
    assert team.bob.visible()[("activities", webinar["id"])]["minutes"] == 45
    # it cannot be moved onto an account afterwards (an activity's account never changes)
    move = team.bob.mutation(
        "activities", "update", webinar["id"], {"account_id": team.acme, "audience": "account"}
    )
    assert team.bob.push(move)[0]["status"] == "rejected"
    gone = team.bob.mutation("activities", "delete", webinar["id"], {})
    assert team.bob.push(gone)[0]["status"] == "applied"
    assert ("activities", webinar["id"]) not in team.bob.visible()
    # deleting again is the same end state, for the author
    assert (
        team.bob.push(team.bob.mutation("activities", "delete", webinar["id"], {}))[0]["status"]
        == "applied"
    )


def test_nobody_logs_for_no_account_in_anothers_name(team: Team) -> None:
    forged = _webinar(BOB)
    assert team.alice.push(team.alice.insert("activities", forged))[0]["status"] == "rejected"
    assert ("activities", forged["id"]) not in team.bob.visible()


def test_an_audience_must_match_its_account(team: Team) -> None:
    on_acme_for_many = activity_row(team.acme, ALICE, audience="none")
    no_account_for_one = _webinar(ALICE, audience="account")
    results = team.alice.push(
        team.alice.insert("activities", on_acme_for_many),
        team.alice.insert("activities", no_account_for_one),
    )
    assert [result["status"] for result in results] == ["rejected", "rejected"]
    assert "exactly when" in results[0]["reason"]


def test_an_activity_stored_before_audiences_reaches_a_device_as_for_one_account(
    team: Team,
) -> None:
    old = ROW_MODELS["activities"].model_validate(activity_row(team.acme, ALICE)).model_dump()
    for column in ("audience", "audience_segment", "audience_accounts", "skills"):
        del old[column]  # as stored before they existed
    with writing(team.engine) as conn:
        write_record(conn, "activities", old, user_id=None, current=None)
    [row] = [row for row in _rows_of(team, team.alice) if row["id"] == old["id"]]
    assert (
        row["audience"],
        row["audience_segment"],
        row["audience_accounts"],
        row["skills"],
    ) == ("account", "", "[]", "[]")
