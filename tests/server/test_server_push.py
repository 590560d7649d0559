"""Push: exactly once, per-mutation results, and the conflict rules of each kind of record."""

from __future__ import annotations

from typing import Any

from server_kit import (
    ALICE,
    BOB,
    CAROL,
    Team,
    account_row,
    activity_row,
    item_row,
    new_id,
    note_row,
    owner_row,
)


def test_a_replayed_mutation_answers_duplicate_and_applies_once(team: Team) -> None:
    activity = activity_row(team.acme, ALICE)
    mutation = team.alice.insert("activities", activity)
    first = team.alice.push(mutation)[0]
    again = team.alice.push(mutation)[0]  # the response of the first push was "lost"
    assert first["status"] == "applied"
    assert again["status"] == "duplicate"
    assert again["server_seq"] == first["server_seq"]
    history = team.alice.get(f"/v1/history/activities/{activity['id']}").json()
    assert len(history) == 1


def test_a_replay_of_a_refused_mutation_says_so_again(team: Team) -> None:
    mutation = team.alice.insert("activities", activity_row(team.sakura, ALICE))
    assert team.alice.push(mutation)[0]["status"] == "rejected"
    replay = team.alice.push(mutation)[0]
    assert replay["status"] == "duplicate"
    assert replay["reason"].startswith("rejected:")
    assert replay["current"]["deleted"] is True


def test_one_invalid_mutation_does_not_block_the_others(team: Team) -> None:
    good = activity_row(team.acme, ALICE)
    bad = activity_row(team.acme, ALICE, minutes=0)
    long_note = activity_row(team.acme, ALICE, note="x" * 20_001)
    later = activity_row(team.acme, ALICE, minutes=15)
    results = team.alice.push(
        team.alice.insert("activities", good),
        team.alice.insert("activities", bad),
        team.alice.insert("activities", long_note),
        team.alice.mutation("no_such_table", "insert", "x", {"id": "x"}),
        team.alice.insert("activities", later),
    )
    assert [r["status"] for r in results] == [
        "applied",
        "rejected",
        "rejected",
        "rejected",
        "applied",
    ]
    assert results[1]["reason"].startswith("minutes:")
    assert results[2]["reason"].startswith("note:")
    assert "no_such_table" in results[3]["reason"]


def test_the_device_sequence_must_grow_and_a_copied_database_is_caught(team: Team) -> None:
    team.alice.push(team.alice.insert("activities", activity_row(team.acme, ALICE)))
    copy = team.client(ALICE, team.alice.token)
    copy.client_id, copy.seq = team.alice.client_id, team.alice.seq - 1  # same id, same seq
    response = copy.push_raw(copy.insert("activities", activity_row(team.acme, ALICE)))
    assert response.status_code == 409
    assert response.json()["code"] == "device_reused"


def test_a_push_before_registering_is_refused(team: Team) -> None:
    stranger = team.client(ALICE, team.alice.token)
    response = stranger.push_raw(stranger.insert("activities", activity_row(team.acme, ALICE)))
    assert response.status_code == 409
    assert response.json()["code"] == "unknown_device"


def test_registering_twice_keeps_the_device_position(team: Team) -> None:
    team.alice.push(team.alice.insert("activities", activity_row(team.acme, ALICE)))
    again = team.alice.register().json()
    assert again["last_seq"] == team.alice.seq


def test_the_response_reports_the_previous_position(team: Team) -> None:
    response = team.alice.push_raw(team.alice.insert("activities", activity_row(team.acme, ALICE)))
    body = response.json()
    assert body["previous_last_seq"] == 0
    assert body["last_processed_seq"] == 1
    assert body["high_water"] >= body["results"][0]["server_seq"]


def test_checklist_ticks_last_write_wins_and_both_stay_in_history(team: Team) -> None:
    item = item_row(team.acme)
    team.alice.push(team.alice.insert("checklist_items", item))
    team.alice.push(
        team.alice.mutation("checklist_items", "update", item["id"], {"done": 1, "done_by": ALICE})
    )
    team.bob.push(team.bob.mutation("checklist_items", "update", item["id"], {"done": 0}))
    current = team.alice.visible()[("checklist_items", item["id"])]
    assert current["done"] == 0
    assert current["done_by"] == ALICE  # field by field: Bob only set `done`
    history = team.bob.get(f"/v1/history/checklist_items/{item['id']}").json()
    assert [(h["user"], h["payload"].get("done")) for h in history[1:]] == [(ALICE, 1), (BOB, 0)]


def _note(team: Team, author: Any, **fields: Any) -> dict[str, Any]:
    row = note_row(team.acme, author.email, **fields)
    assert author.push(author.insert("handoff_notes", row))[0]["status"] == "applied"
    return row


