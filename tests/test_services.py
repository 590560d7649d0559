"""Services over the store (accounts, identity, the book), the config file and the paths."""

from __future__ import annotations

import contextlib
import json
import os
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic
import pytest

from csm_tui import config as config_module
from csm_tui.clock import FixedClock
from csm_tui.config import Config, load_config, save_config
from csm_tui.errors import CsmError, NotFoundError, StoreError, ValidationError
from csm_tui.models.account import Account, Stage
from csm_tui.models.book import BookQuery, QuickFilter, SortKey
from csm_tui.models.contact import Contact
from csm_tui.models.health import HealthSnapshot
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.paths import config_path, default_db_path, resolve_db_path
from csm_tui.services.accounts import (
    account_overview,
    add_contact,
    add_owner,
    create_account,
    record_health,
    update_account,
)
from csm_tui.services.book import BookService
from csm_tui.services.identity import me_identity, set_me, upsert_user
from csm_tui.services.session import Session
from csm_tui.store import accounts as queries
from csm_tui.store.connection import Store

NOW_ISO = "2026-11-27T09:00:00+00:00"
LATER = datetime(2026, 11, 28, 14, 30, tzinfo=UTC)
LATER_ISO = "2026-11-28T14:30:00+00:00"
ME = "aoi.tanaka@example.com"
KEN = "ken.sato@example.com"


def journal(store: Store) -> list[dict[str, Any]]:
    rows = store.query("SELECT * FROM journal ORDER BY seq")
    return [{**dict(row), "payload": json.loads(row["payload"])} for row in rows]


def ops(store: Store) -> list[tuple[str, str, str]]:
    return [(e["table_name"], e["row_id"], e["operation"]) for e in journal(store)]


def acme(**fields: Any) -> Account:
    return Account.model_validate(
        {
            "id": "acme",
            "name": "Acme Corp",
            "segment": "Enterprise",
            "contract_value": "1200.50",
            "renewal_date": "2027-03-27",
            "health_score": 60,
            "tags": "b; a",
            **fields,
        }
    )


# -- accounts --------------------------------------------------------------------------------


class TestCreateAccount:
    def test_with_primary_owner(self, store: Store) -> None:
        create_account(store, acme(), primary_owner="Aoi.Tanaka@Example.com")

        row = store.query_one("SELECT * FROM accounts WHERE id = 'acme'")
        assert row is not None
        assert dict(row) == {
            "id": "acme",
            "external_id": None,
            "name": "Acme Corp",
            "segment": "Enterprise",
            "contract_value": 1200.5,
            "currency": "USD",
            "renewal_date": "2027-03-27",
            "health_score": 60,
            "stage": "onboarding",
            "tags": '["b", "a"]',
            "created_at": NOW_ISO,
            "updated_at": NOW_ISO,
            "search": "acme corp enterprise  b a",  # derived for the filter, not journaled
            "stage_started_on": None,  # set when a roadmap starts or the stage changes
            "archived_on": None,  # issue 14: account archive
        }
        owners = queries.owners_of(store, "acme")
        assert [(o.user_email, o.role) for o in owners] == [(ME, Role.PRIMARY)]

        entries = journal(store)
        assert [(e["table_name"], e["row_id"], e["operation"]) for e in entries] == [
            ("accounts", "acme", "insert"),
            ("owners", owners[0].id, "insert"),
        ]
        assert entries[1]["payload"]["user_email"] == ME
        assert entries[1]["payload"]["role"] == "primary"
        assert entries[1]["payload"]["account_id"] == "acme"

    def test_round_trips_through_the_store(self, store: Store) -> None:
        account = acme(external_id="SF-1", currency="JPY", stage=Stage.ADOPTION)
        create_account(store, account)
        assert queries.get_account(store, "acme") == account
        assert queries.get_account(store, "acme").contract_value == Decimal("1200.50")  # type: ignore[union-attr]
        assert queries.find_account_by_external_id(store, "SF-1") == account
        assert ops(store) == [("accounts", "acme", "insert")]

    def test_bad_owner_e_mail_writes_nothing(self, store: Store) -> None:
        with pytest.raises(pydantic.ValidationError):
            create_account(store, acme(), primary_owner="not an e-mail")
        assert queries.count_accounts(store) == 0
        assert journal(store) == []

    def test_duplicate_id_is_a_store_error(self, store: Store) -> None:
        create_account(store, acme())
        with pytest.raises(StoreError):
            create_account(store, acme(name="Other"))
        assert queries.count_accounts(store) == 1
        assert len(journal(store)) == 1


