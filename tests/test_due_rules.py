"""Due-date rules: counting from the stage start, the kickoff, and back from the renewal date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csm_tui.services.due_rules import (
    DueRule,
    due_date,
    is_manual,
    is_overdue,
    mark_manual,
    parse_rule,
    unmark_manual,
)


def test_days_after_stage_start() -> None:
    rule = DueRule("days_after_stage_start", 14)
    assert due_date(rule, stage_start=date(2026, 12, 20)) == date(2027, 1, 3)


def test_days_after_kickoff() -> None:
    rule = DueRule("days_after_kickoff", 7)
    assert due_date(rule, kickoff=date(2026, 11, 27)) == date(2026, 12, 4)


def test_days_before_renewal() -> None:
    rule = DueRule("days_before_renewal", 120)
    assert due_date(rule, renewal=date(2027, 6, 1)) == date(2027, 2, 1)


@pytest.mark.parametrize(
    ("renewal", "days", "due"),
    [
        (date(2028, 2, 29), 120, date(2027, 11, 1)),  # counting back across a leap February
        (date(2028, 3, 1), 1, date(2028, 2, 29)),
        (date(2028, 3, 1), 366, date(2027, 3, 1)),  # 2028 has 366 days from 2027-03-01
        (date(2027, 3, 1), 1, date(2027, 2, 28)),  # no 29 February in 2027
        (date(2028, 2, 29), 0, date(2028, 2, 29)),
        (date(2029, 1, 1), 1, date(2028, 12, 31)),
    ],
)
def test_renewal_relative_across_leap_years(renewal: date, days: int, due: date) -> None:
    assert due_date(DueRule("days_before_renewal", days), renewal=renewal) == due


def test_stage_start_on_a_leap_day() -> None:
    rule = DueRule("days_after_stage_start", 1)
    assert due_date(rule, stage_start=date(2028, 2, 28)) == date(2028, 2, 29)
    assert due_date(rule, stage_start=date(2028, 2, 29)) == date(2028, 3, 1)


def test_missing_inputs_give_no_date() -> None:
    assert due_date(None, stage_start=date(2026, 1, 1)) is None
    assert due_date(DueRule("days_after_stage_start", 3), renewal=date(2027, 1, 1)) is None
    assert due_date(DueRule("days_before_renewal", 3), stage_start=date(2027, 1, 1)) is None
    assert due_date(DueRule("days_after_kickoff", 3)) is None


def test_rules_round_trip_as_text() -> None:
    for kind in ("days_after_stage_start", "days_before_renewal", "days_after_kickoff"):
        rule = DueRule(kind, 30)  # type: ignore[arg-type]
        assert parse_rule(rule.encode()) == rule
    assert parse_rule("") is None
    assert parse_rule("manual") is None
    assert parse_rule("manual:days_before_renewal:120") is None
    assert parse_rule("days_before_renewal:-3") is None
    assert parse_rule("someday:3") is None


def test_manual_marking_keeps_the_rule() -> None:
    marked = mark_manual("days_before_renewal:120")
    assert is_manual(marked) and parse_rule(marked) is None
    assert unmark_manual(marked) == "days_before_renewal:120"
    assert mark_manual(marked) == marked  # marking twice changes nothing
    assert mark_manual("") == "manual" and unmark_manual("manual") == ""
    assert not is_manual("days_after_kickoff:2")


def test_overdue_is_strictly_before_today() -> None:
    today = date(2026, 11, 27)
    assert is_overdue(today - timedelta(days=1), False, today)
    assert not is_overdue(today, False, today)
    assert not is_overdue(today - timedelta(days=1), True, today)
    assert not is_overdue(None, False, today)


days = st.integers(min_value=0, max_value=3000)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(renewal=dates, n=days)
def test_renewal_rule_is_exactly_n_days_before(renewal: date, n: int) -> None:
    due = due_date(DueRule("days_before_renewal", n), renewal=renewal)
    assert due is not None
    assert (renewal - due).days == n


@given(start=dates, n=days)
def test_after_rules_are_exactly_n_days_after(start: date, n: int) -> None:
    for kind in ("days_after_stage_start", "days_after_kickoff"):
        due = due_date(DueRule(kind, n), stage_start=start, kickoff=start)  # type: ignore[arg-type]
        assert due is not None and (due - start).days == n
