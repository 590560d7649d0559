"""New accounts from an import do not jump to the top of Today because their template's items
are overdue on the day they arrive (issue 14): the items of the stages they are past are done
"before csm-tui", and the open items' due dates count from the import day."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from csm_tui.clock import FixedClock, SystemClock
from csm_tui.store.connection import open_store
from tests.cli_run import run
from tests.conftest import ME_EMAIL, NOW

TODAY = NOW.date()


@pytest.fixture
def imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    from csm_tui.services.identity import set_me

    monkeypatch.setattr(SystemClock, "today", lambda self: TODAY)
    path = tmp_path / "late.db"
    store = open_store(path, clock=FixedClock(NOW))
    set_me(store, "Aoi Tanaka", ME_EMAIL)
    store.close()
    soon = (TODAY + timedelta(days=30)).isoformat()
    later = (TODAY + timedelta(days=200)).isoformat()
    csv = tmp_path / "accounts.csv"
    csv.write_text(
        "name,stage,renewal_date\n"
        f"Late Renewal Co,renewal,{soon}\n"
        f"Mid Adoption Co,adoption,{later}\n"
        f"New Start Co,onboarding,{later}\n",
        encoding="utf-8",
    )
    code, _out, err = run(["import", "accounts", str(csv), "--db", str(path)], capsys)
    assert code == 0, err
    return path


def _items(path: Path, name: str) -> list[tuple[str, int, str | None, str, str | None]]:
    store = open_store(path, clock=FixedClock(NOW))
    try:
        rows = store.query(
            "SELECT c.stage, c.done, c.due_date, c.done_note, c.done_at FROM checklist_items AS c "
            "JOIN accounts AS a ON a.id = c.account_id WHERE a.name = ?",
            (name,),
        )
        return [tuple(row) for row in rows]
    finally:
        store.close()


def test_nothing_is_overdue_on_the_day_accounts_arrive(
    imported: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["today", "--db", str(imported), "--format", "json", "--limit", "0"], capsys
    )
    assert code == 0, err
    facts = {row["name"]: row["facts"] for row in json.loads(out)["priorities"]}
    assert facts["Late Renewal Co"]["overdue_items"] == 0
    assert all(row["overdue_items"] == 0 for row in facts.values())
    for name in ("Late Renewal Co", "Mid Adoption Co", "New Start Co"):
        for _stage, done, due, _note, _at in _items(imported, name):
            assert done or due is None or due >= TODAY.isoformat(), (name, due)


def test_the_stages_an_account_is_past_are_done_before_csm_tui(imported: Path) -> None:
    late = _items(imported, "Late Renewal Co")
    earlier = [row for row in late if row[0] in ("onboarding", "adoption")]
    assert earlier and all(
        done == 1 and note == "Done before csm-tui" and at is None
        for _stage, done, _due, note, at in earlier
    )
    renewal = [row for row in late if row[0] == "renewal"]
    assert renewal and not any(row[1] for row in renewal)
    # a renewal 30 days away: the renewal items due before today are due today instead
    assert TODAY.isoformat() in {row[2] for row in renewal}
    mid = _items(imported, "Mid Adoption Co")
    assert all(row[1] for row in mid if row[0] == "onboarding")
    assert not any(row[1] for row in mid if row[0] != "onboarding")
    assert not any(row[1] for row in _items(imported, "New Start Co"))  # nothing past


def test_a_day_later_they_count_as_any_other(
    imported: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SystemClock, "today", lambda self: TODAY + timedelta(days=1))
    code, out, err = run(
        ["today", "--db", str(imported), "--format", "json", "--limit", "0"], capsys
    )
    assert code == 0, err
    facts = {row["name"]: row["facts"] for row in json.loads(out)["priorities"]}
    assert facts["Late Renewal Co"]["overdue_items"] > 0