class TestUpdateAccount:
    @pytest.fixture(autouse=True)
    def _acme(self, store: Store, clock: FixedClock) -> None:
        create_account(store, acme())
        clock.at = LATER

    def test_only_changed_fields_are_journaled(self, store: Store) -> None:
        updated = update_account(
            store, "acme", name="Acme Holdings", health_score=60, segment="Enterprise"
        )
        assert updated.name == "Acme Holdings"
        entries = journal(store)
        assert len(entries) == 2
        assert entries[1]["operation"] == "update"
        assert entries[1]["row_id"] == "acme"
        assert entries[1]["payload"] == {"name": "Acme Holdings", "updated_at": LATER_ISO}
        row = store.query_one("SELECT name, created_at, updated_at FROM accounts")
        assert tuple(row) == ("Acme Holdings", NOW_ISO, LATER_ISO)  # type: ignore[arg-type]

    def test_values_are_converted_for_the_journal(self, store: Store) -> None:
        update_account(
            store,
            "acme",
            tags="x; y; x",
            renewal_date=date(2027, 4, 1),
            stage="renewal",
            contract_value="99.9",
        )
        assert journal(store)[-1]["payload"] == {
            "tags": '["x", "y"]',
            "renewal_date": "2027-04-01",
            "stage": "renewal",
            "contract_value": 99.9,
            "stage_started_on": LATER_ISO[:10],  # a new stage starts on the day it is set
            "updated_at": LATER_ISO,
        }
        account = queries.get_account(store, "acme")
        assert account is not None
        assert account.tags == ["x", "y"]
        assert account.contract_value == Decimal("99.90")

    def test_unchanged_writes_no_journal_entry(self, store: Store) -> None:
        # the same values, spelled differently
        same = update_account(
            store, "acme", contract_value="1200.5", tags=["b", "a"], name=" Acme Corp "
        )
        assert same == acme()
        assert len(journal(store)) == 1
        row = store.query_one("SELECT updated_at FROM accounts")
        assert row[0] == NOW_ISO  # type: ignore[index]

    def test_unknown_field(self, store: Store) -> None:
        with pytest.raises(ValidationError, match="colour"):
            update_account(store, "acme", colour="red")
        with pytest.raises(ValidationError, match="id"):
            update_account(store, "acme", id="other")
        assert len(journal(store)) == 1

    @pytest.mark.parametrize(
        "changes",
        [
            {"health_score": 101},
            {"currency": "usd"},
            {"name": "  "},
            {"contract_value": "-1"},
            {"stage": "churned"},
        ],
    )
    def test_invalid_value(self, store: Store, changes: dict[str, Any]) -> None:
        with pytest.raises(pydantic.ValidationError):
            update_account(store, "acme", **changes)
        assert queries.get_account(store, "acme") == acme()
        assert len(journal(store)) == 1

    def test_missing_account(self, store: Store) -> None:
        with pytest.raises(NotFoundError, match="nope"):
            update_account(store, "nope", name="X")
        assert len(journal(store)) == 1


class TestRecordHealth:
    def test_newest_snapshot_sets_the_score_older_does_not(self, store: Store) -> None:
        create_account(store, acme(health_score=None))

        record_health(
            store, HealthSnapshot(id="h2", account_id="acme", date="2026-11-20", score=72)
        )  # type: ignore[arg-type]
        assert queries.get_account(store, "acme").health_score == 72  # type: ignore[union-attr]

        record_health(
            store, HealthSnapshot(id="h1", account_id="acme", date="2026-11-01", score=40)
        )  # type: ignore[arg-type]
        assert queries.get_account(store, "acme").health_score == 72  # type: ignore[union-attr]

        record_health(
            store, HealthSnapshot(id="h3", account_id="acme", date="2026-11-27", score=65)
        )  # type: ignore[arg-type]
        assert queries.get_account(store, "acme").health_score == 65  # type: ignore[union-attr]

        assert ops(store) == [
            ("accounts", "acme", "insert"),
            ("health_snapshots", "h2", "insert"),
            ("accounts", "acme", "update"),
            ("health_snapshots", "h1", "insert"),
            ("health_snapshots", "h3", "insert"),
            ("accounts", "acme", "update"),
        ]
        assert journal(store)[2]["payload"] == {"health_score": 72, "updated_at": NOW_ISO}
        history = queries.health_history(store, "acme", date(2026, 1, 1))
        assert [(s.date.isoformat(), s.score) for s in history] == [
            ("2026-11-01", 40),
            ("2026-11-20", 72),
            ("2026-11-27", 65),
        ]

    def test_components_are_stored(self, store: Store) -> None:
        create_account(store, acme())
        snap = HealthSnapshot(
            account_id="acme", date=date(2026, 11, 27), score=80, components={"usage": 90}
        )
        record_health(store, snap)
        assert queries.health_history(store, "acme", date(2026, 11, 27)) == [snap]

    def test_unknown_account(self, store: Store) -> None:
        with pytest.raises(StoreError):
            record_health(store, HealthSnapshot(account_id="nope", date=date(2026, 11, 1), score=1))
        assert journal(store) == []


