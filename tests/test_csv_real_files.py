"""CSV files as they really come (issue 14), each written the way the tool that makes it does."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from csm_tui.models.account import Account, Stage
from csm_tui.services.accounts import create_account
from csm_tui.services.csv_import import import_accounts, parse_accounts_csv
from csm_tui.store.accounts import all_accounts
from csm_tui.store.connection import Store, open_store
from tests.cli_run import run

JAPANESE_ROWS = list(
    csv.reader(
        [
            "会社名,取引先ID,セグメント,契約金額,通貨,契約更新日,ヘルススコア,ステージ,タグ",
            '株式会社サクラ,ＣＲＭ－００１,エンタープライズ,"￥1,200,000",JPY,令和9年3月31日,82,活用期,重点',
            "髙橋工業①,CRM-002,SMB,500000,JPY,R9.3.31,70,renewal,",
        ]
    )
)


def as_csv(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


JAPANESE = as_csv(JAPANESE_ROWS)


def excel_file(path: Path, text: str, encoding: str) -> Path:
    """Bytes as Excel writes them: CP932 for "CSV (コンマ区切り)", UTF-8 with a BOM for
    "CSV UTF-8", UTF-16 with a BOM and tabs for "Unicode Text"."""
    if encoding == "utf-16":
        rows = list(csv.reader(io.StringIO(text)))
        path.write_bytes(as_csv(rows, "\t").encode("utf-16"))
    else:
        path.write_bytes(text.encode(encoding))
    return path


def accounts(store: Store) -> dict[str | None, Account]:
    return {account.external_id: account for account in all_accounts(store)}


# -- encodings -------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["cp932", "utf-8", "utf-8-sig", "utf-16"])
def test_every_excel_encoding_reads_every_japanese_column(
    store: Store, tmp_path: Path, encoding: str
) -> None:
    summary = import_accounts(store, excel_file(tmp_path / "a.csv", JAPANESE, encoding))
    assert (summary.new, summary.problems) == (2, [])
    sakura = accounts(store)["CRM-001"]  # full-width ＣＲＭ－００１ read as CRM-001 (NFKC)
    assert (sakura.name, sakura.segment, sakura.contract_value, sakura.currency) == (
        "株式会社サクラ",
        "エンタープライズ",
        Decimal("1200000"),
        "JPY",
    )
    assert (sakura.renewal_date, sakura.health_score, sakura.stage, sakura.tags) == (
        date(2027, 3, 31),
        82,
        Stage.ADOPTION,  # ステージ is read
        ["重点"],
    )
    other = accounts(store)["CRM-002"]
    assert other.name == "髙橋工業①"  # CP932's own characters (not in Shift_JIS)
    assert (other.renewal_date, other.stage) == (date(2027, 3, 31), Stage.RENEWAL)


def test_cp932_after_many_english_rows(store: Store, tmp_path: Path) -> None:
    rows = "".join(f"Account {n},X-{n}\r\n" for n in range(20_000))  # ~300 KiB of ASCII first
    path = tmp_path / "late.csv"
    path.write_bytes(("name,external_id\r\n" + rows + "株式会社サクラ,J-1\r\n").encode("cp932"))
    assert parse_accounts_csv(path).rows[-1].values["name"] == "株式会社サクラ"


def test_latin1_is_refused_naming_it_then_read_with_encoding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "dataloader.csv"  # Salesforce Data Loader: ISO-8859-1
    path.write_bytes('"NAME","ID"\n"Société Générale","0015g0000SGAAA"\n'.encode("latin-1"))
    book = tmp_path / "book.db"
    code, _out, err = run(["import", "accounts", str(path), "--db", str(book)], capsys)
    assert code == 1 and "it looks like Latin-1 (ISO-8859-1) text" in err
    assert "--encoding latin-1" in err and "Shift-JIS" not in err
    assert not book.exists()
    argv = ["import", "accounts", str(path), "--encoding", "latin-1", "--db", str(book)]
    code, _out, err = run(argv, capsys)
    assert code == 0, err
    with open_store(book) as store:
        assert accounts(store)["0015g0000SGAAA"].name == "Société Générale"


def test_windows_1252_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "w.csv"
    path.write_bytes("name\nCafé “Müller”\n".encode("cp1252"))
    with pytest.raises(Exception, match=r"Windows-1252 .* --encoding cp1252"):
        parse_accounts_csv(path)


@pytest.mark.parametrize(
    ("encoding", "message"),
    [("klingon", "is not an encoding csm-tui knows"), ("utf-8", "is not UTF-8 text on line 1")],
)
def test_a_wrong_encoding_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str, message: str
) -> None:
    path = excel_file(tmp_path / "a.csv", JAPANESE, "cp932")
    argv = ["import", "accounts", str(path), "--encoding", encoding, "--db", str(tmp_path / "b")]
    code, _out, err = run(argv, capsys)
    assert code == 1 and message in err and len(err.strip().splitlines()) == 1, err


# -- dates -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    ["2027年3月31日", "令和9年3月31日", "R9.3.31", "2027/3/31", "2027-03-31", "２０２７/３/３１"],
)
def test_dates_as_people_write_them(tmp_path: Path, cell: str) -> None:
    path = tmp_path / "d.csv"
    path.write_text(f"name,renewal_date\nAcme,{cell}\n", encoding="utf-8")
    assert parse_accounts_csv(path).rows[0].values["renewal_date"] == date(2027, 3, 31)


@pytest.mark.parametrize(("order", "cell"), [("MDY", "3/31/27"), ("DMY", "31/3/2027")])
def test_date_format_reads_us_and_eu_dates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], order: str, cell: str
) -> None:
    path = tmp_path / "hubspot.csv"
    path.write_text(f"Company name,Record ID,Renewal Date\nAcme,1,{cell}\n", encoding="utf-8")
    book = tmp_path / "book.db"
    code, _out, err = run(["import", "accounts", str(path), "--db", str(book)], capsys)
    assert code == 1 and "give --date-format MDY or DMY" in err
    argv = ["import", "accounts", str(path), "--date-format", order, "--db", str(book)]
    code, _out, err = run(argv, capsys)
    assert code == 0, err
    with open_store(book) as store:
        assert accounts(store)["1"].renewal_date == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("2027/2/30", 'renewal_date "2027/2/30" is not a real date'),
        ("令和元年4月30日", "is not a real date"),  # 令和 began on 1 May 2019
        ("soon", 'renewal_date "soon" is not a date like 2025-03-31'),
        ("+3", 'renewal_date "+3" is not a date'),  # no relative dates in a file
        ("1999/3/31", "is before 2000"),
    ],
)
def test_bad_dates(tmp_path: Path, cell: str, message: str) -> None:
    path = tmp_path / "d.csv"
    path.write_text(f"name,renewal_date\nAcme,{cell}\n", encoding="utf-8")
    [problem] = parse_accounts_csv(path).problems
    assert message in problem.message


# -- columns ---------------------------------------------------------------------------------------


def test_full_and_half_width_external_ids_are_one(store: Store, tmp_path: Path) -> None:
    create_account(store, Account(name="Acme", external_id="ＡＣＭ－１"))  # stored full-width
    path = tmp_path / "a.csv"
    path.write_text("name,external_id\nAcme Renamed,ACM-1\n", encoding="utf-8")
    summary = import_accounts(store, path)
    assert (summary.new, summary.updated) == (0, 1)
    assert [account.name for account in all_accounts(store)] == ["Acme Renamed"]


def test_an_empty_alias_column_does_not_hide_another(store: Store, tmp_path: Path) -> None:
    """Salesforce's Data Loader: AccountNumber (an alias ranked above Id) empty in every row."""
    path = tmp_path / "sf.csv"
    path.write_text(
        '"Id","Name","AccountNumber"\n"0015g0001AAA","Acme",""\n"0015g0002AAA","Globex",""\n',
        encoding="utf-8",
    )
    parsed = parse_accounts_csv(path)
    assert parsed.warnings == [
        'Column "AccountNumber" is empty in every row: "Id" gives the external_id.'
    ]
    import_accounts(store, path)
    path.write_text(path.read_text().replace('"Acme"', '"Acme Renamed"'), encoding="utf-8")
    summary = import_accounts(store, path)
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 1)
    assert accounts(store)["0015g0001AAA"].name == "Acme Renamed"


