"""`csm-tui import metrics`: usage per account and week or day, all or nothing, on real files."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from csm_tui.errors import ValidationError
from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.services.metrics_import import import_metrics, parse_metrics_csv
from csm_tui.store.connection import Store, open_store
from csm_tui.store.metrics import latest_active_users, latest_week, weekly_usage
from tests.cli_run import run

# the `store` fixture lives on 2026-11-27 (a Friday); its week started on Monday 2026-11-23


@pytest.fixture
def book(store: Store) -> Store:
    create_account(store, Account(id="a1", external_id="CRM-1", name="Acme Analytics"))
    create_account(store, Account(id="a2", external_id="CRM-2", name="株式会社サクラ精機"))
    create_account(store, Account(id="a3", name="Twin"))
    create_account(store, Account(id="a4", name="Twin"))
    return store


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def metrics(store: Store) -> dict[tuple[str, str, str], tuple[int | None, ...]]:
    rows = store.query(
        "SELECT account_id, period, period_start, logins, active_users, key_feature_uses, "
        "inquiries, new_users FROM usage_metrics"
    )
    return {(r[0], r[1], r[2]): tuple(r[3:]) for r in rows}


def journal(store: Store) -> Counter[str]:
    rows = store.query("SELECT operation FROM journal WHERE table_name = 'usage_metrics'")
    return Counter(row[0] for row in rows)


GOOD = """account,week,logins,active_users,key_feature_uses,inquiries,new_users
CRM-1,2026-11-16,120,40,15,2,0
a1,2026-11-23,90,38,,1,3
株式会社サクラ精機,2026-W47,"1,204",300,80,5,1
"""


def test_a_good_file_is_imported_by_id_external_id_and_name(book: Store, tmp_path: Path) -> None:
    summary = import_metrics(book, parse_metrics_csv(write(tmp_path / "m.csv", GOOD)))
    assert (summary.new, summary.updated, summary.unchanged, summary.accounts) == (3, 0, 0, 2)
    assert summary.describe() == (
        "Imported 3 metric rows for 2 accounts: 3 new, 0 updated, 0 unchanged, "
        "2026-11-16 to 2026-11-23."
    )
    assert metrics(book) == {
        ("a1", "week", "2026-11-16"): (120, 40, 15, 2, 0),
        ("a1", "week", "2026-11-23"): (90, 38, None, 1, 3),
        ("a2", "week", "2026-11-16"): (1204, 300, 80, 5, 1),
    }
    assert journal(book) == {"insert": 3}
    assert latest_active_users(book) == {"a1": 38, "a2": 300}
    assert str(latest_week(book)) == "2026-11-23"
    assert [w.logins for w in weekly_usage(book, "a1", book.clock.today().replace(day=1))] == [
        120,
        90,
    ]


def test_reimporting_updates_instead_of_duplicating(book: Store, tmp_path: Path) -> None:
    import_metrics(book, parse_metrics_csv(write(tmp_path / "m.csv", GOOD)))
    again = import_metrics(book, parse_metrics_csv(tmp_path / "m.csv"))
    assert (again.new, again.updated, again.unchanged) == (0, 0, 3)
    changed = write(
        tmp_path / "n.csv",
        "external_id,period_start,logins,key_feature_uses\n"
        "CRM-1,2026-11-23,95,\n"  # a blank cell keeps the stored value
        "CRM-1,2026-11-16,120,15\n",
    )
    summary = import_metrics(book, parse_metrics_csv(changed))
    assert (summary.new, summary.updated, summary.unchanged) == (0, 1, 1)
    assert metrics(book)[("a1", "week", "2026-11-23")] == (95, 38, None, 1, 3)
    assert len(metrics(book)) == 3
    assert journal(book) == {"insert": 3, "update": 1}
    payload = book.query_one(
        "SELECT payload FROM journal WHERE table_name = 'usage_metrics' AND operation = 'update'"
    )
    assert payload is not None and payload[0] == '{"logins": 95}'


BAD = """account,period,period_start,logins,active_users
CRM-1,week,2026-11-18,10,1
CRM-9,week,2026-11-16,10,1
Twin,week,2026-11-16,10,1
a1,week,2026-11-16,ten,1
a1,month,2026-11-16,10,1
a1,day,2026-11-30,10,1
a1,week,2026-11-16,10,-1
a1,week,2026-11-16,10,1
CRM-1,week,2026-11-16,11,1
,week,2026-11-16,10,1
a2,week,2026-W60,10,1
a2,day,2026-02-30,1,1
a2,week,2026-11-09,1,1,extra
"""


def test_a_bad_file_reports_every_line_and_imports_nothing(book: Store, tmp_path: Path) -> None:
    parsed = parse_metrics_csv(write(tmp_path / "bad.csv", BAD))
    summary = import_metrics(book, parsed)
    assert summary.blocked and not summary.written
    assert [str(p) for p in summary.problems] == [
        "line 2: period_start 2026-11-18 is a Wednesday; a week starts on a Monday "
        "(2026-11-16 or 2026-11-23)",
        'line 3: no account has the id, external_id or name "CRM-9"',
        'line 4: 2 accounts are named "Twin"; use the external_id instead',
        'line 5: logins "ten" is not a whole number of 0 or more',
        'line 6: period "month" is not week or day',
        "line 7: period_start 2026-11-30 is in the future",
        'line 8: active_users "-1" is not a whole number of 0 or more',
        "line 10: the same account and week as line 9 (2026-11-16)",
        "line 11: the account is missing",
        'line 12: period_start "2026-W60" is not a real week',
        'line 13: period_start "2026-02-30" is not a real date',
        "line 14: has 6 values but the header has 5 columns",
    ]
    assert summary.describe() == "Nothing was imported: 12 of 13 rows are invalid."
    assert metrics(book) == {} and journal(book) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("week,logins\n2026-11-16,1\n", "has no account column"),
        ("account,logins\na1,1\n", "has no period_start column"),
        ("account,week,segment\na1,2026-11-16,x\n", "has no metrics"),
        ('account,week,logins\n"a1,2026-11-16,1\n', "not valid CSV near line"),
    ],
)
def test_files_that_cannot_be_read_say_why(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_metrics_csv(write(tmp_path / "m.csv", text))


def test_japanese_headers_semicolons_bom_and_days(book: Store, tmp_path: Path) -> None:
    text = (
        "外部ID;期間;日付;ログイン数;アクティブユーザー数;主要機能利用数;問い合わせ数;新規ユーザー数\n"
        "CRM-2;日;2026年11月25日;１２;5;0;0;0\n"
        "CRM-2;day;2026/11/26;7;4;1;0;1\n"
    )
    path = write(tmp_path / "m.csv", text, encoding="utf-8-sig")
    summary = import_metrics(book, parse_metrics_csv(path))
    assert summary.new == 2 and not summary.problems
    assert metrics(book) == {
        ("a2", "day", "2026-11-25"): (12, 5, 0, 0, 0),
        ("a2", "day", "2026-11-26"): (7, 4, 1, 0, 1),
    }


def test_dry_run_writes_nothing(book: Store, tmp_path: Path) -> None:
    summary = import_metrics(book, parse_metrics_csv(write(tmp_path / "m.csv", GOOD)), dry_run=True)
    assert summary.new == 3 and not summary.written
    assert summary.describe().startswith("Dry run, nothing written: would import 3 metric rows")
    assert metrics(book) == {}


def test_deleting_an_account_deletes_its_metrics(book: Store, tmp_path: Path) -> None:
    import_metrics(book, parse_metrics_csv(write(tmp_path / "m.csv", GOOD)))
    with book.transaction() as tx:
        tx.delete("accounts", "a1")
    assert set(metrics(book)) == {("a2", "week", "2026-11-16")}


# -- the command -----------------------------------------------------------------------------------


def test_cli_imports_and_blocks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "cli.db"
    with open_store(db) as store:
        create_account(store, Account(id="a1", external_id="CRM-1", name="Acme Analytics"))
    good = write(tmp_path / "good.csv", "account,week,logins,comment\nCRM-1,2026-10-05,12,hi\n")
    code, _out, err = run(["import", "metrics", str(good), "--dry-run", "--db", str(db)], capsys)
    assert code == 0 and "Ignoring unknown columns: comment." in err
    assert "Dry run, nothing written: would import 1 metric row for 1 account" in err
    code, _out, err = run(["import", "metrics", str(good), "--db", str(db)], capsys)
    assert code == 0 and "Imported 1 metric row for 1 account: 1 new" in err
    bad = write(
        tmp_path / "bad.csv", "account,week,logins\nCRM-1,2026-10-12,1\nnobody,2026-10-12,1\n"
    )
    code, _out, err = run(["import", "metrics", str(bad), "--db", str(db)], capsys)
    assert code == 1
    assert 'line 3: no account has the id, external_id or name "nobody"' in err
    assert "Nothing was imported: 1 of 2 rows is invalid." in err
    with open_store(db) as store:
        assert len(metrics(store)) == 1
    code, _out, err = run(
        ["import", "metrics", str(tmp_path / "nope.csv"), "--db", str(db)], capsys
    )
    assert code == 1 and "There is no file" in err


def test_an_import_runs_the_playbooks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Logins halved week over week: the default "logins down" rule makes a task, once."""
    from datetime import date, timedelta

    from csm_tui.services.identity import set_me

    db = tmp_path / "cli.db"
    with open_store(db) as store:
        set_me(store, "Aoi Tanaka", "aoi.tanaka@example.com")
        create_account(
            store,
            Account(id="a1", external_id="CRM-1", name="Acme Analytics"),
            primary_owner="aoi.tanaka@example.com",
        )
    today = date.today()
    last = today - timedelta(days=today.weekday() + 7)  # the last full week's Monday
    text = f"account,week,logins\nCRM-1,{last - timedelta(weeks=1)},100\nCRM-1,{last},40\n"
    path = write(tmp_path / "m.csv", text)
    code, _out, err = run(["import", "metrics", str(path), "--db", str(db)], capsys)
    assert code == 0, err
    assert "Playbooks created" in err
    # no contract value: the catch-all segment, whose welcome rule fires too
    assert "Segments from the rules: Tech Touch 1." in err
    with open_store(db) as store:
        tasks = store.query("SELECT account_id, rule_id FROM tasks ORDER BY rule_id")
    assert [(row[0], row[1]) for row in tasks] == [
        ("a1", "logins-drop"),
        ("a1", "tech-touch-welcome"),
    ]
    code, _out, err = run(["import", "metrics", str(path), "--db", str(db)], capsys)
    assert code == 0 and "Playbooks created" not in err  # nothing new: unchanged rows