# -- identity --------------------------------------------------------------------------------


class TestSetMe:
    def test_records_me_and_the_user(self, store: Store) -> None:
        assert me_identity(store) is None
        assert set_me(store, "  Aoi Tanaka ", " Aoi.Tanaka@Example.COM ") == ("Aoi Tanaka", ME)
        assert me_identity(store) == ("Aoi Tanaka", ME)
        assert queries.user_names(store) == {ME: "Aoi Tanaka"}
        assert [
            (e["table_name"], e["row_id"], e["operation"], e["payload"]) for e in journal(store)
        ] == [("users", ME, "insert", {"email": ME, "name": "Aoi Tanaka"})]

    def test_same_again_journals_nothing(self, store: Store, me: tuple[str, str]) -> None:
        assert me == ("Aoi Tanaka", ME)
        set_me(store, "Aoi Tanaka", ME)
        assert len(journal(store)) == 1

    def test_renaming_journals_an_update(self, store: Store, me: tuple[str, str]) -> None:
        set_me(store, "Aoi Tanaka-Sato", ME)
        assert me_identity(store) == ("Aoi Tanaka-Sato", ME)
        assert queries.user_names(store) == {ME: "Aoi Tanaka-Sato"}
        assert [(e["row_id"], e["operation"], e["payload"]) for e in journal(store)] == [
            (ME, "insert", {"email": ME, "name": "Aoi Tanaka"}),
            (ME, "update", {"name": "Aoi Tanaka-Sato"}),
        ]

    def test_another_e_mail_adds_a_user(self, store: Store, me: tuple[str, str]) -> None:
        set_me(store, "Ken Sato", KEN)
        assert me_identity(store) == ("Ken Sato", KEN)
        assert queries.user_names(store) == {ME: "Aoi Tanaka", KEN: "Ken Sato"}

    @pytest.mark.parametrize(
        ("name", "email", "message"),
        [
            ("Aoi", "aoi@example", "Please give a valid e-mail address."),
            ("Aoi", "", "Please give a valid e-mail address."),
            ("", ME, "Please give your name."),
            ("   ", ME, "Please give your name."),
            ("", "nope", "Please give your name and a valid e-mail address."),
        ],
    )
    def test_validation_messages(self, store: Store, name: str, email: str, message: str) -> None:
        with pytest.raises(ValidationError) as exc:
            set_me(store, name, email)
        assert str(exc.value) == message
        assert me_identity(store) is None
        assert journal(store) == []

    def test_upsert_user_keeps_a_name_when_given_none(self, store: Store) -> None:
        with store.transaction() as tx:
            upsert_user(tx, KEN, "Ken")
        with store.transaction() as tx:
            upsert_user(tx, KEN, "")
        assert queries.user_names(store) == {KEN: "Ken"}
        assert len(journal(store)) == 1


# -- the account overview --------------------------------------------------------------------


