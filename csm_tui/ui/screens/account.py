"""One account, in tabs. Overview comes first; later features add their tabs here."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Footer, Static, TabbedContent, TabPane

from csm_tui.i18n import N_, _
from csm_tui.services.session import Session
from csm_tui.ui import format as fmt
from csm_tui.ui.translated import TranslatedScreen
from csm_tui.ui.widgets.overview import Overview
from csm_tui.ui.widgets.title_bar import TitleBar


class AccountScreen(TranslatedScreen):
    """Opened with Enter from the book; Escape goes back."""

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="account.back"),
        Binding("l", "log", N_("Log work"), id="account.log"),
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
        # the title bar shows the account instead of who is using the app
        self.sub_title = self.overview.account.name

    def compose(self) -> ComposeResult:
        account = self.overview.account
        yield TitleBar()
        title = f"{account.name}  ·  {fmt.stage(account.stage)}"
        if account.segment:
            title += f"  ·  {account.segment}"
        yield Static(title, id="account-title")
        with (
            TabbedContent(id="tabs"),
            TabPane(_("Overview"), id="overview"),
            VerticalScroll(),
        ):
            yield Overview(self.overview, self.session.clock.today())
        yield Footer()

    def action_log(self) -> None:
        self.app.call_later(self.app.run_action, f"log_work('{self.account_id}')")

    def refresh_data(self) -> None:
        """Show the account as it is now (after an activity was logged, say)."""
        self.overview = self.session.overview(self.account_id)
        self.refresh(recompose=True)

    def action_back(self) -> None:
        self.dismiss()

    def retranslate(self) -> None:
        super().retranslate()
        self.refresh(recompose=True)
