"""A calendar mark (what a user did with a meeting of their calendar, issue 15) is its user's
alone, like a read receipt: never in a co-owner's feed or history, never written for another."""

from __future__ import annotations

from server_kit import ALICE, BOB, Team, new_id


def _mark(team: Team, user: str) -> dict[str, object]:
    return {
        "id": new_id(),
        "account_id": team.acme,
        "user_email": user,
        "key": "qbr@google.com",
        "state": "dismissed",
        "starts_at": "2026-11-20T10:00:00+09:00",
        "minutes": 45,
        "activity_id": None,
        "marked_at": "2026-11-27T09:00:00+00:00",
    }


def test_a_mark_is_its_users_alone(team: Team) -> None:
    mark = _mark(team, BOB)
    assert team.bob.push(team.bob.insert("calendar_marks", mark))[0]["status"] == "applied"
    assert ("calendar_marks", mark["id"]) in team.bob.visible()
    assert not [key for key in team.alice.visible() if key[0] == "calendar_marks"]  # co-owner
    path = f"/v1/history/calendar_marks/{mark['id']}"
    assert team.bob.get(path).status_code == 200
    hidden, missing = team.alice.get(path), team.alice.get(f"/v1/history/calendar_marks/{new_id()}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_nobody_marks_for_another(team: Team) -> None:
    theirs = _mark(team, BOB)
    assert team.alice.push(team.alice.insert("calendar_marks", theirs))[0]["status"] == "rejected"
    mine = _mark(team, ALICE)
    assert team.alice.push(team.alice.insert("calendar_marks", mine))[0]["status"] == "applied"
    change = team.alice.mutation("calendar_marks", "update", str(mine["id"]), {"user_email": BOB})
    assert team.alice.push(change)[0]["status"] == "rejected"
