"""The command palette lists every action of the app, and finds accounts by name."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from csm_tui.i18n import N_, _, pgettext
from csm_tui.models.book import HEALTH_DROP_POINTS, RENEWAL_SOON_DAYS, BookQuery
from csm_tui.ui.widgets.account_table import COLUMNS

if TYPE_CHECKING:
    from csm_tui.ui.app import CsmApp

LIMITS = {"days": RENEWAL_SOON_DAYS, "points": HEALTH_DROP_POINTS}

ACTIONS: tuple[tuple[str, str, str], ...] = (
    # (title msgid, action, help msgid)
    (N_("Filter accounts"), "screen.focus_filter", N_("Type to filter the book")),
    (N_("Toggle: I own"), "screen.quick('own')", N_("Accounts where I am the primary owner")),
    (N_("Toggle: I cover"), "screen.quick('cover')", N_("Accounts where I am a secondary owner")),
    (
        N_("Toggle: renewal within {days} days"),
        "screen.quick('renewal')",
        N_("Renewals that need contact now"),
    ),
    (
        N_("Toggle: health dropping"),
        "screen.quick('dropping')",
        N_("Health down {points} or more in 30 days"),
    ),
    (N_("Clear filters"), "screen.clear", N_("Show every account")),
    (
        N_("Add an account"),
        "screen.add_account",
        N_("A new account in the book, with you as its owner"),
    ),
    (N_("Archive the account"), "screen.archive", N_("Hide it from the book and Today; u undoes")),
    (
        N_("Archived accounts"),
        "app.show('archived')",
        N_("The accounts archived or churned; Enter brings one back"),
    ),
    (N_("Reload the book"), "screen.reload", N_("Show changes made outside the app (imports)")),
    (N_("Reverse sort order"), "screen.sort_reverse", N_("Flip ascending and descending")),
    (
        N_("Checklist"),
        "app.show('checklist')",
        N_("Open roadmap items across the book, overdue first"),
    ),
    (
        N_("Re-apply roadmap templates"),
        "app.reapply_templates",
        N_("Add the items your templates have gained to their accounts; nothing is removed"),
    ),
    (N_("Today"), "app.today", N_("My priorities, my tasks and the accounts I cover")),
    (N_("Book of business"), "app.book", N_("Every account in one table")),
    (N_("Effort"), "app.show('effort')", N_("Where the time went: by account, type and week")),
    (
        N_("Meetings to log"),
        "app.show('meetings')",
        N_("Meetings from your calendar with accounts, to log in one key"),
    ),
    (N_("Covering"), "app.show('covering')", N_("The accounts I cover, with unread handoff notes")),
    (
        N_("Health"),
        "app.show('health')",
        N_("Month over month and year over year, by segment and account; the biggest movers"),
    ),
    (N_("Week"), "app.show('week')", N_("The weekly review: the page to bring to a one-to-one")),
    (
        N_("Sync now"),
        "app.sync_now",
        N_("Send my changes to the team server and fetch the team's (F5)"),
    ),
    (N_("Language: English"), "app.set_language('en')", N_("Show the app in English")),
    (N_("Language: Japanese (日本語)"), "app.set_language('ja')", N_("Show the app in Japanese")),
    (N_("Help"), "app.help", N_("Keys and tips for this screen")),
    (N_("Quit"), "app.quit", N_("Leave csm-tui")),
)


class CsmCommands(Provider):
    """The app's own actions, then accounts matching what was typed."""

    @property
    def _app(self) -> CsmApp:
        from csm_tui.ui.app import CsmApp

        assert isinstance(self.app, CsmApp)
        return self.app

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from csm_tui.ui.screens.book import BookScreen

        on_book = isinstance(self.screen, BookScreen)
        commands: list[tuple[str, Callable[[], object], str]] = []
        for title, action, help_text in ACTIONS:
            if action.startswith("screen.") and not on_book:
                continue
            commands.append(
                (
                    _(title).format(**LIMITS),
                    partial(self._run, action),
                    _(help_text).format(**LIMITS),
                )
            )
        if on_book:
            for column in COLUMNS:
                commands.append(
                    (
                        _("Sort by: {column}").format(column=pgettext("column", column.title)),
                        partial(self._sort, column.key),
                        _("Sort the book by this column"),
                    )
                )
        return commands

    def _run(self, action: str) -> None:
        target = action.removeprefix("screen.")
        if action.startswith("screen."):
            self.app.call_later(self.screen.run_action, target)
        else:
            self.app.call_later(self.app.run_action, action.removeprefix("app."))

    def _sort(self, key: str) -> None:
        from csm_tui.models.book import SortKey
        from csm_tui.ui.screens.book import BookScreen

        if isinstance(self.screen, BookScreen):
            self.screen.sort_by(SortKey(key))

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
        if len(query.strip()) >= 2:
            rows = self._app.session.book.query(BookQuery(text=query))[:20]
            for row in rows:
                label = _("Open account: {name}").format(name=row.name)
                yield Hit(
                    0.5,
                    label,
                    partial(self._app.open_account, row.id),
                    help=row.segment,
                )
