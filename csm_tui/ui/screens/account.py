"""One account, in tabs. Overview comes first; later features add their tabs here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static, TabbedContent, TabPane

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.services.session import Session
from csm_tui.ui import format as fmt
from csm_tui.ui.screens.base import DataScreen
from csm_tui.ui.widgets.activity_timeline import ActivityTable, ActivityTimeline
from csm_tui.ui.widgets.contact_table import ContactTable
from csm_tui.ui.widgets.handoff_tab import HandoffTab, NoteTable
from csm_tui.ui.widgets.overview import Overview
from csm_tui.ui.widgets.roadmap_tab import RoadmapList

if TYPE_CHECKING:
    from csm_tui.models.contact import Contact
    from csm_tui.services.activities import Removed
    from csm_tui.ui.changes import DataChanged
from csm_tui.ui.textual_ext.key_bar import KeyBar
from csm_tui.ui.textual_ext.title_bar import TitleBar


class AccountScreen(DataScreen):
    """Opened with Enter from the book; Escape goes back."""

    UPDATES_ITSELF = True  # its tabs redraw after their own edits

    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="account.back"),
        Binding("l", "log", N_("Log work"), id="account.log"),
        # the tab titles show their keys, so the footer does not
        Binding("1", "tab('overview')", N_("Overview"), show=False, id="account.overview"),
        Binding("2", "tab('activities')", N_("Activities"), show=False, id="account.activities"),
        Binding("3", "tab('roadmap')", N_("Roadmap"), show=False, id="account.roadmap"),
        Binding("4", "tab('handoff')", N_("Handoff"), show=False, id="account.handoff"),
        Binding("o", "owners", N_("Owners"), id="account.owners"),
        # on this screen E edits the account (the app's E, Effort, is on the palette and `?`)
        Binding("E", "edit_account", N_("Edit account"), id="account.edit"),
        Binding("R", "renewal", N_("Renewal outcome"), id="account.renewal"),
    ]

    DEFAULT_CSS = """
    AccountScreen #account-title { padding: 0 1; background: $panel; text-style: bold; }
    AccountScreen TabbedContent { height: 1fr; }
    """

    def __init__(
        self,
        session: Session,
        account_id: str,
        *,
        tab: str = "overview",
        item_id: str | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.account_id = account_id
        self.overview = session.overview(account_id)
        self.archived_on = session.records.archived_on(account_id)
        self._active_tab = tab
        self._item_id = item_id  # the checklist item to show first (from the Checklist screen)
        self.removed: list[Removed] = []  # deleted activities, newest last, for undo
        self.removed_items: list[dict[str, Any]] = []  # removed checklist items, for undo
        self.removed_contacts: list[Contact] = []  # removed contacts, newest last, for undo
        self._contact_id: str | None = None  # the contact under the cursor, across a redraw
        # the title bar shows the account instead of who is using the app
        self.sub_title = self.overview.account.name

    def compose(self) -> ComposeResult:
        account = self.overview.account
        yield TitleBar()
        title = f"{account.name}  ·  {fmt.stage(account.stage)}"
        if self.archived_on is not None:  # churned, or archived on the book
            title += "  ·  " + _("archived {day}").format(day=fmt.day(self.archived_on))
        if account.segment:
            title += f"  ·  {account.segment}"
        yield Static(title, id="account-title")
        # no `initial=`: Textual checks it before the tabs exist; refresh_data re-selects the tab
        with TabbedContent(id="tabs"):
            with TabPane(f"1 {_('Overview')}", id="overview"), VerticalScroll():
                yield Overview(
                    self.overview,
                    self.session.clock.today(),
                    self.session,
                    self.removed_contacts,
                )
            with TabPane(f"2 {_('Activities')}", id="activities"):
                yield ActivityTimeline(self.session, self.account_id, self.removed)
            with TabPane(f"3 {_('Roadmap')}", id="roadmap"):
                yield RoadmapList(self.session, self.account_id, self.removed_items)
            with TabPane(f"4 {_('Handoff')}", id="handoff"):
                yield HandoffTab(self.session, self.account_id, account.name)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(RoadmapList).load(self._item_id)
        if self._active_tab != "overview":
            self.call_after_refresh(self.action_tab, self._active_tab)
        else:
            self._focus_contacts()

    def _focus_contacts(self) -> None:
        """On the Overview, the keys act on the contacts (n adds one; e, x, c, d, k)."""
        table = self.query(ContactTable)
        if not table:
            return
        contacts = table.first()
        if self._contact_id is not None:  # redrawn after an edit of the contacts: in view
            contacts.show(self._contact_id)
            self.call_after_refresh(contacts.bring_into_view)
        self.set_focus(contacts, scroll_visible=False)

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab
        if tab == "overview":
            self._focus_contacts()
        elif tab == "activities":
            self.set_focus(self.query_one(ActivityTable))
        elif tab == "roadmap":
            self.set_focus(self.query_one(RoadmapList))
        elif tab == "handoff" and self.query(NoteTable):
            self.set_focus(self.query_one(NoteTable))

    def action_owners(self) -> None:
        """Assign or remove secondary owners and set their coverage periods."""
        from csm_tui.ui.screens.owners_editor import OwnersEditor

        editor = OwnersEditor(self.session, self.account_id, self.overview.account.name)
        self.app.push_screen(editor)  # what it saves comes back through the change signal

    def action_edit_account(self) -> None:
        """The account's fields, in the form `a` on the book opens, filled in."""
        from csm_tui.ui.screens.account_form import AccountFormScreen

        try:
            form = AccountFormScreen(self.session, self.session.records.account(self.account_id))
        except CsmError as exc:  # a sync took it away
            self.notify(str(exc), severity="error")
            return
        self.app.push_screen(form)  # what it saves comes back through the change signal

    def action_renewal(self) -> None:
        """Record how the renewal went; the next cycle's renewal playbooks run after it."""
        from csm_tui.ui.screens.renewal_form import RenewalFormScreen

        if self.archived_on is not None:  # its last outcome was churned: nothing to renew
            said = _("{name} is archived; csm-tui account restore brings it back.")
            self.notify(said.format(name=self.overview.account.name), severity="warning")
            return

        def recorded(saved: bool | None) -> None:
            if saved:
                self.app.run_playbooks()

        try:
            form = RenewalFormScreen(self.session, self.account_id)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.push_screen(form, recorded)

    def on_contact_table_changed(self, event: ContactTable.Changed) -> None:
        self.refresh_data()  # other screens learn it from the change signal

    def on_contact_table_champion_changed(self, event: ContactTable.ChampionChanged) -> None:
        self.app.run_playbooks()  # a change of champion opens its playbook

    def on_roadmap_list_changed(self, event: RoadmapList.Changed) -> None:
        if event.stage_changed:
            self.refresh_data()  # the title and the overview show the stage

    def action_log(self) -> None:
        self.app.call_later(self.app.log_work, self.account_id)

    def current_account_id(self) -> str | None:
        return self.account_id

    def concerns(self, change: DataChanged) -> bool:
        return change.touches_account(self.account_id) or "owners" in change.kinds

    def refresh_data(self) -> None:
        """Show the account as it is now (after an activity was logged, say), same tab."""
        self.overview = self.session.overview(self.account_id)
        self.archived_on = self.session.records.archived_on(self.account_id)
        self.sub_title = self.overview.account.name  # an edit may have renamed it
        # rebuilt in turn on the screen's own queue: a screen under another one (F2 on the
        # Covering screen) rebuilds too, and two rebuilds never overlap
        self.call_next(self._rebuild)

    async def _rebuild(self) -> None:
        tabs, roadmap = self.query(TabbedContent), self.query(RoadmapList)
        if not self.is_attached or not tabs or not roadmap:
            return  # closed (Escape) before its turn came: its widgets are going
        self._active_tab = tabs.first().active or "overview"
        self._item_id = roadmap.first().current_id()
        contacts = self.query(ContactTable)
        self._contact_id = None
        if contacts and self.focused is contacts.first():  # working on the contacts: stay there
            current = contacts.first().current()
            self._contact_id = current.id if current else ""
        await self.recompose()
        if self.is_attached and self.query(RoadmapList):  # not closed while rebuilding
            self._after_recompose()

    def _after_recompose(self) -> None:
        self.query_one(RoadmapList).load(self._item_id)
        self.action_tab(self._active_tab)

    def on_activity_table_changed(self, event: ActivityTable.Changed) -> None:
        self.refresh_data()  # other screens learn it from the change signal

    def action_back(self) -> None:
        self.dismiss()
