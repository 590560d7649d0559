"""One reader of dates typed by a person (csm_tui/date_input.py), shared by every form and CLI
option; and the slips it refuses (issue 13 item 12, issue 19 item 15)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csm_tui.clock import FixedClock
from csm_tui.date_input import DateInputError, DateOrder, parse_date
from csm_tui.errors import ValidationError
from csm_tui.services.coverage import parse_day as coverage_day
from csm_tui.services.due_input import parse_due
from csm_tui.services.effort import parse_day as effort_day
from csm_tui.services.effort_input import parse_minutes, parse_when
from csm_tui.services.handoff import parse_commitments
from csm_tui.services.week_report import parse_week

TODAY = date(2026, 11, 27)  # a Friday
CLOCK = FixedClock(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-01", date(2026, 11, 1)),
        ("2026/11/1", date(2026, 11, 1)),
        ("2026.11.1", date(2026, 11, 1)),
        ("20261101", date(2026, 11, 1)),
        ("2026年11月1日", date(2026, 11, 1)),
        ("２０２６／１１／１", date(2026, 11, 1)),
        ("11/1", date(2026, 11, 1)),
        ("11月1日", date(2026, 11, 1)),
        ("１１月１日", date(2026, 11, 1)),
        ("令和8年11月1日", date(2026, 11, 1)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R8.11.1", date(2026, 11, 1)),
        ("r8/11/1", date(2026, 11, 1)),
        ("Ｒ８．１１．１", date(2026, 11, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H30.1.15", date(2018, 1, 15)),
        ("今日", TODAY),
        ("today", TODAY),
        ("昨日", TODAY - timedelta(days=1)),
        ("Yesterday", TODAY - timedelta(days=1)),
        ("tomorrow", TODAY + timedelta(days=1)),
        ("明日", TODAY + timedelta(days=1)),
        ("おととい", TODAY - timedelta(days=2)),
        ("+3", TODAY + timedelta(days=3)),
        ("-2", TODAY - timedelta(days=2)),
        ("+2w", TODAY + timedelta(days=14)),
        ("3日後", TODAY + timedelta(days=3)),
        ("30日", date(2026, 11, 30)),  # the 30th: nearest
        ("20日", date(2026, 11, 20)),
        ("3日前", TODAY - timedelta(days=3)),
        ("3 days ago", TODAY - timedelta(days=3)),
        ("2週間後", TODAY + timedelta(days=14)),
        ("next monday", date(2026, 11, 30)),
        ("last friday", date(2026, 11, 20)),
        ("friday", TODAY),
        ("次の月曜", date(2026, 11, 30)),
        ("来週の水曜", date(2026, 12, 2)),
        ("先週の金曜日", date(2026, 11, 20)),
        ("今週の月曜", date(2026, 11, 23)),
    ],
)
def test_every_form_a_person_types(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


def test_blank_is_none() -> None:
    assert parse_date("  ", TODAY) is None


@pytest.mark.parametrize(
    ("prefer", "expected"),
    [("future", date(2027, 1, 10)), ("past", date(2026, 1, 10)), ("nearest", date(2027, 1, 10))],
)
def test_a_day_without_its_year(prefer: str, expected: date) -> None:
    assert parse_date("1/10", TODAY, prefer=prefer) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [
        ("11/1/2026", DateOrder.MDY, date(2026, 11, 1)),
        ("1/11/2026", DateOrder.DMY, date(2026, 11, 1)),
        ("1/11", DateOrder.DMY, date(2026, 11, 1)),
        ("3/31/27", DateOrder.MDY, date(2027, 3, 31)),  # HubSpot's and Excel's US form
        ("31/3/27", DateOrder.DMY, date(2027, 3, 31)),
        ("2026-11-01", DateOrder.DMY, date(2026, 11, 1)),  # a leading year is always Y-M-D
    ],
)
def test_day_month_order_for_files_from_other_countries(
    text: str, order: DateOrder, expected: date
) -> None:
    assert parse_date(text, TODAY, order=order) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("soon", "unreadable"),
        ("11/1/2026", "unreadable"),  # year last: only with an order
        ("3/31/27", "unreadable"),
        ("14", "unreadable"),
        ("2026-02-30", "no_such_date"),
        ("2月30日", "no_such_date"),
        ("令和元年4月1日", "no_such_date"),  # Heisei still
        ("0001-01-01", "out_of_range"),
        ("1999-12-31", "out_of_range"),
        ("2070-01-01", "out_of_range"),
        ("+99999", "unreadable"),
    ],
)
def test_refused(text: str, reason: str) -> None:
    with pytest.raises(DateInputError) as caught:
        parse_date(text, TODAY)
    assert caught.value.reason == reason


def test_relative_forms_only_where_they_make_sense() -> None:
    for text in ("+3", "next monday", "3日後"):
        with pytest.raises(DateInputError):
            parse_date(text, TODAY, relative=False)


@given(st.text(max_size=24))
def test_anything_typed_is_a_date_none_or_one_sentence(text: str) -> None:
    try:
        found = parse_date(text, TODAY)
    except ValidationError:
        return
    assert found is None or date(2000, 1, 1) <= found


# -- every place reads `11/1` the same way (it was refused in the Effort custom period) ---------


def test_11_1_is_read_in_every_form() -> None:
    assert effort_day("11/1", CLOCK) == date(2026, 11, 1)  # Effort custom period
    assert coverage_day("11/1", TODAY) == date(2026, 11, 1)  # owners, handoff coverage
    assert parse_due("11/1", TODAY) == date(2027, 11, 1)  # due: the next 1 November
    assert parse_when("11/1 9:30", CLOCK).date() == date(2026, 11, 1)  # log form, `log --at`
    assert parse_week("11/25", TODAY) == date(2026, 11, 23)  # `report week --week`
    [commitment] = parse_commitments("12/5 提案書を送る", TODAY)
    assert commitment.due == date(2026, 12, 5)


def test_the_same_words_in_every_form() -> None:
    assert effort_day("令和8年11月1日", CLOCK) == date(2026, 11, 1)
    assert coverage_day("R8.12.1", TODAY) == date(2026, 12, 1)
    assert parse_due("来週の月曜", TODAY) == date(2026, 11, 30)
    assert parse_when("last friday", CLOCK).date() == date(2026, 11, 20)


# -- issue 19 item 15: slips are refused with a clear sentence ---------------------------------


@pytest.mark.parametrize("text", ["1:70", "1h61", "2時間75分"])
def test_minutes_past_the_hour_are_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="must be 0 to 59"):
        parse_minutes(text)


@pytest.mark.parametrize("text", ["1:59", "1h59", "2時間0分"])
def test_minutes_under_the_hour_still_pass(text: str) -> None:
    assert parse_minutes(text) in (119, 120)


@pytest.mark.parametrize("text", ["0001-01-01", "1970-01-01 09:00", "0001-01-01T00:00Z"])
def test_an_absurd_moment_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="before 2000"):
        parse_when(text, CLOCK)


def test_export_period_options_read_dates_as_the_forms_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cli_run import run

    from csm_tui.store.connection import open_store

    path = tmp_path / "book.db"
    open_store(path).close()
    code, _out, err = run(
        ["export", "activities", "--since", "2026/11/15", "--until", "R8.11.30", "--db", str(path)],
        capsys,
    )
    assert code == 0, err
    code, _out, err = run(
        ["export", "activities", "--since", "0001-01-01", "--db", str(path)], capsys
    )
    assert code == 2 and "before 2000" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["30", "--at", "0001-01-01"], "before 2000"),
        (["1:70"], "must be 0 to 59"),
        (["1h61"], "must be 0 to 59"),
    ],
)
def test_log_refuses_the_slips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    from cli_run import run

    from csm_tui.models.account import Account
    from csm_tui.services.accounts import create_account
    from csm_tui.services.identity import set_me
    from csm_tui.store.connection import open_store

    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", "aoi.tanaka@example.com")
        create_account(store, Account(id="acme", name="Acme"))
    code, out, err = run(["log", "acme", *argv, "--db", str(path)], capsys)
    assert code == 1 and message in err and out == ""
    with open_store(path) as store:
        assert store.query_one("SELECT count(*) FROM activities")[0] == 0  # type: ignore[index]


@pytest.mark.parametrize(
    ("given", "message"),
    [("0001-01-01", "before 2000"), ("soon", "--backfill takes a date"), ("2026-02-30", "no such")],
)
def test_crm_backfill_reads_dates_as_the_forms_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], given: str, message: str
) -> None:
    from cli_run import run

    code, _out, err = run(
        ["crm", "sync", "--backfill", given, "--db", str(tmp_path / "book.db")], capsys
    )
    assert code == 1 and message in err


def test_a_commitment_on_the_10th_is_not_ten_days_away() -> None:
    [commitment] = parse_commitments("10日 資料送付", TODAY)
    assert commitment.due == date(2026, 12, 10) or commitment.due == date(2026, 11, 10)
    assert commitment.text == "資料送付"