def test_a_filled_alias_still_wins(tmp_path: Path) -> None:
    path = tmp_path / "sf.csv"
    path.write_text("Id,Name,AccountNumber\n0015g0001AAA,Acme,A-1\n", encoding="utf-8")
    assert parse_accounts_csv(path).rows[0].values["external_id"] == "A-1"


@pytest.mark.parametrize(
    ("header", "said"),
    [
        (  # HubSpot contacts export: "Company Name" would make an account of every contact
            "Record ID,First Name,Last Name,Email,Phone Number,Company Name,Contact owner",
            "is a contacts export",
        ),
        ("Id,FirstName,LastName,Email,AccountId", "is a contacts export"),  # Salesforce
        ("Record ID,Deal Name,Deal Stage,Pipeline,Amount,Close Date", "is a HubSpot deals export"),
        ("Id,Opportunity Name,Stage Name,Amount,Account Name", "Salesforce opportunities export"),
    ],
)
def test_the_wrong_export_is_refused_saying_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], header: str, said: str
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(header + "\n" + ",".join(["x"] * len(header.split(","))) + "\n", "utf-8")
    book = tmp_path / "book.db"
    code, _out, err = run(["import", "accounts", str(path), "--db", str(book)], capsys)
    assert code == 1 and said in err and len(err.strip().splitlines()) == 1, err
    assert not book.exists()


