"""The book of business: every account, filtered as you type, sorted by any column."""

from __future__ import annotations

import importlib

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.models.book import BookQuery, QuickFilter, SortKey
from csm_tui.services.session import Session
from csm_tui.ui.changes import BOOK_KINDS
from csm_tui.ui.screens.base import DataScreen
from csm_tui.ui.textual_ext.key_bar import KeyBar
from csm_tui.ui.textual_ext.title_bar import TitleBar
from csm_tui.ui.widgets.account_table import COLUMNS, AccountTable
from csm_tui.ui.widgets.quick_bar import QuickBar

FIRST_PAGE_ROWS = 200  # more than a screen, so scrolling works before the book has loaded
SORT_ORDER = [column.key for column in COLUMNS]
# Sorting by these starts with the largest value first, which is what a CSM looks for.
DESCENDING_FIRST = {SortKey.VALUE, SortKey.LAST_ACTIVITY}


class FilterInput(Input):
    """The filter box: Enter, Escape and Down hand the keys back to the table."""

    LEAVE_KEYS = frozenset({"enter", "down", "escape"})

    async def _on_key(self, event: events.Key) -> None:
        if event.key in self.LEAVE_KEYS:
            event.prevent_default()
            event.stop()
            self.action_done()

    def action_done(self) -> None:
        # A fast "text, Enter, Enter" must open the row the text selects: apply the filter now
        # (Input.Changed may still be queued) and move focus at once (focus() waits a turn).
        screen = self.screen
        if isinstance(screen, BookScreen):
            screen.set_filter_text(self.value)
        screen.set_focus(screen.query_one(AccountTable))


