"""Communication signals on the Health screen and the Overview (issue 16): each account's survey
answer rate and event attendance rate with the change on the month before, at 80x24 in English
and Japanese (the trend column gives way first, then year over year)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import AppFactory, settle
from test_health_screen import open_health
from textual.pilot import Pilot
from textual.widgets import Static

from csm_tui.models.metrics import MEASURES
from csm_tui.store.connection import Store
from csm_tui.store.journal import insert_many
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.health import HealthTable

SIZE = (80, 24)
# (account, week, sent, answered, invited, attended, nps); the book's day is 2026-11-27
SIGNALS = [
    ("acct00", "2026-10-05", 20, 10, 10, 4, 10),
    ("acct00", "2026-11-02", 20, 6, 10, 7, -5),  # answers 50% → 30%, events 40% → 70%
    ("acct01", "2026-10-12", 10, 3, None, None, None),
    ("acct01", "2026-11-09", 10, 4, None, None, None),  # 30% → 40%
    ("acct02", "2026-11-16", None, None, 8, 2, None),  # 25%, no month before
]


@pytest.fixture
def signals_store(book_store: Store) -> Store:
    rows: list[dict[str, Any]] = []
    for number, (account, week, sent, answered, invited, attended, nps) in enumerate(SIGNALS):
        values = {
            "surveys_sent": sent,
            "surveys_answered": answered,
            "events_invited": invited,
            "events_attended": attended,
            "nps": nps,
        }
        rows.append(
            {
                "id": f"signal{number}",
                "account_id": account,
                "period": "week",
                "period_start": week,
                **{name: values.get(name) for name in MEASURES},
                "created_at": "2026-11-27T09:00:00+00:00",
            }
        )
    with book_store.transaction() as tx:
        insert_many(tx, "usage_metrics", rows)
    return book_store


async def test_the_rates_are_columns_at_80_columns(
    signals_store: Store, make_app: AppFactory
) -> None:
    app = make_app(signals_store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_health(app, pilot)
        table = screen.query_one(HealthTable)
        widths = table._column_widths(table.size.width - table.styles.scrollbar_size_vertical)
        titles = [c.title for c, w in zip(table.columns, widths, strict=True) if w]
        assert titles == ["Account", "Segment", "Health", "MoM", "YoY", "Answers", "Events"]
        cells = {row.name: table.rows[i][5:7] for i, row in enumerate(screen.rows)}
        assert cells["Acme Analytics"] == (("30% ▼20", "bad"), ("70% ▲30", "good"))
        assert cells["株式会社サクラ精機"] == (("40% ▲10", "good"), ("—", "dim"))
        assert cells["Globex Logistics"] == (("—", "dim"), ("25%", ""))


async def test_the_overview_says_the_rates_in_one_line(
    signals_store: Store, make_app: AppFactory
) -> None:
    app = make_app(signals_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_account("acct00")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await pilot.pause()
        line = app.screen.query_one("#signals", Static)
        assert str(line.content) == "Answered 30% ▼20 · Attended 70% ▲30"
        app.open_account("acct05")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await pilot.pause()
        assert not app.screen.query_one("#signals", Static).display


@pytest.mark.parametrize("language", ["en", "ja"])
def test_health_signals_snapshot_80x24(
    snap_compare: Any, signals_store: Store, make_app: AppFactory, language: str
) -> None:
    app = make_app(signals_store, language=language)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_health(app, pilot)
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


def test_columns_give_way_trend_first_then_yoy_then_segment() -> None:
    from csm_tui.ui.screens.health import HealthScreen
    from csm_tui.ui.textual_ext.line_table import column_widths

    columns = HealthScreen._columns(None)  # type: ignore[arg-type]  # it reads no state

    def shown(width: int) -> list[str]:
        return [c.title for c, w in zip(columns, column_widths(columns, width), strict=True) if w]

    everything = ["Account", "Segment", "Health", "MoM", "YoY", "Answers", "Events"]
    assert shown(120) == [*everything, "Last 12 months"]
    assert shown(79) == everything
    assert shown(70) == ["Account", "Segment", "Health", "MoM", "Answers", "Events"]
    assert shown(60) == ["Account", "Health", "MoM", "Answers", "Events"]
