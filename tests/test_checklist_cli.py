"""`csm-tui checklist`: an account's roadmap and the due list, as text and JSON; errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from csm_tui.clock import FixedClock, SystemClock
from csm_tui.models.account import Account
from csm_tui.services import checklist as cl
from csm_tui.services.accounts import create_account
from csm_tui.services.identity import set_me
from csm_tui.services.roadmap_templates import built_in_templates
from csm_tui.store.connection import open_store
from tests.conftest import NOW
from tests.test_cli import assert_one_sentence, run

TODAY = NOW.date()


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Two accounts with checklists; the CLI's system clock stands at the test's day."""
    monkeypatch.setattr(SystemClock, "today", lambda self: TODAY)
    path = tmp_path / "cli.db"
    store = open_store(path, clock=FixedClock(NOW))
    try:
        set_me(store, "Aoi Tanaka", "aoi.tanaka@example.com")
        templates = built_in_templates()
        acme = create_account(
            store,
            Account(name="Acme Tools", external_id="CRM-7", renewal_date=date(2027, 6, 1)),
        )
        small = create_account(
            store,
            Account(name="さくら精機", segment="Tech Touch", renewal_date=date(2027, 6, 1)),
        )
        cl.apply_template(store, acme.id, templates["default"])
        cl.apply_template(store, small.id, templates["tech-touch"], language="ja")
        late = cl.add_custom_item(
            store, acme.id, "onboarding", "Call back", due=TODAY - timedelta(days=2)
        )
        handoff = next(i for i in cl.queries.items_of(store, acme.id) if i.item_key == "handoff")
        cl.tick(store, handoff.id, True, "ok")
        assert late.custom
    finally:
        store.close()
    yield path


def test_account_roadmap_as_text(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["checklist", "acme", "--db", str(book)], capsys)
    assert code == 0, err
    assert out.startswith("Acme Tools (CRM-7)\n")
    assert "stage: onboarding since 2026-11-27" in out and "overdue: 1" in out
    assert "Onboarding  1/8  (current stage)" in out
    assert "[x] Read the handoff from sales *" in out
    assert "done 2026-11-27 by aoi.tanaka@example.com  ·  note: ok" in out
    assert "[ ] Call back  ·  due 2026-11-25  ·  OVERDUE" in out
    assert "Renewal  0/5" in out