def _overview_account(store: Store) -> None:
    create_account(store, acme(renewal_date="2027-01-10"), primary_owner=ME)
    with store.transaction() as tx:
        upsert_user(tx, KEN, "Ken Sato")
        add_owner(
            tx,
            OwnerAssignment(
                account_id="acme",
                user_email="zoe@example.com",  # not a known user: shown by e-mail
                role=Role.SECONDARY,
            ),
        )
        add_owner(
            tx,
            OwnerAssignment(
                account_id="acme",
                user_email=KEN,
                role=Role.SECONDARY,
                coverage_from=date(2026, 12, 1),
                coverage_to=date(2026, 12, 24),
                coverage_reason="leave",
            ),
        )
        for name, champion, decider in [
            ("Zed", True, False),
            ("Amy", False, False),
            ("Bob", False, True),
            ("Cat", True, True),
            ("Abe", True, False),
        ]:
            add_contact(
                tx,
                Contact(
                    account_id="acme",
                    name=name,
                    is_champion=champion,
                    is_decision_maker=decider,
                ),
            )
        for day, score in [
            ("2025-11-26", 99),  # 366 days ago: outside the 12 months
            ("2025-11-27", 50),  # exactly 365 days ago: inside
            ("2026-06-01", 55),
            ("2026-10-28", 68),  # exactly 30 days ago: the comparison point
            ("2026-11-15", 62),
        ]:
            tx.insert(
                "health_snapshots",
                HealthSnapshot(account_id="acme", date=day, score=score).model_dump(),  # type: ignore[arg-type]
            )
        for at in ["2026-11-20T10:15:00+00:00", "2026-11-26T16:45:00+00:00"]:
            tx.insert(
                "activities",
                {
                    "id": at,
                    "account_id": "acme",
                    "author_email": ME,
                    "type": "call",
                    "minutes": 15,
                    "occurred_at": at,
                    "created_at": NOW_ISO,
                    "updated_at": NOW_ISO,
                },
            )


class TestOverview:
    def test_overview(self, store: Store, clock: FixedClock, me: tuple[str, str]) -> None:
        _overview_account(store)
        view = account_overview(store, "acme", clock)

        assert view.account.name == "Acme Corp"
        assert [(o.email, o.name, o.role, o.is_me) for o in view.owners] == [
            (ME, "Aoi Tanaka", Role.PRIMARY, True),
            (KEN, "Ken Sato", Role.SECONDARY, False),
            ("zoe@example.com", "zoe@example.com", Role.SECONDARY, False),
        ]
        ken = view.owners[1]
        assert (ken.coverage_from, ken.coverage_to, ken.coverage_reason) == (
            date(2026, 12, 1),
            date(2026, 12, 24),
            "leave",
        )
        assert view.my_role is Role.PRIMARY
        # champions first, then decision makers, then by name
        assert [c.name for c in view.contacts] == ["Cat", "Abe", "Zed", "Bob", "Amy"]
        assert [(s.date.isoformat(), s.score) for s in view.health] == [
            ("2025-11-27", 50),
            ("2026-06-01", 55),
            ("2026-10-28", 68),
            ("2026-11-15", 62),
        ]
        assert view.health_change_30d == 60 - 68
        # 2026-11-27 → 2026-12-27 is 30 days, → 2027-01-10 14 more
        assert view.days_to_renewal == 44
        assert view.last_activity == "2026-11-26T16:45:00+00:00"

    def test_bare_account(self, store: Store, clock: FixedClock) -> None:
        create_account(store, Account(id="bare", name="Bare"))
        view = account_overview(store, "bare", clock)
        assert view.owners == []
        assert view.contacts == []
        assert view.health == []
        assert view.health_change_30d is None
        assert view.days_to_renewal is None
        assert view.last_activity is None
        assert view.my_role is None

    def test_without_me_nobody_is_me(self, store: Store, clock: FixedClock) -> None:
        _overview_account(store)
        view = account_overview(store, "acme", clock)
        assert [o.is_me for o in view.owners] == [False, False, False]
        assert view.my_role is None

    def test_overdue_renewal_is_negative(self, store: Store, clock: FixedClock) -> None:
        create_account(store, Account(id="late", name="Late", renewal_date=date(2026, 11, 20)))
        assert account_overview(store, "late", clock).days_to_renewal == -7

    def test_missing_account(self, store: Store, clock: FixedClock) -> None:
        with pytest.raises(NotFoundError):
            account_overview(store, "nope", clock)

    def test_overview_and_book_agree_on_the_30_day_change(
        self, store: Store, clock: FixedClock
    ) -> None:
        # the only snapshot at least 30 days old is from 2025-06-01, 544 days ago
        create_account(store, Account(id="old", name="Old"))
        record_health(store, HealthSnapshot(account_id="old", date=date(2025, 6, 1), score=90))
        record_health(store, HealthSnapshot(account_id="old", date=date(2026, 11, 20), score=70))
        book = BookService(store, clock)
        book.load()
        row = book.row("old")
        assert row is not None
        assert account_overview(store, "old", clock).health_change_30d == row.health_change


