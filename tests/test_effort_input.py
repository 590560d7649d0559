"""The minutes and "when" parsers of the activity form (issue 4 builds the form on them)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from csm_tui.clock import FixedClock
from csm_tui.errors import ValidationError
from csm_tui.services.effort_input import parse_minutes, parse_when

JST = timezone(timedelta(hours=9))
CLOCK = FixedClock(datetime(2026, 11, 27, 6, 0, tzinfo=UTC))  # 15:00 in Tokyo


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30", 30),
        ("90m", 90),
        ("90 min", 90),
        ("1h", 60),
        ("1h30", 90),
        ("1h 30m", 90),
        ("1.5h", 90),
        ("0.25h", 15),
        ("1:30", 90),
        ("24h", 1440),
        ("３０", 30),  # full-width digits from a Japanese IME
        ("30分", 30),
        ("1時間", 60),
        ("1時間30分", 90),
        (" 45 ", 45),
        ("2H", 120),
    ],
)
def test_minutes_accepted(text: str, minutes: int) -> None:
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "How many minutes"),
        ("0", "at least one minute"),
        ("0h", "at least one minute"),
        ("-5", "at least one minute"),
        ("1441", "more than 24 hours"),
        ("25h", "more than 24 hours"),
        ("abc", "Minutes like"),
        ("1.5h30", "Minutes like"),
        ("30s", "Minutes like"),
        ("1h30h", "Minutes like"),
        ("h", "Minutes like"),
    ],
)
def test_minutes_rejected(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_minutes(text)


@given(st.integers(min_value=1, max_value=1440))
def test_minutes_round_trip_in_every_spelling(minutes: int) -> None:
    hours, rest = divmod(minutes, 60)
    assert parse_minutes(str(minutes)) == minutes
    assert parse_minutes(f"{minutes}m") == minutes
    assert parse_minutes(f"{hours}:{rest:02d}") == minutes
    if hours:
        assert parse_minutes(f"{hours}h{rest}" if rest else f"{hours}h") == minutes


@given(st.text(max_size=12))
def test_minutes_never_crash(text: str) -> None:
    try:
        result = parse_minutes(text)
    except ValidationError:
        return
    assert 1 <= result <= 1440


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", datetime(2026, 11, 27, 15, 0, tzinfo=JST)),
        ("now", datetime(2026, 11, 27, 15, 0, tzinfo=JST)),
        ("今", datetime(2026, 11, 27, 15, 0, tzinfo=JST)),
        ("今日", datetime(2026, 11, 27, 15, 0, tzinfo=JST)),
        ("today", datetime(2026, 11, 27, 15, 0, tzinfo=JST)),
        ("today 14:00", datetime(2026, 11, 27, 14, 0, tzinfo=JST)),
        ("14:00", datetime(2026, 11, 27, 14, 0, tzinfo=JST)),
        ("yesterday", datetime(2026, 11, 26, 12, 0, tzinfo=JST)),
        ("yesterday 9:30", datetime(2026, 11, 26, 9, 30, tzinfo=JST)),
        ("昨日 9:30", datetime(2026, 11, 26, 9, 30, tzinfo=JST)),
        ("2026-11-20", datetime(2026, 11, 20, 12, 0, tzinfo=JST)),
        ("2026-11-20 09:30", datetime(2026, 11, 20, 9, 30, tzinfo=JST)),
        ("2026-11-20T09:30", datetime(2026, 11, 20, 9, 30, tzinfo=JST)),
        ("2026-11-20T00:30Z", datetime(2026, 11, 20, 0, 30, tzinfo=UTC)),
        ("2024-02-29", datetime(2024, 2, 29, 12, 0, tzinfo=JST)),
    ],
)
def test_when_accepted(text: str, expected: datetime) -> None:
    parsed = parse_when(text, CLOCK, JST)
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)  # stored in UTC


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tomorrow", "in the future"),
        ("25:00", "A time like"),
        ("yesterday 9:75", "A time like"),
        ("2026-13-01", "no such date"),
        ("2026-02-30", "no such date"),
        ("today 14", "A time like"),
        ("16:00", "in the future"),
        ("2026-12-01", "in the future"),
    ],
)
def test_when_rejected(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        parse_when(text, CLOCK, JST)


@given(st.text(max_size=20))
def test_when_never_crashes(text: str) -> None:
    try:
        parsed = parse_when(text, CLOCK, JST)
    except ValidationError:
        return
    assert parsed.tzinfo is not None
    assert parsed <= CLOCK.now() + timedelta(minutes=5)