def test_a_blank_cell_never_wipes_a_stored_value(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text(
        "name,external_id,segment,contract_value,renewal_date,health_score,tags\nAcme,A-1,,,,,\n",
        encoding="utf-8",
    )
    create_account(
        store,
        Account(
            name="Acme",
            external_id="A-1",
            segment="Enterprise",  # as the [segments] rules assigned it
            contract_value=Decimal(1000),
            renewal_date=date(2027, 3, 31),
            health_score=80,
            tags=["vip"],
        ),
    )
    for _ in range(2):
        summary = import_accounts(store, path)
        assert (summary.updated, summary.unchanged) == (0, 1)
    acme = accounts(store)["A-1"]
    assert (acme.segment, acme.contract_value, acme.health_score, acme.tags) == (
        "Enterprise",
        Decimal(1000),
        80,
        ["vip"],
    )


# -- JSON, stdin, stdout ---------------------------------------------------------------------------


def _book_with_accounts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    book = tmp_path / "book.db"
    path = excel_file(tmp_path / "a.csv", JAPANESE, "cp932")
    code, _out, err = run(["import", "accounts", str(path), "--db", str(book)], capsys)
    assert code == 0, err
    return book


def test_a_json_export_reimports_unchanged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = _book_with_accounts(tmp_path, capsys)
    exported = tmp_path / "book.json"
    argv = ["export", "accounts", "--format", "json", "-o", str(exported), "--db", str(book)]
    assert run(argv, capsys)[0] == 0
    code, _out, err = run(["import", "accounts", str(exported), "--db", str(book)], capsys)
    assert code == 0 and "2 accounts: 0 new, 0 updated, 2 unchanged" in err, err
    other = tmp_path / "other.db"
    code, _out, err = run(["import", "accounts", str(exported), "--db", str(other)], capsys)
    assert code == 0 and "2 new" in err
    with open_store(other) as store:
        assert accounts(store)["CRM-001"].renewal_date == date(2027, 3, 31)


def test_o_dash_writes_stdout_and_dash_reads_stdin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _book_with_accounts(tmp_path, capsys)
    for fmt in ("csv", "json"):
        argv = ["export", "accounts", "--format", fmt, "-o", "-", "--db", str(book)]
        code, out, _err = run(argv, capsys)
        assert code == 0 and "株式会社サクラ" in out
        assert not (Path.cwd() / "-").exists()
        stdin = io.TextIOWrapper(io.BytesIO(out.encode("utf-8")), encoding="utf-8")
        monkeypatch.setattr(sys, "stdin", stdin)
        code, _out, err = run(["import", "accounts", "-", "--db", str(book)], capsys)
        assert code == 0 and "2 unchanged" in err, err
    stdin = io.TextIOWrapper(io.BytesIO(JAPANESE.encode("cp932")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)  # a CP932 pipe is detected too
    code, _out, err = run(["import", "accounts", "-", "--db", str(book)], capsys)
    assert code == 0 and "2 unchanged" in err, err


def test_bad_json_is_one_sentence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for content in ("[{", '{"name": "x"}'):
        path = tmp_path / "a.json"
        path.write_text(content, encoding="utf-8")
        code, _out, err = run(
            ["import", "accounts", str(path), "--db", str(tmp_path / "b")], capsys
        )
        assert code == 1 and err.startswith("csm-tui: ") and len(err.strip().splitlines()) == 1
    assert json.loads("[]") == []


# -- a mistyped --db -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [["today"], ["tasks"], ["export", "accounts"], ["checklist", "--due"], ["report", "week"]],
)
def test_a_missing_book_is_refused_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    typo = tmp_path / "bok" / "book.db"
    code, _out, err = run([*argv, "--db", str(typo)], capsys)
    assert code == 1 and f"There is no book at {typo}" in err, err
    assert "csm-tui me set --name NAME --email EMAIL" in err
    assert not typo.parent.exists()


def test_an_import_creates_a_book_but_no_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = excel_file(tmp_path / "a.csv", JAPANESE, "utf-8")
    typo = tmp_path / "bok" / "book.db"
    code, _out, err = run(["import", "accounts", str(path), "--db", str(typo)], capsys)
    assert code == 1 and f"There is no folder {typo.parent}" in err
    assert not typo.parent.exists()
    code, _out, err = run(["import", "accounts", str(path), "--db", str(tmp_path / "b.db")], capsys)
    assert code == 0 and (tmp_path / "b.db").exists()


def test_messages_in_japanese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "config.toml").write_text('[ui]\nlanguage = "ja"\n', encoding="utf-8")
    path = tmp_path / "dataloader.csv"
    path.write_bytes("name\nSociété Générale\n".encode("latin-1"))
    code, _out, err = run(["import", "accounts", str(path), "--db", str(tmp_path / "b")], capsys)
    assert code == 1 and "--encoding latin-1" in err and "UTF-8 ではありません" in err, err
    code, _out, err = run(["today", "--db", str(tmp_path / "none.db")], capsys)
    assert code == 1 and "ブックがありません" in err, err


def test_a_dry_run_on_a_missing_book_leaves_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = excel_file(tmp_path / "a.csv", JAPANESE, "cp932")
    book = tmp_path / "book.db"
    code, _out, err = run(["import", "accounts", str(path), "--dry-run", "--db", str(book)], capsys)
    assert code == 0 and "would import 2 accounts: 2 new" in err, err
    assert not book.exists()


def test_kanji_alone_in_cp932_is_read_as_japanese(tmp_path: Path) -> None:
    path = tmp_path / "k.csv"  # no kana: a statistical guess may call it GB18030
    path.write_bytes("name\r\n髙橋工業①\r\n".encode("cp932"))
    assert parse_accounts_csv(path).rows[0].values["name"] == "髙橋工業①"
