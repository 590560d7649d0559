"""Account CSV import and CSV/JSON export, on real SQLite files."""

from __future__ import annotations

import csv
import json
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from csm_tui.cli.main import cli, main
from csm_tui.clock import FixedClock
from csm_tui.errors import ValidationError
from csm_tui.models.account import Account, Stage
from csm_tui.services.accounts import create_account
from csm_tui.services.csv_columns import BadValue, read_contract_value
from csm_tui.services.csv_import import import_accounts, parse_accounts_csv
from csm_tui.services.export import export_accounts
from csm_tui.store.accounts import all_accounts, count_accounts, owners_of
from csm_tui.store.connection import Store, open_store

FIXTURES = Path(__file__).parent / "fixtures"
# `store` (a fresh book in tmp_path) and `me` (Aoi Tanaka) come from conftest.py


def _open(path: Path) -> Store:
    return open_store(path, clock=FixedClock(datetime(2025, 6, 1, 9, 0, tzinfo=UTC)))


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def journal(store: Store) -> Counter[tuple[str, str]]:
    rows = store.query("SELECT table_name, operation FROM journal")
    return Counter((row[0], row[1]) for row in rows)


def by_external_id(store: Store) -> dict[str | None, Account]:
    return {account.external_id: account for account in all_accounts(store)}


# -- parsing and aliases ---------------------------------------------------------------------------


def test_plain_import_reads_every_column(store: Store) -> None:
    summary = import_accounts(store, FIXTURES / "plain_accounts.csv")
    assert (summary.new, summary.updated, summary.unchanged) == (5, 0, 0)
    assert summary.describe() == "Imported 5 accounts: 5 new, 0 updated, 0 unchanged."
    accounts = by_external_id(store)
    acme = accounts["ACME-1"]
    assert acme.contract_value == Decimal("120000.50")
    assert acme.renewal_date == date(2026, 3, 31)
    assert (acme.health_score, acme.stage, acme.tags) == (
        82,
        Stage.ADOPTION,
        ["strategic", "expansion"],
    )
    assert accounts["GLX-7"].stage is Stage.RENEWAL  # "Renewal": case does not matter
    sakura = accounts["JP-100"]
    assert (sakura.name, sakura.contract_value, sakura.currency) == (
        "株式会社サクラ",
        Decimal("1200000"),
        "JPY",  # implied by "¥" when the currency cell is blank
    )
    assert sakura.stage is Stage.ADOPTION  # 活用期
    initech = accounts[None]
    assert (initech.name, initech.contract_value, initech.currency, initech.tags) == (
        "Initech",
        None,
        "USD",
        [],
    )
    assert accounts["UMB-2"].stage is Stage.ONBOARDING  # 導入期


def test_hubspot_headers(store: Store) -> None:
    parsed = parse_accounts_csv(FIXTURES / "hubspot_companies.csv")
    assert "Industry" in parsed.unknown_columns
    assert any(column.startswith("Lifecycle Stage (") for column in parsed.unknown_columns)
    assert any(column.startswith("Annual Revenue (") for column in parsed.unknown_columns)
    import_accounts(store, FIXTURES / "hubspot_companies.csv")
    accounts = by_external_id(store)
    assert accounts["1001"].name == "Acme Corp"
    assert accounts["1001"].contract_value == Decimal("120000")  # ARR, not Annual Revenue
    assert accounts["1001"].stage is Stage.ONBOARDING  # "Lifecycle Stage" is not read
    assert accounts["1003"].renewal_date is None


def test_salesforce_headers(store: Store) -> None:
    parsed = parse_accounts_csv(FIXTURES / "salesforce_accounts.csv")
    assert parsed.warnings == [
        'Column "Account Number" is ignored: "Account ID" already gives the external_id.'
    ]
    import_accounts(store, FIXTURES / "salesforce_accounts.csv")
    accounts = by_external_id(store)
    acme = accounts["0015g00000AcmeAAA"]
    assert (acme.name, acme.contract_value, acme.stage) == (
        "Acme Corp",
        Decimal("120000"),
        Stage.ADOPTION,
    )
    sakura = accounts["0015g00000SakuAAA"]
    assert (sakura.currency, sakura.renewal_date, sakura.stage) == (
        "JPY",
        date(2026, 6, 30),
        Stage.RENEWAL,
    )


