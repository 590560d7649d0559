"""Handoff notes on a real SQLite file: versions and conflict siblings, read receipts, unread."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest

from csm_tui.clock import FixedClock
from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.models.account import Account
from csm_tui.models.contact import Contact
from csm_tui.models.handoff import Commitment
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.services import handoff as ho
from csm_tui.services.accounts import add_contact, add_owner, create_account
from csm_tui.services.handoff import NoteFields
from csm_tui.services.identity import set_me, upsert_user
from csm_tui.store import handoff as queries
from csm_tui.store.connection import Store

TODAY = date(2026, 11, 27)
ME = "aoi.tanaka@example.com"
KEN = "ken.sato@example.com"


@pytest.fixture
def account(store: Store, me: tuple[str, str]) -> Account:
    account = create_account(store, Account(name="Acme"), primary_owner=KEN)
    with store.transaction() as tx:
        upsert_user(tx, KEN, "Ken Sato")
        add_owner(tx, OwnerAssignment(account_id=account.id, user_email=ME, role=Role.SECONDARY))
        add_contact(tx, Contact(id="c-yamada", account_id=account.id, name="山田 花子"))
    return account


def as_user(store: Store, email: str) -> None:
    set_me(store, "Ken Sato" if email == KEN else "Aoi Tanaka", email)


def journal(store: Store, table: str) -> list[tuple[str, str, dict[str, Any]]]:
    rows = store.query(
        "SELECT row_id, operation, payload FROM journal WHERE table_name = ? ORDER BY seq", (table,)
    )
    return [(row[0], row[1], json.loads(row[2])) for row in rows]


# -- writing and versions ----------------------------------------------------------------------


def test_write_keeps_every_field_and_journals_it(store: Store, account: Account) -> None:
    fields = NoteFields(
        situation="SSO移行の途中。\n来週が山場。",
        goals="Cut onboarding time by half",
        risks="Champion may move to another team",
        commitments=[Commitment(text="Send the SSO guide", due=date(2026, 12, 5))],
        key_contact_ids=["c-yamada"],
        coverage_from=TODAY,
        coverage_to=TODAY + timedelta(days=14),
        body="Free text",
    )
    written = ho.write_note(store, account.id, fields)
    assert written.note.version == 1 and written.note.parent_id is None
    assert not written.conflict
    assert written.note.author_email == ME
    assert NoteFields.of(written.note) == fields
    assert [op for _row, op, _data in journal(store, "handoff_notes")] == ["insert"]
    [(_row, _op, payload)] = journal(store, "handoff_notes")
    assert payload["situation"] == "SSO移行の途中。\n来週が山場。"
    assert json.loads(payload["commitments"]) == [
        {"text": "Send the SSO guide", "due": "2026-12-05", "done": False}
    ]


def test_an_edit_adds_a_version_and_keeps_the_earlier_one(
    store: Store, account: Account, clock: FixedClock
) -> None:
    first = ho.write_note(store, account.id, NoteFields(situation="v1"))
    clock.at += timedelta(hours=1)
    second = ho.edit_note(store, first.note.id, NoteFields(situation="v2"))
    assert second is not None
    assert (second.note.version, second.note.parent_id, second.conflict) == (
        2,
        first.note.id,
        False,
    )
    assert second.note.note_id == first.note.note_id
    versions = ho.versions(store, first.note.note_id)
    assert [(v.note.version, v.note.situation) for v in versions] == [(1, "v1"), (2, "v2")]
    [view] = ho.notes_of(store, account.id, ME)
    assert (view.note.situation, view.versions, view.conflict) == ("v2", 2, False)
    ops = [op for _row, op, _data in journal(store, "handoff_notes")]
    assert ops == ["insert", "insert"]  # never an update: versions are immutable


def test_an_edit_from_an_older_version_becomes_a_conflict_sibling(
    store: Store, account: Account
) -> None:
    first = ho.write_note(store, account.id, NoteFields(situation="base"))
    mine = ho.edit_note(store, first.note.id, NoteFields(situation="mine"))
    # another edit made from version 1 while version 2 exists (another device, a stale screen)
    theirs = ho.edit_note(store, first.note.id, NoteFields(situation="theirs"))
    assert mine is not None and theirs is not None
    assert (theirs.note.version, theirs.note.parent_id, theirs.conflict) == (3, first.note.id, True)
    versions = ho.versions(store, first.note.note_id)
    assert [v.note.situation for v in versions] == ["base", "mine", "theirs"]  # both kept
    assert ho.competing_version(versions, versions[2]) == 2
    assert ho.competing_version(versions, versions[1]) is None
    [view] = ho.notes_of(store, account.id, ME)
    assert view.conflict and view.note.situation == "theirs"
    # a version made from the latest resolves it
    merged = ho.edit_note(store, theirs.note.id, NoteFields(situation="mine + theirs"))
    assert merged is not None and not merged.conflict and merged.note.version == 4
    assert not ho.notes_of(store, account.id, ME)[0].conflict


def test_an_unchanged_edit_writes_nothing(store: Store, account: Account) -> None:
    first = ho.write_note(store, account.id, NoteFields(situation="same", goals="g"))
    assert ho.edit_note(store, first.note.id, NoteFields(situation="same", goals="g")) is None
    assert ho.edit_note(store, first.note.id, NoteFields(situation=" same\n", goals="g ")) is None
    assert len(ho.versions(store, first.note.note_id)) == 1


def test_notes_are_listed_most_recently_changed_first(
    store: Store, account: Account, clock: FixedClock
) -> None:
    old = ho.write_note(store, account.id, NoteFields(situation="old"))
    clock.at += timedelta(days=1)
    ho.write_note(store, account.id, NoteFields(situation="new"))
    assert [v.note.situation for v in ho.notes_of(store, account.id)] == ["new", "old"]
    clock.at += timedelta(days=1)
    ho.edit_note(store, old.note.id, NoteFields(situation="old, edited"))
    assert [v.note.situation for v in ho.notes_of(store, account.id)] == ["old, edited", "new"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (NoteFields(), "at least the situation"),
        (NoteFields(situation="  \n "), "at least the situation"),
        (NoteFields(situation="x", key_contact_ids=["someone-else"]), "contacts of this account"),
        (
            NoteFields(situation="x", coverage_from=TODAY, coverage_to=TODAY - timedelta(days=1)),
            r"ends \(2026-11-26\) before it starts \(2026-11-27\)",
        ),
        (NoteFields(situation="x" * 20_001), "Situation: too long"),
    ],
)
def test_bad_notes_are_refused_with_a_clear_sentence(
    store: Store, account: Account, fields: NoteFields, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        ho.write_note(store, account.id, fields)
    assert store.query("SELECT * FROM handoff_notes") == []


def test_writing_needs_an_account_and_a_user(store: Store, account: Account) -> None:
    with pytest.raises(NotFoundError):
        ho.write_note(store, "no-such-account", NoteFields(situation="x"))
    with pytest.raises(NotFoundError, match="no longer exists"):
        ho.edit_note(store, "no-such-version", NoteFields(situation="x"))


def test_writing_without_a_user_is_refused(store: Store) -> None:
    account = create_account(store, Account(name="Nobody's"))
    with pytest.raises(ValidationError, match="who you are"):
        ho.write_note(store, account.id, NoteFields(situation="x"))


# -- read receipts -----------------------------------------------------------------------------


def test_my_own_note_is_read_and_a_colleagues_is_unread(store: Store, account: Account) -> None:
    ho.write_note(store, account.id, NoteFields(situation="mine"))
    as_user(store, KEN)
    ho.write_note(store, account.id, NoteFields(situation="Ken's"))
    assert ho.unread_counts(store, ME) == {account.id: 1}
    assert ho.unread_counts(store, KEN) == {account.id: 1}  # Ken has not read mine
    unread = {v.note.situation: v.unread for v in ho.notes_of(store, account.id, ME)}
    assert unread == {"mine": False, "Ken's": True}


def test_opening_marks_read_and_a_new_version_makes_it_unread_again(
    store: Store, account: Account
) -> None:
    as_user(store, KEN)
    note = ho.write_note(store, account.id, NoteFields(situation="v1"))
    note_id = note.note.note_id
    opened = ho.open_note(store, note_id, ME)
    assert opened.note.id == note.note.id
    assert ho.unread_counts(store, ME) == {}
    receipts = journal(store, "handoff_reads")
    ho.open_note(store, note_id, ME)  # opening again writes nothing
    assert journal(store, "handoff_reads") == receipts
    ho.edit_note(store, note.note.id, NoteFields(situation="v2"))  # Ken edits
    assert ho.unread_counts(store, ME) == {account.id: 1}
    ho.open_note(store, note_id, ME)
    assert ho.unread_counts(store, ME) == {}
    assert queries.receipt(store, ME, note_id) == (queries.receipt_id(ME, note_id), 2)


def test_mark_unread_and_read_again_are_journaled_on_one_stable_row(
    store: Store, account: Account
) -> None:
    as_user(store, KEN)
    note_id = ho.write_note(store, account.id, NoteFields(situation="x")).note.note_id
    ho.open_note(store, note_id, ME)
    ho.mark_unread(store, note_id, ME)
    assert ho.unread_counts(store, ME) == {account.id: 1}
    ho.open_note(store, note_id, ME)
    receipt = queries.receipt_id(ME, note_id)  # derived: the same on every device of mine
    mine = [(op, data) for row, op, data in journal(store, "handoff_reads") if row == receipt]
    assert [(op, data["read_version"]) for op, data in mine] == [
        ("insert", 1),
        ("update", 0),
        ("update", 1),
    ]
    assert mine[0][1]["reader_email"] == ME


def test_marking_an_unread_note_unread_writes_nothing(store: Store, account: Account) -> None:
    as_user(store, KEN)
    note_id = ho.write_note(store, account.id, NoteFields(situation="x")).note.note_id
    before = len(journal(store, "handoff_reads"))
    ho.mark_unread(store, note_id, ME)
    assert len(journal(store, "handoff_reads")) == before
    with pytest.raises(NotFoundError):
        ho.open_note(store, "nope", ME)
    with pytest.raises(NotFoundError):
        ho.mark_unread(store, "nope", ME)


def test_unread_counts_per_account_in_one_query(store: Store, account: Account) -> None:
    other = create_account(store, Account(name="Other"), primary_owner=KEN)
    as_user(store, KEN)
    for text in ("a", "b", "c"):
        ho.write_note(store, account.id, NoteFields(situation=text))
    read = ho.write_note(store, other.id, NoteFields(situation="d"))
    ho.write_note(store, other.id, NoteFields(situation="e"))
    ho.open_note(store, read.note.note_id, ME)
    assert ho.unread_counts(store, ME) == {account.id: 3, other.id: 1}
    assert queries.unread_counts(store, ME, [other.id]) == {other.id: 1}
    assert queries.unread_counts(store, ME, []) == {}
    assert ho.unread_counts(store, "nobody@example.com") == {account.id: 3, other.id: 2}


def test_deleting_an_account_takes_its_notes_and_receipts(store: Store, account: Account) -> None:
    as_user(store, KEN)
    note_id = ho.write_note(store, account.id, NoteFields(situation="x")).note.note_id
    ho.open_note(store, note_id, ME)
    with store.transaction() as tx:
        tx.delete("accounts", account.id)
    assert store.query("SELECT * FROM handoff_notes") == []
    assert store.query("SELECT * FROM handoff_reads") == []


# -- commitments as typed ----------------------------------------------------------------------


def test_commitments_are_read_line_by_line() -> None:
    text = (
        "2026-12-05 Send the SSO guide\n\n- [x] 12/1 請求書の件で折り返し\n"
        "２０２６年１２月２０日　研修日程の確定"
    )
    assert ho.parse_commitments(text, TODAY) == [
        Commitment(text="Send the SSO guide", due=date(2026, 12, 5)),
        Commitment(text="請求書の件で折り返し", due=date(2026, 12, 1), done=True),
        Commitment(text="研修日程の確定", due=date(2026, 12, 20)),
    ]
    back = ho.format_commitments(ho.parse_commitments(text, TODAY))
    assert ho.parse_commitments(back, TODAY) == ho.parse_commitments(text, TODAY)


def test_a_commitment_may_have_no_due_date() -> None:
    """Issue 13 (6): a line without a date is a commitment without one, not an error."""
    assert ho.parse_commitments("Send the guide\nok 2026-12-05\n12/5 研修", TODAY) == [
        Commitment(text="Send the guide", due=None),
        Commitment(text="ok 2026-12-05", due=None),
        Commitment(text="研修", due=date(2026, 12, 5)),
    ]
    back = ho.format_commitments(ho.parse_commitments("Send the guide", TODAY))
    assert ho.parse_commitments(back, TODAY) == [Commitment(text="Send the guide")]


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ("2026-12-05 ok\n2026-13-01 bad month", 2, "is not a date"),
        ("12/40 送付", 1, "is not a date"),
        ("2026-12-05", 1, "say what was promised"),
    ],
)
def test_a_wrong_date_or_a_date_alone_names_its_line(text: str, line: int, says: str) -> None:
    with pytest.raises(ValidationError, match=f"line {line}: .*{says}"):
        ho.parse_commitments(text, TODAY)


def test_a_too_long_commitment_is_refused() -> None:
    with pytest.raises(ValidationError, match="line 1 is too long"):
        ho.parse_commitments("2026-12-05 " + "x" * 201, TODAY)
