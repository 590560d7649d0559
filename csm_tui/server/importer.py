"""`csm-tui server import-accounts FILE.csv`: the client's import columns plus the owners.

`primary_owner` (an e-mail, required) and `secondary_owners` (e-mails separated by `;`) say who
sees each account. Accounts match by external_id, else by name, like the client's import; owners
not in the file lose the account (their devices drop it at their next sync). New accounts get
their segment's roadmap here, once, so no two devices ever create the same checklist twice.
All or nothing: any invalid row stops the import.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticError
from sqlalchemy import Connection, Engine, select

from csm_tui.errors import ValidationError
from csm_tui.server import changes
from csm_tui.server import records as rec
from csm_tui.server.db import writing
from csm_tui.server.schema import records
from csm_tui.sync.rows import Email

OWNER_COLUMNS = ("primary_owner", "secondary_owners")
_EMAIL: TypeAdapter[str] = TypeAdapter(Email)


@dataclass
class ImportResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    owners_changed: int = 0
    problems: list[str] = field(default_factory=list)
    account_ids: list[str] = field(default_factory=list)  # of the rows written, in their order

    def describe(self) -> str:
        total = self.new + self.updated + self.unchanged
        return (
            f"Imported {total} accounts: {self.new} new, {self.updated} updated, "
            f"{self.unchanged} unchanged; owners changed on {self.owners_changed}."
        )


def import_accounts(
    engine: Engine, path: Path, *, now: str, today: date, language: str = "en"
) -> ImportResult:
    from csm_tui.models.account import Account
    from csm_tui.services.csv_import import parse_accounts_csv

    parsed = parse_accounts_csv(path)
    owners, problems = _owner_columns(path)
    problems += [str(problem) for problem in parsed.problems]
    rows: list[tuple[Account, list[tuple[str, str]]]] = []
    for row in parsed.rows:
        wanted = owners.get(row.line)
        if wanted is None:
            continue  # its problem is listed already
        try:
            rows.append((Account.model_validate(row.values), wanted))
        except PydanticError as exc:
            problems.append(f"line {row.line}: {exc.errors()[0]['msg']}")
    if problems:
        return ImportResult(problems=sorted(problems, key=_line_number))
    with writing(engine) as conn:
        return upsert_accounts(conn, rows, now=now, today=today, language=language)


def upsert_accounts(
    conn: Connection,
    rows: list[tuple[Any, list[tuple[str, str]]]],
    *,
    now: str,
    today: date,
    language: str = "en",
) -> ImportResult:
    """Write valid accounts with their wanted owners [(e-mail, role)] in the caller's write
    transaction: matched by external_id, else by name; the fields each row sets are updated,
    new accounts get their roadmap; the owners become exactly `wanted`. The CSV import and the
    CRM pull (server/crm_book.py) both write accounts through here."""
    result = ImportResult()
    changes.set_now(conn, now)  # when access changes (see `access_history`)
    existing = _live_accounts(conn)
    created: list[Any] = []
    for account, wanted in rows:
        current = _match(existing, account)
        if current is None:
            data = _account_data(account, now, today)
            changes.write_record(conn, "accounts", data, user_id=None, current=None)
            created.append(account)
            result.new += 1
            account_id = account.id
        else:
            account_id = current["id"]
            edits = {
                key: value
                for key, value in _account_data(account, now, today).items()
                if key in row_fields(account) and current.get(key) != value
            }
            if edits:
                record = rec.get_record(conn, "accounts", account_id)
                data = {**current, **edits, "updated_at": now}
                changes.write_record(conn, "accounts", data, user_id=None, current=record)
                result.updated += 1
            else:
                result.unchanged += 1
        result.account_ids.append(account_id)
        if _set_owners(conn, account_id, wanted, now):
            result.owners_changed += 1
    _checklists(conn, created, now, today, language)  # the templates are read once
    return result


def row_fields(account: Any) -> set[str]:
    """The account fields a CSV row sets (the others keep their server value)."""
    return set(account.model_fields_set) - {"id"}


def _line_number(problem: str) -> int:
    match = re.match(r"line (\d+)", problem)
    return int(match[1]) if match else 0


def _owner_columns(path: Path) -> tuple[dict[int, list[tuple[str, str]]], list[str]]:
    """line → [(e-mail, role)], read with the same delimiter and line numbers as the import."""
    from csm_tui.services.csv_import import detect_delimiter, read_csv_text

    text = read_csv_text(path)
    first, _, rest = text.partition("\n")
    offset = 0
    sep = re.match(r"sep=(.)\s*\Z", first)
    if sep:
        delimiter, text, offset = sep[1], rest, 1
    else:
        delimiter = detect_delimiter(first)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [cell.strip().lower() for cell in next(reader, [])]
    if "primary_owner" not in header:
        raise ValidationError(f"{path} has no primary_owner column (the owner's e-mail).")
    columns = {name: header.index(name) for name in OWNER_COLUMNS if name in header}
    owners: dict[int, list[tuple[str, str]]] = {}
    problems: list[str] = []
    previous = reader.line_num
    for cells in reader:
        line, previous = previous + 1 + offset, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = columns.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        try:
            primary = _EMAIL.validate_python(cell("primary_owner").lower())
            secondary = [
                _EMAIL.validate_python(part.strip().lower())
                for part in cell("secondary_owners").split(";")
                if part.strip()
            ]
        except PydanticError:
            problems.append(f"line {line}: the owners must be e-mail addresses")
            continue
        wanted = [(primary, "primary")]
        wanted += [(email, "secondary") for email in dict.fromkeys(secondary) if email != primary]
        owners[line] = wanted
    return owners, problems


def _live_accounts(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(records.c.data).where(
            records.c.table_name == "accounts", records.c.deleted.is_(False)
        )
    ).scalars()
    return [json.loads(row) for row in rows]


def _match(existing: list[dict[str, Any]], account: Any) -> dict[str, Any] | None:
    if account.external_id:
        for row in existing:
            if row["external_id"] == account.external_id:
                return row
    named = [row for row in existing if row["name"] == account.name and not row["external_id"]]
    return named[0] if len(named) == 1 else None


def _account_data(account: Any, now: str, today: date) -> dict[str, Any]:
    from csm_tui.services.accounts import account_row
    from csm_tui.store.journal import to_column

    row = {key: to_column(value) for key, value in account_row(account, now).items()}
    row["stage_started_on"] = today.isoformat()
    return row


def _checklists(
    conn: Connection, accounts: list[Any], now: str, today: date, language: str
) -> None:
    if not accounts:
        return
    from csm_tui.services.checklist_plan import new_account_rows
    from csm_tui.services.roadmap_templates import load_templates
    from csm_tui.store.journal import to_column

    templates, _problems = load_templates()
    for row in new_account_rows(accounts, templates, today=today, now=now, language=language):
        data = {key: to_column(value) for key, value in row.items()}
        changes.write_record(conn, "checklist_items", data, user_id=None, current=None)


def _set_owners(conn: Connection, account_id: str, wanted: list[tuple[str, str]], now: str) -> bool:
    """Make the account's owners exactly `wanted`; True if anything changed."""
    from csm_tui.models._base import new_id

    current = {row["user_email"]: row for row in rec.live_rows(conn, "owners", account_id)}
    roles = dict(wanted)
    changed = False
    for email, row in current.items():
        if email not in roles:
            record = rec.get_record(conn, "owners", row["id"])
            assert record is not None
            changes.delete_record(conn, record, user_id=None)
            changed = True
        elif row["role"] != roles[email]:
            record = rec.get_record(conn, "owners", row["id"])
            data = {**row, "role": roles[email]}
            changes.write_record(conn, "owners", data, user_id=None, current=record)
            changed = True
    for email, role in wanted:
        if email not in current:
            data = {
                "id": new_id(),
                "account_id": account_id,
                "user_email": email,
                "role": role,
                "coverage_from": None,
                "coverage_to": None,
                "coverage_reason": "",
                "created_at": now,
            }
            changes.write_record(conn, "owners", data, user_id=None, current=None)
            changed = True
    return changed
