"""Text measured in terminal cells for the CLI's columns: a Japanese (wide) character takes two
cells, a combining mark none (rich's cell table, the same wcwidth rules the app draws with).
Text cut to fit ends with `…`, so a reader knows there is more."""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size


def width(text: str) -> int:
    """How many terminal cells `text` takes."""
    return cell_len(text)


def cut(text: str, cells: int) -> str:
    """`text` in at most `cells` cells; when it is cut, the last cell is `…`."""
    if cells <= 0:
        return ""
    if cell_len(text) <= cells:
        return text
    # set_cell_size pads with a space where a wide character would straddle the edge
    return set_cell_size(text, cells - 1).rstrip() + "…"


def fit(text: str, cells: int) -> str:
    """`text` cut (with `…`) or padded to exactly `cells` cells: a column that lines up."""
    shown = cut(text, cells)
    return shown + " " * (cells - cell_len(shown))
