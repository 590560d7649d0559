"""A change of an account's champion (issue 14): recorded with its day (journaled, so it
syncs), and it opens the champion_change playbook trigger; `contact edit --role champion`
brings the built-in playbook's tasks."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from csm_tui.clock import FixedClock, SystemClock
from csm_tui.models.account import Account
from csm_tui.models.playbook import TriggerKind
from csm_tui.services import contacts
from csm_tui.services.accounts import create_account
from csm_tui.services.identity import set_me
from csm_tui.services.playbook_rules import built_in_rules, parse_rules
from csm_tui.services.playbooks import run_playbooks
from csm_tui.store.connection import Store, open_store
from tests.cli_run import run
from tests.conftest import ME_EMAIL, NOW

TODAY = NOW.date()


def _acme(store: Store) -> Account:
    return create_account(store, Account(name="Acme"), primary_owner=ME_EMAIL)


def test_naming_a_new_champion_is_recorded(store: Store, me: tuple[str, str]) -> None:
    acme = _acme(store)
    first = contacts.add(store, acme, name="Mori", roles=("champion",))
    assert contacts.champion_changes(store, acme.id) == []  # the first champion: no change
    second = contacts.add(store, acme, name="Sato")
    contacts.edit(store, second, roles=("champion",))
    assert contacts.champion_changes(store, acme.id) == [(TODAY.isoformat(), "Mori", "Sato")]
    row = store.query_one("SELECT * FROM champion_changes")
    assert row is not None
    assert (row["previous_contact_id"], row["contact_id"]) == (first.id, second.id)
    assert row["changed_by"] == ME_EMAIL
    journal = store.query("SELECT 1 FROM journal WHERE table_name = 'champion_changes'")
    assert len(journal) == 1  # journaled: it syncs
    from csm_tui.sync.rows import ROW_MODELS

    ROW_MODELS["champion_changes"].model_validate(dict(row))


def test_taking_the_mark_off_is_a_change_too(store: Store, me: tuple[str, str]) -> None:
    acme = _acme(store)
    mori = contacts.add(store, acme, name="Mori", roles=("champion",))
    contacts.edit(store, mori, roles=())
    assert contacts.champion_changes(store, acme.id) == [(TODAY.isoformat(), "Mori", "")]
    contacts.edit(store, mori, name="Mori Ken")  # no change of marks: nothing recorded
    assert len(contacts.champion_changes(store, acme.id)) == 1


def test_the_trigger_fires_once_per_change(
    store: Store, me: tuple[str, str], clock: FixedClock
) -> None:
    acme = _acme(store)
    contacts.add(store, acme, name="Mori", roles=("champion",))
    rules = [rule for rule in built_in_rules() if rule.trigger.kind is TriggerKind.CHAMPION_CHANGE]
    assert [rule.id for rule in rules] == ["champion-change"]
    assert run_playbooks(store, clock, rules=rules).tasks == 0  # no change yet
    contacts.add(store, acme, name="Sato", roles=("champion",))
    assert run_playbooks(store, clock, rules=rules).tasks == 2
    assert run_playbooks(store, clock, rules=rules).tasks == 0  # once
    clock.at = NOW + timedelta(days=8)  # a change more than 7 days old does not fire
    contacts.add(store, acme, name="Ito", roles=("champion",))
    clock.at = NOW + timedelta(days=16)
    assert run_playbooks(store, clock, rules=rules).tasks == 0


def test_a_bad_champion_change_rule_is_refused() -> None:
    text = '[[rules]]\nid = "x"\nname_en = "x"\nname_ja = "x"\n[rules.trigger]\n'
    text += 'kind = "champion_change"\nwithin_days = 0\n'
    text += '[[rules.tasks]]\nkey = "a"\ntitle_en = "a"\ntitle_ja = "a"\n'
    rules, problems = parse_rules(text, "mine.toml")
    assert not rules and "within_days" in problems[0]


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(SystemClock, "today", lambda self: TODAY)
    path = tmp_path / "champion.db"
    store = open_store(path, clock=FixedClock(NOW))
    try:
        set_me(store, "Aoi Tanaka", ME_EMAIL)
        acme = _acme(store)
        contacts.add(store, acme, name="Mori", email="mori@acme.example", roles=("champion",))
        contacts.add(store, acme, name="Sato", email="sato@acme.example")
    finally:
        store.close()
    return path


def test_contact_edit_role_champion_brings_the_playbooks_tasks(
    book: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(
        ["contact", "edit", "Acme", "sato@acme.example", "--role", "champion", "--db", str(book)],
        capsys,
    )
    assert code == 0, err
    assert "Playbooks created 2 tasks." in err
    code, out, err = run(["tasks", "--db", str(book), "--format", "json"], capsys)
    titles = {task["title"] for task in json.loads(out)}
    assert "Meet the new champion soon: re-confirm the goals and the success plan" in titles
    code, out, err = run(["tasks", "--db", str(book), "--lang", "ja", "--format", "json"], capsys)
    titles = {task["title"] for task in json.loads(out)}
    assert "新しい推進担当者と早めに会い、目標と成功計画を確かめ直す" in titles


def test_import_contacts_naming_a_new_champion(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "contacts.csv"
    csv.write_text("account,name,email,role\nAcme,Ito,ito@acme.example,champion\n", "utf-8")
    code, _out, err = run(["import", "contacts", str(csv), "--db", str(book)], capsys)
    assert code == 0, err
    assert "Playbooks created 2 tasks." in err
    store = open_store(book, clock=FixedClock(NOW))
    try:
        acme = store.query_one("SELECT id FROM accounts WHERE name = 'Acme'")
        assert acme is not None
        assert contacts.champion_changes(store, acme[0]) == [(TODAY.isoformat(), "Mori", "Ito")]
    finally:
        store.close()