def test_bom_and_semicolons(store: Store) -> None:
    assert (FIXTURES / "bom_accounts.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    summary = import_accounts(store, FIXTURES / "bom_accounts.csv")
    assert summary.new == 2
    accounts = by_external_id(store)
    assert accounts["JP-100"].name == "株式会社サクラ"
    assert accounts["JP-200"].contract_value == Decimal("850000")
    assert accounts["JP-200"].stage is Stage.RENEWAL


def test_tab_delimited_and_header_spelling(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "t.csv", " NAME \tExternal_ID\tHealth-Score\nA, Inc.\tX1\t7\n")
    import_accounts(store, path)
    assert by_external_id(store)["X1"].name == "A, Inc."
    assert by_external_id(store)["X1"].health_score == 7


def test_excel_sep_line_and_utf16(store: Store, tmp_path: Path) -> None:
    sep = write_csv(tmp_path / "sep.csv", "sep=;\nname;health_score\nA;x\n")
    assert [str(p) for p in parse_accounts_csv(sep).problems] == [
        'line 3: health_score "x" is not a whole number'  # physical lines: sep=1, header=2
    ]
    utf16 = tmp_path / "unicode.txt"  # Excel's "Unicode Text": UTF-16 with a BOM, tab-separated
    utf16.write_text("名前\tname\tstage\nx\t株式会社サクラ\t導入期\n", encoding="utf-16")
    import_accounts(store, utf16)
    assert [a.name for a in all_accounts(store)] == ["株式会社サクラ"]


@pytest.mark.parametrize(
    ("raw", "stage"),
    [("導入期", Stage.ONBOARDING), ("活用期", Stage.ADOPTION), ("契約更新期", Stage.RENEWAL),
     (" ADOPTION ", Stage.ADOPTION)],
)  # fmt: skip
def test_stage_names(store: Store, tmp_path: Path, raw: str, stage: Stage) -> None:
    import_accounts(store, write_csv(tmp_path / "s.csv", f"name,stage\nA,{raw}\n"))
    assert all_accounts(store)[0].stage is stage


@pytest.mark.parametrize(
    ("raw", "amount", "currency"),
    [("¥1,200,000", "1200000", "JPY"), ("$12,000.50", "12000.50", None),
     ("USD 120,000.00", "120000", "USD"), ("１２０万", None, None), ("1,2", None, None),
     ("850,000円", "850000", "JPY"), ("12.345", None, None), ("€-3", None, None), ("", None, None)],
)  # fmt: skip
def test_contract_values(raw: str, amount: str | None, currency: str | None) -> None:
    if amount is None and raw:
        with pytest.raises(BadValue):
            read_contract_value(raw)
    else:
        assert read_contract_value(raw) == (Decimal(amount) if amount else None, currency)


@given(
    st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2),
    st.sampled_from(["", "$", "¥", "￥", "€"]),
)
def test_contract_value_with_separators_round_trips(amount: Decimal, symbol: str) -> None:
    assert read_contract_value(f"{symbol}{amount:,}")[0] == amount
    assert read_contract_value(f" {amount} ")[0] == amount


# -- re-imports ------------------------------------------------------------------------------------


def test_reimport_updates_by_external_id(store: Store, tmp_path: Path) -> None:
    import_accounts(store, FIXTURES / "plain_accounts.csv")
    text = (FIXTURES / "plain_accounts.csv").read_text(encoding="utf-8")
    changed = write_csv(
        tmp_path / "c.csv", text.replace("GLX-7,Mid-market,45000", "GLX-7,Mid-market,47000")
    )
    summary = import_accounts(store, changed)
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 4)
    assert count_accounts(store) == 5
    assert by_external_id(store)["GLX-7"].contract_value == Decimal("47000")
    assert journal(store)[("accounts", "update")] == 1


def test_reimport_matches_by_name_without_external_id(store: Store, tmp_path: Path) -> None:
    import_accounts(store, write_csv(tmp_path / "a.csv", "name,health_score\nSolo,40\nDuo,50\n"))
    summary = import_accounts(
        store, write_csv(tmp_path / "b.csv", "name,health_score\nSolo,45\nDuo,50\n")
    )
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 1)
    assert {a.name: a.health_score for a in all_accounts(store)} == {"Solo": 45, "Duo": 50}


