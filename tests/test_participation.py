"""Who took part (issue 16): contacts named on activities, checked against the account, and the
meetings with decision makers and days since the champion was met, on a book of known answers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError as PydanticError

from csm_tui.errors import ValidationError
from csm_tui.models.account import Account
from csm_tui.models.activity import Activity, ActivityType, Audience
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import edit_activity, log_activity
from csm_tui.services.participation import (
    WINDOW,
    Relationship,
    quiet_champions,
    quiet_reason,
    relationship,
    relationship_line,
    resolve_contacts,
)
from csm_tui.store import activities as queries
from csm_tui.store.connection import Store

TODAY = date(2026, 11, 27)
MEETING, CALL, EMAIL = ActivityType.MEETING, ActivityType.CALL, ActivityType.EMAIL


def at(day: str) -> datetime:
    return datetime.fromisoformat(day + "T10:00:00+00:00")


def _contact(
    store: Store, id: str, account: str, name: str, email: str | None, **marks: int
) -> None:
    with store.transaction() as tx:
        tx.insert(
            "contacts",
            {
                "id": id,
                "account_id": account,
                "name": name,
                "email": email,
                "created_at": tx.now,
                **marks,
            },
        )


@pytest.fixture
def book(store: Store, me: tuple[str, str]) -> Store:
    """a: champion Hanako, decision maker Ken, Mio (neither); b: a champion never met;
    c: no marks; d: champion Jiro met 70 days ago."""
    for account_id in "abcd":
        create_account(store, Account(id=account_id, name=f"Account {account_id.upper()}"))
    _contact(store, "hanako", "a", "山田 花子", "hanako@a.example", is_champion=1)
    _contact(store, "ken", "a", "Ken Sato", "ken@a.example", is_decision_maker=1)
    _contact(store, "mio", "a", "Mio Ito", None)
    _contact(store, "taro", "b", "Taro", "taro@b.example", is_champion=1)
    _contact(store, "jiro", "d", "Jiro", None, is_champion=1)
    _contact(store, "saburo", "b", "Saburo", None)
    log = log_activity
    # a: Ken at two meetings and a call within 90 days, once before; an e-mail does not count
    log(store, "a", 30, at("2026-11-20"), type=MEETING, participants=["ken", "hanako"])
    log(store, "a", 30, at("2026-10-01"), type=CALL, participants=["ken"])
    log(store, "a", 30, at("2026-09-15"), type=MEETING, participants=["ken", "mio"])
    log(store, "a", 30, at("2026-08-01"), type=MEETING, participants=["ken"])  # 118 days ago
    log(store, "a", 30, at("2026-11-26"), type=EMAIL, participants=["hanako", "ken"])
    log(store, "a", 30, at("2026-11-25"), type=MEETING)  # names nobody
    log(store, "d", 30, at("2026-09-18"), type=CALL, participants=["jiro"])
    log(store, "b", 30, at("2026-11-02"), type=CALL, participants=["saburo"])
    return store


def test_participants_are_stored_checked_and_edited(book: Store) -> None:
    [latest] = queries.activities_of(book, "a", 1)
    assert latest.participants == ["hanako", "ken"]
    with pytest.raises(ValidationError, match="taro is not a contact of this account"):
        log_activity(book, "a", 10, at("2026-11-27"), participants=["taro"])
    with pytest.raises(PydanticError, match="only work for one account names its contacts"):
        Activity(
            account_id=None,
            audience=Audience.NONE,
            author_email="a@b.c",
            minutes=5,
            occurred_at=at("2026-11-27"),
            participants=["ken"],
        )
    edited = edit_activity(book, latest.id, participants=["mio", "mio"])
    assert edited.participants == ["mio"]
    stored = book.query_one("SELECT participants FROM activities WHERE id = ?", (latest.id,))
    assert stored is not None and json.loads(stored[0]) == ["mio"]
    with pytest.raises(ValidationError, match="not a contact"):
        edit_activity(book, latest.id, participants=["jiro"])


def test_relationship_per_account(book: Store) -> None:
    a = relationship(book, "a", TODAY)
    # met Ken on 11-20, 10-01, 09-15 (within 90 days), not 08-01; Hanako last on 11-20
    assert a == Relationship(True, True, 7, 3, 7, True)
    assert relationship_line(a) == (
        f"Decision maker met 3 times in {WINDOW} days · champion last met 7 days ago"
    )
    assert relationship(book, "b", TODAY) == Relationship(True, False, None, 0, None, True)
    assert relationship_line(relationship(book, "b", TODAY)) == "Champion never met"
    assert relationship_line(relationship(book, "c", TODAY)) == ""
    assert relationship(book, "d", TODAY).champion_days == 70
    # an account whose work names nobody: nothing said (the user does not name participants)
    _contact(book, "shiro", "c", "Shiro", None, is_champion=1)
    assert not relationship(book, "c", TODAY).names_anyone
    assert relationship_line(relationship(book, "c", TODAY)) == ""


def test_quiet_champions_for_today(book: Store) -> None:
    _contact(book, "shiro", "c", "Shiro", None, is_champion=1)  # c: its work names nobody
    assert quiet_champions(book, TODAY, ["a", "b", "c", "d"]) == {"b": None, "d": 70}
    assert quiet_champions(book, TODAY, ["a"]) == {}
    assert quiet_reason(70) == "champion not met for 70 days"


def test_contacts_by_name_or_email(book: Store) -> None:
    found = resolve_contacts(book, "a", "Account A", ["KEN@a.example", "山田", "mio ito", "Ken"])
    assert found == ["ken", "hanako", "mio"]
    with pytest.raises(ValidationError, match=r"'Taro' is not a contact of Account A \(its"):
        resolve_contacts(book, "a", "Account A", ["Taro"])  # Account B's
    _contact(book, "kenji", "a", "Kenji Mori", None)
    with pytest.raises(ValidationError, match="matches several contacts"):
        resolve_contacts(book, "a", "Account A", ["Ke"])


def test_todays_reason_for_a_quiet_champion(book: Store) -> None:
    from csm_tui.services.participation import with_quiet_champions
    from csm_tui.services.today import reasons
    from csm_tui.store.today import PriorityRow

    def row(account_id: str) -> PriorityRow:
        return PriorityRow(
            account_id,
            account_id,
            "",
            "adoption",
            None,
            None,
            None,
            0,
            0,
            1,
            0,
            0,
            "USD",
            None,
            "primary",
            0.0,
            1.0,
        )

    rows = with_quiet_champions(book, TODAY, [row("a"), row("b"), row("d")])
    assert [r.champion_quiet for r in rows] == [-1, None, 70]
    assert reasons(rows[0]) == []
    assert reasons(rows[1]) == ["champion never met"]
    assert reasons(rows[2]) == ["champion not met for 70 days"]


def test_the_brief_says_it(book: Store) -> None:
    from csm_tui.clock import FixedClock
    from csm_tui.services.brief import brief_markdown, build_brief

    clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    brief = build_brief(book, "a", clock)
    assert brief.relationship.startswith("Decision maker met 3 times in 90 days")
    text = brief_markdown(brief)
    contacts = text.index("## Contacts")
    assert text.index("champion last met 7 days ago") > contacts
    assert build_brief(book, "c", clock).relationship == ""


def test_log_with_contacts_from_the_shell(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    from pathlib import Path

    from cli_run import run

    from csm_tui.services.identity import set_me
    from csm_tui.store.connection import open_store

    path = Path(str(tmp_path)) / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", "aoi.tanaka@example.com")
        create_account(store, Account(id="acme", name="Acme Analytics"))
        create_account(store, Account(id="other", name="Other Corp"))
        _contact(store, "ken", "acme", "Ken Sato", "ken@acme.example", is_decision_maker=1)
        _contact(store, "hanako", "acme", "山田 花子", None, is_champion=1)
        _contact(store, "bob", "other", "Bob", "bob@other.example")
    db = ["--db", str(path)]
    argv = ["log", "acme", "45", "--type", "meeting", "--with", "KEN@acme.example"]
    code, out, err = run([*argv, "--with", "山田", *db], capsys)
    assert code == 0, err
    with open_store(path) as store:
        [activity] = queries.activities_of(store, "acme")
        assert activity.participants == ["ken", "hanako"] and out.strip() == activity.id
    code, out, err = run(["log", "acme", "30", "--with", "bob@other.example", *db], capsys)
    assert code == 1 and "'bob@other.example' is not a contact of Acme Analytics" in err
    code, out, err = run(["log", "--no-account", "30", "--with", "Ken", *db], capsys)
    assert code == 2 and "--with names the contacts of one account" in err
    code, out, err = run(["export", "activities", "--format", "json", *db], capsys)
    assert code == 0 and json.loads(out)[0]["participants"] == ["ken", "hanako"]
    with open_store(path) as store:
        assert len(queries.activities_of(store, "acme")) == 1  # the refusals wrote nothing


def test_the_playbook_trigger_no_decision_maker_contact(book: Store) -> None:
    from csm_tui.clock import FixedClock
    from csm_tui.models.owner import OwnerAssignment, Role
    from csm_tui.models.playbook import Rule, TaskAction, Trigger, TriggerKind
    from csm_tui.services.accounts import add_owner
    from csm_tui.services.playbook_rules import parse_rules
    from csm_tui.services.playbooks import run_playbooks

    with book.transaction() as tx:
        for account_id in "abcd":
            owner = OwnerAssignment(
                account_id=account_id, user_email="aoi.tanaka@example.com", role=Role.PRIMARY
            )
            add_owner(tx, owner)
    _contact(book, "dm_d", "d", "Dana", None, is_decision_maker=1)  # d: a decision maker never met
    _contact(book, "dm_c", "c", "Carl", None, is_decision_maker=1)  # c: its work names nobody
    rule = Rule(
        id="dm",
        name_en="Meet the decision maker",
        name_ja="意思決定者に会う",
        trigger=Trigger(TriggerKind.NO_DECISION_MAKER_CONTACT, days=30),
        actions=(TaskAction(key="meet", title_en="Meet", title_ja="会う"),),
    )
    clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))

    def fired() -> list[str]:
        return sorted(row[0] for row in book.query("SELECT account_id FROM playbook_firings"))

    run_playbooks(book, clock, rules=[rule])
    assert fired() == ["d"]  # a: Ken met 7 days ago; b: no decision maker; c: names nobody
    run_playbooks(book, clock, rules=[rule])
    assert fired() == ["d"]  # once per window
    clock.at = datetime(2026, 12, 28, 9, 0, tzinfo=UTC)  # 38 days after meeting Ken
    run_playbooks(book, clock, rules=[rule])
    assert fired() == ["a", "d", "d"]
    rules, problems = parse_rules(
        '[[rules]]\nid = "x"\nname_en = "X"\nname_ja = "X"\n'
        '[rules.trigger]\nkind = "no_decision_maker_contact"\n'
        '[[rules.tasks]]\ntitle_en = "T"\ntitle_ja = "T"\n',
        "mine.toml",
    )
    assert rules == [] and "days" in problems[0]