def test_an_edit_of_an_old_note_version_is_kept_as_a_conflict_for_both(team: Team) -> None:
    first = _note(team, team.alice, body="v1")
    by_alice = note_row(
        team.acme, ALICE, note_id=first["note_id"], version=2, parent_id=first["id"], body="A"
    )
    by_bob = note_row(
        team.acme, BOB, note_id=first["note_id"], version=2, parent_id=first["id"], body="B"
    )
    assert team.alice.push(team.alice.insert("handoff_notes", by_alice))[0]["status"] == "applied"
    result = team.bob.push(team.bob.insert("handoff_notes", by_bob))[0]
    assert result["status"] == "conflict"
    assert result["current"]["data"]["conflict"] == 1
    assert result["current"]["data"]["version"] == 3
    for client in (team.alice, team.bob):
        notes = {key[1]: row for key, row in client.visible().items() if key[0] == "handoff_notes"}
        assert notes[by_alice["id"]]["body"] == "A" and notes[by_alice["id"]]["conflict"] == 0
        assert notes[by_bob["id"]]["body"] == "B" and notes[by_bob["id"]]["conflict"] == 1


def test_a_save_from_the_latest_version_clears_the_conflict(team: Team) -> None:
    first = _note(team, team.alice, body="v1")
    kw = {"note_id": first["note_id"], "parent_id": first["id"]}
    team.alice.push(team.alice.insert("handoff_notes", note_row(team.acme, ALICE, version=2, **kw)))
    sibling = note_row(team.acme, BOB, version=2, **kw)
    assert team.bob.push(team.bob.insert("handoff_notes", sibling))[0]["status"] == "conflict"
    # Bob, not having pulled, saves again from his own version: still a conflict
    blind = note_row(team.acme, BOB, version=3, note_id=first["note_id"], parent_id=sibling["id"])
    assert team.bob.push(team.bob.insert("handoff_notes", blind))[0]["status"] == "conflict"
    # Alice pulled: the latest is version 4 (Bob's); her merge from it is clean
    merged = note_row(
        team.acme, ALICE, version=5, note_id=first["note_id"], parent_id=blind["id"], body="AB"
    )
    result = team.alice.push(team.alice.insert("handoff_notes", merged))[0]
    assert result["status"] == "applied"
    stored = team.alice.visible()[("handoff_notes", merged["id"])]
    assert (stored["version"], stored["conflict"]) == (5, 0)


def test_note_versions_are_never_changed(team: Team) -> None:
    note = _note(team, team.alice)
    result = team.alice.push(
        team.alice.mutation("handoff_notes", "update", note["id"], {"body": "rewritten"})
    )[0]
    assert result["status"] == "rejected"


def test_an_update_of_a_deleted_row_never_brings_it_back(team: Team) -> None:
    activity = activity_row(team.acme, ALICE)
    team.alice.push(team.alice.insert("activities", activity))
    team.alice.push(team.alice.mutation("activities", "delete", activity["id"], {}))
    stale = team.alice.push(
        team.alice.mutation("activities", "update", activity["id"], {"minutes": 99})
    )[0]
    assert stale["status"] == "rejected"
    assert ("activities", activity["id"]) not in team.bob.visible()
    # deleting again is harmless
    again = team.alice.push(team.alice.mutation("activities", "delete", activity["id"], {}))[0]
    assert again["status"] == "applied"


def test_an_undone_deletion_is_an_insert_that_restores_the_row(team: Team) -> None:
    activity = activity_row(team.acme, ALICE)
    team.alice.push(team.alice.insert("activities", activity))
    team.alice.push(team.alice.mutation("activities", "delete", activity["id"], {}))
    assert team.alice.push(team.alice.insert("activities", activity))[0]["status"] == "applied"
    assert ("activities", activity["id"]) in team.bob.visible()


def test_unique_rows_cannot_be_duplicated(team: Team) -> None:
    clash = account_row("Another Acme", external_id="CRM-1")
    result = team.carol.push(team.carol.insert("accounts", clash))[0]
    assert result["status"] == "rejected"
    assert "external id" in result["reason"].lower()
    bob_again = owner_row(team.acme, BOB, "secondary")
    assert team.alice.push(team.alice.insert("owners", bob_again))[0]["status"] == "rejected"


def test_an_insert_of_an_existing_row_keeps_the_servers_copy(team: Team) -> None:
    """Two devices writing the same derived id (a read receipt, a playbook occurrence)."""
    activity = activity_row(team.acme, ALICE)
    team.alice.push(team.alice.insert("activities", activity))
    same = team.alice.push(team.alice.insert("activities", activity))[0]
    assert (same["status"], same["current"]) == ("applied", None)
    other = team.alice.push(team.alice.insert("activities", {**activity, "minutes": 10}))[0]
    assert other["status"] == "ignored"
    assert other["current"]["data"]["minutes"] == 30