def test_absent_columns_keep_their_values(store: Store, tmp_path: Path) -> None:
    import_accounts(store, FIXTURES / "plain_accounts.csv")
    summary = import_accounts(
        store, write_csv(tmp_path / "h.csv", "external_id,name\nACME-1,Acme Corp\n")
    )
    assert summary.unchanged == 1
    assert by_external_id(store)["ACME-1"].tags == ["strategic", "expansion"]


def test_external_id_links_an_unlinked_account_by_name(store: Store, tmp_path: Path) -> None:
    create_account(store, Account(name="Hooli", health_score=10))
    summary = import_accounts(store, write_csv(tmp_path / "l.csv", "name,external_id\nHooli,H-1\n"))
    assert (summary.new, summary.updated) == (0, 1)
    assert by_external_id(store)["H-1"].health_score == 10


def test_ambiguous_name_is_a_problem(store: Store, tmp_path: Path) -> None:
    create_account(store, Account(name="Twin"))
    create_account(store, Account(name="Twin"))
    summary = import_accounts(store, write_csv(tmp_path / "t.csv", "name,health_score\nTwin,5\n"))
    assert summary.blocked
    assert [str(p) for p in summary.problems] == [
        'line 2: 2 accounts are named "Twin"; '
        "add an external_id column to say which one this row is"
    ]


def test_me_becomes_primary_owner_of_new_accounts(
    store: Store, me: tuple[str, str], tmp_path: Path
) -> None:
    create_account(store, Account(name="Old", external_id="O-1"))
    summary = import_accounts(
        store, write_csv(tmp_path / "m.csv", "name,external_id\nOld,O-1\nNew,N-1\n")
    )
    assert summary.owner == me[1]
    accounts = by_external_id(store)
    assert owners_of(store, accounts["O-1"].id) == []
    [owner] = owners_of(store, accounts["N-1"].id)
    assert (owner.user_email, owner.role.value) == (me[1], "primary")


def test_journal_has_an_entry_for_every_change(
    store: Store, me: tuple[str, str], tmp_path: Path
) -> None:
    before = journal(store)
    import_accounts(store, FIXTURES / "plain_accounts.csv")
    text = (FIXTURES / "plain_accounts.csv").read_text(encoding="utf-8").replace(",82,", ",83,")
    import_accounts(store, write_csv(tmp_path / "j.csv", text))
    after = journal(store) - before
    assert after == Counter(
        {("accounts", "insert"): 5, ("owners", "insert"): 5, ("accounts", "update"): 1}
    )
    total = store.query_one("SELECT count(*) FROM journal")
    assert total is not None and total[0] == sum(journal(store).values())


def test_dry_run_writes_nothing(store: Store) -> None:
    summary = import_accounts(store, FIXTURES / "plain_accounts.csv", dry_run=True)
    assert summary.new == 5
    assert summary.describe().startswith("Dry run, nothing written: would import 5 accounts")
    assert count_accounts(store) == 0
    assert journal(store) == Counter()


# -- invalid input ---------------------------------------------------------------------------------

BAD_ROW_PROBLEMS = [
    'line 3: renewal_date "2026-02-30" is not a real date',
    "line 4: name is missing",
    "line 5: health_score 101 is not between 0 and 100",
    'line 6: contract_value "-5" is negative',
    'line 7: stage "closed won" is not one of onboarding, adoption, renewal '
    "(導入期, 活用期, 契約更新期)",
    'line 8: external_id "G-1" is already on line 2',
    "line 9: name contains a line break (at character 6)",  # a two-line quoted name
    'line 9: renewal_date "31/01/2026" is not a date like 2025-03-31'
    " (give --date-format MDY or DMY)",
]


def test_invalid_rows_block_the_whole_import(store: Store) -> None:
    summary = import_accounts(store, FIXTURES / "bad_rows.csv")
    assert [str(problem) for problem in summary.problems] == BAD_ROW_PROBLEMS
    assert summary.blocked
    assert summary.describe() == "Nothing was imported: 7 of 9 rows are invalid."
    assert count_accounts(store) == 0
    assert journal(store) == Counter()


def test_skip_invalid_imports_the_valid_rows(store: Store) -> None:
    summary = import_accounts(store, FIXTURES / "bad_rows.csv", skip_invalid=True)
    assert not summary.blocked
    assert (
        summary.describe()
        == "Imported 2 accounts: 2 new, 0 updated, 0 unchanged; 7 invalid rows skipped."
    )
    assert sorted(a.name for a in all_accounts(store)) == ["Good One", "Good Two"]


