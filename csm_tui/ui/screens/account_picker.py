"""Choosing by typing a few letters: an account by its name, or anything else given as a list.

Names are folded as the book filter folds them (case, full/half width, hiragana/katakana), so
`さくら` finds `サクラ精機`. Matching is two-staged to stay fast on 5,000 accounts: a compiled
regular expression keeps the names holding the letters in order, a cheap key ranks them
(prefix, word start, anywhere, scattered), and only the best few are scored by Textual's fuzzy
search, which enumerates every way the letters fit and would be slow on the whole book.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Sequence
from typing import NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import FuzzySearch
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from csm_tui.i18n import N_, _, ngettext
from csm_tui.models.book import BookQuery, SortKey
from csm_tui.services.session import Session

SHOWN = 30  # options listed at once; typing narrows the rest
SCORED = 100  # scattered matches scored by the fuzzy search, the best by the cheap key
MAX_WAYS = 2000  # skip the fuzzy score where the letters fit in more ways than this
HIGHLIGHT = "bold underline"
PROMPT_CELLS = 64  # an option's line in the 72-cell dialog: a longer name is cut, not wrapped
_FOLDED: dict[str, str] = {}  # name -> folded name: folding 5,000 names once costs ~20 ms
_LAST: list[tuple[object, list[Candidate]]] = []  # the book's rows -> their candidates


class Candidate(NamedTuple):
    id: str
    name: str
    detail: str  # shown dimmed after the name (the segment)
    key: str  # the name folded for matching


class Match(NamedTuple):
    candidate: Candidate
    offsets: Sequence[int]  # matched characters of the name, for highlighting


def candidates(session: Session) -> list[Candidate]:
    """Every account of the book, by name (the same list again while the book is unchanged:
    the book answers a repeated query with the same list)."""
    rows = session.book.query(BookQuery(sort=SortKey.NAME))
    if _LAST and _LAST[0][0] is rows:
        return _LAST[0][1]
    if len(_FOLDED) > 50_000:
        _FOLDED.clear()
    fold, folded = session.fold, _FOLDED
    result = []
    for row in rows:
        key = folded.get(row.name)
        if key is None:
            key = folded[row.name] = fold(row.name)
        result.append(Candidate(row.id, row.name, row.segment, key))
    _LAST[:] = [(rows, result)]
    return result


def rank(query: str, pool: Sequence[Candidate], limit: int = SHOWN) -> tuple[list[Match], int]:
    """The best `limit` matches for an already folded query, and how many matched in all."""
    wanted = "".join(query.split())
    if not wanted:
        return [Match(candidate, ()) for candidate in pool[:limit]], len(pool)
    scattered = re.compile(".*?".join(f"({re.escape(char)})" for char in wanted))
    keyed: list[tuple[tuple[int, int, int, str], Candidate, re.Match[str]]] = []
    for candidate in pool:
        found = scattered.search(candidate.key)
        if found is None:
            continue
        key = candidate.key
        at = key.find(wanted)
        if at == 0:
            order = (0, 0, len(key))
        elif at > 0 and not key[at - 1].isalnum():
            order = (1, at, len(key))
        elif at > 0:
            order = (2, at, len(key))
        else:  # scattered: the tighter the better
            order = (3, found.end() - found.start(), len(key))
        keyed.append(((*order, candidate.name), candidate, found))
    best = heapq.nsmallest(max(limit, SCORED), keyed, key=lambda entry: entry[0])
    fuzzy = FuzzySearch()
    scored: list[tuple[tuple[int, float, int, int, str], Match]] = []
    for (tier, position, length, name), candidate, found in best:
        score = 0.0
        offsets: Sequence[int]
        if tier < 3:
            offsets = range(position, position + len(wanted))
        elif math.prod(candidate.key.count(char) for char in wanted) <= MAX_WAYS:
            score, offsets = fuzzy.match(wanted, candidate.key)
        else:  # where the regular expression found the letters
            offsets = [found.start(group) for group in range(1, len(wanted) + 1)]
        if len(candidate.key) != len(candidate.name):
            offsets = []  # folding changed the length: positions would not line up
        scored.append(((tier, -score, position, length, name), Match(candidate, offsets)))
    scored.sort(key=lambda entry: entry[0])
    return [match for _order, match in scored[:limit]], len(keyed)


def _prompt(match: Match) -> Text:
    candidate = match.candidate
    text = Text(candidate.name)
    for offset in match.offsets:
        text.stylize(HIGHLIGHT, offset, offset + 1)
    detail = Text("  " + candidate.detail, style="dim") if candidate.detail else Text()
    text.truncate(max(8, PROMPT_CELLS - detail.cell_len), overflow="ellipsis")
    return text + detail


class PickerScreen(ModalScreen[str | None]):
    """Choose one of `pool` by typing a few letters: a modal, so any screen can use it (and a
    modal, not a drop-down: Textual drops CJK characters in overlays, textual#6357).

    Dismisses with the chosen candidate's id, or None on Escape. `pool` is listed in its own
    order until something is typed.
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel")),
        Binding("down", "move('cursor_down')", show=False),
        Binding("up", "move('cursor_up')", show=False),
        Binding("pagedown", "move('page_down')", show=False),
        Binding("pageup", "move('page_up')", show=False),
    ]
    AUTO_FOCUS = "#picker-input"

    DEFAULT_CSS = """
    PickerScreen { align: center top; }
    PickerScreen > Vertical {
        width: 72; max-width: 100%; height: auto; max-height: 100%; margin-top: 2;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    PickerScreen #picker-title { text-style: bold; margin-bottom: 1; }
    PickerScreen OptionList { width: 100%; height: 14; border: none; padding: 0; }
    PickerScreen #picker-status { color: $foreground-muted; height: 1; }
    """

    def __init__(
        self, session: Session, title: str, pool: list[Candidate], *, placeholder: str = ""
    ) -> None:
        super().__init__()
        self.session = session
        self.title_text = title
        self.placeholder = placeholder or _("Type a few letters…")
        self.pool = pool
        self.shown: list[Match] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, id="picker-title")
            yield Input(placeholder=self.placeholder, id="picker-input")
            option_list = OptionList(id="picker-list")
            option_list.can_focus = False  # the typing stays in the input; arrows move the list
            yield option_list
            yield Static(id="picker-status")

    def on_mount(self) -> None:
        self.show("")

    @on(Input.Changed, "#picker-input")
    def _typed(self, event: Input.Changed) -> None:
        self.show(event.value)

    def show(self, text: str) -> None:
        self.shown, total = rank(self.session.fold(text), self.pool)
        option_list = self.query_one(OptionList)
        option_list.set_options(
            Option(_prompt(match), id=match.candidate.id) for match in self.shown
        )
        if self.shown:
            option_list.highlighted = 0
        if not self.pool:
            status = self.empty_text()
        elif not total:
            status = self.no_match_text()
        else:
            hint = _("↑↓ move · Enter chooses · Escape cancels")
            status = f"{self.count_text(len(self.shown), total)}  ·  {hint}"
        # fixed sizes: a keystroke repaints the list and this line, with no layout pass
        self.query_one("#picker-status", Static).update(status, layout=False)

    def count_text(self, shown: int, total: int) -> str:
        return f"{shown} / {total}"

    def empty_text(self) -> str:
        return _("Nothing to choose from.")

    def no_match_text(self) -> str:
        return _("Nothing here has these letters in this order.")

    def action_move(self, action: str) -> None:
        getattr(self.query_one(OptionList), f"action_{action}")()

    @on(Input.Submitted, "#picker-input")
    def _submitted(self) -> None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return
        self.dismiss(self.shown[option_list.highlighted].candidate.id)

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AccountPickerScreen(PickerScreen):
    """Every account of the book, by name; dismisses with the chosen account's id."""

    def __init__(self, session: Session, title: str) -> None:
        placeholder = _("Type a few letters of the name…")
        super().__init__(session, title, candidates(session), placeholder=placeholder)

    def count_text(self, shown: int, total: int) -> str:
        line = ngettext("{shown} of {total} account", "{shown} of {total} accounts", total)
        return line.format(shown=shown, total=total)

    def empty_text(self) -> str:
        return _("No accounts yet. Import your book first.")

    def no_match_text(self) -> str:
        return _("No account name has these letters in this order.")
