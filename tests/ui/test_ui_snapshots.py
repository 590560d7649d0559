"""What each screen looks like, in both themes and both languages (SVG snapshots).

Review `snapshot_report.html` before accepting changes with `pytest --snapshot-update`.
"""

from __future__ import annotations

import pytest
from conftest import AppFactory, settle

from csm_tui.store.connection import Store

SIZE = (120, 30)
VARIANTS = [
    pytest.param("en", "csm-dark", id="en-dark"),
    pytest.param("ja", "csm-dark", id="ja-dark"),
    pytest.param("en", "csm-light", id="en-light"),
    pytest.param("ja", "csm-light", id="ja-light"),
]


@pytest.mark.parametrize(("language", "theme"), VARIANTS)
def test_book_screen(
    snap_compare, book_store: Store, make_app: AppFactory, language: str, theme: str
) -> None:
    """Japanese names line up with English ones: CJK characters take two cells."""
    app = make_app(book_store, language=language, theme=theme)
    assert snap_compare(app, terminal_size=SIZE)


@pytest.mark.parametrize(("language", "theme"), VARIANTS)
def test_account_overview(
    snap_compare, book_store: Store, make_app: AppFactory, language: str, theme: str
) -> None:
    app = make_app(book_store, language=language, theme=theme)
    # the second row sorted by renewal is ヤマト食品 (I cover it; coverage period shown)
    assert snap_compare(app, press=["down", "enter"], terminal_size=SIZE)


def test_book_filtered_and_quick_filter(
    snap_compare, book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    assert snap_compare(app, press=["r", "slash", *"vip"], terminal_size=SIZE)


def test_help_screen(snap_compare, book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    assert snap_compare(app, press=["question_mark"], terminal_size=SIZE)


def test_first_run_screen(snap_compare, empty_store: Store, make_app: AppFactory) -> None:
    app = make_app(empty_store, language="ja")
    assert snap_compare(app, terminal_size=SIZE)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_log_form(snap_compare, book_store: Store, make_app: AppFactory, language: str) -> None:
    """The log form with an error beside the minutes and a Japanese note."""
    app = make_app(book_store, language=language)

    async def fill(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
        await settle(pilot, lambda: len(app.screen.query_one("AccountTable").rows) == 8)
        await pilot.press("l")
        await settle(pilot, lambda: bool(app.screen.query("#note")))
        app.screen.query_one("#note").text = "SSO設定の問い合わせに回答"
        await pilot.press("0", "enter")
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=fill, terminal_size=(120, 34))


@pytest.mark.parametrize("language", ["en", "ja"])
def test_activities_tab(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    from datetime import timedelta

    from conftest import NOW

    from csm_tui.models.activity import ActivityType, Outcome
    from csm_tui.services.activities import log_activity

    log_activity(
        book_store,
        "acct03",
        75,
        NOW - timedelta(hours=2),
        type=ActivityType.MEETING,
        proactive=True,
        recurring=True,
        outcome=Outcome.FOLLOW_UP,
        note="活用状況レビュー: 主要機能の定着を確認",
    )
    app = make_app(book_store, language=language)

    async def open_tab(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
        app.open_account("acct03")
        await settle(pilot, lambda: bool(app.screen.query("TabbedContent")))
        await pilot.press("2")
        await settle(pilot, lambda: bool(app.screen.query("ActivityTable")))
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=open_tab, terminal_size=(120, 30))