def test_row_level_conflicts(store: Store, tmp_path: Path) -> None:
    text = (
        "name,external_id,contract_value,currency\n"
        "Same,,1,USD\nSame,,2,USD\nYen,,¥5,USD\nX,E,1,US\n"
    )
    problems = [str(p) for p in parse_accounts_csv(write_csv(tmp_path / "c.csv", text)).problems]
    assert problems == [
        'line 2: the name "Same" is also on line 3 and this row has no external_id '
        "to tell them apart",
        'line 3: the name "Same" is also on line 2 and this row has no external_id '
        "to tell them apart",
        "line 4: contract_value is in JPY but currency is USD",
        'line 5: currency "US" is not a 3-letter code like USD or JPY',
    ]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"  # CP932 is read now: see test_csv_real_files.py
    path.write_bytes("name\nSociété Générale\n".encode("latin-1"))
    with pytest.raises(
        ValidationError, match=r"not UTF-8: it looks like Latin-1 .* --encoding latin-1"
    ):
        parse_accounts_csv(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "There is no file"),
        ("", "is empty"),
        ("segment,stage\nSMB,adoption\n", "has no name column"),
    ],
)
def test_unusable_files(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "f.csv"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        parse_accounts_csv(path)
    with pytest.raises(ValidationError, match="is a folder"):
        parse_accounts_csv(tmp_path)


def test_header_only_imports_nothing(store: Store, tmp_path: Path) -> None:
    summary = import_accounts(store, write_csv(tmp_path / "h.csv", "name,external_id\n\n"))
    assert not summary.blocked
    assert summary.describe() == "Imported 0 accounts: 0 new, 0 updated, 0 unchanged."


# -- export ----------------------------------------------------------------------------------------


def test_export_reimports_unchanged(store: Store, me: tuple[str, str], tmp_path: Path) -> None:
    import_accounts(store, FIXTURES / "plain_accounts.csv")
    exported = export_accounts(store, "csv")
    header = next(csv.reader([exported.splitlines()[0]]))
    assert header[-2:] == ["primary_owner", "secondary_owners"]
    assert f",{me[1]}," in exported
    before = journal(store)
    summary = import_accounts(store, write_csv(tmp_path / "e.csv", exported))
    assert (summary.new, summary.updated, summary.unchanged) == (0, 0, 5)
    assert journal(store) == before
    assert parse_accounts_csv(tmp_path / "e.csv").unknown_columns == []  # owners: no warning


def test_json_export_is_typed(store: Store) -> None:
    import_accounts(store, FIXTURES / "plain_accounts.csv")
    records = {r["external_id"]: r for r in json.loads(export_accounts(store, "json"))}
    assert records["ACME-1"]["contract_value"] == 120000.5
    assert records["ACME-1"]["health_score"] == 82
    assert records["ACME-1"]["tags"] == ["strategic", "expansion"]
    assert records["JP-100"]["contract_value"] == 1200000
    assert records[None]["renewal_date"] is None
    assert records[None]["contract_value"] is None
    assert records[None]["primary_owner"] is None


def test_excel_export_defuses_formulas_and_still_round_trips(store: Store, tmp_path: Path) -> None:
    create_account(store, Account(name="=HYPERLINK(1)", tags=["@x"], external_id="F-1"))
    exported = export_accounts(store, "csv", excel=True)
    assert exported.startswith("\ufeffname,")
    assert "'=HYPERLINK(1)" in exported and "'@x" in exported
    summary = import_accounts(store, write_csv(tmp_path / "x.csv", exported))
    assert summary.unchanged == 1


names = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda s: s.strip() and not s.strip().startswith("'")
)
account_strategy = st.builds(
    Account,
    name=names,
    segment=st.sampled_from(["", "SMB", "エンタープライズ"]),
    contract_value=st.none()
    | st.decimals(min_value=0, max_value=Decimal("9999999999999.99"), places=2),
    currency=st.sampled_from(["USD", "JPY", "EUR"]),
    renewal_date=st.none() | st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    health_score=st.none() | st.integers(0, 100),
    stage=st.sampled_from(list(Stage)),
    tags=st.lists(names.map(lambda s: s.replace(";", "")[:50]).filter(str.strip), max_size=3),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(account_strategy, max_size=6, unique_by=lambda a: a.name.strip()), st.booleans())
