"""The CLI's columns in terminal cells: Japanese names cut with … and lined up (`today --format
text`, `handoff list`) (issue 13, item 8)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len

from csm_tui.cli.cells import cut, fit, width
from csm_tui.clock import FixedClock, SystemClock
from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.services.identity import set_me
from csm_tui.store.connection import open_store
from tests.conftest import ME_EMAIL, NOW
from tests.test_cli import run

LONG = "株式会社サクラ精機ホールディングス・ジャパン"  # 44 cells


def test_cut_and_fit_count_cells() -> None:
    assert width(LONG) == 44
    assert cut(LONG, 28) == "株式会社サクラ精機ホールデ…"
    assert cell_len(cut(LONG, 28)) <= 28
    assert cut("株式会社", 5) == "株式…"  # a wide character never straddles the edge
    assert cut("Globex", 28) == "Globex"
    assert fit("株式会社", 10) == "株式会社  "
    assert cell_len(fit(LONG, 27)) == 27 and fit(LONG, 27).rstrip().endswith("…")
    assert cut("abc", 0) == ""


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(SystemClock, "today", lambda self: NOW.date())
    path = tmp_path / "cells.db"
    store = open_store(path, clock=FixedClock(NOW))
    try:
        set_me(store, "Aoi Tanaka", ME_EMAIL)
        for name, days in ((LONG, 20), ("Globex", 30)):
            create_account(
                store,
                Account(name=name, renewal_date=NOW.date() + timedelta(days=days), health_score=40),
                primary_owner=ME_EMAIL,
            )
    finally:
        store.close()
    return path


def test_today_text_cuts_a_long_japanese_name_and_lines_up(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["today", "--db", str(book)], capsys)
    assert code == 0, err
    rows = [line for line in out.splitlines() if line.startswith(("   1  ", "   2  "))]
    assert len(rows) == 2
    assert any("株式会社サクラ精機ホールデ…" in row for row in rows)
    for row in rows:  # rank (4) + 2, the name in 28 cells + 2, then the score on every line
        assert after_cells(row, 4 + 2 + 28 + 2)[:3].strip().isdigit(), row


def after_cells(line: str, cells: int) -> str:
    """What follows the first `cells` terminal cells of `line`."""
    used = 0
    for index, char in enumerate(line):
        if used >= cells:
            return line[index:]
        used += cell_len(char)
    return ""


def test_handoff_list_cuts_a_long_summary_with_an_ellipsis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.test_brief import build_known_account
    from tests.test_cli_handoff import book as handoff_book  # noqa: F401 (its setup, below)

    monkeypatch.setattr(SystemClock, "now", lambda self: NOW)
    monkeypatch.setattr(SystemClock, "today", lambda self: NOW.date())
    path = tmp_path / "list.db"
    clock = FixedClock(NOW)
    store = open_store(path, clock=clock)
    try:
        build_known_account(store, clock)
        note = store.query("SELECT id FROM handoff_notes ORDER BY version DESC LIMIT 1")[0]["id"]
        with store.transaction() as tx:
            tx.update("handoff_notes", note, {"situation": "請求書の件で先方の経理部と調整中" * 4})
    finally:
        store.close()
    code, out, err = run(["handoff", "list", "--db", str(path)], capsys)
    assert code == 0, err
    first = out.splitlines()[0]
    assert first.endswith("…")
    assert cell_len(first.split("v2  ")[1]) <= 60
