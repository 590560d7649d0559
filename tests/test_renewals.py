"""`csm-tui renewal record` and `csm-tui report renewals` (issue 14)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from csm_tui.clock import SystemClock
from csm_tui.models.account import Stage
from csm_tui.store.accounts import all_accounts
from csm_tui.store.book import count_book_accounts
from csm_tui.store.connection import open_store
from tests.cli_run import run

TODAY = date(2026, 11, 27)


@pytest.fixture
def book(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    monkeypatch.setattr(SystemClock, "today", lambda self: TODAY)
    path = tmp_path / "book.db"
    run(["me", "set", "--name", "Aoi", "--email", "aoi@example.com", "--db", str(path)], capsys)
    for name, value, renewal in (
        ("Acme", "$10,000", "2026-12-31"),
        ("Globex", "$20,000", "2026-12-15"),
        ("Initech", "$5,000", "2026-12-01"),
        ("サクラ", "¥1,500,000", "2027-01-31"),
    ):
        argv = ["account", "add", name, "--contract-value", value, "--renewal-date", renewal]
        code, _out, err = run([*argv, "--stage", "renewal", "--db", str(path)], capsys)
        assert code == 0, err
    return path


def cli(capsys: pytest.CaptureFixture[str], book: Path, *argv: str) -> tuple[int, str, str]:
    return run([*argv, "--db", str(book)], capsys)


def account(book: Path, name: str):  # type: ignore[no-untyped-def]
    with open_store(book) as store:
        return next(a for a in all_accounts(store) if a.name == name)


def test_renewed_starts_the_next_cycle(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store(book) as store:
        store.conn.execute(
            "UPDATE checklist_items SET done = 1 WHERE stage IN ('adoption', 'renewal')"
        )
        store.conn.commit()
    code, _out, err = cli(capsys, book, "renewal", "record", "Acme", "--outcome", "renewed")
    assert code == 0 and "next renewal" in err, err
    acme = account(book, "Acme")
    assert (acme.renewal_date, acme.stage) == (date(2027, 12, 31), Stage.ADOPTION)
    assert acme.contract_value == Decimal(10000)
    with open_store(book) as store:
        [(done,)] = store.query(
            "SELECT count(*) FROM checklist_items WHERE account_id = ? AND done = 1 "
            "AND stage IN ('adoption', 'renewal')",
            (acme.id,),
        )
        assert done == 0  # to do again for the new term
        assert (
            store.query_one("SELECT count(*) FROM journal WHERE table_name = 'renewals'")[0] == 1
        )  # journaled: it syncs


def test_expanded_downgraded_churned_and_the_report(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--outcome",
        "expanded",
        "--contract-value",
        "$12,000",
        "--new-renewal-date",
        "2028/1/31",
    ]
    assert cli(capsys, book, "renewal", "record", "Acme", *argv)[0] == 0
    assert account(book, "Acme").renewal_date == date(2028, 1, 31)
    argv = ["--outcome", "downgraded", "--contract-value", "15000", "--note", "fewer seats"]
    assert cli(capsys, book, "renewal", "record", "Globex", *argv)[0] == 0
    code, _out, err = cli(capsys, book, "renewal", "record", "Initech", "--outcome", "churned")
    assert code == 0 and "archived" in err
    with open_store(book) as store:
        assert count_book_accounts(store) == 3  # Initech is archived, kept
    cli(capsys, book, "renewal", "record", "サクラ", "--outcome", "renewed")
    code, out, err = cli(capsys, book, "report", "renewals", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert [row["outcome"] for row in report["renewals"]] == [
        "expanded", "downgraded", "churned", "renewed"
    ]  # fmt: skip
    usd = next(r for r in report["retention"] if r["currency"] == "USD")
    # previous 35,000; lost 5,000 (downgrade) + 5,000 (churn); gained 2,000
    assert usd["gross_retention"] == pytest.approx(25 / 35)
    assert usd["net_retention"] == pytest.approx(27 / 35)
    jpy = next(r for r in report["retention"] if r["currency"] == "JPY")
    assert jpy["gross_retention"] == jpy["net_retention"] == 1
    code, out, _err = cli(capsys, book, "report", "renewals", "--convert", "--format", "json")
    [converted] = json.loads(out)["retention"]  # the default rates convert JPY into USD
    assert converted["currency"] == "USD" and converted["renewals"] == 4
    code, out, _err = cli(capsys, book, "report", "renewals", "--since", str(TODAY + timedelta(1)))
    assert code == 0 and "No renewal recorded" in out
    code, out, _err = cli(capsys, book, "report", "renewals")
    assert "USD: gross retention 71.4%, net retention 77.1% (3 renewals)" in out


@pytest.mark.parametrize(
    ("argv", "code", "said"),
    [
        (["Acme", "--outcome", "won"], 2, "Invalid value"),
        (["Acme", "--outcome", "expanded"], 1, "needs its new --contract-value"),
        (["Acme", "--outcome", "expanded", "--contract-value", "5000"], 1, "raises"),
        (["Acme", "--outcome", "downgraded", "--contract-value", "50000"], 1, "lowers"),
        (["Acme", "--outcome", "renewed", "--new-renewal-date", "2026-12-01"], 1, "after"),
        (["Acme", "--outcome", "churned", "--contract-value", "1"], 1, "no new renewal date"),
        (["Acme", "--outcome", "renewed", "--contract-value", "lots"], 2, "not an amount"),
        (["Nobody", "--outcome", "renewed"], 1, "No account has"),
    ],
)
def test_bad_input_changes_nothing(
    book: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, said: str
) -> None:
    result, _out, err = cli(capsys, book, "renewal", "record", *argv)
    assert result == code and said in err, err
    assert account(book, "Acme").renewal_date == date(2026, 12, 31)
    with open_store(book) as store:
        assert store.query_one("SELECT count(*) FROM renewals")[0] == 0


def test_in_japanese(book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "config.toml").write_text('[ui]\nlanguage = "ja"\n', encoding="utf-8")
    code, _out, err = cli(capsys, book, "renewal", "record", "Initech", "--outcome", "churned")
    assert code == 0 and "Initech は解約となり" in err, err
    code, out, _err = cli(capsys, book, "report", "renewals")
    assert "USD：グロス継続率 0.0%" in out, out


def test_the_renewal_playbooks_fire_again_for_the_new_date(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csm_tui.clock import FixedClock
    from csm_tui.services.playbooks import run_playbooks

    def firings() -> set[str]:
        with open_store(book) as store:
            acme = next(a for a in all_accounts(store) if a.name == "Acme")
            rows = store.query(
                "SELECT occurrence FROM playbook_firings WHERE account_id = ? "
                "AND rule_id LIKE 'renewal-%'",
                (acme.id,),
            )
            return {row[0] for row in rows}

    from datetime import UTC, datetime

    clock = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    with open_store(book, clock=clock) as store:
        run_playbooks(store, clock)
    assert any("2026-12-31" in key for key in firings())
    argv = ["--outcome", "renewed", "--new-renewal-date", "2027-03-15"]
    code, _out, err = cli(capsys, book, "renewal", "record", "Acme", *argv)
    assert code == 0 and "Playbooks created" in err, err
    assert any("2027-03-15" in key for key in firings())


def test_the_archived_list_shows_churned_and_archived_accounts_newest_first(
    book: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from csm_tui.services.archive import archived_accounts

    assert cli(capsys, book, "account", "archive", "Acme")[0] == 0
    monkeypatch.setattr(SystemClock, "today", lambda self: TODAY + timedelta(days=3))
    code, _out, err = cli(capsys, book, "renewal", "record", "Initech", "--outcome", "churned")
    assert code == 0, err
    store = open_store(book)
    try:
        listed = [(a.name, a.archived_on, a.last_outcome) for a in archived_accounts(store)]
    finally:
        store.close()
    assert listed == [
        ("Initech", TODAY + timedelta(days=3), "churned"),
        ("Acme", TODAY, None),
    ]
    assert cli(capsys, book, "account", "restore", "Acme")[0] == 0
    store = open_store(book)
    try:
        assert [a.name for a in archived_accounts(store)] == ["Initech"]
    finally:
        store.close()
