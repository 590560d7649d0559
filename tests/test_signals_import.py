"""`csm-tui import metrics` with the communication signals (issue 16): English and Japanese
headers, NPS from 0-10 answers, CSAT as % satisfied, refusals in en and ja, all or nothing, a
re-import that never duplicates."""

from __future__ import annotations

from pathlib import Path

import pytest

from csm_tui.i18n import set_language
from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.services.metrics_import import import_metrics, parse_metrics_csv
from csm_tui.services.signals_import import nps_of
from csm_tui.store.connection import Store

COLUMNS = (
    "surveys_sent, surveys_answered, nps, csat, feedback_items, events_invited, events_attended"
)


@pytest.fixture
def book(store: Store) -> Store:
    create_account(store, Account(id="a1", external_id="CRM-1", name="Acme Analytics"))
    create_account(store, Account(id="a2", external_id="CRM-2", name="株式会社サクラ精機"))
    return store


def signals(store: Store) -> dict[tuple[str, str], tuple[int | None, ...]]:
    rows = store.query(f"SELECT account_id, period_start, {COLUMNS} FROM usage_metrics")
    return {(r[0], r[1]): tuple(r[2:]) for r in rows}


def load(book: Store, path: Path, text: str) -> list[str]:
    path.write_text(text, encoding="utf-8")
    summary = import_metrics(book, parse_metrics_csv(path))
    return [problem.message for problem in summary.problems]


def test_english_columns_with_usage_and_signals(book: Store, tmp_path: Path) -> None:
    text = (
        "account,week,logins,surveys_sent,surveys_answered,nps,csat,feedback_items,"
        "events_invited,events_attended\n"
        "CRM-1,2026-11-16,10,40,12,-15,87%,3,20,8\n"
        'CRM-2,2026-11-16,,"1,200",300,+30,90,0,5,5\n'
    )
    assert load(book, tmp_path / "m.csv", text) == []
    assert signals(book) == {
        ("a1", "2026-11-16"): (40, 12, -15, 87, 3, 20, 8),
        ("a2", "2026-11-16"): (1200, 300, 30, 90, 0, 5, 5),
    }


def test_japanese_headers_and_nps_from_answers(book: Store, tmp_path: Path) -> None:
    text = (
        "取引先名,週,アンケート送付数,アンケート回答数,NPS回答,顧客満足度,フィードバック件数,"
        "イベント招待数,イベント参加数\n"
        '株式会社サクラ精機,2026-11-16,５,5,"10 9 7 6 10",８０％,2,4,1\n'
    )
    assert load(book, tmp_path / "ja.csv", text) == []
    assert signals(book)[("a2", "2026-11-16")] == (5, 5, 40, 80, 2, 4, 1)


@pytest.mark.parametrize(
    ("answers", "nps"),
    [([10, 9, 7, 6, 10], 40), ([0], -100), ([10], 100), ([7, 8], 0), ([9, 6, 7], 0),
     ([9, 9, 0], 33), ([9, 0, 0], -33), ([10, 8], 50)],
)  # fmt: skip
def test_the_nps_of_answers(answers: list[int], nps: int) -> None:
    assert nps_of(answers) == nps


REFUSED = [
    ("surveys_sent,surveys_answered\n10,11", "11 surveys answered but only 10 sent"),
    ("events_invited,events_attended\n3,4", "4 attended events but only 3 invited"),
    ("nps\n101", "nps 101 is out of range: an NPS is from -100 to 100"),
    ("nps\n-101", "nps -101 is out of range: an NPS is from -100 to 100"),
    ("feedback_items\n-2", "feedback_items -2 is negative; a count is 0 or more"),
    ("nps,nps_answers\n10,9", "give nps or nps_answers, not both"),
    ("nps_answers\n9 11", 'nps_answers "9 11" are not answers from 0 to 10 (like 10 9 7 6)'),
    ("csat\n4.2", "csat 4.2 looks like an average on a 1-5 scale; give the percentage of "
     "satisfied answers (0-100)"),
    ("csat\n120", "csat 120 is more than 100%"),
]  # fmt: skip


@pytest.mark.parametrize(("columns", "message"), REFUSED)
def test_refusals_in_english(book: Store, tmp_path: Path, columns: str, message: str) -> None:
    header, values = columns.split("\n")
    text = f"account,week,{header}\na1,2026-11-16,{values}\n"
    assert load(book, tmp_path / "bad.csv", text) == [message]


def test_refusals_in_japanese(book: Store, tmp_path: Path) -> None:
    set_language("ja")
    try:
        text = (
            "account,week,surveys_sent,surveys_answered,nps,events_invited,events_attended,"
            "feedback_items\n"
            "a1,2026-11-16,10,11,101,3,4,-1\n"
        )
        problems = load(book, tmp_path / "bad.csv", text)
    finally:
        set_language("en")
    assert problems == [
        "feedback_items -1 は負の数です。件数は 0 以上です",
        "nps 101 は範囲外です。NPS は -100 から 100 までです",
        "アンケートの回答が 11 件ありますが、送付は 10 件だけです",
    ]


def test_one_bad_row_and_nothing_is_written(book: Store, tmp_path: Path) -> None:
    text = "account,week,surveys_sent,surveys_answered\na1,2026-11-16,10,5\na2,2026-11-16,10,50\n"
    assert load(book, tmp_path / "m.csv", text) == ["50 surveys answered but only 10 sent"]
    assert signals(book) == {}


def test_a_reimport_updates_in_place_and_checks_against_what_is_stored(
    book: Store, tmp_path: Path
) -> None:
    first = "account,week,surveys_sent,surveys_answered,nps\na1,2026-11-16,10,5,20\n"
    assert load(book, tmp_path / "m.csv", first) == []
    path = tmp_path / "again.csv"
    path.write_text(first, encoding="utf-8")
    again = import_metrics(book, parse_metrics_csv(path))
    assert (again.new, again.updated, again.unchanged) == (0, 0, 1)
    more = "account,week,surveys_answered,nps_answers\na1,2026-11-16,8,10 10 3\n"
    assert load(book, tmp_path / "more.csv", more) == []
    assert signals(book) == {("a1", "2026-11-16"): (10, 8, 33, None, None, None, None)}
    too_many = "account,week,surveys_answered\na1,2026-11-16,11\n"
    assert load(book, tmp_path / "bad.csv", too_many) == [
        "11 surveys answered but only 10 sent (with the count already stored for this period)"
    ]
    assert book.query_one("SELECT count(*) FROM usage_metrics")[0] == 1  # type: ignore[index]


def test_the_cli_imports_signals_and_refuses_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from csm_tui.store.connection import open_store
    from tests.cli_run import run

    db = tmp_path / "book.db"
    with open_store(db) as store:
        create_account(store, Account(id="a1", external_id="CRM-1", name="Acme Analytics"))
    good = tmp_path / "good.csv"
    good.write_text(
        "account,week,surveys_sent,surveys_answered,events_invited,events_attended\n"
        "CRM-1,2026-10-05,10,4,5,2\n",
        encoding="utf-8",
    )
    code, _out, err = run(["import", "metrics", str(good), "--db", str(db)], capsys)
    assert code == 0 and "Imported 1 metric row for 1 account: 1 new" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("account,week,events_invited,events_attended\nCRM-1,2026-10-12,2,3\n")
    code, _out, err = run(["import", "metrics", str(bad), "--db", str(db)], capsys)
    assert code == 1 and "line 2: 3 attended events but only 2 invited" in err
    with open_store(db) as store:
        assert signals(store) == {("a1", "2026-10-05"): (10, 4, None, None, None, 5, 2)}
