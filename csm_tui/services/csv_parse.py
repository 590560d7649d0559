"""Reading an accounts file (CSV, or the JSON `export accounts --format json` writes) into checked
rows, without touching a database.

Files as they really come: any encoding csv_encoding reads; dates as people and CRMs write them
(the app's one date reader, with `--date-format MDY|DMY` for 3/31/27); an alias column that is
empty in every row (Salesforce's AccountNumber) does not hide another (Id); a contacts or deals
export offered as accounts is refused with a sentence saying what it is; a blank cell is "not
given", never "clear the stored value".
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from csm_tui.date_input import DateOrder
from csm_tui.errors import ValidationError
from csm_tui.i18n import _
from csm_tui.services import csv_files
from csm_tui.services.csv_columns import (
    READERS,
    BadValue,
    HeaderMap,
    map_header,
    normalize_header,
    read_renewal_date,
)
from csm_tui.services.csv_encoding import peek
from csm_tui.services.csv_files import (
    STDIN,
    CsvReader,
    ListReader,
    open_binary,
    open_csv,
    rows,
    source_name,
    too_large,
)


@dataclass(frozen=True)
class RowProblem:
    """Why one row cannot be imported; `line` is the physical CSV line (the header is line 1)."""

    line: int
    message: str

    def __str__(self) -> str:
        return _("line {line}: {message}").format(line=self.line, message=self.message)


@dataclass(frozen=True, slots=True)
class AccountRow:
    """A valid row: only the fields the file gives a value for, already converted."""

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


Readers = dict[str, Callable[[str], Any]]


def readers_for(order: DateOrder | str = DateOrder.YMD, today: date | None = None) -> Readers:
    """The cell readers, with dates read in `order` (`--date-format`)."""
    return {
        **READERS,
        "renewal_date": partial(read_renewal_date, order=DateOrder(order), today=today),
    }


def parse_accounts_csv(
    path: Path | str,
    *,
    large: bool = False,
    encoding: str | None = None,
    date_order: DateOrder | str = DateOrder.YMD,
    today: date | None = None,
) -> ParseResult:
    """Read and check every row of a CSV file (or `-`, stdin), or of a JSON export (by its
    `.json` suffix, or a `[` first); beyond `MAX_ROWS` rows or `MAX_BYTES` the file is refused
    (`TooLarge`) unless `large` (the limits are read from csv_files when called)."""
    path = Path(path)
    readers = readers_for(date_order, today)
    max_rows = None if large else csv_files.MAX_ROWS
    if _is_json(path, large):
        return _parse_rows(path, _json_reader(path, large), 0, readers, max_rows)
    with open_csv(path, large=large, encoding=encoding) as (reader, offset):
        return _parse_rows(path, reader, offset, readers, max_rows)


# -- JSON ------------------------------------------------------------------------------------------


def _is_json(path: Path, large: bool) -> bool:
    if path.suffix.lower() == ".json":
        return True
    if str(path) != STDIN:
        return False
    with open_binary(path, large=large) as handle:
        head = peek(handle, 64)
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")


def _json_reader(path: Path, large: bool) -> ListReader:
    """The records of `export accounts --format json` as rows under a header of their keys
    (but `id`: the book's own id is not the CRM's)."""
    with open_binary(path, large=large) as handle:
        limit = csv_files.MAX_BYTES
        data = handle.read(limit + 1) if not large else handle.read()
    if len(data) > limit and not large:
        raise too_large(path, _("{mib} MiB").format(mib=limit // 2**20))
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(
            _("{path} is not valid JSON: {error}.").format(path=source_name(path), error=exc)
        ) from None
    if not isinstance(records, list) or not all(isinstance(item, dict) for item in records):
        raise ValidationError(
            _(
                "{path} is not a list of accounts like `export accounts --format json` writes."
            ).format(path=source_name(path))
        )
    header = list(dict.fromkeys(key for record in records for key in record if key != "id"))
    cells = [[_json_cell(record.get(key)) for key in header] for record in records]
    return ListReader([header, *cells])


def _json_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(item) for item in value)
    return str(value)


# -- checking the rows -----------------------------------------------------------------------------


def _parse_rows(
    path: Path, reader: CsvReader, offset: int, readers: Readers, max_rows: int | None = None
) -> ParseResult:
    lines = rows(path, reader, offset)
    _line, header = next(lines, (0, None))
    name = source_name(path)
    if header is None or not any(cell.strip() for cell in header):
        raise ValidationError(
            _("{path} is empty; it needs a header line with a name column.").format(path=name)
        )
    refuse_other_exports(header, name)
    header_map = map_header(header)
    if "name" not in header_map.columns:
        raise ValidationError(
            _(
                "{path} has no name column; its first line should name the columns, "
                "like name,external_id,renewal_date."
            ).format(path=name)
        )
    body: Iterable[tuple[int, list[str]]] = lines
    if header_map.alternates:  # which alias wins depends on which columns hold values
        held = list(_limited(lines, path, max_rows))
        header_map, body = _unhide(header, header_map, held), held
    candidates: list[AccountRow] = []
    problems: list[RowProblem] = []
    for line, cells in _limited(body, path, max_rows):
        values, errors = _parse_cells(cells, header, header_map, readers)
        problems.extend(RowProblem(line, message) for message in errors)
        candidates.append(AccountRow(line, values))
    problems.extend(_duplicates(candidates))
    bad = {problem.line for problem in problems}
    rows_ok = [row for row in candidates if row.line not in bad]
    problems.sort(key=lambda problem: problem.line)
    return ParseResult(rows_ok, problems, header_map.unknown, header_map.shadowed)


def _limited(
    lines: Iterable[tuple[int, list[str]]], path: Path, max_rows: int | None
) -> Iterable[tuple[int, list[str]]]:
    """The rows that are not blank, refusing the file beyond `max_rows`."""
    count = 0
    for line, cells in lines:
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if max_rows is not None and count > max_rows:
            raise too_large(path, _("{rows:,} rows").format(rows=max_rows))
        yield line, cells


def _unhide(
    header: list[str], header_map: HeaderMap, held: list[tuple[int, list[str]]]
) -> HeaderMap:
    """A chosen alias column empty in every row gives way to the next one that has values (an
    empty Salesforce AccountNumber must not hide Id: every account would be new again)."""
    filled = {index for _line, cells in held for index, cell in enumerate(cells) if cell.strip()}
    columns = dict(header_map.columns)
    shadowed = list(header_map.shadowed)
    for name, indexes in header_map.alternates.items():
        chosen = columns[name]
        better = next((index for index in indexes if index in filled), None)
        if chosen in filled or better is None:
            continue
        columns[name] = better
        shadowed = [line for line in shadowed if f'"{header[better].strip()}"' not in line]
        shadowed.append(
            _('Column "{empty}" is empty in every row: "{used}" gives the {field}.').format(
                empty=header[chosen].strip(), used=header[better].strip(), field=name
            )
        )
    return replace(header_map, columns=columns, shadowed=shadowed)


def _parse_cells(
    cells: list[str], header: list[str], header_map: HeaderMap, readers: Readers
) -> tuple[dict[str, Any], list[str]]:
    """The fields a row gives a value for: a blank cell is left out, so it keeps the stored
    value (a blank segment must not wipe the one the rules assigned)."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    implied: str | None = None
    for name, index in header_map.columns.items():
        raw = cells[index] if index < len(cells) else ""
        if not raw.strip() and name != "name":
            continue
        try:
            value = readers[name](raw)
        except BadValue as exc:
            errors.append(str(exc))
            continue
        if name == "contract_value":
            value, implied = value
        if value is None or value == "" or value == []:
            continue
        values[name] = value
    if implied:
        given = values.setdefault("currency", implied)
        if given != implied:
            errors.append(
                _("contract_value is in {implied} but currency is {given}").format(
                    implied=implied, given=given
                )
            )
    if any(cell.strip() for cell in cells[len(header) :]):
        errors.append(
            _("has {n} values but the header has {columns} columns").format(
                n=len(cells), columns=len(header)
            )
        )
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


