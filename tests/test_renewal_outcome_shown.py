"""The last renewal outcome shown (issue 14): the book (its Last renewal column, the first to
give way when the terminal is narrow), the brief, the week report and the Week screen."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from rich.console import Console

from csm_tui.clock import FixedClock, SystemClock
from csm_tui.models.account import Account
from csm_tui.models.book import BookQuery, SortKey
from csm_tui.services.accounts import create_account
from csm_tui.services.book import BookService
from csm_tui.services.brief import brief_markdown, build_brief
from csm_tui.services.renewal_outcome import last_outcome, outcome_text
from csm_tui.services.renewals import RenewalOutcome, record_renewal
from csm_tui.services.week_report import week_report
from csm_tui.store.connection import Store, open_store
from tests.cli_run import run
from tests.conftest import ME_EMAIL, NOW

TODAY = NOW.date()
MONDAY = TODAY - timedelta(days=TODAY.weekday())


def _account(store: Store, name: str, value: int) -> Account:
    account = Account(
        name=name, contract_value=Decimal(value), renewal_date=TODAY + timedelta(days=10)
    )
    return create_account(store, account, primary_owner=ME_EMAIL)


def _outcomes(store: Store) -> tuple[str, str, str]:
    grown = _account(store, "Grown Co", 10_000)
    gone = _account(store, "Gone Co", 5_000)
    plain = _account(store, "Plain Co", 1_000)
    record_renewal(store, grown, RenewalOutcome.EXPANDED, contract_value=Decimal(12_000))
    record_renewal(store, gone, RenewalOutcome.CHURNED)
    return grown.id, gone.id, plain.id


def test_the_book_has_the_last_outcome(
    store: Store, me: tuple[str, str], clock: FixedClock
) -> None:
    grown, _gone, plain = _outcomes(store)
    book = BookService(store, clock)
    rows = {row.id: row for row in book.query(BookQuery())}
    assert rows[grown].last_outcome == "expanded"
    assert rows[grown].last_outcome_on == TODAY.isoformat()
    assert rows[plain].last_outcome is None
    assert set(rows) == {grown, plain}  # churned: archived, out of the book
    by_outcome = book.query(BookQuery(sort=SortKey.OUTCOME))
    assert [row.id for row in by_outcome] == [grown, plain]  # none last


def test_the_brief_says_it(store: Store, me: tuple[str, str], clock: FixedClock) -> None:
    grown, _gone, plain = _outcomes(store)
    text = brief_markdown(build_brief(store, grown, clock))
    assert f"- **Last renewal**: Expanded on {TODAY} ($10,000 → $12,000)" in text
    assert "Last renewal" not in brief_markdown(build_brief(store, plain, clock))


def test_the_week_report_lists_the_outcomes(
    store: Store, me: tuple[str, str], clock: FixedClock
) -> None:
    grown, gone, _plain = _outcomes(store)
    report = week_report(store, MONDAY, clock)
    assert [(o.account_id, o.outcome) for o in report.outcomes] == [
        (gone, "churned"),  # archived, and still said: it happened this week
        (grown, "expanded"),
    ]
    last_week = week_report(store, MONDAY - timedelta(days=7), clock)
    assert last_week.outcomes == []
    outcome = last_outcome(store, gone)
    assert outcome is not None and outcome_text(outcome) == f"Churned on {TODAY} ($5,000 → —)"


def test_report_week_in_both_languages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from csm_tui.services.identity import set_me

    monkeypatch.setattr(SystemClock, "now", lambda self: NOW)
    monkeypatch.setattr(SystemClock, "today", lambda self: TODAY)
    path = tmp_path / "week.db"
    store = open_store(path, clock=FixedClock(NOW))
    try:
        set_me(store, "Aoi Tanaka", ME_EMAIL)
        _outcomes(store)
    finally:
        store.close()
    code, out, err = run(["report", "week", "--db", str(path)], capsys)
    assert code == 0, err
    assert "Outcomes recorded: 2" in out
    assert f"Grown Co: Expanded on {TODAY} ($10,000 → $12,000)" in out
    code, out, err = run(["report", "week", "--db", str(path), "--lang", "ja"], capsys)
    assert code == 0, err
    assert "増額で更新" in out and "解約" in out


async def test_the_book_column_and_the_week_screen(
    store: Store, me: tuple[str, str], clock: FixedClock, tmp_path: Path
) -> None:
    from csm_tui.config import Config
    from csm_tui.services.session import Session
    from csm_tui.ui.app import CsmApp
    from csm_tui.ui.screens.week import WeekScreen
    from csm_tui.ui.widgets.account_table import AccountTable

    _outcomes(store)
    config = Config(language="en", path=tmp_path / "config.toml")
    app = CsmApp(Session(store, clock), config, landing="book", sync=False)
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(AccountTable)
        assert "Last renewal" in table.render_line(0).text
        grown = next(i for i, row in enumerate(table.rows) if row.name == "Grown Co")
        assert "Expanded" in table.render_line(grown + 1).text
        await pilot.resize_terminal(100, 30)  # narrow: the column gives way first
        await pilot.pause()
        assert "Last renewal" not in table.render_line(0).text
        week = WeekScreen(app.session, MONDAY)
        await app.push_screen(week)
        for _ in range(100):
            if week.loaded:
                break
            await pilot.pause(0.05)
        assert week.report is not None
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(week._renewals(week.report))
        text = console.export_text()
        assert "Outcomes recorded: 2" in text
        assert "Expanded" in text and "Grown Co" in text and "$10,000 → $12,000" in text
