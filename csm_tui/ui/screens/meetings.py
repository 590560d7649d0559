"""M: the meetings from the calendar that are not logged yet, oldest first.

Enter logs the line as it is (the minutes, start, title and proactive/reactive the calendar
gave); `e` opens the same log form filled in, to change anything first. `x` dismisses a meeting,
`X` every meeting of its series. A meeting with people from two accounts asks which one.
Opening the screen reads the calendars again in the background when any was added.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _
from csm_tui.ui.screens.base import DataScreen
from csm_tui.ui.textual_ext.key_bar import KeyBar
from csm_tui.ui.textual_ext.title_bar import TitleBar

if TYPE_CHECKING:
    from csm_tui.services.calendar import Proposal, SyncReport
    from csm_tui.services.session import Session


class MeetingTable(DataTable[Text]):
    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="meetings-table")


class MeetingsScreen(DataScreen):
    SHOWS = frozenset({"accounts", "activities"})
    UPDATES_ITSELF = True  # a log or a dismissal here redraws the list at once
    WORDS_IN_DATA = False  # retranslate redraws it all
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="meetings.back"),
        Binding("enter", "log", N_("Log"), id="meetings.log"),
        Binding("e", "edit", N_("Edit, then log"), id="meetings.edit"),
        Binding("x", "dismiss_one", N_("Dismiss"), id="meetings.dismiss"),
        Binding("X", "dismiss_series", N_("Dismiss the series"), id="meetings.series"),
        Binding("s", "sync", N_("Read the calendars"), id="meetings.sync"),
    ]

    DEFAULT_CSS = """
    MeetingsScreen #meetings-title { padding: 0 1; background: $panel; text-style: bold; }
    MeetingsScreen MeetingTable { height: 1fr; }
    MeetingsScreen #meetings-empty { padding: 1 2; }
    """

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.rows: list[Proposal] = []
        self.has_sources = True  # until the first load says otherwise
        self.sub_title = _("Meetings to log")

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(id="meetings-title")
        yield MeetingTable()
        yield Static(id="meetings-empty")
        yield KeyBar()

    def on_mount(self) -> None:
        self.refresh_data()
        self._sync_quietly()

    # -- data ----------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="meetings-load", exit_on_error=False)
    def _load(self) -> None:
        try:
            rows = self.session.calendar.proposals()
            self.has_sources = self.session.calendar.has_sources()
        except CsmError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        self.app.call_from_thread(self.show, rows)

    @work(thread=True, exclusive=True, group="meetings-sync", exit_on_error=False)
    def _sync_quietly(self, say: bool = False) -> None:
        calendar = self.session.calendar
        if not calendar.has_sources():
            if say:
                self.app.call_from_thread(
                    self.notify,
                    _("No calendar yet: `csm-tui calendar import FILE.ics` or `add-url`."),
                )
            return
        report = calendar.sync()
        self.app.call_from_thread(self._synced, report, say)

    def _synced(self, report: SyncReport, say: bool) -> None:
        for name, reason in report.failed.items():
            self.notify(
                _("{name}: not read ({reason}).").format(name=name, reason=reason),
                severity="warning",
                markup=False,
            )
        if say and not report.failed:
            self.notify(_("Calendars read."))
        self.refresh_data()

    def show(self, rows: list[Proposal]) -> None:
        if not self.is_attached or not self.query(MeetingTable):
            return
        table = self.query_one(MeetingTable)
        keep = table.cursor_row
        table.clear(columns=True)
        for key, title in [
            ("when", _("When")),
            ("minutes", _("Minutes")),
            ("account", _("Account")),
            ("title", _("Title")),
            ("kind", _("Kind")),
        ]:
            table.add_column(title, key=key)
        self.rows = rows
        for proposal in rows:
            table.add_row(*_cells(proposal), key=proposal.id)
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        self.query_one("#meetings-title", Static).update(
            _("Meetings to log ({n})").format(n=len(rows))
        )
        empty = ""
        if not rows and self.has_sources:
            empty = _("No meetings to log.")
        elif not rows:  # a first visit: say where meetings come from
            empty = _(
                "No calendar yet. Add one from the shell: `csm-tui calendar import FILE.ics` "
                "(an export of Google Calendar or Outlook), `csm-tui calendar add-url URL` (its "
                "secret iCal address) or `csm-tui calendar add-caldav URL --user NAME`; then "
                "press s here to read it."
            )
        self.query_one("#meetings-empty", Static).update(empty)
        self.query_one("#meetings-empty").display = not rows

    def current(self) -> Proposal | None:
        table = self.query_one(MeetingTable)
        if not self.rows or table.row_count == 0:
            return None
        return self.rows[min(table.cursor_row, len(self.rows) - 1)]

    def current_account_id(self) -> str | None:
        proposal = self.current()
        return proposal.account_ids[0] if proposal is not None else None

    # -- actions ---------------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_log()

    def _with_account(self, proposal: Proposal, then: Any) -> None:
        """Call `then(account_id, name)`, asking which account first when there are several."""
        if len(proposal.account_ids) == 1:
            then(proposal.account_ids[0], proposal.account_names[0])
            return
        from csm_tui.ui.screens.account_picker import Candidate, PickerScreen

        names = dict(zip(proposal.account_ids, proposal.account_names, strict=True))
        pool = [
            Candidate(account_id, name, "", self.session.fold(name))
            for account_id, name in names.items()
        ]

        def chosen(picked: str | None) -> None:
            if picked:
                then(picked, names[picked])

        title = _("Which account was “{title}” with?").format(title=proposal.title)
        self.app.push_screen(PickerScreen(self.session, title, pool), chosen)

    def action_log(self) -> None:
        proposal = self.current()
        if proposal is None:
            return

        def log(account_id: str, name: str) -> None:
            try:
                activity = self.session.calendar.log(proposal, account_id)
            except CsmError as exc:
                self.notify(str(exc), severity="error", timeout=10, markup=False)
                return
            self.notify(
                _("Logged {minutes} min for {name}.").format(minutes=activity.minutes, name=name),
                markup=False,
            )
            self.refresh_data()

        self._with_account(proposal, log)

    def action_edit(self) -> None:
        proposal = self.current()
        if proposal is None:
            return

        def edit(account_id: str, name: str) -> None:
            from csm_tui.ui.screens.log_activity import LogActivityScreen

            draft: dict[str, Any] = {
                "minutes": str(proposal.minutes),
                "when": proposal.start.strftime("%Y-%m-%d %H:%M"),
                "type": proposal.kind.value,
                "proactive": proposal.proactive,
                "recurring": proposal.recurring,
                "note": proposal.note or proposal.title,
            }
            if proposal.changed and proposal.activity_id:
                draft["activity_id"] = proposal.activity_id

            def saved(done: bool | None) -> None:
                if done:
                    self.session.calendar.logged_with_form(proposal)
                    self.refresh_data()

            form = LogActivityScreen(self.session, account_id, name, draft=draft)
            self.app.push_screen(form, saved)

        self._with_account(proposal, edit)

    def action_dismiss_one(self) -> None:
        proposal = self.current()
        if proposal is not None:
            self.session.calendar.dismiss(proposal)
            self.refresh_data()

    def action_dismiss_series(self) -> None:
        proposal = self.current()
        if proposal is None:
            return
        if not proposal.recurring:
            self.action_dismiss_one()
            return
        self.session.calendar.dismiss_series(proposal)
        self.notify(_("Dismissed every “{title}”.").format(title=proposal.title), markup=False)
        self.refresh_data()

    def action_sync(self) -> None:
        self._sync_quietly(True)

    def action_back(self) -> None:
        self.dismiss()

    def retranslate(self) -> None:
        super().retranslate()
        self.sub_title = _("Meetings to log")
        self.call_next(self._rebuild)

    async def _rebuild(self) -> None:
        if not self.is_attached or not self.query(MeetingTable):
            return
        await self.recompose()
        if self.is_attached and self.query(MeetingTable):
            self.refresh_data()


def _cells(proposal: Proposal) -> list[Text]:
    kind = _("proactive") if proposal.proactive else _("reactive")
    if proposal.recurring:
        kind += " ↻"
    if proposal.changed:
        kind += " " + _("(changed)")
    accounts = " / ".join(proposal.account_names)
    return [
        Text(proposal.start.strftime("%Y-%m-%d %H:%M")),
        Text(str(proposal.minutes), justify="right"),
        Text(accounts, style="bold" if len(proposal.account_ids) == 1 else "yellow"),
        Text(proposal.title),
        Text(kind, style="dim"),
    ]
