"""One way of writing money, durations, changes and dates, for the app, the CLI and the brief
(csm_tui/formatting.py; issue 13, item 11)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from csm_tui import formatting as f
from csm_tui.i18n import set_language


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [
        (8000, "USD", "$8,000"),  # under 10,000: no cents unless there are some
        (8000.0, "USD", "$8,000"),
        (1200.5, "USD", "$1,200.50"),
        (Decimal("1200.50"), "EUR", "€1,200.50"),
        (999.999, "USD", "$1,000"),  # cents rounded away
        (250_000, "USD", "$250,000"),
        (18_240_000, "JPY", "¥18,240,000"),  # the Overview's form, in the brief too
        (1234.5, "JPY", "¥1,234"),  # yen has no cents (banker's rounding: .5 to even)
        (1_000_000, "KRW", "₩1,000,000"),
        (1200, "CHF", "1,200 CHF"),
        (1200.25, "CHF", "1,200.25 CHF"),
        (-1500, "USD", "-$1,500"),
        (None, "USD", "—"),
    ],
)
def test_money(value: float | Decimal | None, currency: str, text: str) -> None:
    assert f.money(value, currency) == text


def test_converted_money_is_marked_and_rounded() -> None:
    assert f.money(8000.4, "USD", approx=True) == "≈$8,000"


@pytest.mark.parametrize(
    ("minutes", "en", "ja"),
    [
        (45, "45 min", "45 分"),
        (60, "1 h", "1 時間"),
        (298, "4 h 58 min", "4 時間 58 分"),
        (72_270, "1,204 h 30 min", "1,204 時間 30 分"),
        (0, "0 min", "0 分"),
    ],
)
def test_durations_in_both_languages(minutes: int, en: str, ja: str) -> None:
    assert f.duration(minutes) == en
    set_language("ja")
    try:
        assert f.duration(minutes) == ja
    finally:
        set_language("en")


def test_a_narrow_duration_is_rounded_to_hours() -> None:
    assert [f.duration_short(m) for m in (45, 89, 91, 298)] == ["45 min", "1 h", "2 h", "5 h"]


def test_one_minus_sign() -> None:
    assert [f.signed(v) for v in (3, -3, 0)] == ["+3", "-3", "0"]
    assert f.signed(-2.25, 1) == "-2.2" and f.signed(-0.04, 1) == "0.0"
    assert f.MINUS == "-"  # U+2212 is drawn two cells wide by Japanese terminals


def test_no_other_minus_sign_in_the_code() -> None:
    root = Path(f.__file__).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "\u2212" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_days_and_dates() -> None:
    assert [f.days(41), f.days(-5), f.days(None)] == ["41 d", "5 d late", "—"]
    assert f.day(date(2026, 11, 27)) == "2026-11-27" and f.day(None) == "—"


def test_app_cli_and_brief_write_the_same() -> None:
    from csm_tui.models.account import Account
    from csm_tui.services.brief import hours_text, money_text
    from csm_tui.ui import format as fmt

    account = Account(name="サクラ", contract_value=18_240_000, currency="JPY")
    assert money_text(account) == fmt.money(18_240_000, "JPY") == "¥18,240,000"
    assert hours_text(298) == fmt.duration(298) == "4 h 58 min"


def test_the_module_is_headless() -> None:
    code = "import sys, csm_tui.formatting; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_a_short_day_reads_back_as_the_same_day() -> None:
    from csm_tui.date_input import parse_date

    assert f.short_day(date(2026, 12, 4)) == "12/04" and f.short_day(None) == ""
    assert parse_date(f.short_day(date(2026, 12, 4)), date(2026, 11, 27)) == date(2026, 12, 4)
