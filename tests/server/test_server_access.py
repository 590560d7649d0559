"""Tokens and access control, endpoint by endpoint: an account that is not yours is a 404."""

from __future__ import annotations

import pytest
from server_kit import ALICE, BOB, Team, account_row, activity_row, item_row, new_id, note_row

from csm_tui.server.users import new_user_token, revoke_token

ENDPOINTS = [
    ("get", "/v1/me"),
    ("post", "/v1/devices"),
    ("post", "/v1/sync/push"),
    ("get", "/v1/sync/pull"),
    ("get", "/v1/accounts/abc"),
    ("get", "/v1/history/activities/abc"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
@pytest.mark.parametrize("token", [None, "", "csm_not-a-real-token", "x" * 500])
def test_every_endpoint_needs_a_valid_token(
    team: Team, method: str, path: str, token: str | None
) -> None:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    response = getattr(team.http, method)(path, headers=headers)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_health_needs_no_token(team: Team) -> None:
    assert team.http.get("/v1/health").json()["status"] == "ok"


def test_me_names_the_token_owner(team: Team) -> None:
    assert team.alice.get("/v1/me").json() == {
        "email": ALICE,
        "name": "Alice",
        "is_admin": False,
    }


def test_a_revoked_token_stops_working_and_a_new_one_works(team: Team) -> None:
    revoke_token(team.engine, ALICE)
    assert team.alice.get("/v1/me").status_code == 401
    fresh = team.client(ALICE, new_user_token(team.engine, ALICE, now="2026-11-27T10:00:00Z"))
    assert fresh.get("/v1/me").status_code == 200


def test_a_new_token_replaces_the_old_one(team: Team) -> None:
    new_user_token(team.engine, BOB, now="2026-11-27T10:00:00Z")
    assert team.bob.get("/v1/me").status_code == 401


def test_an_account_not_yours_is_404_like_a_missing_one(team: Team) -> None:
    assert team.alice.get(f"/v1/accounts/{team.acme}").status_code == 200
    assert team.bob.get(f"/v1/accounts/{team.acme}").status_code == 200  # secondary owner
    theirs = team.alice.get(f"/v1/accounts/{team.sakura}")
    missing = team.alice.get(f"/v1/accounts/{new_id()}")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert team.carol.get(f"/v1/accounts/{team.acme}").status_code == 404


def test_history_of_a_record_not_yours_is_404(team: Team) -> None:
    activity = activity_row(team.sakura, BOB)
    team.bob.push(team.bob.insert("activities", activity))
    path = f"/v1/history/activities/{activity['id']}"
    assert team.bob.get(path).status_code == 200
    assert team.alice.get(path).status_code == 404
    assert team.alice.get(f"/v1/history/activities/{new_id()}").status_code == 404
    assert team.alice.get("/v1/history/users/bob@example.com").status_code == 404
    assert team.alice.get("/v1/history/nonsense/x").status_code == 404


def test_pull_shows_only_my_accounts(team: Team) -> None:
    def accounts(client: object) -> set[str]:
        changes = client.pull_all()[0]  # type: ignore[attr-defined]
        return {c["id"] for c in changes if c["table"] == "accounts" and not c["deleted"]}

    assert accounts(team.alice) == {team.acme}
    assert accounts(team.bob) == {team.acme, team.sakura}
    assert accounts(team.carol) == set()
    # everyone sees the directory of users
    users = {c["id"] for c in team.carol.pull_all()[0] if c["table"] == "users"}
    assert users == {ALICE, BOB, "carol@example.com"}


@pytest.mark.parametrize(
    ("table", "make"),
    [
        ("activities", lambda account: activity_row(account, ALICE)),
        ("checklist_items", lambda account: item_row(account)),
        ("handoff_notes", lambda account: note_row(account, ALICE)),
    ],
)
def test_writing_into_an_account_not_yours_is_refused_without_a_hint(
    team: Team, table: str, make: object
) -> None:
    row = make(team.sakura)  # type: ignore[operator]
    missing = make(new_id())  # type: ignore[operator]
    theirs, nowhere = team.alice.push(
        team.alice.insert(table, row), team.alice.insert(table, missing)
    )
    assert theirs["status"] == nowhere["status"] == "rejected"
    assert theirs["reason"] == nowhere["reason"]
    assert theirs["current"]["deleted"] is True
    assert team.bob.get(f"/v1/history/{table}/{row['id']}").status_code == 404  # never made


def test_changing_or_deleting_a_row_not_yours_is_refused(team: Team) -> None:
    item = item_row(team.sakura)
    team.bob.push(team.bob.insert("checklist_items", item))
    update, delete = team.alice.push(
        team.alice.mutation("checklist_items", "update", item["id"], {"done": 1}),
        team.alice.mutation("checklist_items", "delete", item["id"], {}),
    )
    assert update["status"] == delete["status"] == "rejected"
    history = team.bob.get(f"/v1/history/checklist_items/{item['id']}").json()
    assert [entry["op"] for entry in history] == ["insert"]


def test_a_device_id_of_another_user_is_refused(team: Team) -> None:
    team.carol.client_id = team.alice.client_id
    assert team.carol.register().status_code == 409
    response = team.carol.push_raw(team.carol.insert("activities", activity_row(team.acme, ALICE)))
    assert response.status_code == 409
    assert response.json()["code"] == "unknown_device"


def test_only_the_primary_owner_changes_owners(team: Team) -> None:
    from server_kit import owner_row

    carol_on_acme = owner_row(team.acme, "carol@example.com", "secondary")
    by_secondary = team.bob.push(team.bob.insert("owners", carol_on_acme))[0]
    assert by_secondary["status"] == "rejected"
    by_primary = team.alice.push(team.alice.insert("owners", carol_on_acme))[0]
    assert by_primary["status"] == "applied"
    assert team.carol.get(f"/v1/accounts/{team.acme}").status_code == 200


def test_only_the_author_changes_an_activity(team: Team) -> None:
    activity = activity_row(team.acme, ALICE)
    team.alice.push(team.alice.insert("activities", activity))
    by_bob = team.bob.push(
        team.bob.mutation("activities", "update", activity["id"], {"minutes": 5}),
        team.bob.mutation("activities", "delete", activity["id"], {}),
    )
    assert [result["status"] for result in by_bob] == ["rejected", "rejected"]
    as_someone_else = team.bob.push(team.bob.insert("activities", activity_row(team.acme, ALICE)))
    assert as_someone_else[0]["status"] == "rejected"
    by_alice = team.alice.push(
        team.alice.mutation("activities", "update", activity["id"], {"minutes": 45})
    )
    assert by_alice[0]["status"] == "applied"


# -- issue 19.7: answers about rows a user may not see do not depend on what they hold ----------

RECEIPT = {
    "note_id": "n1",
    "reader_email": BOB,
    "read_version": 3,
    "read_at": "2026-11-27T09:00:00+00:00",
}


def _bobs_receipt(team: Team) -> dict[str, object]:
    receipt = {"id": new_id(), "account_id": team.acme, **RECEIPT}
    assert team.bob.push(team.bob.insert("handoff_reads", receipt))[0]["status"] == "applied"
    return receipt


def _answer(result: dict[str, object]) -> tuple[object, ...]:
    return result["status"], result["reason"], result["current"], result.get("server_seq")


def test_guessing_the_values_of_a_hidden_row_learns_nothing(team: Team) -> None:
    """Alice co-owns Acme but not Bob's read receipts; Carol owns nothing: an insert over a row
    they cannot see answers the same whether the guessed values are right or wrong."""
    receipt = _bobs_receipt(team)
    activity = activity_row(team.sakura, BOB)
    team.bob.push(team.bob.insert("activities", activity))
    for client, table, row, wrong in (
        (team.alice, "handoff_reads", receipt, {**receipt, "read_version": 4}),
        (team.carol, "activities", activity, {**activity, "minutes": 31}),
    ):
        right, guessed_wrong = client.push(client.insert(table, row), client.insert(table, wrong))
        assert right["status"] == "rejected"
        assert _answer(right) == _answer(guessed_wrong)
        missing = client.push(client.insert(table, {**row, "id": new_id()}))[0]
        assert right["current"] == {**missing["current"], "id": row["id"]}


def test_an_external_id_held_by_a_hidden_account_is_not_named(team: Team) -> None:
    clash = team.carol.push(team.carol.insert("accounts", account_row("X", external_id="CRM-1")))
    assert clash[0]["status"] == "rejected"
    assert "Another row" not in clash[0]["reason"]
    mine = account_row("Acme again", external_id="CRM-1")
    seen = team.alice.push(team.alice.insert("accounts", mine))[0]  # Alice owns CRM-1 (Acme)
    assert "Another account of yours" in seen["reason"]


def test_the_history_of_another_readers_receipt_is_404(team: Team) -> None:
    receipt = _bobs_receipt(team)
    path = f"/v1/history/handoff_reads/{receipt['id']}"
    assert team.bob.get(path).status_code == 200
    hidden, missing = team.alice.get(path), team.alice.get(f"/v1/history/handoff_reads/{new_id()}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    team.bob.push(team.bob.mutation("handoff_reads", "delete", str(receipt["id"]), {}))
    assert team.alice.get(path).status_code == 404  # nor once deleted
    assert team.bob.get(path).status_code == 200


def test_a_token_of_another_user_than_the_books_is_refused(team: Team) -> None:
    """Issue 19.4: the client names the book's user on every request (CSM-User)."""
    activity = activity_row(team.acme, BOB)
    headers = {**team.bob.headers, "CSM-User": ALICE}
    body = {"client_id": team.bob.client_id, "mutations": [team.bob.insert("activities", activity)]}
    for response in (
        team.http.post("/v1/sync/push", headers=headers, json=body),
        team.http.get("/v1/sync/rows", headers=headers),
    ):
        assert response.status_code == 409
        assert response.json()["code"] == "wrong_user"
    assert team.alice.get(f"/v1/history/activities/{activity['id']}").status_code == 404
    assert team.http.get("/v1/me", headers={**team.bob.headers, "CSM-User": BOB.upper()}).is_success


def test_the_books_user_may_have_a_non_ascii_address(team: Team) -> None:
    from urllib.parse import quote

    from csm_tui.server.users import add_user

    email = "tanaka@例え.jp"
    token = add_user(team.engine, email, "田中", admin=False, now="2026-11-27T10:00:00Z")
    me = team.http.get(
        "/v1/me", headers={"Authorization": f"Bearer {token}", "CSM-User": quote(email)}
    )
    assert me.status_code == 200 and me.json()["email"] == email
