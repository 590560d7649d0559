"""What each screen looks like, in both themes and both languages (SVG snapshots).

Review `snapshot_report.html` before accepting changes with `pytest --snapshot-update`.
"""

from __future__ import annotations

import pytest
from conftest import AppFactory

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