# -- the book service and the session --------------------------------------------------------


class TestBookService:
    def _seed(self, store: Store) -> None:
        create_account(
            store,
            Account(id="a", name="Acme", renewal_date=date(2027, 1, 6), health_score=50),
            primary_owner=ME,
        )
        create_account(store, Account(id="b", name="Beta", renewal_date=date(2027, 6, 1)))
        create_account(store, Account(id="c", name="Cobalt", segment="SMB"), primary_owner=KEN)

    def test_reading_a_row_while_a_worker_reloads_the_book(
        self, store: Store, clock: FixedClock, me: tuple[str, str]
    ) -> None:
        """A reload drops and rebuilds temp.book on the shared connection; a row read from
        the UI thread meanwhile once failed ("database table is locked", "no such table")."""
        import threading
        import time

        for n in range(300):
            create_account(store, Account(id=f"x{n}", name=f"Account {n}"), primary_owner=ME)
        book = BookService(store, clock)
        book.load()
        errors: list[Exception] = []
        stop = time.monotonic() + 1.5

        def reload() -> None:
            while time.monotonic() < stop:
                try:
                    book.load()
                except StoreError as exc:
                    errors.append(exc)

        worker = threading.Thread(target=reload)
        worker.start()
        try:
            while time.monotonic() < stop:
                try:
                    assert book.row("x7") is not None
                except StoreError as exc:
                    errors.append(exc)
        finally:
            worker.join()
        assert errors == []

    def test_load_and_query(self, store: Store, clock: FixedClock, me: tuple[str, str]) -> None:
        self._seed(store)
        book = BookService(store, clock)
        assert book.me == ("Aoi Tanaka", ME)
        assert book.load() == 3
        assert book.size == 3
        rows = book.query(BookQuery())  # default: renewal ascending, none last
        assert [r.id for r in rows] == ["a", "b", "c"]
        assert rows[0].days_to_renewal == 40  # 3 days left in November + 31 + 6
        assert rows[1].days_to_renewal == 186
        assert [r.id for r in book.query(BookQuery(quick=frozenset({QuickFilter.I_OWN})))] == ["a"]
        assert [r.id for r in book.query(BookQuery(text="smb"))] == ["c"]
        assert [r.id for r in book.query(BookQuery(sort=SortKey.NAME, descending=True))] == [
            "c",
            "b",
            "a",
        ]
        assert book.row("a").my_role == "primary"  # type: ignore[union-attr]
        assert book.row("nope") is None

    def test_days_follow_the_clock(self, store: Store, clock: FixedClock) -> None:
        self._seed(store)
        book = BookService(store, clock)
        book.load()
        assert book.row("a").days_to_renewal == 40  # type: ignore[union-attr]
        clock.at = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)
        book.load()
        assert book.row("a").days_to_renewal == 5  # type: ignore[union-attr]

    def test_session_set_me_reloads_the_book(self, store: Store) -> None:
        self._seed(store)
        session = Session(store)
        assert session.path == store.path
        assert session.clock is store.clock
        session.book.load()
        assert session.me is None
        assert session.book.row("a").my_role is None  # type: ignore[union-attr]
        session.set_me("Aoi Tanaka", ME)
        assert session.me == ("Aoi Tanaka", ME)
        assert session.book.row("a").my_role == "primary"  # type: ignore[union-attr]
        assert session.overview("a").my_role is Role.PRIMARY


# -- config ----------------------------------------------------------------------------------


