"""Opening an import's file as it really comes: a path or `-` (stdin), in the encoding it is in
(see csv_encoding), with the delimiter its header uses, read row by row (never held whole)."""

from __future__ import annotations

import contextlib
import csv
import io
import itertools
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

from csm_tui.errors import ValidationError
from csm_tui.i18n import _
from csm_tui.services import csv_encoding
from csm_tui.services.csv_columns import map_header

STDIN = "-"

MAX_ROWS = 100_000
"""Rows an import takes without `--large`: far more than a book of business, and a file beyond it
is more likely the wrong export (a CRM's whole contact table) than a book. The file is read row
by row and written in batches, so memory grows by about 1 KiB a row only (the checked rows, held
until the whole file is known to be valid; see bench/import_rss.py), but time grows with it."""

MAX_BYTES = 100 * 2**20
"""Bytes an import reads without `--large`, checked before reading: 100 MiB."""


class TooLarge(ValidationError):
    """A file beyond `MAX_ROWS` or `MAX_BYTES`, refused before anything is written."""


def too_large(path: Path, what: str) -> TooLarge:
    return TooLarge(
        _(
            "{path} has more than {what}; an import takes up to {rows:,} rows ({mib} MiB). "
            "Nothing was imported. Check that it is the right export, split it, or import it "
            "anyway with --large."
        ).format(path=source_name(path), what=what, rows=MAX_ROWS, mib=MAX_BYTES // 2**20)
    )


def source_name(path: Path | str) -> str:
    """How messages name the file: its path, or "standard input" for `-`."""
    return _("standard input") if str(path) == STDIN else str(path)


class CsvReader(Protocol):
    """What `csv.reader` returns (its class is private)."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...
    def __next__(self) -> list[str]: ...


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


@contextlib.contextmanager
def open_binary(path: Path, *, large: bool = False) -> Iterator[BinaryIO]:
    """The file (or stdin for `-`) as a buffered binary stream that can be peeked at; every way
    it can fail to open becomes one sentence the user can act on."""
    if str(path) == STDIN:
        yield sys.stdin.buffer  # never closed here
        return
    try:
        handle = path.open("rb", buffering=csv_encoding.SAMPLE_BYTES)
    except FileNotFoundError:
        raise ValidationError(_("There is no file {path}.").format(path=path)) from None
    except IsADirectoryError:
        raise ValidationError(_("{path} is a folder, not a CSV file.").format(path=path)) from None
    except PermissionError:
        raise ValidationError(
            _("{path} cannot be read: permission denied.").format(path=path)
        ) from None
    except OSError as exc:
        raise ValidationError(
            _("{path} cannot be read: {problem}.").format(path=path, problem=exc.strerror or exc)
        ) from None
    with handle:
        if not large and os.fstat(handle.fileno()).st_size > MAX_BYTES:
            raise too_large(path, _("{mib} MiB").format(mib=MAX_BYTES // 2**20))
        yield handle


def choose_encoding(handle: BinaryIO, path: Path, encoding: str | None) -> str:
    """`--encoding` if given, else the one the file's BOM or bytes say (see csv_encoding)."""
    head = csv_encoding.peek(handle, 4)  # not read and seek: it may be a pipe
    if head.startswith(b"PK\x03\x04"):
        raise ValidationError(
            _(
                '{path} looks like an Excel workbook; save it as "CSV UTF-8" and import that file.'
            ).format(path=source_name(path))
        )
    if encoding:
        return csv_encoding.forced(encoding)
    return csv_encoding.detect(head, csv_encoding.sample(handle), source_name(path))


@contextlib.contextmanager
def open_csv(
    path: Path,
    *,
    large: bool = False,
    detect: Callable[[str], str] | None = None,
    encoding: str | None = None,
) -> Iterator[tuple[CsvReader, int]]:
    """A CSV reader over the file, row by row, and the number of lines before the header (1
    after Excel's "sep=;" hint line, else 0).

    The reader is strict: a quote that is never closed is an error with its line number, not a
    cell that swallows the rest of the file. `detect` picks the delimiter from the header line
    (default: the one under which it names the most account columns).
    """
    with open_binary(path, large=large) as handle:
        chosen = choose_encoding(handle, path, encoding)
        text = io.TextIOWrapper(handle, encoding=chosen, newline="")
        reader: CsvReader | None = None
        offset = 0
        try:
            first = text.readline()
            sep = _SEP_LINE.match(first.rstrip("\r\n"))
            if sep:  # Excel's "sep=;" hint line
                delimiter, lines, offset = sep[1], iter(text), 1
            else:
                try:
                    delimiter = (detect or detect_delimiter)(first.rstrip("\r\n"))
                except csv.Error as exc:  # a header cell beyond the csv module's field limit
                    raise ValidationError(
                        _("{path} is not valid CSV on line {line}: {problem}.").format(
                            path=source_name(path), line=1, problem=exc
                        )
                    ) from None
                lines = itertools.chain([first], text)
            reader = csv.reader(lines, delimiter=delimiter, strict=True)
            yield reader, offset
        except UnicodeDecodeError:
            line = reader.line_num + offset + 1 if reader is not None else 1
            raise csv_encoding.undecodable(source_name(path), chosen, line) from None
        finally:
            text.detach()  # the binary handle is closed by open_binary (stdin stays open)


def rows(path: Path, reader: CsvReader, offset: int) -> Iterator[tuple[int, list[str]]]:
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
            name = source_name(path)
            if "unexpected end of data" in str(exc):
                raise ValidationError(
                    _(
                        "{path}, line {line}: a quoted value starts on this row and is never "
                        'closed; add the closing " (a quote inside a value is written "").'
                    ).format(path=name, line=line)
                ) from None
            raise ValidationError(
                _("{path} is not valid CSV on line {line}: {problem}.").format(
                    path=name, line=line, problem=exc
                )
            ) from None
        yield previous + 1 + offset, cells
        previous = reader.line_num


class ListReader:
    """A `CsvReader` over rows already read (a JSON file's records), one line each."""

    def __init__(self, cells: list[list[str]]) -> None:
        self._cells = iter(cells)
        self.line_num = 0

    def __iter__(self) -> ListReader:
        return self

    def __next__(self) -> list[str]:
        row = next(self._cells)
        self.line_num += 1
        return row
