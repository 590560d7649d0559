"""Setting an account aside on Today (issue 14): `z` in the app, `csm-tui today snooze` and
`today unsnooze`; listed under Snoozed with its reason and the day it comes back, back on that
day, undone by `restore`; journaled (so it syncs); bad input refused with nothing lost. And
Today's `[today] limit`."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from csm_tui.clock import FixedClock, SystemClock
from csm_tui.config import TODAY_WEIGHTS
from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.models.account import Account
from csm_tui.services import snoozes
from csm_tui.services.accounts import create_account
from csm_tui.services.archive import archive
from csm_tui.services.identity import set_me
from csm_tui.services.today import DEFAULT_LIMIT, today_limit, today_view
from csm_tui.store.connection import Store, open_store
from csm_tui.store.snoozes import snooze_id
from tests.cli_run import run
from tests.conftest import ME_EMAIL, NOW

TODAY = NOW.date()


def _account(store: Store, name: str) -> str:
    # no contact logged: every account of mine needs attention
    return create_account(store, Account(name=name), primary_owner=ME_EMAIL).id


def _ranked(store: Store) -> list[str]:
    return [row.name for row in today_view(store, store.clock, TODAY_WEIGHTS).priorities]


def test_a_snoozed_account_leaves_the_list_and_comes_back_on_the_day(
    store: Store, me: tuple[str, str], clock: FixedClock
) -> None:
    acme, _globex = _account(store, "Acme"), _account(store, "Globex")
    snoozes.snooze(store, ME_EMAIL, acme, 3, "  waiting for   their budget ")
    view = today_view(store, store.clock, TODAY_WEIGHTS)
    assert [row.name for row in view.priorities] == ["Globex"]
    assert view.mine == 2
    [aside] = view.snoozed
    assert (aside.name, aside.reason) == ("Acme", "waiting for their budget")
    assert aside.until == (TODAY + timedelta(days=3)).isoformat()
    assert snoozes.back_on(aside) == f"back on {aside.until}"
    clock.at = NOW + timedelta(days=2)
    assert _ranked(store) == ["Globex"]
    clock.at = NOW + timedelta(days=3)  # the day it comes back
    assert sorted(_ranked(store)) == ["Acme", "Globex"]
    assert not today_view(store, store.clock, TODAY_WEIGHTS).snoozed


def test_a_snooze_is_journaled_and_private(store: Store, me: tuple[str, str]) -> None:
    from csm_tui.sync.rows import PRIVATE, ROW_MODELS

    acme = _account(store, "Acme")
    snoozes.snooze(store, ME_EMAIL, acme, 5, "holiday")
    entries = store.query("SELECT payload FROM journal WHERE table_name = 'account_snoozes'")
    assert [json.loads(row[0])["account_id"] for row in entries] == [acme]
    assert PRIVATE["account_snoozes"] == "user_email"
    stored = store.query_one("SELECT * FROM account_snoozes")
    assert stored is not None
    row = dict(stored)
    ROW_MODELS["account_snoozes"].model_validate(row)  # the wire row accepts what is stored
    # a second device snoozing the same account writes the same row
    assert row["id"] == snooze_id(ME_EMAIL.upper(), acme)


def test_undo_and_unsnooze(store: Store, me: tuple[str, str]) -> None:
    acme = _account(store, "Acme")
    first = snoozes.snooze(store, ME_EMAIL, acme, 3, "budget")
    assert first.row is None
    again = snoozes.snooze(store, ME_EMAIL, acme, 10, "holiday")
    snoozes.restore(store, again)  # undo the second: the first is back
    [aside] = snoozes.snoozed(store, ME_EMAIL, TODAY)
    assert (aside.reason, aside.until) == ("budget", (TODAY + timedelta(days=3)).isoformat())
    back = snoozes.unsnooze(store, ME_EMAIL, acme)
    assert not snoozes.snoozed(store, ME_EMAIL, TODAY)
    snoozes.restore(store, back)  # undo the unsnooze
    assert [row.reason for row in snoozes.snoozed(store, ME_EMAIL, TODAY)] == ["budget"]
    snoozes.restore(store, first)  # undo the first snooze: there was none
    assert not snoozes.snoozed(store, ME_EMAIL, TODAY)
    assert _count(store) == 1  # never deleted


@pytest.mark.parametrize("days", [0, -3, 366])
def test_days_out_of_range_are_refused(store: Store, me: tuple[str, str], days: int) -> None:
    acme = _account(store, "Acme")
    with pytest.raises(ValidationError, match=f"1 to 365 days, not {days}"):
        snoozes.snooze(store, ME_EMAIL, acme, days, "")
    assert _count(store) == 0


def test_bad_accounts_and_reasons_are_refused(store: Store, me: tuple[str, str]) -> None:
    acme = _account(store, "Acme")
    with pytest.raises(NotFoundError):
        snoozes.snooze(store, ME_EMAIL, "no-such-account", 3, "")
    with pytest.raises(ValidationError, match="at most 200"):
        snoozes.snooze(store, ME_EMAIL, acme, 3, "x" * 201)
    with pytest.raises(ValidationError, match="Acme is not snoozed"):
        snoozes.unsnooze(store, ME_EMAIL, acme)
    archived = _account(store, "Old Co")
    archive(store, _get(store, archived))
    with pytest.raises(ValidationError, match="Old Co is archived"):
        snoozes.snooze(store, ME_EMAIL, archived, 3, "")
    assert _count(store) == 0


def _count(store: Store) -> int:
    row = store.query_one("SELECT count(*) FROM account_snoozes")
    assert row is not None
    return int(row[0])


def _get(store: Store, account_id: str) -> Account:
    from csm_tui.store.accounts import get_account

    account = get_account(store, account_id)
    assert account is not None
    return account


def test_an_archived_snoozed_account_is_not_listed(store: Store, me: tuple[str, str]) -> None:
    acme = _account(store, "Acme")
    snoozes.snooze(store, ME_EMAIL, acme, 3, "")
    archive(store, _get(store, acme))
    assert not today_view(store, store.clock, TODAY_WEIGHTS).snoozed


@pytest.mark.parametrize(
    ("raw", "limit", "problem"),
    [
        ({}, DEFAULT_LIMIT, None),
        ({"today": {"limit": 3}}, 3, None),
        ({"today": {"limit": 0}}, 0, None),
        ({"today": {"limit": -1}}, DEFAULT_LIMIT, "-1 is not a whole number"),
        ({"today": {"limit": "ten"}}, DEFAULT_LIMIT, "'ten' is not a whole number"),
        ({"today": {"limit": True}}, DEFAULT_LIMIT, "True is not a whole number"),
    ],
)
def test_the_configured_limit(raw: dict[str, object], limit: int, problem: str | None) -> None:
    found, said = today_limit(raw)
    assert found == limit
    assert (said is None) == (problem is None)
    if problem:
        assert said is not None and problem in said


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(SystemClock, "today", lambda self: TODAY)
    path = tmp_path / "snooze.db"
    store = open_store(path, clock=FixedClock(NOW))
    try:
        set_me(store, "Aoi Tanaka", ME_EMAIL)
        for name in ("Acme", "Globex", "Initech"):
            _account(store, name)
    finally:
        store.close()
    return path


def test_cli_snooze_and_unsnooze(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    back = (TODAY + timedelta(days=7)).isoformat()
    code, _out, err = run(
        ["today", "snooze", "Acme", "7", "--reason", "QBR", "--db", str(book)], capsys
    )
    assert code == 0, err
    assert err == f"Snoozed Acme until {back}.\n"
    code, out, err = run(["today", "--db", str(book)], capsys)
    assert code == 0, err
    assert "Acme" not in out.split("Snoozed")[0]
    assert out.split("Snoozed\n")[1] == f"  {'Acme':28}  back on {back}  QBR\n"
    code, out, _err = run(["today", "--db", str(book), "--format", "json"], capsys)
    assert json.loads(out)["snoozed"] == [
        {
            "account_id": json.loads(out)["snoozed"][0]["account_id"],
            "name": "Acme",
            "until": back,
            "reason": "QBR",
        }
    ]
    code, _out, err = run(["today", "unsnooze", "Acme", "--db", str(book)], capsys)
    assert (code, err) == (0, "Acme is back on Today.\n")
    code, out, _err = run(["today", "--db", str(book)], capsys)
    assert "Snoozed" not in out and "Acme" in out


def test_cli_snooze_in_japanese(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run(
        ["today", "--lang", "ja", "snooze", "Acme", "2", "--db", str(book)], capsys
    )
    assert code == 0, err
    assert "Acme" in err and "Snoozed" not in err
    code, out, _err = run(["today", "--lang", "ja", "--db", str(book)], capsys)
    assert "スヌーズ中" in out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["snooze", "Acme", "0"], "1 to 365 days, not 0"),
        (["snooze", "Acme", "--", "-2"], "1 to 365 days, not -2"),
        (["snooze", "Acme", "soon"], "'soon' is not a valid integer"),
        (["snooze", "Nobody", "3"], "No account has the id, external id or name 'Nobody'"),
        (["unsnooze", "Acme"], "Acme is not snoozed"),
    ],
)
def test_cli_bad_input(
    book: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    code, _out, err = run(["today", *args[:1], "--db", str(book), *args[1:]], capsys)
    assert code != 0
    assert said in err
    assert "Traceback" not in err


def test_cli_limit_from_the_config(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.toml").write_text("[today]\nlimit = 1\n", encoding="utf-8")
    code, out, err = run(["today", "--db", str(book)], capsys)
    assert code == 0, err
    assert "… and 2 more (--limit 0 prints them all)" in out
    code, out, err = run(["today", "--db", str(book), "--limit", "0"], capsys)
    assert "more (--limit 0" not in out
