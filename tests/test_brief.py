"""The coverage brief, section by section, from an account whose every record is known.

The account (built by `build_known_account`, also used by the CLI tests): 株式会社サクラ精機, in
adoption since 2026-09-01, renewal 2027-03-02 (95 days after 2026-11-27), health 58 now and 74
on 2026-10-15 (so -16 in 30 days), Ken Sato primary, me secondary covering 11-27 to 12-11.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from csm_tui.clock import FixedClock
from csm_tui.i18n import set_language
from csm_tui.models.account import Account, Stage
from csm_tui.models.contact import Contact
from csm_tui.models.handoff import Commitment
from csm_tui.models.health import HealthSnapshot
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.services import brief as br
from csm_tui.services.accounts import add_contact, add_owner, create_account, record_health
from csm_tui.services.handoff import NoteFields, edit_note, open_note, write_note
from csm_tui.services.identity import set_me, upsert_user
from csm_tui.store.connection import Store

TODAY = date(2026, 11, 27)
ME = "aoi.tanaka@example.com"
KEN = "ken.sato@example.com"
ACCOUNT = "sakura"

# (id, stage, title, due, done, moment of truth)
ITEMS = [
    ("i1", "onboarding", "Kickoff held", date(2026, 6, 1), True, True),
    ("i2", "onboarding", "Go-live announced", date(2026, 11, 1), False, False),  # overdue
    ("i3", "adoption", "Goals re-confirmed", date(2026, 10, 1), True, False),
    ("i4", "adoption", "Key features adopted", date(2026, 11, 20), False, True),  # overdue
    ("i5", "adoption", "Business review held", date(2026, 12, 15), False, True),
    ("i6", "adoption", "Share new use cases", None, False, False),
    ("i7", "renewal", "Contact 120 days ahead", date(2026, 11, 2), False, False),  # overdue
    ("i8", "renewal", "Thank-you mail", date(2027, 3, 9), False, False),  # later stage: left out
]


def build_known_account(store: Store, clock: FixedClock) -> str:
    """The account described in the module docstring; returns its id. `clock` moves and is reset."""
    start = clock.at
    set_me(store, "Aoi Tanaka", ME)
    with store.transaction() as tx:
        upsert_user(tx, KEN, "Ken Sato")
    create_account(
        store,
        Account(
            id=ACCOUNT,
            name="株式会社サクラ精機",
            segment="Enterprise",
            contract_value=18_000_000,
            currency="JPY",
            renewal_date=date(2027, 3, 2),
            stage=Stage.ADOPTION,
            tags=["vip", "製造業"],
        ),
        primary_owner=KEN,
    )
    with store.transaction() as tx:
        tx.update("accounts", ACCOUNT, {"stage_started_on": "2026-09-01"})
        add_owner(
            tx,
            OwnerAssignment(
                account_id=ACCOUNT,
                user_email=ME,
                role=Role.SECONDARY,
                coverage_from=TODAY,
                coverage_to=date(2026, 12, 11),
                coverage_reason="育休",
            ),
        )
        for cid, name, role, champion, decider in [
            ("c1", "山田 花子", "IT部長", True, False),
            ("c2", "Walter Skinner", "CFO", False, True),
            ("c3", "John Doe", "Admin", False, False),
        ]:
            add_contact(
                tx,
                Contact(
                    id=cid,
                    account_id=ACCOUNT,
                    name=name,
                    role=role,
                    is_champion=champion,
                    is_decision_maker=decider,
                ),
            )
        for position, (iid, stage, title, due, done, moment) in enumerate(ITEMS):
            tx.insert(
                "checklist_items",
                {
                    "id": iid,
                    "account_id": ACCOUNT,
                    "stage": stage,
                    "title": title,
                    "custom": True,
                    "position": position,
                    "due_date": due,
                    "done": done,
                    "moment_of_truth": moment,
                    "created_at": tx.now,
                    "updated_at": tx.now,
                },
            )
        for number in range(12):  # one a day back from yesterday, 10:00 UTC; minutes 10..120
            tx.insert(
                "activities",
                {
                    "id": f"a{number:02d}",
                    "account_id": ACCOUNT,
                    "author_email": KEN if number % 3 else ME,
                    "type": "meeting" if number % 2 else "call",
                    "minutes": 10 * (number + 1),
                    "occurred_at": datetime(2026, 11, 26 - number, 10, tzinfo=UTC).isoformat(),
                    "outcome": "risk_found" if number == 0 else "resolved",
                    "note": f"Note {number}\nsecond line" if number == 0 else f"Note {number}",
                    "created_at": tx.now,
                    "updated_at": tx.now,
                },
            )
    for day, score in [(date(2026, 9, 10), 80), (date(2026, 10, 15), 74), (TODAY, 58)]:
        record_health(store, HealthSnapshot(account_id=ACCOUNT, date=day, score=score))
    set_me(store, "Ken Sato", KEN)
    clock.at = datetime(2026, 11, 20, 9, tzinfo=UTC)
    older = write_note(
        store,
        ACCOUNT,
        NoteFields(
            situation="SSO移行の途中",
            commitments=[
                Commitment(text="SSOガイドを送る", due=date(2026, 12, 5)),
                Commitment(text="Share the usage report", due=date(2026, 11, 10), done=True),
            ],
        ),
    )
    clock.at = datetime(2026, 11, 24, 9, tzinfo=UTC)
    second = write_note(
        store,
        ACCOUNT,
        NoteFields(
            situation="Invoice dispute",
            goals="Halve onboarding time",
            risks="Champion may leave",
            commitments=[Commitment(text="Call back about the invoice", due=date(2026, 11, 25))],
            key_contact_ids=["c1"],
            coverage_from=TODAY,
            coverage_to=date(2026, 12, 11),
            body="Free text",
        ),
    )
    clock.at = datetime(2026, 11, 25, 9, tzinfo=UTC)
    edit_note(store, second.note.id, replace(NoteFields.of(second.note), body="Free text, edited"))
    set_me(store, "Aoi Tanaka", ME)
    open_note(store, older.note.note_id, ME)
    clock.at = start
    return ACCOUNT


@pytest.fixture
def brief(store: Store, clock: FixedClock) -> br.Brief:
    account_id = build_known_account(store, clock)
    return br.build_brief(store, account_id, clock, reader=ME)


def test_summary(brief: br.Brief) -> None:
    assert brief.today == TODAY
    assert brief.account.name == "株式会社サクラ精機"
    assert brief.days_to_renewal == 95
    assert [(o.email, o.role.value, o.is_me) for o in brief.owners] == [
        (KEN, "primary", False),
        (ME, "secondary", True),
    ]
    assert br.money_text(brief.account) == "¥18,000,000"
    assert br.renewal_text(brief.days_to_renewal) == "in 95 days"


def test_health_and_trend(brief: br.Brief) -> None:
    assert brief.account.health_score == 58
    assert brief.health_change_30d == -16
    assert brief.health_months == [80, 74, 58]  # September, October, November
    assert br.health_text(brief) == "58 / 100 · down 16 in 30 days (falling)"
    assert br.months_text(brief) == "Last 12 months: █▆▁ (low 58, high 80)"


def test_stage_with_open_and_overdue_items(brief: br.Brief) -> None:
    assert (brief.stage_title, brief.stage_started_on) == ("Adoption", date(2026, 9, 1))
    assert (brief.stage_done, brief.stage_total) == (1, 4)
    assert brief.overdue == 3
    # overdue ones first (any stage), then this stage's open ones by due date
    assert [(i.title, i.overdue, i.stage_title) for i in brief.items] == [
        ("Go-live announced", True, "Onboarding"),
        ("Contact 120 days ahead", True, "Renewal"),
        ("Key features adopted", True, "Adoption"),
        ("Business review held", False, "Adoption"),
        ("Share new use cases", False, "Adoption"),
    ]
    assert [i.moment_of_truth for i in brief.items] == [False, False, True, True, False]


def test_last_ten_activities_with_minutes_and_outcomes(brief: br.Brief) -> None:
    assert len(brief.activities) == 10
    assert (brief.activity_total, brief.minutes_total) == (12, sum(range(10, 130, 10)))
    newest = brief.activities[0]
    assert (newest.minutes, newest.outcome, newest.type, newest.author_name) == (
        10,
        "risk_found",
        "call",
        "Aoi Tanaka",
    )
    assert [a.minutes for a in brief.activities] == list(range(10, 110, 10))
    assert br.activity_text(newest) == (
        "2026-11-26 10:00 · Call · 10 min · Risk found · Aoi Tanaka — Note 0 / second line"
    )


def test_open_commitments_from_the_notes(brief: br.Brief) -> None:
    assert [(c.due, c.text, c.overdue, c.author_name) for c in brief.commitments] == [
        (date(2026, 11, 25), "Call back about the invoice", True, "Ken Sato"),
        (date(2026, 12, 5), "SSOガイドを送る", False, "Ken Sato"),
    ]  # the done one is left out


def test_contacts_with_champion_and_decision_maker(brief: br.Brief) -> None:
    assert [br.contact_text(c) for c in brief.contacts] == [
        "山田 花子, IT部長 — champion, key contact",
        "Walter Skinner, CFO — decision maker",
        "John Doe, Admin",
    ]


def test_notes_newest_first_with_versions_and_unread(brief: br.Brief) -> None:
    assert [(n.note.situation, n.versions, n.unread) for n in brief.notes] == [
        ("Invoice dispute", 2, True),
        ("SSO移行の途中", 1, False),
    ]
    assert brief.notes[0].note.body == "Free text, edited"


def test_markdown_has_every_section_in_order(brief: br.Brief) -> None:
    text = br.brief_markdown(brief)
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "# Coverage brief: 株式会社サクラ精機",
        "## Summary",
        "## Health",
        "## Stage: Adoption (1 of 4 done)",
        "## Recent activities (10 of 12; 13 h in all)",
        "## Open commitments",
        "## Contacts",
        "## Handoff notes",
        "### 2026-11-25 09:00 · Ken Sato · version 2 · unread",
        "### 2026-11-20 09:00 · Ken Sato · version 1",
    ]
    for line in [
        "- **Renewal**: 2027-03-02 (in 95 days)",
        "- **Owners**: Ken Sato (primary); "
        "Aoi Tanaka (secondary, covers 2026-11-27 – 2026-12-11: 育休)",
        "- [ ] Go-live announced · due 2026-11-01 · **overdue** (Onboarding)",
        "- [ ] Business review held ★ · due 2026-12-15",
        "- 2026-11-25 · Call back about the invoice (Ken Sato) · **overdue**",
        "- 山田 花子, IT部長 — champion, key contact",
        "**Key contacts**: 山田 花子",
        "**Coverage period**: 2026-11-27 – 2026-12-11",
        "- [x] 2026-11-10 Share the usage report",
        "Free text, edited",
    ]:
        assert line in text.splitlines(), line
    assert "Note 11" not in text  # the 11th and 12th activities are not in the brief


def test_markdown_in_japanese(store: Store, clock: FixedClock) -> None:
    account_id = build_known_account(store, clock)
    set_language("ja")
    text = br.brief_markdown(br.build_brief(store, account_id, clock, reader=ME))
    assert "## 活用期" in text or "活用期" in text
    assert "契約更新" in text
    assert "Coverage brief" not in text and "Open commitments" not in text


def test_an_account_with_nothing_yet(store: Store, clock: FixedClock) -> None:
    set_me(store, "Aoi Tanaka", ME)
    account = create_account(store, Account(name="Empty"))
    brief = br.build_brief(store, account.id, clock, reader=ME)
    assert (brief.items, brief.activities, brief.commitments, brief.notes) == ([], [], [], [])
    text = br.brief_markdown(brief)
    for line in [
        "No open items.",
        "No activities yet.",
        "No open commitments.",
        "No contacts yet.",
    ]:
        assert line in text
    assert "No health score yet." in text and "(no renewal date)" in text


def test_sparkline_scales_between_low_and_high() -> None:
    assert br.sparkline([]) == ""
    assert br.sparkline([50, 50]) == "▄▄"
    assert br.sparkline([0, 50, 100]) == "▁▅█"
    assert br.renewal_text(-3) == "3 days overdue"
    assert br.renewal_text(0) == "today"
    assert br.renewal_text(1) == "in 1 day"


def test_a_brief_for_a_missing_account_is_refused(store: Store, clock: FixedClock) -> None:
    from csm_tui.errors import NotFoundError

    with pytest.raises(NotFoundError):
        br.build_brief(store, "nope", clock)


def test_the_brief_is_for_the_day_of_the_clock(store: Store, clock: FixedClock) -> None:
    account_id = build_known_account(store, clock)
    clock.at += timedelta(days=5)  # 2026-12-02: the SSO guide is not due yet, the review not
    brief = br.build_brief(store, account_id, clock, reader=ME)
    assert brief.days_to_renewal == 90
    assert [c.overdue for c in brief.commitments] == [True, False]
