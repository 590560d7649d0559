"""How big and how broken a CSV the account import takes (issue 19, items 13 and 15): a size limit
unless --large, the file read row by row, and no lenient reading of broken quotes or NULs."""

from __future__ import annotations

from pathlib import Path

import pytest

from csm_tui.errors import ValidationError
from csm_tui.services import csv_files, csv_import
from csm_tui.services.csv_import import MAX_ROWS, import_accounts, parse_accounts_csv
from csm_tui.store.connection import Store, open_store
from tests.cli_run import run


def _accounts_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("name,external_id\n")
        handle.writelines(f"Account {index},X-{index}\n" for index in range(rows))
    return path


def _count(book: Path) -> int:
    with open_store(book) as store:
        return int(store.query("SELECT count(*) FROM accounts")[0][0])


def test_a_file_beyond_the_row_limit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    big = _accounts_csv(tmp_path / "big.csv", MAX_ROWS + 1)
    book = tmp_path / "book.db"
    code, out, err = run(["import", "accounts", str(big), "--db", str(book)], capsys)
    assert code == 1 and out == ""
    assert err == (
        f"csm-tui: {big} has more than 100,000 rows; an import takes up to 100,000 rows "
        "(100 MiB). Nothing was imported. Check that it is the right export, split it, or import "
        "it anyway with --large.\n"
    )
    assert not book.exists()  # refused before the book is even opened


def test_the_limit_counts_rows_not_lines(tmp_path: Path) -> None:
    """Exactly MAX_ROWS rows (and blank lines, which are not rows) are taken."""
    path = _accounts_csv(tmp_path / "max.csv", MAX_ROWS)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n\n,\n")
    assert len(parse_accounts_csv(path).rows) == MAX_ROWS


def test_large_imports_beyond_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(csv_files, "MAX_ROWS", 10)
    path = _accounts_csv(tmp_path / "a.csv", 25)
    book = tmp_path / "book.db"
    code, _out, err = run(["import", "accounts", str(path), "--db", str(book)], capsys)
    assert code == 1 and "more than 10 rows" in err
    code, _out, err = run(["import", "accounts", str(path), "--large", "--db", str(book)], capsys)
    assert code == 0, err
    assert _count(book) == 25


def test_a_file_beyond_the_byte_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csv_files, "MAX_BYTES", 2**20)
    path = _accounts_csv(tmp_path / "a.csv", 60_000)  # 1.3 MiB, within the row limit
    with pytest.raises(ValidationError, match=r"has more than 1 MiB; an import takes up to"):
        parse_accounts_csv(path)
    assert len(parse_accounts_csv(path, large=True).rows) == 60_000


# -- broken files (item 15) ------------------------------------------------------------------------


def test_an_unterminated_quote_is_refused_with_its_line(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('name,external_id\nGood,G-1\n"Broken, Inc,B-1\nLater,L-1\n', encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        import_accounts(store, path)
    assert str(caught.value) == (
        f"{path}, line 3: a quoted value starts on this row and is never closed; add the "
        'closing " (a quote inside a value is written "").'
    )
    assert store.query("SELECT count(*) FROM accounts")[0][0] == 0


def test_a_quote_closed_rows_later_is_a_line_break_in_the_name(
    store: Store, tmp_path: Path
) -> None:
    path = tmp_path / "q.csv"
    path.write_text('name\n"Broken, Inc\nLater\nEnd"\nGood\n', encoding="utf-8")
    summary = import_accounts(store, path)
    assert summary.blocked
    assert [str(p) for p in summary.problems] == [
        "line 2: name contains a line break (at character 12)"
    ]


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("Acme\x00 Corp", "name contains a NUL character (at character 5)"),
        ("Acme\x1b[2J", "name contains the control character U+001B (at character 5)"),
    ],
)
def test_a_control_character_in_a_name_is_refused(
    store: Store, tmp_path: Path, cell: str, problem: str
) -> None:
    path = tmp_path / "n.csv"
    path.write_text(f"name,external_id\n{cell},N-1\nFine,F-1\n", encoding="utf-8")
    summary = import_accounts(store, path)
    assert summary.blocked and [str(p) for p in summary.problems] == [f"line 2: {problem}"]
    assert import_accounts(store, path, skip_invalid=True).new == 1  # the other row still goes in


@pytest.mark.parametrize("batch", [1, 2, 2_000])
def test_batches_decide_as_one_plan(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    """Planning a batch at a time (to hold no more than a batch of accounts) decides every row
    as one plan over the file would: the same account claimed twice across batches is caught."""
    monkeypatch.setattr(csv_import, "_BATCH", batch)
    first = tmp_path / "first.csv"
    first.write_text("name,external_id\nAcme,A-1\nGlobex,\n", encoding="utf-8")
    assert import_accounts(store, first).new == 2
    second = tmp_path / "second.csv"
    second.write_text(
        "name,external_id,health_score\nAcme Renamed,A-1,50\nNew 1,N-1,10\nGlobex,G-1,60\n"
        "Acme,,80\n",
        encoding="utf-8",
    )
    summary = import_accounts(store, second, skip_invalid=True)
    assert (summary.new, summary.updated, summary.unchanged) == (1, 2, 0)
    assert [str(p) for p in summary.problems] == ["line 5: changes the same account as line 2"]
    scores = dict(store.query("SELECT name, health_score FROM accounts"))
    assert scores == {"Acme Renamed": 50, "Globex": 60, "New 1": 10}


def test_metrics_beyond_the_byte_limit_need_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(csv_files, "MAX_BYTES", 100)
    path = tmp_path / "m.csv"
    lines = [f"A-{index},2026-W{index % 50 + 1:02d},{index}\n" for index in range(20)]
    path.write_text("external_id,week,logins\n" + "".join(lines), encoding="utf-8")
    book = tmp_path / "book.db"
    code, _out, err = run(["import", "metrics", str(path), "--db", str(book)], capsys)
    assert code == 1 and "has more than" in err and "with --large" in err
    code, _out, err = run(["import", "metrics", str(path), "--large", "--db", str(book)], capsys)
    assert "has more than" not in err  # read; its rows name accounts this book does not have


@pytest.mark.parametrize("where", ["header", "row"])
def test_a_cell_beyond_the_csv_field_limit_is_a_clear_error(tmp_path: Path, where: str) -> None:
    path = tmp_path / "wide.csv"
    wide = "x" * 200_000
    text = f"name,{wide}\nAcme,1\n" if where == "header" else f"name,ext\nAcme,{wide}\n"
    path.write_text(text, encoding="utf-8")
    line = 1 if where == "header" else 2
    with pytest.raises(ValidationError, match=f"is not valid CSV on line {line}: field larger"):
        parse_accounts_csv(path)


def test_a_pipe_is_read_too(tmp_path: Path) -> None:
    """`csm-tui import accounts <(…)`: the file is a pipe, which cannot seek."""
    import os
    import threading

    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)

    def write() -> None:
        with fifo.open("w", encoding="utf-8") as handle:
            handle.write("name,external_id\nPiped,P-1\n")

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert [row.values["name"] for row in parse_accounts_csv(fifo).rows] == ["Piped"]
    finally:
        writer.join(timeout=10)
