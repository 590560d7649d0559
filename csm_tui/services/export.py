"""Exporting the book as CSV (re-importable, Excel-friendly on request) or typed JSON.

The CSV uses exactly the import's column names, so an export re-imports as "unchanged"; the owner
columns ride along for the sync server and are ignored by the account import.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import stat
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from csm_tui.errors import CsmError, ValidationError
from csm_tui.models.account import Account
from csm_tui.services.csv_columns import FIELDS, OWNER_COLUMNS
from csm_tui.store.accounts import all_accounts
from csm_tui.store.connection import Store

ExportFormat = Literal["csv", "json"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "json")
COLUMNS = (*FIELDS, *OWNER_COLUMNS)
_TEXT_COLUMNS = frozenset({"name", "external_id", "segment", "tags", *OWNER_COLUMNS})
_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def defuse(text: str) -> str:
    """A cell a spreadsheet would run as a formula (`=HYPERLINK(…)`, `+1`, `-1`, `@SUM`, or a tab
    or carriage return before one) gets a leading `'`, which makes it text; the import removes it.
    """
    return "'" + text if _FORMULA_START.match(text) else text


def _owners(store: Store) -> dict[str, tuple[str | None, list[str]]]:
    """account id → (primary e-mail, secondary e-mails), in one query for the whole book."""
    owners: dict[str, tuple[str | None, list[str]]] = {}
    rows = store.query(
        "SELECT account_id, user_email, role FROM owners ORDER BY account_id, user_email"
    )
    for account_id, email, role in rows:
        primary, secondary = owners.get(account_id, (None, []))
        if role == "primary":
            primary = email
        else:
            secondary.append(email)
        owners[account_id] = (primary, secondary)
    return owners


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def account_records(store: Store) -> list[dict[str, Any]]:
    """Every account as a typed dict (JSON-ready), sorted by name like the book."""
    owners = _owners(store)
    records = []
    for account in all_accounts(store):
        primary, secondary = owners.get(account.id, (None, []))
        records.append(_record(account, primary, secondary))
    return records


def _record(account: Account, primary: str | None, secondary: list[str]) -> dict[str, Any]:
    return {
        "id": account.id,
        "name": account.name,
        "external_id": account.external_id,
        "segment": account.segment,
        "contract_value": _number(account.contract_value),
        "currency": account.currency,
        "renewal_date": account.renewal_date.isoformat() if account.renewal_date else None,
        "health_score": account.health_score,
        "stage": account.stage.value,
        "tags": list(account.tags),
        "primary_owner": primary,
        "secondary_owners": secondary,
    }


def _cell(column: str, value: Any, raw: bool) -> str:
    if value is None:
        text = ""
    elif isinstance(value, list):
        text = ";".join(value)
    elif isinstance(value, float):
        text = f"{value:.2f}"
    else:
        text = str(value)
    return text if raw or column not in _TEXT_COLUMNS else defuse(text)


def render_csv(records: list[dict[str, Any]], *, excel: bool = False, raw: bool = False) -> str:
    """CSV in the import's columns, formula-like text cells defused unless `raw`; `excel` adds a
    BOM (Excel then reads the file as UTF-8)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for record in records:
        writer.writerow([_cell(column, record[column], raw) for column in COLUMNS])
    return ("\ufeff" if excel else "") + buffer.getvalue()


def render_json(records: list[dict[str, Any]]) -> str:
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def export_accounts(
    store: Store, fmt: ExportFormat = "csv", *, excel: bool = False, raw: bool = False
) -> str:
    """The whole book as CSV or JSON text."""
    if fmt not in FORMATS:
        raise ValidationError(f'Unknown export format "{fmt}"; use csv or json.')
    records = account_records(store)
    if fmt == "json":
        return render_json(records)
    return render_csv(records, excel=excel, raw=raw)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` in one step, so a failed export never leaves a truncated file behind.

    A new file is private (0600) like the database; an existing file keeps its permissions.
    Something that is not a regular file (`/dev/null`, a pipe, a terminal) is written to as it
    is: replacing it would put a plain file where the device was.
    """
    with contextlib.suppress(OSError):
        if path.exists() and not path.is_file():
            try:
                with path.open("wb") as handle:
                    handle.write(data)
            except OSError as exc:
                raise CsmError(f"Cannot write {path}: {exc.strerror or exc}.") from None
            return
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except FileNotFoundError:
        raise CsmError(f"Cannot write {path}: the folder {path.parent} does not exist.") from None
    except OSError as exc:
        raise CsmError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            temp.chmod(stat.S_IMODE(path.stat().st_mode))
        temp.replace(path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise CsmError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
