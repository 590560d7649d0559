"""Naming an account in the CLI folds width, case and kana as the book's `/` filter does."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_run import run

from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.services.identity import set_me
from csm_tui.services.roadmap_view import resolve_account
from csm_tui.store.activities import activities_of
from csm_tui.store.connection import Store, open_store


@pytest.fixture
def named(store: Store) -> Store:
    create_account(store, Account(id="sakura", name="サクラ建設", segment="Enterprise"))
    create_account(store, Account(id="acme", name="Acme Analytics"))
    create_account(store, Account(id="acme2", name="Acme Logistics"))
    create_account(store, Account(id="fuji", name="富士ソフトウェア"))
    return store


@pytest.mark.parametrize(
    ("typed", "account_id"),
    [
        ("さくら", "sakura"),  # hiragana finds katakana
        ("ｻｸﾗ", "sakura"),  # half-width katakana
        ("サクラ建設", "sakura"),
        ("ＡＣＭＥ Ａｎａ", "acme"),  # full-width letters, case
        ("acme logistics", "acme2"),
        ("ソフトウェア", "fuji"),  # no name starts so: the words, as the filter finds them
    ],
)
def test_resolve_account_folds_like_the_filter(named: Store, typed: str, account_id: str) -> None:
    assert resolve_account(named, typed).id == account_id


def test_resolve_account_still_refuses_ambiguous_and_unknown(named: Store) -> None:
    with pytest.raises(ValidationError, match="matches 2 accounts"):
        resolve_account(named, "Acm")
    with pytest.raises(NotFoundError):
        resolve_account(named, "nobody")


def test_cli_log_finds_katakana_name_from_hiragana(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", "aoi.tanaka@example.com")
        create_account(store, Account(id="sakura", name="サクラ建設"))
    code, _out, err = run(["log", "さくら", "5", "--db", str(path)], capsys)
    assert code == 0, err
    with open_store(path) as store:
        [activity] = activities_of(store, "sakura")
    assert activity.minutes == 5
