"""A small, fixed book of business and an app factory for the Pilot and snapshot tests.

Everything that could make a screen differ between runs is pinned: the clock, the language, the
theme, the config file, and the database (a fresh file per test).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from csm_tui.clock import FixedClock
from csm_tui.config import Config
from csm_tui.i18n import set_language
from csm_tui.models.account import Account, Stage
from csm_tui.models.contact import Contact
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.services.accounts import add_account, add_contact, add_owner
from csm_tui.services.identity import set_me, upsert_user
from csm_tui.services.session import Session
from csm_tui.store.connection import Store, open_store
from csm_tui.ui.app import CsmApp

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
TODAY = NOW.date()
ME = "aoi.tanaka@example.com"
COLLEAGUE = "ken.sato@example.com"

# name, segment, stage, health now, health 30+ days ago, value, currency, renewal in days, role
ACCOUNTS: list[tuple[str, str, Stage, int, int, int, str, int, Role | None]] = [
    ("Acme Analytics", "Enterprise", Stage.ADOPTION, 82, 80, 240000, "USD", 200, Role.PRIMARY),
    ("株式会社サクラ精機", "Enterprise", Stage.RENEWAL, 58, 74, 18000000, "JPY", 95, Role.PRIMARY),
    ("Globex Logistics", "Mid-Market", Stage.ONBOARDING, 70, 70, 56000, "USD", 330, Role.PRIMARY),
    (
        "ヤマト食品ホールディングス",
        "Mid-Market",
        Stage.ADOPTION,
        45,
        61,
        7200000,
        "JPY",
        40,
        Role.SECONDARY,
    ),
    ("Initech", "SMB", Stage.RENEWAL, 91, 85, 12000, "EUR", 15, Role.PRIMARY),
    ("東京ロボティクス", "SMB", Stage.ONBOARDING, 66, 60, 2400000, "JPY", 150, None),
    ("Umbrella Health", "Tech Touch", Stage.ADOPTION, 38, 52, 4800, "USD", 110, Role.SECONDARY),
    (
        "カブシキガイシャ・ミライ",
        "Tech Touch",
        Stage.RENEWAL,
        75,
        77,
        600000,
        "JPY",
        -5,
        Role.PRIMARY,
    ),
]


def build_small_book(store: Store) -> dict[str, str]:
    """Fill `store` with ACCOUNTS; returns account name → id."""
    set_me(store, "Aoi Tanaka", ME)
    ids: dict[str, str] = {}
    with store.transaction() as tx:
        upsert_user(tx, COLLEAGUE, "Ken Sato")
        for number, row in enumerate(ACCOUNTS):
            name, segment, stage, health, past, value, currency, renewal, role = row
            account = Account(
                id=f"acct{number:02d}",
                external_id=f"CRM-{number:04d}",
                name=name,
                segment=segment,
                stage=stage,
                health_score=health,
                contract_value=value,
                currency=currency,
                renewal_date=TODAY + timedelta(days=renewal),
                tags=["vip", "製造業"] if number % 2 else ["API"],
            )
            add_account(tx, account)
            ids[name] = account.id
            primary = ME if role is Role.PRIMARY else COLLEAGUE
            add_owner(
                tx, OwnerAssignment(account_id=account.id, user_email=primary, role=Role.PRIMARY)
            )
            if role is Role.SECONDARY:
                add_owner(
                    tx,
                    OwnerAssignment(
                        account_id=account.id,
                        user_email=ME,
                        role=Role.SECONDARY,
                        coverage_from=TODAY,
                        coverage_to=TODAY + timedelta(days=14),
                        coverage_reason="parental leave",
                    ),
                )
            add_contact(
                tx,
                Contact(
                    account_id=account.id,
                    name="山田 花子" if number % 2 else "Dana Scully",
                    role="IT部長" if number % 2 else "VP Operations",
                    email=f"contact{number}@customer.example",
                    is_champion=True,
                ),
            )
            add_contact(
                tx,
                Contact(
                    account_id=account.id,
                    name="Walter Skinner",
                    role="CFO",
                    is_decision_maker=True,
                ),
            )
            for months_back in range(12, 0, -1):
                day = _months_before(TODAY, months_back)
                # a straight line from `past` twelve months ago... to `past` a month ago
                score = max(0, min(100, past + (months_back - 1) * (1 if number % 3 else -1)))
                tx.insert(
                    "health_snapshots",
                    {
                        "id": f"h{number:02d}{months_back:02d}",
                        "account_id": account.id,
                        "date": day,
                        "score": score,
                        "components": {"usage": score, "relationship": min(100, score + 5)},
                    },
                )
            tx.insert(
                "health_snapshots",
                {
                    "id": f"h{number:02d}00",
                    "account_id": account.id,
                    "date": TODAY,
                    "score": health,
                    "components": {"usage": health, "relationship": min(100, health + 5)},
                },
            )
            tx.insert(
                "activities",
                {
                    "id": f"act{number:02d}",
                    "account_id": account.id,
                    "author_email": ME,
                    "type": "call",
                    "minutes": 30,
                    "occurred_at": (NOW - timedelta(days=3 + number)).isoformat(),
                    "proactive": True,
                    "recurring": False,
                    "outcome": "resolved",
                    "note": "",
                    "created_at": NOW.isoformat(),
                    "updated_at": NOW.isoformat(),
                },
            )
    _roadmaps(store, ids)
    return ids


def _roadmaps(store: Store, ids: dict[str, str]) -> None:
    """Each account's roadmap, started 10 to 80 days ago: earlier stages done, the current
    one partly ticked, so the book and the Roadmap tab show progress and overdue items."""
    from csm_tui.services import checklist
    from csm_tui.services.roadmap_templates import built_in_templates, template_for_segment
    from csm_tui.store.checklist import items_of

    templates = built_in_templates()
    for number, account_id in enumerate(ids.values()):
        stage, segment = ACCOUNTS[number][2], ACCOUNTS[number][1]
        checklist.apply_template(store, account_id, template_for_segment(templates, segment))
        with store.transaction() as tx:
            started = TODAY - timedelta(days=10 + 10 * number)
            tx.update("accounts", account_id, {"stage_started_on": started})
        checklist.refresh_due_dates(store, account_id)
        order = list(Stage)
        current = [item for item in items_of(store, account_id) if item.stage == stage]
        for item in items_of(store, account_id):
            if order.index(item.stage) < order.index(stage):
                checklist.tick(store, item.id, True)
        for item in current[: number % 4]:
            checklist.tick(store, item.id, True, "済" if number % 2 else "")


def _months_before(day: date, months: int) -> date:
    month = day.month - months
    year = day.year
    while month <= 0:
        month += 12
        year -= 1
    return date(year, month, 1)


@pytest.fixture
def book_store(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    store = open_store(tmp_path / "ui.db", clock=clock)
    build_small_book(store)
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    store = open_store(tmp_path / "empty.db", clock=clock)
    yield store
    store.close()


AppFactory = Callable[..., CsmApp]


async def settle(pilot: Pilot[None], done: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the app work until `done()` (keys posted at once may take a while on a busy CI)."""
    waited = 0.0
    while not done() and waited < timeout:
        await pilot.pause(0.05)
        waited += 0.05
    # a screen is on the stack before it has composed: let what is pending run before the
    # caller looks inside it
    await pilot.pause()


@pytest.fixture
def make_app(tmp_path: Path, clock: FixedClock) -> Iterator[AppFactory]:
    def factory(
        store: Store,
        language: str = "en",
        theme: str = "csm-dark",
        landing: str = "book",
        sync: bool = False,
    ) -> CsmApp:
        """The app on `store`; it opens on the book (the tests of Today ask for "today").
        The sync engine stays off unless a test is about it."""
        set_language(language)
        config = Config(theme=theme, language=language, path=tmp_path / "config.toml")
        return CsmApp(Session(store, clock), config, landing=landing, sync=sync)

    yield factory
    set_language("en")
