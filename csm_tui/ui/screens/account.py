"""One account, in tabs. Overview comes first; later features add their tabs here."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static, TabbedContent, TabPane

from csm_tui.i18n import N_, _
from csm_tui.services.session import Session
from csm_tui.ui import format as fmt
from csm_tui.ui.translated import TranslatedScreen
from csm_tui.ui.widgets.activity_timeline import ActivityTable, ActivityTimeline
from csm_tui.ui.widgets.handoff_tab import HandoffTab, NoteTable
from csm_tui.ui.widgets.overview import Overview

if TYPE_CHECKING:
    from csm_tui.services.activities import Removed
from csm_tui.ui.widgets.title_bar import TitleBar


class AccountScreen(TranslatedScreen):
    """Opened with Enter from the book; Escape goes back."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="account.back"),
        Binding("l", "log", N_("Log work"), id="account.log"),
        Binding("1", "tab('overview')", N_("Overview"), id="account.overview"),
        Binding("2", "tab('activities')", N_("Activities"), id="account.activities"),
        Binding("4", "tab('handoff')", N_("Handoff"), show=False, id="account.handoff"),
        Binding("o", "owners", N_("Owners"), id="account.owners"),
    ]

    DEFAULT_CSS = """
    AccountScreen #account-title { padding: 0 1; background: $panel; text-style: bold; }
    AccountScreen TabbedContent { height: 1fr; }
    """

    def __init__(self, session: Session, account_id: str) -> None:
        super().__init__()
        self.session = session
        self.account_id = account_id
        self.overview = session.overview(account_id)
        self._active_tab = "overview"
        self.removed: list[Removed] = []  # deleted activities, newest last, for undo
        # the title bar shows the account instead of who is using the app
        self.sub_title = self.overview.account.name

    def compose(self) -> ComposeResult:
        account = self.overview.account
        yield TitleBar()
        title = f"{account.name}  ·  {fmt.stage(account.stage)}"
        if account.segment:
            title += f"  ·  {account.segment}"
        yield Static(title, id="account-title")
        # no `initial=`: Textual checks it before the tabs exist; refresh_data re-selects the tab
        with TabbedContent(id="tabs"):
            with TabPane(_("Overview"), id="overview"), VerticalScroll():
                yield Overview(self.overview, self.session.clock.today())
            with TabPane(_("Activities"), id="activities"):
                yield ActivityTimeline(self.session, self.account_id, self.removed)
            with TabPane(f"4 {_('Handoff')}", id="handoff"):
                yield HandoffTab(self.session, self.account_id, account.name)
        yield Footer()

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        if tab == "activities":
            self.set_focus(self.query_one(ActivityTable))
        elif tab == "handoff" and self.query(NoteTable):
            self.set_focus(self.query_one(NoteTable))

    def action_owners(self) -> None:
        """Assign or remove secondary owners and set their coverage periods."""
        from csm_tui.ui.screens.owners_editor import OwnersEditor

        def closed(changed: bool | None) -> None:
            if changed:
                self.refresh_data()

        editor = OwnersEditor(self.session, self.account_id, self.overview.account.name)
        self.app.push_screen(editor, closed)

    def action_log(self) -> None:
        self.app.call_later(self.app.run_action, f"log_work('{self.account_id}')")

    def refresh_data(self) -> None:
        """Show the account as it is now (after an activity was logged, say), same tab."""
        self._active_tab = self.query_one(TabbedContent).active or "overview"
        self.overview = self.session.overview(self.account_id)
        self.refresh(recompose=True)
        if self._active_tab != "overview":
            self.call_after_refresh(self.action_tab, self._active_tab)

    def on_activity_table_changed(self, event: ActivityTable.Changed) -> None:
        self.refresh_data()
        for screen in self.app.screen_stack:
            reload = getattr(screen, "reload", None)
            if callable(reload):
                reload()  # the book's last-activity column

    def action_back(self) -> None:
        self.dismiss()

    def retranslate(self) -> None:
        super().retranslate()
        self.refresh_data()
