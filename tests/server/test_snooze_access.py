"""An account set aside on Today (issue 14) is its user's alone, like a calendar mark: never in a
co-owner's feed or history, never written for another."""

from __future__ import annotations

from server_kit import ALICE, BOB, Team, new_id


def _snooze(team: Team, user: str) -> dict[str, object]:
    return {
        "id": new_id(),
        "account_id": team.acme,
        "user_email": user,
        "until": "2026-12-04",
        "reason": "waiting for their budget",
        "snoozed_on": "2026-11-27",
        "updated_at": "2026-11-27T09:00:00+00:00",
    }


def test_a_snooze_is_its_users_alone(team: Team) -> None:
    snooze = _snooze(team, BOB)
    assert team.bob.push(team.bob.insert("account_snoozes", snooze))[0]["status"] == "applied"
    assert ("account_snoozes", snooze["id"]) in team.bob.visible()
    assert not [key for key in team.alice.visible() if key[0] == "account_snoozes"]  # co-owner
    path = f"/v1/history/account_snoozes/{snooze['id']}"
    assert team.bob.get(path).status_code == 200
    assert team.alice.get(path).status_code == 404


def test_nobody_snoozes_for_another(team: Team) -> None:
    theirs = _snooze(team, BOB)
    assert team.alice.push(team.alice.insert("account_snoozes", theirs))[0]["status"] == "rejected"
    mine = _snooze(team, ALICE)
    assert team.alice.push(team.alice.insert("account_snoozes", mine))[0]["status"] == "applied"
    change = team.alice.mutation("account_snoozes", "update", str(mine["id"]), {"user_email": BOB})
    assert team.alice.push(change)[0]["status"] == "rejected"
    bad = {**_snooze(team, ALICE), "until": "next week"}
    assert team.alice.push(team.alice.insert("account_snoozes", bad))[0]["status"] == "rejected"
