"""`csm-tui server …` from the shell: tokens on stdout alone, messages on stderr."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cli_run import run
from server_fixtures import engine_for
from sqlalchemy import select

from csm_tui.server.db import read_meta, reading
from csm_tui.server.records import count_live, live_rows
from csm_tui.server.schema import access, users
from csm_tui.server.users import authenticate

CSV = (
    "name,external_id,segment,renewal_date,primary_owner,secondary_owners\n"
    "Acme,CRM-1,Enterprise,2027-03-01,alice@example.com,bob@example.com; carol@example.com\n"
    "株式会社サクラ,CRM-2,SMB,2027-01-15,BOB@example.com,\n"
)


def test_add_user_prints_the_token_alone_and_stores_only_its_hash(
    server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(
        ["server", "add-user", "Alice@Example.com", "--name", "Alice", "--database", server_url],
        capsys,
    )
    assert code == 0
    token = out.strip()
    assert out == token + "\n" and token.startswith("csm_") and len(token) > 40
    assert "alice@example.com" in err
    engine = engine_for(server_url)
    with reading(engine) as conn:
        user = authenticate(conn, token)
        stored = conn.execute(select(users.c.token_hash)).scalar_one()
    assert user is not None and user.email == "alice@example.com" and not user.is_admin
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    if server_url.startswith("sqlite"):
        assert token.encode() not in Path(server_url.split("///", 1)[1]).read_bytes()


def test_add_user_refuses_a_bad_address_or_a_second_account(
    server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--database", server_url]
    code, out, err = run(["server", "add-user", "not-an-address", "--name", "X", *args], capsys)
    assert (code, out) == (1, "") and "e-mail" in err
    run(["server", "add-user", "a@example.com", "--name", "A", "--admin", *args], capsys)
    code, out, err = run(["server", "add-user", "a@example.com", "--name", "A", *args], capsys)
    assert (code, out) == (1, "") and "new-token" in err


def test_revoke_and_new_token(server_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--database", server_url]
    first = run(["server", "add-user", "a@example.com", "--name", "A", *args], capsys)[1].strip()
    assert run(["server", "revoke-token", "a@example.com", *args], capsys)[0] == 0
    engine = engine_for(server_url)
    with reading(engine) as conn:
        assert authenticate(conn, first) is None
    code, out, _ = run(["server", "new-token", "a@example.com", *args], capsys)
    with reading(engine) as conn:
        assert code == 0 and authenticate(conn, out.strip()) is not None
    code, out, err = run(["server", "revoke-token", "nobody@example.com", *args], capsys)
    assert code == 1 and "no user" in err


def test_import_accounts_with_owners_and_a_reassignment(
    server_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text(CSV, encoding="utf-8")
    code, _, err = run(["server", "import-accounts", str(path), "--database", server_url], capsys)
    assert code == 0, err
    assert "2 new" in err
    engine = engine_for(server_url)
    with reading(engine) as conn:
        roles = {(row.account_id, row.user_email, row.role) for row in conn.execute(select(access))}
        counts = count_live(conn)
    assert counts["accounts"] == 2 and counts["owners"] == 4
    assert counts["checklist_items"] > 10  # each new account got its roadmap, once
    assert {(email, role) for _, email, role in roles} == {
        ("alice@example.com", "primary"),
        ("bob@example.com", "secondary"),
        ("carol@example.com", "secondary"),
        ("bob@example.com", "primary"),
    }
    path.write_text(CSV.replace("bob@example.com; carol@example.com", "carol@example.com"))
    code, _, err = run(["server", "import-accounts", str(path), "--database", server_url], capsys)
    assert code == 0 and "0 new" in err and "owners changed on 1" in err
    with reading(engine) as conn:
        acme = next(
            row.account_id
            for row in conn.execute(select(access).where(access.c.role == "primary"))
            if row.user_email == "alice@example.com"
        )
        owners = {row["user_email"] for row in live_rows(conn, "owners", acme)}
        assert count_live(conn)["checklist_items"] == counts["checklist_items"]
    assert owners == {"alice@example.com", "carol@example.com"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,external_id\nAcme,CRM-1\n", "primary_owner"),
        ("name,primary_owner\nAcme,not-an-address\n", "line 2"),
        ("name,primary_owner\n,a@example.com\nB,b@example.com\n", "line 2"),
    ],
)
def test_import_accounts_imports_nothing_from_a_bad_file(
    server_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    code, _, err = run(["server", "import-accounts", str(path), "--database", server_url], capsys)
    assert code == 1 and message in err
    with reading(engine_for(server_url)) as conn:
        assert count_live(conn).get("accounts", 0) == 0


def test_mark_restored_changes_the_epoch(
    server_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine = engine_for(server_url)
    with reading(engine) as conn:
        before = read_meta(conn, "epoch")
    assert run(["server", "mark-restored", "--database", server_url], capsys)[0] == 0
    with reading(engine) as conn:
        assert read_meta(conn, "epoch") != before


def test_a_database_that_cannot_be_reached_is_one_sentence(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql://nobody:wrong@127.0.0.1:1/none"
    code, out, err = run(
        ["server", "add-user", "a@example.com", "--name", "A", "--database", url], capsys
    )
    assert (code, out) == (1, "")
    assert err.startswith("csm-tui: Cannot use the database") and "wrong" not in err
    assert len(err.strip().splitlines()) == 1
