"""Due dates as typed in the Roadmap tab."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csm_tui.errors import ValidationError
from csm_tui.services.due_input import DUE_HELP, parse_due

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-15", date(2026, 12, 15)),
        ("2026/12/5", date(2026, 12, 5)),
        ("２０２６－１２－１５", date(2026, 12, 15)),  # typed with a Japanese IME
        ("2026年12月15日", date(2026, 12, 15)),
        ("12/15", date(2026, 12, 15)),
        ("11/27", TODAY),  # today is still this year
        ("1/10", date(2027, 1, 10)),  # January has passed: next year's
        ("2月29日", None),  # a date without a year looks one year ahead: no 29 February there
        ("today", TODAY),
        ("  Tomorrow ", TODAY + timedelta(days=1)),
        ("明日", TODAY + timedelta(days=1)),
        ("+14", TODAY + timedelta(days=14)),
        ("14d", TODAY + timedelta(days=14)),
        ("3 days", TODAY + timedelta(days=3)),
        ("2w", TODAY + timedelta(days=14)),
        ("2週間", TODAY + timedelta(days=14)),
        ("10日", date(2026, 12, 10)),  # the 10th: the next one (ten days from now is 10日後)
        ("10日後", TODAY + timedelta(days=10)),
        ("2028-02-29", date(2028, 2, 29)),
        ("2020-01-01", None),
        ("-3", TODAY - timedelta(days=3)),  # the shared reader: a day in the past, as anywhere
        ("11/1", date(2027, 11, 1)),  # 1 November has passed: next year's
        ("R8.12.15", date(2026, 12, 15)),
        ("friday", TODAY),  # today is a Friday
        ("next friday", TODAY + timedelta(days=7)),
    ],
)
def test_reads(text: str, expected: date | None) -> None:
    if expected is None:
        with pytest.raises(ValidationError):
            parse_due(text, TODAY)
    else:
        assert parse_due(text, TODAY) == expected


def test_empty_means_back_to_the_rule() -> None:
    assert parse_due("   ", TODAY) is None


@pytest.mark.parametrize("text", ["soon", "14", "+", "2026-12-15 10:00"])
def test_refuses(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_due(text, TODAY)
    assert str(caught.value) == DUE_HELP


@pytest.mark.parametrize("text", ["2026-02-30", "2027-13-01", "12/32"])
def test_refuses_a_date_that_does_not_exist(text: str) -> None:
    with pytest.raises(ValidationError, match=f"There is no such date: {text}"):
        parse_due(text, TODAY)


def test_far_away_is_refused() -> None:
    with pytest.raises(ValidationError, match="three years"):
        parse_due("+2000", TODAY)


@given(st.text(max_size=30))
def test_anything_typed_gives_a_date_none_or_a_validation_error(text: str) -> None:
    try:
        result = parse_due(text, TODAY)
    except ValidationError:
        return
    assert result is None or abs((result - TODAY).days) <= 3 * 366
