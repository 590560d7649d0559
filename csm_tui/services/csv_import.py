"""Importing accounts from a CRM's CSV export, safely: validate everything, then write at once.

A half-imported file is worse than none (the user cannot tell which rows made it), so rows are
checked first and written in one journaled transaction. Re-importing the same export must not
duplicate accounts: rows match existing accounts by external_id, else by an unambiguous name.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from pydantic import ValidationError as PydanticError
from pydantic_core import ErrorDetails

from csm_tui.errors import ValidationError
from csm_tui.i18n import _
from csm_tui.models.account import Account
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.services.accounts import ACCOUNT_FIELDS, account_row, apply_account_changes
from csm_tui.services.csv_columns import READERS, BadValue, HeaderMap, map_header
from csm_tui.services.identity import me_identity
from csm_tui.store.accounts import get_account
from csm_tui.store.connection import Store
from csm_tui.store.journal import insert_many

_KEEP_WHEN_BLANK = ("external_id", "currency", "stage")
"""Blank cells that keep the stored value: these fields cannot be "cleared" by a CRM export."""


@dataclass(frozen=True)
class RowProblem:
    """Why one row cannot be imported; `line` is the physical CSV line (the header is line 1)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class AccountRow:
    """A valid row: only the fields the file has columns for, already converted."""

    line: int
    values: dict[str, Any]