class BookScreen(DataScreen):
    """The landing screen: the CSM's accounts in one table."""

    SHOWS = BOOK_KINDS
    WORDS_IN_DATA = False  # the rows hold data, their words are chosen as they are drawn

    BINDINGS = [
        Binding("l", "log", N_("Log work"), id="book.log"),
        Binding("a", "add_account", N_("Add"), id="book.add"),  # short: the footer keeps ? Help
        Binding("x", "archive", N_("Archive"), show=False, id="book.archive"),
        Binding("u", "undo_archive", N_("Undo archive"), show=False, id="book.undo"),
        Binding(
            "A", "app.show('archived')", N_("Archived accounts"), show=False, id="book.archived"
        ),
        Binding("slash", "focus_filter", N_("Filter"), id="book.filter"),
        Binding("o", "quick('own')", N_("I own"), show=False, id="book.own"),
        Binding("c", "quick('cover')", N_("I cover"), show=False, id="book.cover"),
        Binding("r", "quick('renewal')", N_("Renewal soon"), show=False, id="book.renewal"),
        Binding("h", "quick('dropping')", N_("Health dropping"), show=False, id="book.dropping"),
        Binding("d", "quick('overdue')", N_("Overdue items"), show=False, id="book.overdue"),
        Binding("s", "sort_next", N_("Sort"), id="book.sort"),
        Binding("S", "sort_reverse", N_("Reverse"), id="book.reverse"),
        Binding("escape", "clear", N_("Clear filters"), show=False, id="book.clear"),
        Binding("ctrl+r", "reload", N_("Reload"), show=False, id="book.reload"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.book_query = BookQuery()
        self.archived: list[tuple[str, str]] = []  # (id, name) archived here, newest last
        self._show_next: str | None = None  # the row to put the cursor on (an added account)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield FilterInput(placeholder=_("Filter by name, segment or tag…  (/)"), id="filter")
        yield QuickBar(id="quick-bar")
        yield AccountTable(id="accounts")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one(AccountTable)
        table.type_target = self.query_one(FilterInput)
        table.book = self.session.book  # the Contract sort's converted values
        table.set_sort(self.book_query.sort, self.book_query.descending)
        table.focus()
        book = self.session.book
        if book.loaded:
            self.run_query()
            return
        # First frame: the top of the default order, straight from the accounts table; the
        # whole book (derived columns for every account) is computed in a worker meanwhile.
        table.set_rows(book.first_page(FIRST_PAGE_ROWS))
        self.query_one(QuickBar).show_loading(book.count())
        self._load_book()

    @work(thread=True, exclusive=True, group="book-load", exit_on_error=False)
    def _load_book(self, reload: bool = False) -> None:
        if reload:
            self.session.book.load()
        else:
            self.session.book.ensure_loaded()  # the user may have needed it sooner
        self.app.call_from_thread(self.show_fresh_rows)
        # then, while the user reads the book, import what opening an account needs
        for module in ("csm_tui.services.accounts", "csm_tui.ui.screens.account"):
            importlib.import_module(module)

    def show_fresh_rows(self) -> None:
        """Redraw every row from the (re)loaded book."""
        if not self.is_attached:  # the app closed while the book was loading
            return
        self.query_one(AccountTable).invalidate()  # rows may have changed under the same ids
        self.run_query()

    # -- querying ----------------------------------------------------------------------------

    def run_query(self) -> None:
        """Show the rows for the current query (waits for the book if it is still loading)."""
        table = self.query_one(AccountTable)
        current = table.current
        rows = self.session.book.query(self.book_query)
        if self.session.book.size == 0:
            table.empty_message = _(
                "No accounts yet. Import your book with: csm-tui import accounts FILE.csv "
                "(or try csm-tui demo)"
            )
        else:
            table.empty_message = _("No account matches. Escape clears the filters.")
        keep = self._show_next or (current.id if current else None)
        if self._show_next and any(row.id == self._show_next for row in rows):
            self._show_next = None
        where = table.cursor
        table.set_rows(rows, keep_id=keep)
        if keep is not None and table.current is not None and table.current.id != keep:
            table.cursor = min(where, max(len(rows) - 1, 0))  # its row left (archived): the next
            table.scroll_to_cursor()
        self.query_one(QuickBar).show(self.book_query.quick, len(rows), self.session.book.size)

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Recompute the book after data changed elsewhere (an import from the shell, an edit)."""
        self._load_book(reload=True)

    def refresh_data(self) -> None:
        self.reload()

    def current_account_id(self) -> str | None:
        row = self.query_one(AccountTable).current
        return row.id if row else None

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.set_filter_text(event.value)

    def set_filter_text(self, text: str) -> None:
        if text != self.book_query.text:
            self.book_query.text = text
            self.run_query()

    # -- actions -----------------------------------------------------------------------------

    def action_log(self) -> None:
        # no row: the picker first
        self.app.call_later(self.app.log_work, self.current_account_id())

    def action_add_account(self) -> None:
        """A new account (the user its primary owner, its stage's checklist); the book shows it
        through the change signal, with the cursor on it."""
        from csm_tui.ui.screens.account_form import AccountFormScreen

        def saved(account_id: str | None) -> None:
            if account_id:
                self._show_next = account_id

        self.app.push_screen(AccountFormScreen(self.session), saved)

    def action_archive(self) -> None:
        """Archive the account under the cursor: kept, hidden from the book and Today; `u`
        brings it back."""
        row = self.query_one(AccountTable).current
        if row is None:
            return
        try:
            self.session.records.archive(row.id)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self.archived.append((row.id, row.name))
        self.notify(_("Archived {name}. Press u to undo.").format(name=row.name))

    def action_undo_archive(self) -> None:
        if not self.archived:
            self.notify(_("Nothing to undo."), severity="warning")
            return
        account_id, name = self.archived.pop()
        self.session.records.restore(account_id)
        self._show_next = account_id
        self.notify(_("{name} is back in the book.").format(name=name))

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one(FilterInput))  # at once: the next key is already coming

    def action_quick(self, name: str) -> None:
        quick = QuickFilter(name)
        active = set(self.book_query.quick)
        active.symmetric_difference_update({quick})
        # "I own" and "I cover" exclude each other; choosing one replaces the other.
        if quick is QuickFilter.I_OWN:
            active.discard(QuickFilter.I_COVER)
        elif quick is QuickFilter.I_COVER:
            active.discard(QuickFilter.I_OWN)
        self.book_query.quick = frozenset(active)
        self.run_query()

    def sort_by(self, key: SortKey, descending: bool | None = None) -> None:
        if descending is None:
            if key == self.book_query.sort:
                descending = not self.book_query.descending
            else:
                descending = key in DESCENDING_FIRST
        self.book_query.sort = key
        self.book_query.descending = descending
        self.query_one(AccountTable).set_sort(key, descending)
        self.run_query()

    def action_sort_next(self) -> None:
        index = SORT_ORDER.index(self.book_query.sort)
        key = SORT_ORDER[(index + 1) % len(SORT_ORDER)]
        self.sort_by(key, key in DESCENDING_FIRST)

    def action_sort_reverse(self) -> None:
        self.sort_by(self.book_query.sort, not self.book_query.descending)

    def action_clear(self) -> None:
        if self.book_query.text or self.book_query.quick:
            self.book_query.quick = frozenset()
            filter_input = self.query_one(FilterInput)
            if filter_input.value:
                filter_input.value = ""  # Input.Changed re-runs the query
            self.book_query.text = ""
            self.run_query()

    @on(AccountTable.SortRequested)
    def _sort_requested(self, event: AccountTable.SortRequested) -> None:
        self.sort_by(event.key)

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one(FilterInput).placeholder = _("Filter by name, segment or tag…  (/)")
        self.query_one(AccountTable).invalidate()
        self.run_query()