class TestConfig:
    def test_missing_file_gives_defaults(self, tmp_path: Path) -> None:
        config = load_config()
        assert config.path == tmp_path / "config.toml"  # from CSM_TUI_CONFIG
        assert (config.theme, config.language, config.problem) == ("csm-dark", None, None)
        assert not config.path.exists()

    def test_round_trip(self, tmp_path: Path) -> None:
        path = tmp_path / "sub" / "config.toml"
        save_config(Config(theme="csm-light", language="ja", path=path))
        text = path.read_text(encoding="utf-8")
        assert "version = 1" in text
        loaded = load_config(path)
        assert (loaded.theme, loaded.language, loaded.problem) == ("csm-light", "ja", None)

        loaded.language = None
        save_config(loaded)
        again = load_config(path)
        assert (again.theme, again.language, again.problem) == ("csm-light", None, None)
        assert "language" not in path.read_text(encoding="utf-8")

    def test_save_keeps_unknown_keys(self, tmp_path: Path) -> None:
        path = tmp_path / "config.toml"
        path.write_text(
            'version = 1\nfuture = "x"\n\n[ui]\ntheme = "csm-dark"\nfont = "big"\n\n'
            '[sync]\nurl = "https://example.com"\n',
            encoding="utf-8",
        )
        config = load_config(path)
        config.theme = "csm-light"
        save_config(config)
        import tomllib

        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert data == {
            "version": 1,
            "future": "x",
            "ui": {"theme": "csm-light", "font": "big"},
            "sync": {"url": "https://example.com"},
        }
        assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "home"]

    @pytest.mark.parametrize(
        "text",
        ['[ui\ntheme = "x"\n', "theme = = 1\n", "\xff\xfe garbage"],
    )
    def test_bad_toml(self, tmp_path: Path, text: str) -> None:
        path = tmp_path / "config.toml"
        path.write_bytes(text.encode("latin-1"))
        before = path.read_bytes()
        config = load_config(path)
        assert config.problem is not None
        assert config.problem.startswith(f"{path}: ")
        assert (config.theme, config.language) == ("csm-dark", None)
        assert path.read_bytes() == before

    def test_save_does_not_overwrite_a_file_it_could_not_read(self, tmp_path: Path) -> None:
        path = tmp_path / "config.toml"
        path.write_text('[ui\ntheme = "csm-light"\n\n[sync]\nurl = "https://x"\n')
        before = path.read_bytes()
        config = load_config(path)
        assert config.problem is not None
        config.theme = "csm-dark"
        with contextlib.suppress(CsmError, OSError):
            save_config(config)
        assert path.read_bytes() == before

    def test_unknown_language(self, tmp_path: Path) -> None:
        path = tmp_path / "config.toml"
        path.write_text('[ui]\ntheme = "csm-light"\nlanguage = "fr"\n', encoding="utf-8")
        config = load_config(path)
        assert config.language is None
        assert config.theme == "csm-light"
        assert config.problem == f"{path}: unknown language 'fr' (use one of en, ja)"

    def test_ui_must_be_a_table(self, tmp_path: Path) -> None:
        path = tmp_path / "config.toml"
        path.write_text('ui = "dark"\n', encoding="utf-8")
        config = load_config(path)
        assert config.problem == f"{path}: [ui] must be a table"
        assert config.theme == "csm-dark"

    def test_failed_save_leaves_the_old_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = tmp_path / "config.toml"
        path.write_text('[ui]\ntheme = "old"\n', encoding="utf-8")
        before = path.read_bytes()

        def broken_fsync(fd: int) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(config_module.os, "fsync", broken_fsync)
        with pytest.raises(OSError, match="No space"):
            save_config(Config(theme="new", path=path))
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["config.toml", "home"]

    def test_save_to_default_path(self, tmp_path: Path) -> None:
        save_config(Config(theme="csm-light"))
        assert load_config(tmp_path / "config.toml").theme == "csm-light"


# -- paths -----------------------------------------------------------------------------------


class TestPaths:
    def test_cli_wins_over_env(self, tmp_path: Path) -> None:
        assert resolve_db_path(tmp_path / "cli.db") == tmp_path / "cli.db"
        assert resolve_db_path(str(tmp_path / "cli.db")) == tmp_path / "cli.db"

    def test_env_wins_over_default(self, tmp_path: Path) -> None:
        assert resolve_db_path(None) == tmp_path / "default.db"
        assert resolve_db_path("") == tmp_path / "default.db"

    def test_default(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("CSM_TUI_DB")
        expected = tmp_path / "xdg-data" / "csm-tui" / "book.db"
        assert default_db_path() == expected
        assert resolve_db_path(None) == expected
        monkeypatch.setenv("CSM_TUI_DB", "")
        assert resolve_db_path(None) == expected

    def test_tilde_is_expanded(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        home = Path(os.environ["HOME"])
        assert resolve_db_path("~/mine.db") == home / "mine.db"
        monkeypatch.setenv("CSM_TUI_DB", "~/env.db")
        assert resolve_db_path(None) == home / "env.db"

    def test_config_path(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        assert config_path() == tmp_path / "config.toml"
        monkeypatch.delenv("CSM_TUI_CONFIG")
        assert config_path() == tmp_path / "xdg-config" / "csm-tui" / "config.toml"
