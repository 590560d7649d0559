"""Issue 19.5: the app refuses what the server would refuse (one definition of every limit, in
`csm_tui.models.limits`), and a change the server refuses anyway never makes the user's record
vanish from the book."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sync_kit import AOI, Team, rows_of

from csm_tui.models import limits
from csm_tui.models.account import Account
from csm_tui.models.checklist import ChecklistItem
from csm_tui.models.handoff import Commitment, HandoffNote
from csm_tui.models.health import HealthSnapshot
from csm_tui.store import remote
from csm_tui.sync.rows import ROW_MODELS

T = "2026-11-27T09:00:00+00:00"
ROW = {
    "accounts": {"id": "a1", "name": "Acme", "created_at": T, "updated_at": T},
    "checklist_items": {
        "id": "c1",
        "account_id": "a1",
        "stage": "onboarding",
        "title": "Kickoff",
        "created_at": T,
        "updated_at": T,
    },
    "handoff_notes": {
        "id": "h1",
        "note_id": "n1",
        "version": 1,
        "account_id": "a1",
        "author_email": AOI,
        "created_at": T,
    },
    "health_snapshots": {"id": "s1", "account_id": "a1", "date": "2026-11-27", "score": 50},
}
MODEL: dict[str, Callable[..., Any]] = {
    "accounts": lambda **f: Account(**{"name": "Acme", **f}),
    "checklist_items": lambda **f: ChecklistItem(
        account_id="a1", stage="onboarding", title="Kickoff", **f
    ),
    "handoff_notes": lambda **f: HandoffNote(account_id="a1", author_email=AOI, **f),
    "health_snapshots": lambda **f: HealthSnapshot(
        account_id="a1", date="2026-11-27", score=50, **f
    ),
}


def _tags(n: int) -> list[str]:
    return [f"t{i}" for i in range(n)]


def _commitments(n: int) -> list[dict[str, Any]]:
    return [{"text": f"c{i}"} for i in range(n)]


# (table, field, the largest value both take, the smallest both refuse); lists go as JSON text
CASES = [
    ("accounts", "tags", _tags(limits.MAX_TAGS), _tags(limits.MAX_TAGS + 1)),
    ("accounts", "tags", ["x" * limits.MAX_TAG], ["x" * (limits.MAX_TAG + 1)]),
    ("accounts", "name", "n" * limits.MAX_NAME, "n" * (limits.MAX_NAME + 1)),
    ("accounts", "segment", "s" * limits.MAX_SHORT, "s" * (limits.MAX_SHORT + 1)),
    ("accounts", "name", "Acme", "Ac\x00me"),
    ("checklist_items", "position", limits.MAX_POSITION, limits.MAX_POSITION + 1),
    ("checklist_items", "position", -limits.MAX_POSITION, -limits.MAX_POSITION - 1),
    ("checklist_items", "description", "d" * limits.MAX_LONG, "d" * (limits.MAX_LONG + 1)),
    ("handoff_notes", "version", limits.MAX_VERSION, limits.MAX_VERSION + 1),
    (
        "handoff_notes",
        "commitments",
        _commitments(limits.MAX_COMMITMENTS),
        _commitments(limits.MAX_COMMITMENTS + 1),
    ),
    (
        "handoff_notes",
        "key_contact_ids",
        [f"k{i}" for i in range(limits.MAX_KEY_CONTACTS)],
        [f"k{i}" for i in range(limits.MAX_KEY_CONTACTS + 1)],
    ),
    ("health_snapshots", "components", {"c" * limits.MAX_COMPONENT: 1}, {"c" * 41: 1}),
]


def _wire(value: Any) -> Any:
    return json.dumps(value) if isinstance(value, list | dict) else value


@pytest.mark.parametrize(
    ("table", "field", "largest", "refused"),
    CASES,
    ids=[f"{table}.{field}-{n}" for n, (table, field, *_values) in enumerate(CASES)],
)
def test_the_app_and_the_server_take_and_refuse_the_same_values(
    table: str, field: str, largest: Any, refused: Any
) -> None:
    MODEL[table](**{field: largest})
    ROW_MODELS[table].model_validate({**ROW[table], field: _wire(largest)})
    with pytest.raises(ValidationError):
        MODEL[table](**{field: refused})
    with pytest.raises(ValidationError):
        ROW_MODELS[table].model_validate({**ROW[table], field: _wire(refused)})


def test_a_commitment_is_as_long_on_both_sides() -> None:
    Commitment(text="c" * limits.MAX_SHORT)
    with pytest.raises(ValidationError):
        Commitment(text="c" * (limits.MAX_SHORT + 1))


def test_an_import_of_an_account_with_too_many_tags_says_which_line(tmp_path: Path) -> None:
    from csm_tui.services.csv_import import parse_accounts_csv

    path = tmp_path / "accounts.csv"
    many = ";".join(_tags(limits.MAX_TAGS + 1))
    path.write_text(f"name,tags\nAcme,{many}\nGlobex,a;b\n", encoding="utf-8")
    result = parse_accounts_csv(path)
    assert [row.values["name"] for row in result.rows] == ["Globex"]
    assert [(p.line, p.message) for p in result.problems] == [
        (2, f"has {limits.MAX_TAGS + 1} tags; an account has at most {limits.MAX_TAGS}")
    ]


def test_a_change_the_server_refuses_never_removes_the_record_from_the_book(
    team: Team,
) -> None:
    """As an older csm-tui left it: an account with 101 tags, with its owner row and roadmap,
    queued for the server. The server refuses them all; the book keeps them (listed as refused),
    and everything else still syncs."""
    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    account_id = _refused_account(team, aoi)
    children = {
        table: len(rows_of(aoi, table, "WHERE account_id = ?", (account_id,)))
        for table in ("owners", "checklist_items")
    }
    assert children["owners"] == 1
    result = team.sync(aoi, AOI)
    assert result.refused >= 2
    assert rows_of(aoi, "accounts", "WHERE id = ?", (account_id,))  # still in the book
    for table, count in children.items():
        assert len(rows_of(aoi, table, "WHERE account_id = ?", (account_id,))) == count
    refused = {(row["table_name"], row["row_id"]) for row in remote.rejected_entries(aoi)}
    assert ("accounts", account_id) in refused
    assert team.sync(aoi, AOI).refused == 0  # nothing left pending
    assert rows_of(aoi, "accounts", "WHERE id = ?", (account_id,))


def _refused_account(team: Team, aoi: Any) -> str:
    """An account queued with 101 tags (as an older csm-tui let through), refused by the
    server with everything of it."""
    from csm_tui.services.accounts import create_account

    account = create_account(aoi, Account(name="Imported KK"), primary_owner=AOI)
    tags = json.dumps(_tags(limits.MAX_TAGS + 1))
    aoi.conn.execute("UPDATE accounts SET tags = ? WHERE id = ?", (tags, account.id))
    for seq, payload in aoi.conn.execute(
        "SELECT seq, payload FROM journal WHERE table_name = 'accounts' AND row_id = ?",
        (account.id,),
    ).fetchall():
        data = json.loads(payload)
        if "tags" in data:
            data["tags"] = tags
            aoi.conn.execute(
                "UPDATE journal SET payload = ? WHERE seq = ?", (json.dumps(data), seq)
            )
    aoi.conn.commit()
    return account.id


def test_a_kept_record_goes_again_once_corrected(team: Team) -> None:
    """The account of the test above, its tags trimmed: `resend_refused` queues it again with
    its owner row and roadmap, and the server takes them all."""
    from csm_tui.services.accounts import update_account

    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    account = _refused_account(team, aoi)
    team.sync(aoi, AOI)
    update_account(aoi, account, tags=["enterprise"])
    assert team.sync(aoi, AOI).refused == 1  # an edit of a row the server never had
    rows = {(row["table_name"], row["row_id"]) for row in remote.rejected_entries(aoi)}
    assert remote.resend_refused(aoi) == len(rows) >= 2  # each row kept, once, as it is now
    assert team.sync(aoi, AOI).refused == 0
    assert remote.count_rejected(aoi) == 0
    again = team.book("aoi-laptop")
    team.sync(again, AOI)
    assert [json.loads(r["tags"]) for r in rows_of(again, "accounts", "WHERE id = ?", (account,))]
    assert rows_of(again, "owners", "WHERE account_id = ?", (account,))


def test_a_record_kept_from_before_a_limit_is_still_read(team: Team) -> None:
    """A book an older csm-tui filled (101 tags, 201 commitments, a far position) opens and
    shows it all; only writing it again needs it within the limits."""
    from csm_tui.services.accounts import update_account
    from csm_tui.store.accounts import get_account
    from csm_tui.store.checklist import item_from_row
    from csm_tui.store.handoff import _version

    aoi = team.book("aoi")
    team.sync(aoi, AOI)
    account = _refused_account(team, aoi)
    found = get_account(aoi, account)
    assert found is not None and len(found.tags) == limits.MAX_TAGS + 1
    with pytest.raises(ValidationError):
        update_account(aoi, account, segment="Enterprise")  # the server would refuse it too
    item = rows_of(aoi, "checklist_items")[0]
    far = limits.MAX_POSITION + 5
    aoi.conn.execute("UPDATE checklist_items SET position = ? WHERE id = ?", (far, item["id"]))
    row = aoi.query_one("SELECT * FROM checklist_items WHERE id = ?", (item["id"],))
    assert item_from_row(row).position == far
    note = {
        **ROW["handoff_notes"],
        "account_id": account,
        "commitments": json.dumps(_commitments(limits.MAX_COMMITMENTS + 1)),
        "key_contact_ids": "[]",
        "situation": "",
        "goals": "",
        "risks": "",
        "body": "",
        "parent_id": None,
        "coverage_from": None,
        "coverage_to": None,
        "conflict": 0,
    }
    assert len(_version(note).note.commitments) == limits.MAX_COMMITMENTS + 1  # type: ignore[arg-type]
