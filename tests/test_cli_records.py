"""`csm-tui me set`, `account add|edit`, `contact add|edit|remove|list` (issue 14)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from csm_tui.models.account import Stage
from csm_tui.services.identity import me_identity
from csm_tui.store.accounts import all_accounts, contacts_of, owners_of
from csm_tui.store.connection import open_store
from tests.cli_run import run


@pytest.fixture
def book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "book.db"
    argv = ["me", "set", "--name", "Aoi Tanaka", "--email", "Aoi@Example.com", "--db", str(path)]
    code, _out, err = run(argv, capsys)
    assert code == 0, err
    return path


def cli(capsys: pytest.CaptureFixture[str], book: Path, *argv: str) -> tuple[int, str, str]:
    return run([*argv, "--db", str(book)], capsys)


def test_me_set_starts_a_book(book: Path) -> None:
    with open_store(book) as store:
        assert me_identity(store) == ("Aoi Tanaka", "aoi@example.com")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--name", "", "--email", "a@example.com"], "Please give your name."),
        (["--name", "Aoi", "--email", "not-an-address"], "valid e-mail address"),
    ],
)
def test_me_set_refuses_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    code, _out, err = run(["me", "set", *argv, "--db", str(tmp_path / "b.db")], capsys)
    assert code == 1 and said in err


def test_account_add_and_edit(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(
        capsys, book, "account", "add", "株式会社サクラ", "--external-id", "ＣＲＭ－１",
        "--segment", "Enterprise", "--contract-value", "¥1,200,000", "--renewal-date",
        "令和9年3月31日", "--health", "80", "--stage", "活用期", "--tags", "重点;新規",
    )  # fmt: skip
    assert code == 0, err
    account_id = out.strip()
    with open_store(book) as store:
        [account] = all_accounts(store)
        assert account.id == account_id and account.external_id == "CRM-1"
        assert (account.contract_value, account.currency) == (Decimal(1200000), "JPY")
        assert (account.renewal_date, account.stage) == (date(2027, 3, 31), Stage.ADOPTION)
        assert account.tags == ["重点", "新規"]
        assert [owner.user_email for owner in owners_of(store, account_id)] == ["aoi@example.com"]
    code, _out, err = cli(capsys, book, "account", "edit", "さくら", "--health", "65")
    assert code == 0 and "Changed health_score of 株式会社サクラ." in err, err
    code, _out, err = cli(capsys, book, "account", "edit", "CRM-1", "--name", "サクラ精機")
    assert code == 0, err
    with open_store(book) as store:
        [account] = all_accounts(store)
        assert (account.name, account.health_score, account.segment) == (
            "サクラ精機",
            65,
            "Enterprise",
        )


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--health", "120"], "not between 0 and 100"),
        (["--stage", "later"], "is not one of onboarding"),
        (["--renewal-date", "someday"], "is not a date"),
        (["--contract-value", "¥100", "--currency", "USD"], "is in JPY but --currency is USD"),
        (["--external-id", "A-1"], "already has the external id A-1"),
    ],
)
def test_account_add_refuses_bad_input(
    book: Path, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    assert cli(capsys, book, "account", "add", "Acme", "--external-id", "A-1")[0] == 0
    code, _out, err = cli(capsys, book, "account", "add", "Globex", *argv)
    assert code != 0 and said in err, err
    with open_store(book) as store:
        assert [account.name for account in all_accounts(store)] == ["Acme"]


def test_account_edit_needs_a_field_and_an_account(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(capsys, book, "account", "add", "Acme")
    code, _out, err = cli(capsys, book, "account", "edit", "Acme")
    assert code == 2 and "Give at least one field" in err
    code, _out, err = cli(capsys, book, "account", "edit", "Nobody", "--health", "5")
    assert code == 1 and "No account has" in err


def test_contacts(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli(capsys, book, "account", "add", "Acme")
    code, _out, err = cli(
        capsys, book, "contact", "add", "Acme", "--name", "Ken Sato", "--email", "Ken@acme.example",
        "--title", "VP Operations", "--role", "champion",
    )  # fmt: skip
    assert code == 0, err
    cli(capsys, book, "contact", "add", "Acme", "--name", "Mia Ito", "--role", "champion")
    code, out, _err = cli(capsys, book, "contact", "list", "Acme", "--format", "json")
    rows = json.loads(out)
    assert [(row["name"], row["roles"]) for row in rows] == [
        ("Mia Ito", ["champion"]),
        ("Ken Sato", []),
    ]
    assert rows[1]["email"] == "ken@acme.example" and rows[1]["title"] == "VP Operations"
    code, _out, err = cli(
        capsys, book, "contact", "edit", "Acme", "ken@acme.example", "--role", "decision_maker"
    )
    assert code == 0, err
    code, out, _err = cli(capsys, book, "contact", "list", "Acme")
    assert "Ken Sato  VP Operations  ken@acme.example  [decision maker]" in out
    argv = ["--phone", "+81 3-1234-5678", "--role", "key", "--role", "decision_maker"]
    assert cli(capsys, book, "contact", "edit", "Acme", "Ken Sato", *argv)[0] == 0
    code, out, _err = cli(capsys, book, "contact", "list", "Acme", "--format", "json")
    ken = next(row for row in json.loads(out) if row["name"] == "Ken Sato")
    assert (ken["phone"], ken["roles"]) == ("+81 3-1234-5678", ["decision_maker", "key"])
    code, _out, err = cli(capsys, book, "contact", "remove", "Acme", "Mia Ito")
    assert code == 0 and "Removed Mia Ito." in err
    with open_store(book) as store:
        assert [contact.name for contact in contacts_of(store, all_accounts(store)[0].id)] == [
            "Ken Sato"
        ]
        operations = store.query("SELECT operation FROM journal WHERE table_name = 'contacts'")
        assert [row[0] for row in operations].count("delete") == 1  # journaled: it syncs


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["contact", "add", "Acme", "--name", "X", "--email", "nope"], "email is not valid"),
        (["contact", "add", "Acme", "--name", "X", "--role", "boss"], "Invalid value"),
        (["contact", "add", "Acme", "--name", "Y", "--email", "ken@acme.example"], "already has"),
        (["contact", "edit", "Acme", "Nobody", "--name", "Z"], "has no contact Nobody"),
        (["contact", "remove", "Nowhere", "Ken"], "No account has"),
    ],
)
def test_contacts_refuse_bad_input(
    book: Path, capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    cli(capsys, book, "account", "add", "Acme")
    cli(capsys, book, "contact", "add", "Acme", "--name", "Ken", "--email", "ken@acme.example")
    code, _out, err = cli(capsys, book, *argv)
    assert code != 0 and said in err, err


def test_an_edit_of_a_crm_owned_field_says_so(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csm_tui.services.crm_book import LocalBook

    cli(capsys, book, "account", "add", "Acme", "--external-id", "1001")
    with open_store(book) as store:
        LocalBook(store, "", "").set_state(
            {"vendor": "hubspot", "mapping": {"renewal_date": "renewal_date"}}
        )
    code, _out, err = cli(capsys, book, "account", "edit", "Acme", "--renewal-date", "2027-03-31")
    assert code == 0 and "Note: Hubspot owns renewal_date of Acme" in err, err
    code, _out, err = cli(capsys, book, "account", "edit", "Acme", "--health", "50")
    assert "Note:" not in err
    code, _out, err = cli(capsys, book, "contact", "add", "Acme", "--name", "Ken")
    assert code == 0 and "Note: Hubspot owns contacts of Acme" in err, err


def test_messages_in_japanese(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.toml").write_text('[ui]\nlanguage = "ja"\n', encoding="utf-8")
    code, _out, err = cli(capsys, book, "account", "add", "Acme")
    assert code == 0 and "Acme を追加しました。" in err, err


def test_archive_hides_and_restore_brings_back(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csm_tui.store.book import count_book_accounts
    from csm_tui.sync.rows import AccountRow

    cli(capsys, book, "account", "add", "Acme", "--renewal-date", "+30")
    cli(capsys, book, "account", "add", "Globex")
    code, _out, err = cli(capsys, book, "account", "archive", "Acme")
    assert code == 0 and "Archived Acme" in err, err
    with open_store(book) as store:
        assert count_book_accounts(store) == 1
        assert len(all_accounts(store)) == 2  # kept
        journaled = store.query(
            "SELECT payload FROM journal WHERE table_name = 'accounts' AND operation = 'update'"
        )
        assert any('"archived_on"' in row[0] for row in journaled)  # journaled: it syncs
        row = dict(store.query_one("SELECT * FROM accounts WHERE name = 'Acme'"))
        row.pop("search")
        assert AccountRow.model_validate(row).archived_on is not None
    code, out, _err = cli(capsys, book, "today", "--format", "json")
    assert code == 0 and "Acme" not in out
    code, _out, err = cli(capsys, book, "account", "archive", "Acme")
    assert "already archived" in err
    code, _out, err = cli(capsys, book, "account", "restore", "Acme")
    assert code == 0 and "Acme is back in the book." in err
    with open_store(book) as store:
        assert count_book_accounts(store) == 2
    code, _out, err = cli(capsys, book, "account", "restore", "Nobody")
    assert code == 1 and "No account has" in err