def test_export_import_round_trip(accounts: list[Account], with_ids: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        source, target = _open(Path(folder) / "a.db"), _open(Path(folder) / "b.db")
        for index, account in enumerate(accounts):
            account.external_id = f"X-{index}" if with_ids else None
            create_account(source, account)
        exported = export_accounts(source, "csv")
        path = write_csv(Path(folder) / "e.csv", exported)
        assert import_accounts(source, path).unchanged == len(accounts)
        assert import_accounts(target, path).new == len(accounts)
        assert export_accounts(target, "csv") == exported
        source.close()
        target.close()


# -- the command line ------------------------------------------------------------------------------


def test_cli_import_and_export(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    runner = CliRunner()
    result = runner.invoke(
        cli, ["import", "accounts", str(FIXTURES / "hubspot_companies.csv"), "--db", db]
    )
    assert result.exit_code == 0, result.output
    assert "Ignoring unknown columns: Company Domain Name, Industry, Type" in result.stderr
    assert result.stderr.strip().endswith("Imported 3 accounts: 3 new, 0 updated, 0 unchanged.")
    result = runner.invoke(cli, ["export", "accounts", "--db", db, "--format", "json"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 3
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["export", "accounts", "--db", db, "-o", str(out), "--excel"])
    assert result.exit_code == 0
    assert result.stderr == f"Exported 3 accounts to {out}.\n"
    assert out.read_bytes().startswith(b"\xef\xbb\xbfname,")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left
    result = runner.invoke(cli, ["import", "accounts", str(out), "--db", db])
    assert "3 unchanged" in result.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [(["import", "accounts", str(FIXTURES / "bad_rows.csv")], 1),
     (["import", "accounts", str(FIXTURES / "bad_rows.csv"), "--skip-invalid"], 0),
     (["import", "accounts", str(FIXTURES / "plain_accounts.csv"), "--dry-run"], 0),
     (["import", "accounts"], 2),
     (["export", "accounts", "--format", "xml"], 2),
     (["export", "accounts", "--format", "json", "--excel"], 2)],
)  # fmt: skip
def test_cli_exit_codes(tmp_path: Path, args: list[str], code: int) -> None:
    result = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "x.db")])
    assert result.exit_code == code, result.output


def test_blocked_import_through_the_real_entry_point(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "accounts", str(FIXTURES / "bad_rows.csv"), "--db", str(tmp_path / "x.db")])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.splitlines()[:8] == BAD_ROW_PROBLEMS
    assert err.splitlines()[-1] == (
        "Nothing was imported: 7 of 9 rows are invalid. "
        "Fix them, or use --skip-invalid to import the 2 valid rows."
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("missing.csv", None, "csm-tui: There is no file "),
     ("latin1.csv", "name\nSociété Générale\n".encode("latin-1"), "csm-tui: "),
     ("empty.csv", b"", "csm-tui: ")],
)  # fmt: skip
def test_file_errors_are_one_sentence(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes | None,
    message: str,
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "accounts", str(path), "--db", str(tmp_path / "x.db")])
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not (tmp_path / "x.db").exists()  # a bad file does not even create the database


def test_export_into_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "nowhere" / "out.csv"
    _open(tmp_path / "x.db").close()  # a book that is there (a missing one is refused first)
    with pytest.raises(SystemExit) as exit_info:
        main(["export", "accounts", "-o", str(target), "--db", str(tmp_path / "x.db")])
    assert exit_info.value.code == 1
    assert capsys.readouterr().err == (
        f"csm-tui: Cannot write {target}: the folder {target.parent} does not exist.\n"
    )


@pytest.mark.slow
def test_five_thousand_rows_import_quickly(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["Company name", "Record ID", "ARR", "Renewal Date", "Health Score", "Stage", "Tags"]
        )
        for i in range(5000):
            writer.writerow(
                [f"会社 {i}", f"R{i}", f"${i * 1000:,}.50", "2026-04-01", i % 101, "活用期", "a;b"]
            )
    started = time.perf_counter()
    assert import_accounts(store, path).new == 5000
    first = time.perf_counter() - started
    started = time.perf_counter()
    assert import_accounts(store, path).unchanged == 5000
    again = time.perf_counter() - started
    # measured about 0.7 s and 0.3 s; the bound is loose for busy CI machines but catches O(n²)
    assert first < 5 and again < 5