def test_the_row_id_and_the_account_cannot_change(team: Team) -> None:
    activity = activity_row(team.acme, ALICE)
    team.alice.push(team.alice.insert("activities", activity))
    moved, renamed, mismatched = team.alice.push(
        team.alice.mutation("activities", "update", activity["id"], {"account_id": team.sakura}),
        team.alice.mutation("activities", "update", activity["id"], {"id": new_id()}),
        team.alice.mutation("activities", "insert", new_id(), activity_row(team.acme, ALICE)),
    )
    assert moved["status"] == renamed["status"] == mismatched["status"] == "rejected"


def test_an_activity_forgets_a_deleted_checklist_item(team: Team) -> None:
    item = item_row(team.acme)
    activity = activity_row(team.acme, ALICE, checklist_item_id=item["id"])
    team.alice.push(
        team.alice.insert("checklist_items", item), team.alice.insert("activities", activity)
    )
    team.bob.push(team.bob.mutation("checklist_items", "delete", item["id"], {}))
    assert team.alice.visible()[("activities", activity["id"])]["checklist_item_id"] is None


def test_users_may_rename_themselves_only(team: Team) -> None:
    results = team.alice.push(
        team.alice.mutation("users", "update", ALICE, {"name": "Alice Liddell"}),
        team.alice.mutation(
            "users", "insert", "x@example.com", {"email": "x@example.com", "name": "X"}
        ),
        team.alice.mutation("users", "update", BOB, {"name": "Robert"}),
    )
    assert [r["status"] for r in results] == ["applied", "ignored", "ignored"]
    names = {key[1]: row["name"] for key, row in team.bob.visible().items() if key[0] == "users"}
    assert names[ALICE] == "Alice Liddell" and names[BOB] == "Bob" and "x@example.com" not in names


def test_a_nul_character_is_refused_not_a_database_error(team: Team) -> None:
    """PostgreSQL cannot store NUL in text: found by schemathesis, refused up front."""
    with_nul = activity_row(team.acme, ALICE, note="before\x00after")
    assert team.alice.push(team.alice.insert("activities", with_nul))[0]["status"] == "rejected"
    external = account_row("Nul KK", external_id="CRM\x00")
    assert team.alice.push(team.alice.insert("accounts", external))[0]["status"] == "rejected"
    bad_table = team.alice.mutation("activities\x00", "delete", "x", {})
    assert team.alice.push_raw(bad_table).status_code == 422
    bad_key = team.alice.mutation("activities", "delete", "x\x00", {})
    assert team.alice.push_raw(bad_key).status_code == 422
    assert team.alice.get("/v1/history/activities/x%00y").status_code == 422


def test_a_note_version_must_stay_on_its_notes_account(team: Team) -> None:
    """Issue 19.3: a note id seen once (Bob covers Acme) cannot be used to move the head of
    Acme's note from another account (Sakura, Bob's own): the owner's next edit stays clean."""
    first = _note(team, team.alice, body="v1")
    hijack = note_row(
        team.sakura, BOB, note_id=first["note_id"], version=2, parent_id=first["id"], body="x"
    )
    result = team.bob.push(team.bob.insert("handoff_notes", hijack))[0]
    assert result["status"] == "rejected"
    assert result["current"]["deleted"] is True
    second = note_row(
        team.acme, ALICE, note_id=first["note_id"], version=2, parent_id=first["id"], body="v2"
    )
    assert team.alice.push(team.alice.insert("handoff_notes", second))[0]["status"] == "applied"
    assert ("handoff_notes", hijack["id"]) not in team.bob.visible()


def test_work_done_while_the_author_had_access_is_kept_after_the_account_moved(
    team: Team,
) -> None:
    """Issue 19.6: Bob covered Acme and logged a call offline; meanwhile Alice took him off the
    account. The call happened while he had access: the server keeps it (Alice sees it); work
    dated after he lost access, or by someone who never had it, is refused."""
    from datetime import UTC, datetime, timedelta

    during = datetime.now(UTC).isoformat()
    bobs_owner_row = next(
        key[1]
        for key, row in team.alice.visible().items()
        if key[0] == "owners" and row["user_email"] == BOB and row["account_id"] == team.acme
    )
    removed = team.alice.push(team.alice.mutation("owners", "delete", bobs_owner_row, {}))[0]
    assert removed["status"] == "applied"
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    offline = activity_row(team.acme, BOB, occurred_at=during, minutes=25)
    too_late = activity_row(team.acme, BOB, occurred_at=later)
    kept, refused = team.bob.push(
        team.bob.insert("activities", offline), team.bob.insert("activities", too_late)
    )
    assert kept["status"] == "applied", kept
    assert refused["status"] == "rejected"
    assert team.alice.visible()[("activities", offline["id"])]["minutes"] == 25
    assert ("activities", offline["id"]) not in team.bob.visible()  # he no longer sees Acme
    never = team.carol.push(
        team.carol.insert("activities", activity_row(team.acme, CAROL, occurred_at=during))
    )[0]
    assert never["status"] == "rejected"
    assert never["reason"] == refused["reason"]