@dataclass(frozen=True)
class ParseResult:
    """A checked file: the valid rows, and why the others cannot be imported."""

    rows: list[AccountRow]
    problems: list[RowProblem]
    unknown_columns: list[str]
    warnings: list[str] = field(default_factory=list)  # columns dropped for a better alias

    @property
    def invalid_rows(self) -> int:
        return len({problem.line for problem in self.problems})


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, for a dry run or a blocked import, would have done)."""

    new: int
    updated: int
    unchanged: int
    problems: list[RowProblem]
    blocked: bool  # invalid rows stopped it (no skip_invalid), or no valid row was left
    dry_run: bool = False
    owner: str | None = None  # e-mail made primary owner of the new accounts

    @property
    def invalid_rows(self) -> int:
        return len({problem.line for problem in self.problems})

    @property
    def imported(self) -> int:
        return self.new + self.updated + self.unchanged

    def describe(self) -> str:
        """The one-line summary shown after an import."""
        if self.blocked:
            total = self.imported + self.invalid_rows
            verb = "is" if self.invalid_rows == 1 else "are"
            would = "would be" if self.dry_run else "was"
            return f"Nothing {would} imported: {self.invalid_rows} of {total} rows {verb} invalid."
        counts = (
            f"{_plural(self.imported, 'account')}: {self.new} new, "
            f"{self.updated} updated, {self.unchanged} unchanged"
        )
        skipped = f"; {_plural(self.invalid_rows, 'invalid row')} skipped" if self.problems else ""
        prefix = "Dry run, nothing written: would import" if self.dry_run else "Imported"
        return f"{prefix} {counts}{skipped}."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# -- reading the file ------------------------------------------------------------------------------


def read_csv_text(path: Path) -> str:
    """The file as text; every way it can fail becomes one sentence the user can act on."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise ValidationError(f"{path} is a folder, not a CSV file.") from None
    except PermissionError:
        raise ValidationError(f"{path} cannot be read: permission denied.") from None
    except OSError as exc:
        raise ValidationError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    if data.startswith(b"PK\x03\x04"):
        raise ValidationError(
            f'{path} looks like an Excel workbook; save it as "CSV UTF-8" and import that file.'
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode Text"
        encoding = "utf-16"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise ValidationError(
            f"{path} is not UTF-8 text (it may be Shift-JIS or another legacy encoding); "
            'save it from Excel as "CSV UTF-8" and import it again.'
        ) from None


_DELIMITERS = (",", ";", "\t")
_SEP_LINE = re.compile(r"sep=(.)\s*\Z")


def detect_delimiter(header_line: str) -> str:
    """The delimiter under which the header names the most known columns; comma on a tie.

    csv.Sniffer is not used: on real exports it happily picks spaces or letters, and it fails
    outright on one-column files. Recognising column names cannot be fooled that way.
    """
    best, best_score = ",", -1
    for delimiter in _DELIMITERS:
        score = len(map_header(next(csv.reader([header_line], delimiter=delimiter))).columns)
        if score > best_score:
            best, best_score = delimiter, score
    return best


MAX_ROWS = 100_000
"""Rows an import takes without `--large`: far more than a book of business, and a file beyond it
is more likely the wrong export (a CRM's whole contact table) than a book. The file is read row
by row and written in batches, so memory grows by about 1 KiB a row only (the checked rows, held
until the whole file is known to be valid; see bench/import_rss.py), but time grows with it."""

MAX_BYTES = 100 * 2**20
"""Bytes an import reads without `--large`, checked before reading: 100 MiB."""


class TooLarge(ValidationError):
    """A file beyond `MAX_ROWS` or `MAX_BYTES`, refused before anything is written."""


def _too_large(path: Path, what: str) -> TooLarge:
    return TooLarge(
        _(
            "{path} has more than {what}; an import takes up to {rows:,} rows ({mib} MiB). "
            "Nothing was imported. Check that it is the right export, split it, or import it "
            "anyway with --large."
        ).format(path=path, what=what, rows=MAX_ROWS, mib=MAX_BYTES // 2**20)
    )


@contextlib.contextmanager
def open_csv(
    path: Path, *, large: bool = False, detect: Callable[[str], str] | None = None
) -> Iterator[tuple[_CsvReader, int]]:
    """A CSV reader over the file, row by row (the file is never held whole), and the number of
    lines before the header (1 after Excel's "sep=;" hint line, else 0).

    The reader is strict: a quote that is never closed is an error with its line number, not a
    cell that swallows the rest of the file. Every way the file can fail to open or decode
    becomes one sentence the user can act on. `detect` picks the delimiter from the header line
    (default: the one under which it names the most account columns).
    """
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise ValidationError(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise ValidationError(f"{path} is a folder, not a CSV file.") from None
    except PermissionError:
        raise ValidationError(f"{path} cannot be read: permission denied.") from None
    except OSError as exc:
        raise ValidationError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    with handle:
        if not large and os.fstat(handle.fileno()).st_size > MAX_BYTES:
            raise _too_large(path, _("{mib} MiB").format(mib=MAX_BYTES // 2**20))
        head = handle.peek(4)[:4]  # not read and seek: the file may be a pipe (<(…), -)
        if head.startswith(b"PK\x03\x04"):
            raise ValidationError(
                f'{path} looks like an Excel workbook; save it as "CSV UTF-8" and import that file.'
            )
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode Text"
            encoding = "utf-16"
        else:
            encoding = "utf-8-sig"
        text = io.TextIOWrapper(handle, encoding=encoding, newline="")
        try:
            first = text.readline()
            offset = 0
            sep = _SEP_LINE.match(first.rstrip("\r\n"))
            if sep:  # Excel's "sep=;" hint line
                delimiter, lines, offset = sep[1], iter(text), 1
            else:
                try:
                    delimiter = (detect or detect_delimiter)(first.rstrip("\r\n"))
                except csv.Error as exc:  # a header cell beyond the csv module's field limit
                    raise ValidationError(f"{path} is not valid CSV on line 1: {exc}.") from None
                lines = itertools.chain([first], text)
            yield csv.reader(lines, delimiter=delimiter, strict=True), offset
        except UnicodeDecodeError:
            raise ValidationError(
                f"{path} is not UTF-8 text (it may be Shift-JIS or another legacy encoding); "
                'save it from Excel as "CSV UTF-8" and import it again.'
            ) from None


def parse_accounts_csv(path: Path | str, *, large: bool = False) -> ParseResult:
    """Read and check every row without touching a database; beyond `MAX_ROWS` rows or
    `MAX_BYTES` the file is refused (`TooLarge`) unless `large`."""
    path = Path(path)
    with open_csv(path, large=large) as (reader, offset):
        return _parse_rows(path, reader, offset, None if large else MAX_ROWS)


class _CsvReader(Protocol):
    """What `csv.reader` returns (its class is private)."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...
    def __next__(self) -> list[str]: ...


def _rows(path: Path, reader: _CsvReader, offset: int) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) of each row; a malformed row stops the import with
    its line number (the one where it starts: an unclosed quote runs to the end of the file)."""
    previous = reader.line_num
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = previous + 1 + offset
            if "unexpected end of data" in str(exc):
                raise ValidationError(
                    _(
                        "{path}, line {line}: a quoted value starts on this row and is never "
                        'closed; add the closing " (a quote inside a value is written "").'
                    ).format(path=path, line=line)
                ) from None
            raise ValidationError(f"{path} is not valid CSV on line {line}: {exc}.") from None
        yield previous + 1 + offset, cells
        previous = reader.line_num


def _parse_rows(
    path: Path, reader: _CsvReader, offset: int, max_rows: int | None = None
) -> ParseResult:
    rows = _rows(path, reader, offset)
    _line, header = next(rows, (0, None))
    if header is None or not any(cell.strip() for cell in header):
        raise ValidationError(f"{path} is empty; it needs a header line with a name column.")
    header_map = map_header(header)
    if "name" not in header_map.columns:
        raise ValidationError(
            f"{path} has no name column; its first line should name the columns, "
            "like name,external_id,renewal_date."
        )
    candidates: list[AccountRow] = []
    problems: list[RowProblem] = []
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        if max_rows is not None and len(candidates) >= max_rows:
            raise _too_large(path, _("{rows:,} rows").format(rows=max_rows))
        values, errors = _parse_cells(cells, header, header_map)
        problems.extend(RowProblem(line, message) for message in errors)
        candidates.append(AccountRow(line, values))
    problems.extend(_duplicates(candidates))
    bad = {problem.line for problem in problems}
    rows_ok = [row for row in candidates if row.line not in bad]
    problems.sort(key=lambda problem: problem.line)
    return ParseResult(rows_ok, problems, header_map.unknown, header_map.shadowed)


def _parse_cells(
    cells: list[str], header: list[str], header_map: HeaderMap
) -> tuple[dict[str, Any], list[str]]:
    values: dict[str, Any] = {}
    errors: list[str] = []
    implied: str | None = None
    for name, index in header_map.columns.items():
        raw = cells[index] if index < len(cells) else ""
        try:
            value = READERS[name](raw)
        except BadValue as exc:
            errors.append(str(exc))
            continue
        if name == "contract_value":
            value, implied = value
        if value is None and name in _KEEP_WHEN_BLANK:
            continue
        values[name] = value
    if implied:
        given = values.setdefault("currency", implied)
        if given != implied:
            errors.append(f"contract_value is in {implied} but currency is {given}")
    if any(cell.strip() for cell in cells[len(header) :]):
        errors.append(f"has {len(cells)} values but the header has {len(header)} columns")
    return values, errors


def _duplicates(rows: list[AccountRow]) -> list[RowProblem]:
    """Rows a re-import could not tell apart: a repeated external_id, or a repeated name
    on a row without an external_id."""
    problems: list[RowProblem] = []
    first_with_id: dict[str, int] = {}
    lines_by_name: dict[str, list[int]] = {}
    for row in rows:
        if "name" in row.values:
            lines_by_name.setdefault(row.values["name"], []).append(row.line)
        external_id = row.values.get("external_id")
        if external_id is None:
            continue
        if external_id in first_with_id:
            problems.append(
                RowProblem(
                    row.line,
                    f'external_id "{external_id}" is already on line {first_with_id[external_id]}',
                )
            )
        else:
            first_with_id[external_id] = row.line
    for row in rows:
        if "name" in row.values and row.values.get("external_id") is None:
            lines = lines_by_name[row.values["name"]]
            if len(lines) > 1:
                other = lines[1] if lines[0] == row.line else lines[0]
                problems.append(
                    RowProblem(
                        row.line,
                        f'the name "{row.values["name"]}" is also on line {other} and this '
                        "row has no external_id to tell them apart",
                    )
                )
    return problems


# -- importing -------------------------------------------------------------------------------------


@dataclass
class _Plan:
    new: list[Account] = field(default_factory=list)
    changed: list[tuple[Account, Account]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True)
class _Index:
    """What matching needs of the book as it was before the import: ids by external_id and by
    name (with each one's external_id), not whole accounts, so it stays small on a big book."""

    by_external_id: dict[str, str]
    by_name: dict[str, list[tuple[str, str | None]]]


def _index(store: Store) -> _Index:
    by_external_id: dict[str, str] = {}
    by_name: dict[str, list[tuple[str, str | None]]] = {}
    rows = store.query(
        "SELECT id, external_id, name FROM accounts ORDER BY name COLLATE NOCASE, id"
    )
    for account_id, external_id, name in rows:
        if external_id:
            by_external_id[external_id] = account_id
        by_name.setdefault(name, []).append((account_id, external_id))
    return _Index(by_external_id, by_name)


def _plan(
    store: Store,
    rows: list[AccountRow],
    *,
    index: _Index | None = None,
    claimed: dict[str, int] | None = None,
) -> _Plan:
    """Decide per row: new account, update, unchanged, or a problem (ambiguous match).

    A big file is planned a batch at a time against one `index` of the book before the import,
    with `claimed` (account id → the line that changes it) kept from batch to batch: the
    decisions are then those of one plan over the whole file.
    """
    index = index or _index(store)
    claimed = {} if claimed is None else claimed
    plan = _Plan()
    for row in rows:
        external_id = row.values.get("external_id")
        target_id = index.by_external_id.get(external_id) if external_id else None
        if target_id is None:
            same_name = index.by_name.get(row.values["name"], [])
            if external_id:  # an unlinked account of that name gets linked to the CRM record
                same_name = [known for known in same_name if known[1] is None]
            if len(same_name) == 1:
                target_id = same_name[0][0]
            elif same_name and not external_id:
                plan.problems.append(
                    RowProblem(
                        row.line,
                        f'{len(same_name)} accounts are named "{row.values["name"]}"; '
                        "add an external_id column to say which one this row is",
                    )
                )
                continue
        target = None if target_id is None else get_account(store, target_id)
        if target is not None and target.id in claimed:
            plan.problems.append(
                RowProblem(row.line, f"changes the same account as line {claimed[target.id]}")
            )
            continue
        try:
            updated = Account.model_validate(
                {**(target.model_dump() if target else {}), **row.values}
            )
        except PydanticError as exc:
            plan.problems.extend(RowProblem(row.line, _pydantic_message(e)) for e in exc.errors())
            continue
        if target is None:
            plan.new.append(updated)
            continue
        claimed[target.id] = row.line
        if _same(target, updated):
            plan.unchanged += 1
        else:
            plan.changed.append((target, updated))
    return plan


def _pydantic_message(error: ErrorDetails) -> str:
    location = ".".join(str(part) for part in error["loc"])
    return f"{location}: {error['msg']}" if location else str(error["msg"])


def _same(current: Account, updated: Account) -> bool:
    before, after = current.model_dump(), updated.model_dump()
    return all(before[key] == after[key] for key in ACCOUNT_FIELDS)


def _primary_row(account: Account, email: str, now: str) -> dict[str, Any]:
    """The row `services.accounts.add_owner` writes, for a bulk insert: one `tx.insert` per
    account costs about 0.1 ms each through sqlite-utils, a third of a 5,000-row import."""
    owner = OwnerAssignment(account_id=account.id, user_email=email, role=Role.PRIMARY)
    return {**owner.model_dump(mode="python"), "created_at": now}


def import_accounts(
    store: Store, path: Path | str, *, skip_invalid: bool = False, dry_run: bool = False
) -> ImportSummary:
    """Parse `path` and import it (see `import_parsed`)."""
    return import_parsed(
        store, parse_accounts_csv(path), skip_invalid=skip_invalid, dry_run=dry_run
    )


def import_parsed(
    store: Store, parsed: ParseResult, *, skip_invalid: bool = False, dry_run: bool = False
) -> ImportSummary:
    """Write the valid rows in one journaled transaction, unless any row is invalid and
    `skip_invalid` is off; new accounts get "me" (if known) as primary owner.

    Rows are planned twice, a batch at a time, so that no more than a batch of accounts is held
    at once: first to count and find the problems (nothing is written if the import is
    blocked), then again to write, against the same view of the book before the import.
    """
    index = _index(store)
    claimed: dict[str, int] = {}
    new = updated = unchanged = 0
    problems = list(parsed.problems)
    for start in range(0, len(parsed.rows), _BATCH):
        plan = _plan(store, parsed.rows[start : start + _BATCH], index=index, claimed=claimed)
        new, updated = new + len(plan.new), updated + len(plan.changed)
        unchanged += plan.unchanged
        problems.extend(plan.problems)
    problems.sort(key=lambda problem: problem.line)
    blocked = bool(problems) and (not skip_invalid or new + updated + unchanged == 0)
    me = me_identity(store)
    owner = me[1] if me and new else None
    summary = ImportSummary(
        new=new,
        updated=updated,
        unchanged=unchanged,
        problems=problems,
        blocked=blocked,
        dry_run=dry_run,
    )
    if dry_run or blocked or not (new or updated):
        return summary
    claimed = {}
    with store.transaction() as tx:
        for start in range(0, len(parsed.rows), _BATCH):
            plan = _plan(store, parsed.rows[start : start + _BATCH], index=index, claimed=claimed)
            insert_many(tx, "accounts", [account_row(account, tx.now) for account in plan.new])
            if owner:  # new accounts have no owners yet, so there is no primary to respect
                rows = [_primary_row(account, owner, tx.now) for account in plan.new]
                insert_many(tx, "owners", rows)
            for current, changed in plan.changed:
                apply_account_changes(tx, current, changed)
    return replace(summary, owner=owner)


_BATCH = 2_000
