"""`csm-tui import contacts` (issue 14): plain files and the CRMs' contacts exports."""

from __future__ import annotations

from pathlib import Path

import pytest

from csm_tui.store.accounts import all_accounts, contacts_of
from csm_tui.store.connection import open_store
from tests.cli_run import run


@pytest.fixture
def book(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "book.db"
    for name, external in (("Acme", "1001"), ("株式会社サクラ", "0015g00000SakuAAA")):
        code, _out, err = run(
            ["account", "add", name, "--external-id", external, "--db", str(path)], capsys
        )
        assert code == 0, err
    return path


def contacts(book: Path) -> dict[str, list[tuple[str, str | None, str, bool, bool]]]:
    with open_store(book) as store:
        return {
            account.name: [
                (c.name, c.email, c.role, c.is_champion, c.is_decision_maker)
                for c in contacts_of(store, account.id)
            ]
            for account in all_accounts(store)
        }


def imported(
    book: Path, capsys: pytest.CaptureFixture[str], path: Path, *flags: str
) -> tuple[int, str]:
    code, _out, err = run(["import", "contacts", str(path), *flags, "--db", str(book)], capsys)
    return code, err


HUBSPOT = (  # HubSpot's contacts export
    "Record ID,First Name,Last Name,Email,Job Title,Phone Number,Associated Company,Contact owner\n"
    "501,Ken,Sato,Ken@acme.example,VP Operations,+1 555 0100,Acme,Jane Doe\n"
    "502,Mia,Ito,mia@acme.example,,,Acme,Jane Doe\n"
)
SALESFORCE = (  # Salesforce's contacts report: the account by its CRM id
    '"FirstName","LastName","Email","Title","AccountId"\n'
    '"花子","山田","hanako@sakura.example","部長","0015g00000SakuAAA"\n'
)


def test_hubspot_and_salesforce_exports(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hubspot = tmp_path / "hubspot.csv"
    hubspot.write_text(HUBSPOT, encoding="utf-8")
    code, err = imported(book, capsys, hubspot)
    assert code == 0 and "Imported 2 contacts: 2 new, 0 updated, 0 unchanged." in err, err
    assert "Record ID" in err  # an unknown column is named
    salesforce = tmp_path / "sf.csv"
    salesforce.write_bytes(SALESFORCE.encode("cp932"))  # as Japanese Excel saves it
    code, err = imported(book, capsys, salesforce)
    assert code == 0, err
    assert contacts(book) == {
        "Acme": [
            ("Ken Sato", "ken@acme.example", "VP Operations", False, False),
            ("Mia Ito", "mia@acme.example", "", False, False),
        ],
        "株式会社サクラ": [("花子 山田", "hanako@sakura.example", "部長", False, False)],
    }
    with open_store(book) as store:
        acme = next(a for a in all_accounts(store) if a.name == "Acme")
        assert contacts_of(store, acme.id)[0].phone == "+1 555 0100"  # Phone Number


def test_reimport_updates_by_email(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("account,name,email,title,role\nAcme,Ken Sato,ken@acme.example,VP,\n", "utf-8")
    imported(book, capsys, path)
    code, err = imported(book, capsys, path)
    assert code == 0 and "0 new, 0 updated, 1 unchanged" in err
    path.write_text(
        "account,name,email,title,role\n1001,Ken Sato,KEN@acme.example,COO,champion\n", "utf-8"
    )
    code, err = imported(book, capsys, path)
    assert code == 0 and "0 new, 1 updated, 0 unchanged" in err, err
    assert contacts(book)["Acme"] == [("Ken Sato", "ken@acme.example", "COO", True, False)]


def test_all_or_nothing_then_skip_invalid_and_dry_run(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "account,name,email,role\n"
        "Acme,Ken,ken@acme.example,champion\n"
        "Nowhere,Bob,bob@x.example,\n"
        "Acme,,x@acme.example,\n"
        "Acme,Amy,not-an-address,\n"
        "Acme,Eve,eve@acme.example,boss\n"
        "Acme,Ken again,ken@acme.example,\n",
        encoding="utf-8",
    )
    code, err = imported(book, capsys, path)
    assert code == 1 and "Nothing was imported: 5 of 6 rows are invalid." in err
    assert "line 3: no account has the id, external id or name Nowhere" in err
    assert "line 4: the name is missing" in err
    assert "line 5: email is not valid" in err
    assert "line 6: role boss is not champion, decision_maker or key" in err
    assert "line 7: the same contact as line 2" in err
    assert contacts(book)["Acme"] == []
    code, err = imported(book, capsys, path, "--skip-invalid", "--dry-run")
    assert code == 0 and "would import 1 contacts: 1 new" in err
    assert contacts(book)["Acme"] == []
    code, err = imported(book, capsys, path, "--skip-invalid")
    assert code == 0 and "1 new" in err
    assert contacts(book)["Acme"] == [("Ken", "ken@acme.example", "", True, False)]


def test_a_file_without_the_needed_columns(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "c.csv"
    path.write_text("email\nken@acme.example\n", encoding="utf-8")
    code, err = imported(book, capsys, path)
    assert code == 1 and "needs an account column" in err
