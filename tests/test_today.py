"""Today's ranking on a real SQLite file: the score's parts against hand-computed values, the
reasons in words (English and Japanese), whose accounts, the weights from config.toml, and the
coverage reminders."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from csm_tui.config import TODAY_WEIGHTS, Config, load_config, today_weights
from csm_tui.i18n import set_language
from csm_tui.models.account import Account
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.services import tasks as ts
from csm_tui.services.accounts import add_owner, create_account
from csm_tui.services.today import reasons, today_view
from csm_tui.store.connection import Store
from csm_tui.store.today import PriorityRow
from tests.conftest import ME_EMAIL, NOW
from tests.test_playbooks import activity, item, snapshot

TODAY = NOW.date()
KEN = "ken.sato@example.com"
ONLY = dict.fromkeys(TODAY_WEIGHTS, 0.0)


def only(part: str) -> dict[str, float]:
    """Weights that count one part (100 points), to check it alone."""
    return {**ONLY, part: 100.0}


def account(store: Store, name: str, owner: str = ME_EMAIL, **fields: Any) -> str:
    return create_account(store, Account(name=name, **fields), primary_owner=owner).id


def row(**facts: Any) -> PriorityRow:
    base: dict[str, Any] = {
        "id": "a",
        "name": "Acme",
        "segment": "",
        "stage": "adoption",
        "health": 50,
        "health_change": 0,
        "days_to_renewal": None,
        "renewal_contacted": 0,
        "overdue_items": 0,
        "days_since_contact": 1,
        "open_tasks": 0,
        "overdue_tasks": 0,
        "currency": "USD",
        "contract_value": None,
        "role": "primary",
        "value_rank": 0.0,
        "score": 0.0,
    }
    return PriorityRow(**{**base, **facts})


@pytest.fixture
def book(store: Store, me: tuple[str, str]) -> Store:
    return store


def scores(store: Store, weights: dict[str, float]) -> dict[str, float]:
    view = today_view(store, store.clock, weights)
    return {row.name: round(row.score, 2) for row in view.priorities}


# -- the parts of the score ----------------------------------------------------------------------


def test_health_part(book: Store) -> None:
    for name, before, now in (("Down 15", 80, 65), ("Down 45", 90, 45), ("Up 5", 50, 55)):
        acme = account(book, name, health_score=now)
        snapshot(book, acme, TODAY - timedelta(days=31), before)
        activity(book, acme, 40)  # listed: no contact for 40 days
    assert scores(book, only("health")) == {"Down 15": 50.0, "Down 45": 100.0, "Up 5": 0.0}


def test_renewal_part_and_the_renewal_contact(book: Store) -> None:
    cases = {"In 90 days": 90, "In 150 days": 150, "In 180 days": 180, "Passed": -3}
    for name, days in cases.items():
        activity(book, account(book, name, renewal_date=TODAY + timedelta(days=days)), 200)
    contacted = account(book, "Called", renewal_date=TODAY + timedelta(days=90))
    activity(book, contacted, 5, "call")  # since 120 days before the renewal
    ticked = account(book, "Item ticked", renewal_date=TODAY + timedelta(days=90))
    item(book, ticked, "renewal-contact", done=1, stage="renewal")
    internal = account(book, "Internal only", renewal_date=TODAY + timedelta(days=90))
    activity(book, internal, 5, "internal")
    assert scores(book, only("renewal")) == {
        "In 90 days": 50.0,  # (180 - 90) / 180, no renewal contact yet
        "Called": 25.0,  # halved: contacted
        "Item ticked": 25.0,
        "Internal only": 50.0,
        "In 150 days": 8.33,  # (180 - 150) / 180, halved: contact not due before 120 days
        "Passed": 100.0,
        "In 180 days": 0.0,  # from 180 days on it counts
    }


def test_overdue_contact_tasks_and_value_parts(book: Store) -> None:
    late = account(book, "Late items")
    for n in range(3):
        item(book, late, f"i{n}", due_date=TODAY - timedelta(days=1))
    item(book, late, "due-today", due_date=TODAY)
    activity(book, late, 1)
    quiet = account(book, "Quiet 45 days")
    activity(book, quiet, 45)
    activity(book, quiet, 2, "internal")  # internal work is not contact
    account(book, "Never contacted")
    busy = account(book, "Tasks")
    activity(book, busy, 1)
    ts.add_task(book, busy, "One", due_date=TODAY - timedelta(days=1))
    ts.add_task(book, busy, "Two")
    assert scores(book, only("overdue"))["Late items"] == 60.0  # 3 of 5
    contact = scores(book, only("contact"))
    assert (contact["Quiet 45 days"], contact["Never contacted"]) == (50.0, 100.0)
    assert scores(book, only("tasks"))["Tasks"] == 60.0  # two open, one of them overdue: 3 of 5


def test_value_ranks_within_the_currency(book: Store) -> None:
    for name, value, currency in (
        ("Small", 1_000, "USD"),
        ("Middle", 5_000, "USD"),
        ("Big", 9_000, "USD"),
        ("Yen", 100_000_000, "JPY"),
    ):
        account(book, name, contract_value=value, currency=currency)  # never contacted: listed
    assert scores(book, only("value")) == {"Big": 100.0, "Middle": 50.0, "Small": 0.0, "Yen": 0.0}


def test_ranking_and_whose_accounts(book: Store) -> None:
    calm = account(book, "Calm")
    activity(book, calm, 2)
    urgent = account(book, "Urgent", renewal_date=TODAY + timedelta(days=10), health_score=30)
    snapshot(book, urgent, TODAY - timedelta(days=30), 60)
    account(book, "Quiet")  # never contacted
    account(book, "Ken's", owner=KEN)
    covered = account(book, "Covered now", owner=KEN)
    standby = account(book, "Backup only", owner=KEN)
    with book.transaction() as tx:
        for account_id, start in ((covered, TODAY - timedelta(days=3)), (standby, None)):
            owner = OwnerAssignment(
                account_id=account_id, user_email=ME_EMAIL, role=Role.SECONDARY, coverage_from=start
            )
            add_owner(tx, owner)
    view = today_view(book, book.clock, dict(TODAY_WEIGHTS))
    assert [row.name for row in view.priorities] == ["Urgent", "Covered now", "Quiet"]
    assert view.mine == 4  # Calm, Urgent, Quiet, Covered now
    assert [row.role for row in view.priorities] == ["primary", "secondary", "primary"]


# -- the reasons in words ------------------------------------------------------------------------


def test_reasons_in_words() -> None:
    facts = row(
        days_to_renewal=98,
        health_change=-12,
        days_since_contact=41,
        overdue_items=2,
        open_tasks=3,
        overdue_tasks=1,
        value_rank=0.95,
    )
    assert reasons(facts) == [
        "renewal in 98 days, no renewal contact yet",
        "health -12 in 30 days",
        "no contact for 41 days",
        "2 overdue checklist items",
        "3 open tasks, 1 overdue",
        "top 10% by contract value",
    ]


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        ({"days_to_renewal": 1, "renewal_contacted": 1}, ["renewal in 1 day"]),
        ({"days_to_renewal": 0, "renewal_contacted": 1}, ["renewal today"]),
        ({"days_to_renewal": -1}, ["renewal 1 day overdue, no renewal contact yet"]),
        ({"days_to_renewal": 150}, ["renewal in 150 days"]),  # contact not due yet
        ({"days_to_renewal": 181}, []),
        ({"health_change": -4}, []),
        ({"health_change": -5}, ["health -5 in 30 days"]),
        ({"health_change": None}, []),
        ({"days_since_contact": 29}, []),
        ({"days_since_contact": 30}, ["no contact for 30 days"]),
        ({"days_since_contact": None}, ["no contact logged"]),
        ({"overdue_items": 1}, ["1 overdue checklist item"]),
        ({"open_tasks": 1}, ["1 open task"]),
        ({"value_rank": 0.89}, []),
    ],
)
def test_reason_boundaries(facts: dict[str, Any], words: list[str]) -> None:
    assert reasons(row(**facts)) == words


def test_reasons_in_japanese() -> None:
    set_language("ja")
    facts = row(days_to_renewal=98, health_change=-12, days_since_contact=41, overdue_items=2)
    assert reasons(facts) == [
        "更新まで98日、更新の連絡がまだ",
        "ヘルス -12（30日間）",
        "41日間連絡なし",
        "期限切れのチェック項目 2件",
    ]


# -- the weights in config.toml ------------------------------------------------------------------


def config(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def test_weights_default_and_from_config(tmp_path: Path) -> None:
    assert today_weights(Config(path=tmp_path / "none.toml")) == (TODAY_WEIGHTS, [])
    weights, problems = today_weights(
        config(tmp_path, "[today.weights]\nhealth = 50\nvalue = 0.5\n")
    )
    assert problems == []
    assert weights == {**TODAY_WEIGHTS, "health": 50.0, "value": 0.5}


def test_bad_weights_warn_and_keep_the_defaults(tmp_path: Path) -> None:
    text = '[today.weights]\nhealth = "high"\nrenewal = -1\nvalue = true\nmood = 3\ncontact = 20\n'
    weights, problems = today_weights(config(tmp_path, text))
    assert weights == {**TODAY_WEIGHTS, "contact": 20.0}
    where = f"{tmp_path / 'config.toml'}: [today.weights]"
    assert problems == [
        f"{where}: health = 'high' is not a number from 0 to 1000; the default 25 is used",
        f"{where}: renewal = -1 is not a number from 0 to 1000; the default 25 is used",
        f"{where}: value = True is not a number from 0 to 1000; the default 10 is used",
        f"{where}: unknown weight 'mood' (use health, renewal, overdue, contact, tasks, value);"
        " it is ignored",
    ]


def test_all_zero_or_not_a_table(tmp_path: Path) -> None:
    zero = "[today.weights]\n" + "".join(f"{name} = 0\n" for name in TODAY_WEIGHTS)
    weights, [problem] = today_weights(config(tmp_path, zero))
    assert weights == TODAY_WEIGHTS and problem.endswith("every weight is 0; the defaults are used")
    weights, [problem] = today_weights(config(tmp_path, "[today]\nweights = 3\n"))
    assert weights == TODAY_WEIGHTS and "must be a table of numbers" in problem


# -- coverage reminders --------------------------------------------------------------------------


def note(store: Store, account_id: str, note_id: str, version: int = 1) -> None:
    with store.transaction() as tx:
        tx.insert(
            "handoff_notes",
            {
                "id": f"{note_id}-v{version}",
                "note_id": note_id,
                "version": version,
                "account_id": account_id,
                "author_email": KEN,
                "created_at": tx.now,
            },
        )


def test_coverage_reminders_this_week_with_unread_notes(book: Store) -> None:
    monday = TODAY - timedelta(days=TODAY.weekday())
    periods: dict[str, tuple[date | None, date | None]] = {
        "Ends Monday": (None, monday),
        "Starts Sunday": (monday + timedelta(days=6), None),
        "Ended last week": (None, monday - timedelta(days=1)),
        "Starts next week": (monday + timedelta(days=7), None),
        "No notes": (monday, None),
        "Read": (monday, None),
    }
    for name, (start, end) in periods.items():
        account_id = account(book, name, owner=KEN)
        with book.transaction() as tx:
            owner = OwnerAssignment(
                account_id=account_id,
                user_email=ME_EMAIL,
                role=Role.SECONDARY,
                coverage_from=start,
                coverage_to=end,
            )
            add_owner(tx, owner)
        if name != "No notes":
            note(book, account_id, f"n-{name}")
        if name == "Read":
            with book.transaction() as tx:
                tx.insert(
                    "handoff_reads",
                    {
                        "id": "r1",
                        "note_id": f"n-{name}",
                        "account_id": account_id,
                        "reader_email": ME_EMAIL,
                        "read_version": 1,
                    },
                )
    view = today_view(book, book.clock, dict(TODAY_WEIGHTS))
    assert [(row.name, row.unread) for row in view.coverage] == [
        ("Ends Monday", 1),
        ("Starts Sunday", 1),
    ]


def test_nobody_yet_means_an_empty_page(store: Store) -> None:
    account(store, "Acme", owner=KEN)
    view = today_view(store, store.clock, dict(TODAY_WEIGHTS))
    assert view.me is None and view.priorities == [] and view.tasks == []
