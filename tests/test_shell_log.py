"""`csm-tui log` on its lean path (issue 17): no pydantic on the way, the same rows and rules."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from csm_tui.models import limits
from csm_tui.models.account import Account
from csm_tui.models.activity import Activity, ActivityType, Outcome
from csm_tui.services import shell_log
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import _row
from csm_tui.services.identity import set_me
from csm_tui.store.connection import open_store
from csm_tui.store.journal import to_column

HEAVY = ("pydantic", "pydantic_core", "sqlite_utils", "httpx", "textual")


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    with open_store(path) as store:
        set_me(store, "Aoi Tanaka", "aoi.tanaka@example.com")
        create_account(store, Account(id="acme", external_id="CRM-1", name="Acme Analytics"))
        create_account(store, Account(id="acme2", name="Acme Logistics"))
    return path


def _modules_after(argv: list[str], tmp_path: Path) -> set[str]:
    script = (
        "import sys\n"
        "from csm_tui.cli.main import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "print('MODULES', ' '.join(sorted(sys.modules)))\n"
    )
    config = tmp_path / "config.toml"
    config.write_text('[ui]\nlanguage = "en"\n')
    env = {"CSM_TUI_CONFIG": str(config), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("MODULES "))
    return set(line.split()[1:])


@pytest.mark.parametrize(
    "argv",
    [
        ["log", "Acme Ana", "30", "--type", "call", "--note", "kick-off"],
        ["log", "CRM-1", "1h", "--at", "yesterday 9:30", "--proactive"],
        ["log", "--help"],
        ["today"],
        ["tasks"],
        ["status"],
    ],
)
def test_shell_commands_import_stay_lean(book: Path, tmp_path: Path, argv: list[str]) -> None:
    modules = _modules_after(["--db", str(book), *argv], tmp_path)
    heavy = sorted(m for m in modules if m.startswith(HEAVY))
    if argv[0] == "log":  # nor the model layer (its plain-Python modules included)
        heavy += sorted(m for m in modules if m.startswith("csm_tui.models"))
    assert heavy == []
    if argv[0] == "log" and "--help" not in argv:
        with open_store(book) as store:
            assert store.query_one("SELECT count(*) FROM activities")[0] == 1  # type: ignore[index]
            entry = store.query_one("SELECT payload FROM journal WHERE table_name = 'activities'")
            assert entry is not None and json.loads(entry[0])["account_id"] == "acme"


def test_the_lean_lists_are_the_models() -> None:
    assert list(shell_log.ACTIVITY_TYPES) == [kind.value for kind in ActivityType]
    assert list(shell_log.OUTCOMES) == [outcome.value for outcome in Outcome]
    assert shell_log._MAX_MINUTES == limits.MAX_MINUTES
    assert shell_log._MAX_LONG == limits.MAX_LONG
    assert shell_log._MAX_EMAIL == limits.MAX_EMAIL


def _model_row(**values: object) -> dict[str, object] | None:
    try:
        activity = Activity(**values)
    except ValidationError:
        return None
    row = {key: to_column(value) for key, value in _row(activity, "now").items()}
    del row["created_at"], row["updated_at"]
    return row


texts = st.text(st.characters(codec="utf-8"), max_size=40) | st.sampled_from(
    ["", "x" * limits.MAX_LONG, "x" * (limits.MAX_LONG + 1), "a\x00b", " padded "]
)
emails = st.sampled_from(
    [
        "aoi.tanaka@example.com",
        "Aoi.Tanaka@Example.com",
        " aoi@example.com",
        "aoi@example",
        "a@b@c.d",
        "aoi@例え.jp",
        "a\x00@b.c",
        "a" * 250 + "@b.co",
        "a" * 249 + "@b.co",
    ]
)


def _later_columns() -> dict[str, object]:
    """The defaults of the activities' later columns, in a new book of the current schema."""
    with tempfile.TemporaryDirectory() as folder, open_store(Path(folder) / "b.db") as store:
        return shell_log.later_columns(store)


LATER = _later_columns()
zones = st.sampled_from([UTC, timezone(timedelta(hours=9)), timezone(timedelta(hours=-5)), None])


@settings(max_examples=300, deadline=None)
@given(
    note=texts,
    email=emails,
    account_id=st.sampled_from(["acme", "a\x00", "x" * 80]),
    kind=st.sampled_from([*shell_log.ACTIVITY_TYPES, "lunch"]),
    outcome=st.sampled_from([*shell_log.OUTCOMES, "won"]),
    minutes=st.integers(-2, limits.MAX_MINUTES + 2),
    zone=zones,
    proactive=st.booleans(),
    recurring=st.booleans(),
)
def test_the_lean_row_is_the_models_row(
    note: str,
    email: str,
    account_id: str,
    kind: str,
    outcome: str,
    minutes: int,
    zone: timezone | None,
    proactive: bool,
    recurring: bool,
) -> None:
    """Whatever the plain check accepts, the model accepts and stores the same way."""
    moment = datetime(2026, 11, 20, 9, 30, tzinfo=zone)
    lean = shell_log.activity_row(
        account_id, email, kind, minutes, moment, proactive, recurring, outcome, note
    )
    if lean is None:
        return  # the full path decides (and words any refusal)
    lean.update(LATER)
    model = _model_row(
        account_id=account_id,
        author_email=email,
        type=kind,
        minutes=minutes,
        occurred_at=moment,
        proactive=proactive,
        recurring=recurring,
        outcome=outcome,
        note=note,
    )
    assert model is not None
    assert len(str(lean.pop("id"))) == len(str(model.pop("id"))) == 32
    assert lean == model


def test_the_plain_case_takes_the_lean_path(book: Path) -> None:
    with open_store(book) as store:
        lean = shell_log.activity_row(
            "acme",
            "aoi.tanaka@example.com",
            "call",
            30,
            datetime.now(UTC),
            False,
            False,
            "none",
            "kick-off",
        )
        assert lean is not None  # otherwise the lean path would never run
        logged = shell_log.log_work(store, "CRM-1", 30, datetime.now(UTC), note="kick-off")
        assert logged.account_name == "Acme Analytics"
        assert store.query_one("SELECT note FROM activities WHERE id = ?", (logged.id,))[0] == (  # type: ignore[index]
            "kick-off"
        )


def test_what_the_lean_path_cannot_vouch_for_goes_to_the_models(book: Path) -> None:
    """A note past the limit, an upper-case e-mail in the settings: the full path decides."""
    from csm_tui.errors import ValidationError as CsmValidationError

    with open_store(book) as store:
        with pytest.raises(CsmValidationError, match="note"):
            shell_log.log_work(store, "acme", 30, datetime.now(UTC), note="x" * 20_001)
        store.set_setting("me.email", "Aoi.Tanaka@Example.com")
        logged = shell_log.log_work(store, "acme", 30, datetime.now(UTC))
        row = store.query_one("SELECT author_email FROM activities WHERE id = ?", (logged.id,))
        assert row is not None and row[0] == "aoi.tanaka@example.com"