# -- the wrong export ------------------------------------------------------------------------------

_CONTACT_NAMES = frozenset({"firstname", "lastname", "姓", "名"})
_DEAL_COLUMNS = frozenset({"dealname", "dealstage", "取引名", "取引ステージ"})
_OPPORTUNITY_COLUMNS = frozenset({"opportunityname", "stagename", "商談名"})


def refuse_other_exports(header: list[str], name: str) -> None:
    """A CRM's contacts or deals export offered as accounts: its "Company Name" column would
    make an account of every contact (or deal), with the contact's id as the CRM's."""
    keys = {normalize_header(cell) for cell in header}
    if len(keys & _CONTACT_NAMES) >= 1 and keys & {"email", "emailaddress", "eメール", "メール"}:
        raise ValidationError(
            _(
                "{path} is a contacts export (it has first or last names and e-mail addresses), "
                "not a list of accounts. Import it with `csm-tui import contacts`; for "
                "accounts, export Companies from HubSpot or Accounts from Salesforce."
            ).format(path=name)
        )
    if keys & _DEAL_COLUMNS:
        raise ValidationError(
            _(
                "{path} is a HubSpot deals export (it has deal names and stages), not a list of "
                "accounts. Export Companies from HubSpot and import that file."
            ).format(path=name)
        )
    if keys & _OPPORTUNITY_COLUMNS:
        raise ValidationError(
            _(
                "{path} is a Salesforce opportunities export, not a list of accounts. Export "
                "Accounts from Salesforce and import that file."
            ).format(path=name)
        )


def nfkc(text: str) -> str:
    """Full-width and half-width forms as one (`ＣＲＭ－０１` is `CRM-01`)."""
    return unicodedata.normalize("NFKC", text)
