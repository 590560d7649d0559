"""Secondary owners, coverage periods and the Covering list, on a real SQLite file."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.models.account import Account, Stage
from csm_tui.models.health import HealthSnapshot
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.services import coverage as cov
from csm_tui.services.accounts import add_owner, create_account, record_health
from csm_tui.services.coverage import CoverageStatus
from csm_tui.services.handoff import NoteFields, open_note, write_note
from csm_tui.services.identity import set_me, upsert_user
from csm_tui.store.accounts import owners_of
from csm_tui.store.connection import Store

TODAY = date(2026, 11, 27)
ME = "aoi.tanaka@example.com"
KEN = "ken.sato@example.com"
EMI = "emily.carter@example.com"


@pytest.fixture
def account(store: Store, me: tuple[str, str]) -> Account:
    with store.transaction() as tx:
        upsert_user(tx, KEN, "Ken Sato")
        upsert_user(tx, EMI, "Emily Carter")
    return create_account(store, Account(name="Acme"), primary_owner=KEN)


def owner_journal(store: Store) -> list[tuple[str, dict[str, object]]]:
    rows = store.query(
        "SELECT operation, payload FROM journal WHERE table_name = 'owners' ORDER BY seq"
    )
    return [(row[0], json.loads(row[1])) for row in rows]


# -- dates as typed ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", None),
        ("  ", None),
        ("2026-12-01", date(2026, 12, 1)),
        ("2026/12/1", date(2026, 12, 1)),
        ("2026年12月1日", date(2026, 12, 1)),
        ("２０２６－１２－０１", date(2026, 12, 1)),
        ("12/1", date(2026, 12, 1)),
        ("1/10", date(2027, 1, 10)),  # the nearest January 10th, typed in November
        ("11/20", date(2026, 11, 20)),  # a week ago, not next year
        ("6/1", date(2026, 6, 1)),
    ],
)
def test_days_as_typed(text: str, expected: date | None) -> None:
    assert cov.parse_day(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("soon", "not a date like 2026-12-01"),
        ("2026-02-30", "There is no such date"),
        ("13/1", "There is no such date"),
        ("0001-01-01", "before 2000"),
        ("2026-12-01x", "not a date like"),
    ],
)
def test_bad_days_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        cov.parse_day(text, TODAY)


# -- assigning and removing ------------------------------------------------------------------------


def test_assign_a_secondary_owner_with_a_period(store: Store, account: Account) -> None:
    owner = cov.assign_secondary(
        store,
        account.id,
        "  Emily.Carter@Example.com ",
        coverage_from=TODAY,
        coverage_to=TODAY + timedelta(days=14),
        reason="  parental\nleave ",
    )
    assert (owner.user_email, owner.role, owner.coverage_reason) == (
        EMI,
        Role.SECONDARY,
        "parental leave",
    )
    stored = {o.user_email: o for o in owners_of(store, account.id)}
    assert stored[EMI].coverage_to == date(2026, 12, 11)
    assert stored[KEN].role is Role.PRIMARY
    assert owner_journal(store)[-1][0] == "insert"


def test_a_new_email_address_can_be_assigned(store: Store, account: Account) -> None:
    cov.assign_secondary(store, account.id, "new.colleague@example.com")
    assert "new.colleague@example.com" in dict(cov.known_people(store))


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Give the colleague's e-mail address"),
        ("emily", "not an e-mail address"),
        (KEN, "already the primary owner of Acme"),
        (ME, "already a secondary owner of Acme"),
    ],
)
def test_bad_assignments_are_refused(
    store: Store, account: Account, email: str, message: str
) -> None:
    cov.assign_secondary(store, account.id, ME)
    before = owner_journal(store)
    with pytest.raises(ValidationError, match=message):
        cov.assign_secondary(store, account.id, email)
    assert owner_journal(store) == before


def test_assigning_to_a_missing_account_is_refused(store: Store, account: Account) -> None:
    with pytest.raises(NotFoundError, match="No account"):
        cov.assign_secondary(store, "nope", EMI)


def test_a_period_that_ends_before_it_starts_is_refused(store: Store, account: Account) -> None:
    with pytest.raises(ValidationError, match=r"ends \(2026-11-20\) before it starts"):
        cov.assign_secondary(
            store, account.id, EMI, coverage_from=TODAY, coverage_to=date(2026, 11, 20)
        )
    cov.assign_secondary(store, account.id, EMI)
    with pytest.raises(ValidationError, match="before it starts"):
        cov.set_coverage(store, account.id, EMI, TODAY, date(2026, 11, 20))
    with pytest.raises(ValidationError, match="under 201 characters"):
        cov.set_coverage(store, account.id, EMI, TODAY, None, "x" * 201)


def test_set_and_clear_a_coverage_period(store: Store, account: Account) -> None:
    cov.assign_secondary(store, account.id, EMI)
    cov.set_coverage(store, account.id, EMI, TODAY, TODAY, "one day")  # a single day is fine
    owner = next(o for o in owners_of(store, account.id) if o.user_email == EMI)
    assert (owner.coverage_from, owner.coverage_to, owner.coverage_reason) == (
        TODAY,
        TODAY,
        "one day",
    )
    entries = len(owner_journal(store))
    cov.set_coverage(store, account.id, EMI, TODAY, TODAY, "one day")  # unchanged: no entry
    assert len(owner_journal(store)) == entries
    cov.set_coverage(store, account.id, EMI, None, None)
    operation, payload = owner_journal(store)[-1]
    assert operation == "update"
    assert payload == {"coverage_from": None, "coverage_to": None, "coverage_reason": ""}


def test_only_a_secondary_owner_has_a_coverage_period(store: Store, account: Account) -> None:
    with pytest.raises(NotFoundError, match=r"ken\.sato@example\.com is not a secondary owner"):
        cov.set_coverage(store, account.id, KEN, TODAY, None)
    with pytest.raises(NotFoundError, match="not a secondary owner"):
        cov.remove_secondary(store, account.id, KEN)


def test_remove_a_secondary_owner(store: Store, account: Account) -> None:
    cov.assign_secondary(store, account.id, EMI)
    cov.remove_secondary(store, account.id, "EMILY.CARTER@example.com")
    assert [o.user_email for o in owners_of(store, account.id)] == [KEN]
    assert owner_journal(store)[-1][0] == "delete"
    with pytest.raises(NotFoundError):
        cov.remove_secondary(store, account.id, EMI)


def test_known_people_are_users_and_owners(store: Store, account: Account) -> None:
    with store.transaction() as tx:
        add_owner(
            tx,
            OwnerAssignment(account_id=account.id, user_email="x@example.com", role=Role.SECONDARY),
        )
    assert cov.known_people(store) == [
        (ME, "Aoi Tanaka"),
        (EMI, "Emily Carter"),
        (KEN, "Ken Sato"),
        ("x@example.com", "x@example.com"),
    ]


# -- the Covering list -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "status"),
    [
        (None, None, CoverageStatus.STANDBY),
        (TODAY, TODAY, CoverageStatus.ACTIVE),
        (None, TODAY + timedelta(days=1), CoverageStatus.ACTIVE),
        (TODAY - timedelta(days=3), None, CoverageStatus.ACTIVE),
        (TODAY + timedelta(days=1), None, CoverageStatus.UPCOMING),
        (None, TODAY - timedelta(days=1), CoverageStatus.ENDED),
    ],
)
def test_coverage_status(start: date | None, end: date | None, status: CoverageStatus) -> None:
    assert cov.coverage_status(start, end, TODAY) is status


def test_covering_lists_active_periods_first_with_their_figures(
    store: Store, account: Account
) -> None:
    def covered(name: str, start: date | None, end: date | None, renewal: int) -> Account:
        acct = create_account(
            store,
            Account(
                name=name,
                renewal_date=TODAY + timedelta(days=renewal),
                health_score=60,
                stage=Stage.ADOPTION,
            ),
            primary_owner=KEN,
        )
        cov.assign_secondary(store, acct.id, ME, coverage_from=start, coverage_to=end)
        return acct

    standby = covered("Standby", None, None, 10)
    ended = covered("Ended", None, TODAY - timedelta(days=1), 5)
    later = covered("Later", TODAY + timedelta(days=5), None, 50)
    ends_late = covered("Ends late", TODAY, TODAY + timedelta(days=30), 300)
    ends_soon = covered("Ends soon", TODAY - timedelta(days=10), TODAY + timedelta(days=2), 400)
    create_account(store, Account(name="Mine"), primary_owner=ME)  # not covered: not listed
    record_health(store, _snapshot(ends_soon.id, TODAY - timedelta(days=40), 75))
    record_health(store, _snapshot(ends_soon.id, TODAY, 58))
    with store.transaction() as tx:
        for number, (stage, due, done) in enumerate(
            [
                ("adoption", TODAY + timedelta(days=3), False),
                ("adoption", TODAY - timedelta(days=1), False),  # overdue
                ("adoption", None, True),
                ("onboarding", TODAY - timedelta(days=9), False),  # overdue, earlier stage
                ("renewal", TODAY + timedelta(days=90), False),
            ]
        ):
            tx.insert(
                "checklist_items",
                {
                    "id": f"item{number}",
                    "account_id": ends_soon.id,
                    "stage": stage,
                    "title": f"Item {number}",
                    "due_date": due,
                    "done": done,
                    "created_at": tx.now,
                    "updated_at": tx.now,
                },
            )
    set_me(store, "Ken Sato", KEN)
    for text in ("one", "two"):
        write_note(store, ends_soon.id, NoteFields(situation=text))
    read = write_note(store, later.id, NoteFields(situation="read"))
    set_me(store, "Aoi Tanaka", ME)
    open_note(store, read.note.note_id, ME)

    rows = cov.covering(store, ME, TODAY)
    assert [r.row.name for r in rows] == ["Ends soon", "Ends late", "Later", "Standby", "Ended"]
    first = rows[0]
    assert first.status is CoverageStatus.ACTIVE
    assert (first.unread, first.days_to_renewal, first.health_change_30d) == (2, 400, -17)
    assert (first.row.open_items, first.row.overdue_items) == (2, 2)
    assert (first.row.primary_email, first.row.primary_name) == (KEN, "Ken Sato")
    assert [r.unread for r in rows] == [2, 0, 0, 0, 0]
    assert {r.row.account_id for r in rows} == {
        standby.id,
        ended.id,
        later.id,
        ends_late.id,
        ends_soon.id,
    }


def _snapshot(account_id: str, day: date, score: int) -> HealthSnapshot:
    return HealthSnapshot(account_id=account_id, date=day, score=score)