def test_account_roadmap_as_json(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["checklist", "CRM-7", "--format", "json", "--db", str(book)], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["account"]["name"] == "Acme Tools" and data["overdue"] == 1
    stages = {stage["stage"]: stage for stage in data["stages"]}
    assert stages["onboarding"]["current"] and stages["onboarding"]["done"] == 1
    handoff = stages["onboarding"]["items"][0]
    assert handoff["item_key"] == "handoff" and handoff["done"] and not handoff["overdue"]
    assert handoff["done_by"] == "aoi.tanaka@example.com"
    custom = [item for item in stages["onboarding"]["items"] if item["custom"]]
    assert custom[0]["overdue"] and custom[0]["due_date"] == "2026-11-25"


def test_japanese_names_and_titles(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["checklist", "さくら", "--db", str(book)], capsys)
    assert code == 0
    assert "さくら精機" in out and "営業からの引継ぎ内容を読み込む" in out


def test_due_list(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run(["checklist", "--due", "--db", str(book)], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("2026-11-25  Acme Tools") and lines[0].endswith("OVERDUE")
    assert "Call back" in lines[0]
    dates = [line[:10] for line in lines[:-1]]
    assert dates == sorted(dates)
    assert lines[-1].endswith("1 overdue (* moment of truth)")


def test_due_list_within_days_as_json(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["checklist", "--due", "--within", "3", "--format", "json", "--db", str(book)]
    code, out, _err = run(argv, capsys)
    assert code == 0
    rows = json.loads(out)
    assert rows[0]["title"] == "Call back" and rows[0]["overdue"]
    assert all(row["due_date"] <= "2026-11-30" for row in rows)
    assert {row["account_name"] for row in rows} == {"Acme Tools", "さくら精機"}


def test_empty_due_list(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    open_store(tmp_path / "new.db").close()  # an empty book: a missing one is refused
    code, out, _err = run(["checklist", "--due", "--db", str(tmp_path / "new.db")], capsys)
    assert code == 0 and out == "No open items due.\n"


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["checklist", "Gamma"], "No account has the id, external id or name 'Gamma'."),
        (["checklist", "a"], "'a' matches 2 accounts (Acme Tools, Atlas); be more precise."),
    ],
)
def test_account_errors_are_one_sentence(
    book: Path, capsys: pytest.CaptureFixture[str], argv: list[str], problem: str
) -> None:
    create_store = open_store(book)
    try:
        create_account(create_store, Account(name="Atlas"))
    finally:
        create_store.close()
    code, _out, err = run([*argv, "--db", str(book)], capsys)
    assert code == 1
    assert_one_sentence(err)
    assert problem in err


@pytest.mark.parametrize(
    "argv",
    [
        ["checklist"],
        ["checklist", "acme", "--due"],
        ["checklist", "acme", "--within", "3"],
        ["checklist", "--due", "--within", "-1"],
        ["checklist", "--due", "--format", "xml"],
        ["checklist", "--dry-run"],
        ["checklist", "--apply-templates", "--due"],
        ["checklist", "--apply-templates", "--format", "json"],
    ],
)
def test_usage_errors_exit_2(
    book: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, _out, err = run([*argv, "--db", str(book)], capsys)
    assert code == 2, err
    assert "Traceback" not in err


def test_imported_accounts_get_their_roadmap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "import.db"
    csv = tmp_path / "accounts.csv"
    csv.write_text("name,segment,renewal_date\nNew Co,Tech Touch,2027-06-01\n", encoding="utf-8")
    code, _out, err = run(["import", "accounts", str(csv), "--db", str(db)], capsys)
    assert code == 0, err
    code, out, _err = run(["checklist", "New Co", "--format", "json", "--db", str(db)], capsys)
    assert code == 0
    keys = [item["item_key"] for stage in json.loads(out)["stages"] for item in stage["items"]]
    assert keys == [item.key for item in built_in_templates()["tech-touch"].items]
    code, _out, _err = run(["import", "accounts", str(csv), "--dry-run", "--db", str(db)], capsys)
    assert code == 0


def test_apply_templates_adds_what_a_changed_template_gained(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["checklist", "--apply-templates", "--db", str(book)], capsys)
    assert (code, out) == (0, "Every account already has every item of its roadmap template.\n")
    # my own default template: the built-in one and a new item at the end
    folder = tmp_path / "xdg-config" / "csm-tui" / "templates"
    folder.mkdir(parents=True)
    source = Path("csm_tui/templates/default.toml").read_text(encoding="utf-8")
    extra = (
        '\n[[items]]\nkey = "nps"\nstage = "adoption"\n'
        'title_en = "Ask for an NPS"\ntitle_ja = "NPSを聞く"\n'
    )
    (folder / "default.toml").write_text(source + extra, encoding="utf-8")
    code, out, err = run(["checklist", "--apply-templates", "--dry-run", "--db", str(book)], capsys)
    assert code == 0, err
    assert out == "default: 1 account(s) lack nps\nWould add 1 item(s) to 1 account(s).\n"
    code, out, _err = run(["checklist", "acme", "--format", "json", "--db", str(book)], capsys)
    assert "nps" not in out  # the dry run wrote nothing
    code, out, err = run(["checklist", "--apply-templates", "acme", "--db", str(book)], capsys)
    assert code == 0, err
    assert out.endswith("Added 1 item(s) to 1 account(s).\n")
    code, out, _err = run(["checklist", "acme", "--db", str(book)], capsys)
    assert "Ask for an NPS" in out and "[x] Read the handoff" in out  # the tick is kept


def test_apply_templates_names_a_broken_template_and_uses_the_rest(
    book: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "xdg-config" / "csm-tui" / "templates"
    folder.mkdir(parents=True)
    (folder / "broken.toml").write_text("key = ", encoding="utf-8")
    code, out, err = run(["checklist", "--apply-templates", "--db", str(book)], capsys)
    assert code == 0
    assert "broken.toml" in err and err.startswith("Warning: ")
    assert out == "Every account already has every item of its roadmap template.\n"
