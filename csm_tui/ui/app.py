"""The Textual app: themes, language, the first-run question, and navigation between screens."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App, ScreenStackError, SystemCommand
from textual.binding import Binding
from textual.command import Provider
from textual.reactive import var
from textual.signal import Signal
from textual.worker import Worker, WorkerState

from csm_tui.config import DEFAULT_THEME, Config, save_config, today_weights
from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _, current_language, set_language
from csm_tui.paths import config_path
from csm_tui.services.segments import segments_from_config
from csm_tui.services.session import Session
from csm_tui.ui.changes import BOOK_KINDS, ChangeFeed, ChangesPending, DataChanged
from csm_tui.ui.crm_link import START_DELAY as CRM_START_DELAY
from csm_tui.ui.crm_link import CrmLink, CrmStatusChanged
from csm_tui.ui.screens.base import DataScreen
from csm_tui.ui.screens.book import BookScreen
from csm_tui.ui.sync_link import START_DELAY, SyncLink, SyncStatusChanged
from csm_tui.ui.textual_ext.key_gate import KeyGatedApp
from csm_tui.ui.textual_ext.translated import TranslatedScreen
from csm_tui.ui.widgets.account_table import AccountTable

if TYPE_CHECKING:
    from collections.abc import Iterable

    from textual.screen import Screen

    from csm_tui.services.crm_background import CrmStatus
    from csm_tui.services.playbooks import PlaybookRun
    from csm_tui.services.timer import RunningTimer
    from csm_tui.sync.engine import SyncStatus
    from csm_tui.ui.screens.today import TodayScreen

STARTED = time.perf_counter()

# The screens a key or the palette opens on top of the current one: action `show('name')`.
# Imported when first opened (not at start-up). Today and the book have their own actions: they
# go back to the one below when it is open.
SCREENS: dict[str, tuple[str, str]] = {
    "checklist": ("csm_tui.ui.screens.checklist", "ChecklistScreen"),
    "covering": ("csm_tui.ui.screens.covering", "CoveringScreen"),
    "effort": ("csm_tui.ui.screens.effort", "EffortScreen"),
    "health": ("csm_tui.ui.screens.health", "HealthScreen"),
    "week": ("csm_tui.ui.screens.week", "WeekScreen"),
    "meetings": ("csm_tui.ui.screens.meetings", "MeetingsScreen"),
    "archived": ("csm_tui.ui.screens.archived", "ArchivedScreen"),
}

# Textual's own palette commands, so that babel sees them (get_system_commands translates them)
SYSTEM_COMMANDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
    N_("palette"),  # the description of Textual's Ctrl+P binding, in the key bar
)


class CsmApp(KeyGatedApp):
    """csm-tui. Give it an open session and the loaded config."""

    TITLE = "csm-tui"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {lambda: _commands_provider()}
    BINDINGS = [
        Binding("question_mark,f1", "help", N_("Help"), id="app.help"),
        Binding("f2", "toggle_language", N_("日本語/English"), id="app.language"),
        # one key, two ways: the book from anywhere (shown in Today's footer), and from the
        # book back to Today
        Binding("b", "book", N_("Book"), show=False, id="app.book"),
        Binding("b", "today", N_("Today"), id="app.today"),
        Binding("C", "show('checklist')", N_("Checklist"), id="app.checklist"),
        Binding("E", "show('effort')", N_("Effort"), id="app.effort"),
        Binding("V", "show('covering')", N_("Covering"), id="app.covering"),
        # not in the footer (it is full): in the help (?) and the palette
        Binding("H", "show('health')", N_("Health"), show=False, id="app.health"),
        Binding("W", "show('week')", N_("Week"), show=False, id="app.week"),
        Binding("M", "show('meetings')", N_("Meetings to log"), show=False, id="app.meetings"),
        Binding("q", "quit", N_("Quit"), id="app.quit"),
        Binding("t", "timer", N_("Start/stop the timer"), show=False, id="app.timer"),
        Binding("f5", "sync_now", N_("Sync now"), show=False, id="app.sync"),
    ]
    timer: var[RunningTimer | None] = var(None)  # the work timer every title bar shows
    sync_status: var[SyncStatus | None] = var(None)  # the sync indicator of every title bar
    crm_status: var[CrmStatus | None] = var(None)  # the CRM's, beside it (when connected)

    def __init__(
        self,
        session: Session,
        config: Config,
        *,
        save_settings: bool = True,
        landing: str = "today",
        sync: bool = True,
    ) -> None:
        super().__init__()
        self.session = session
        self.config = config
        self.save_settings = save_settings
        self.startup_ms: float | None = None
        self._startup_warnings: list[str] = []
        self.landing = landing  # "today", or "book" to open on the book
        self._playbooks_started = False
        self.sync = SyncLink(self)
        self.crm = CrmLink(self)
        # what changed in the book, for every screen that shows it (csm_tui/ui/changes.py)
        self.data_changed: Signal[DataChanged] = Signal(self, "data-changed")
        self._changes = ChangeFeed(self, self._change_origin)
        self._stop_changes = session.on_change(self._changes.committed)
        self._sync_enabled = sync  # tests of other things leave the engine off
        # one folder of templates, whoever reads them first: the worker, or a screen before it
        # (on the session: its roadmap service, and pydantic with it, comes after the first frame)
        session.templates_dir = (config.path or config_path()).parent / "templates"
        # the book's Contract sort converts currencies with `[segments] rates`
        session.book.segments = segments_from_config(config.raw)
        self.today_weights, problems = today_weights(config)
        self._startup_warnings.extend(
            _("Today's score weights: {problem}").format(problem=problem) for problem in problems
        )
        self._apply_themes()

    # -- start-up ----------------------------------------------------------------------------

    def _apply_themes(self) -> None:
        """Register our themes and pick the configured one before the first style pass."""
        from csm_tui.ui.themes import load_themes

        user_themes = (self.config.path or config_path()).parent / "themes"
        loaded = load_themes(user_themes)
        for theme in loaded.themes:
            self.register_theme(theme)
        self._startup_warnings.extend(
            _("Theme skipped: {problem}").format(problem=problem) for problem in loaded.problems
        )
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        else:
            self._startup_warnings.append(
                _("Unknown theme {name}; using {default}.").format(
                    name=self.config.theme, default=DEFAULT_THEME
                )
            )
            self.theme = DEFAULT_THEME

    def get_default_screen(self) -> Screen[None]:
        """Today is the base screen (Escape elsewhere comes back to it), or the book."""
        if self.landing == "book":
            return BookScreen(self.session)
        from csm_tui.ui.screens.today import TodayScreen

        return TodayScreen(self.session, self.today_weights, frame_first=True)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        if self.config.problem:
            self._startup_warnings.append(
                _("Settings not read: {problem}").format(problem=self.config.problem)
            )
        for warning in self._startup_warnings:
            self.notify(warning, severity="warning", timeout=10)
        self._show_identity()
        self.timer = self.session.running_timer()  # it kept running while the app was closed
        if self.session.me is None:
            from csm_tui.ui.screens.me import MeScreen  # rare: only a new database asks

            self.push_screen(MeScreen(self.session), self._identity_set)

    def on_ready(self) -> None:
        self.startup_ms = (time.perf_counter() - STARTED) * 1000
        self.log.info(f"first frame after {self.startup_ms:.0f} ms")
        today = self._today_screen()
        if today is not None:
            today.first_load()  # its page, now that a frame is out, before anything else
        else:
            self._run_playbooks()  # on Today: once its page is up (on_today_screen_loaded)
        # after Today's page is drawn: these import the forms (pydantic) and the templates
        if self.session.me is not None:
            self.call_after_refresh(self._offer_draft)
            self.call_after_refresh(self._offer_handoff_draft)
        self.call_after_refresh(self._load_templates)
        if self._sync_enabled:
            self.set_timer(START_DELAY, self.sync.start)
            self.set_timer(CRM_START_DELAY, self.crm.start)

    def on_unmount(self) -> None:
        self._stop_changes()
        self.sync.stop()
        self.crm.stop()

    # -- the change signal -------------------------------------------------------------------

    def _change_origin(self) -> Screen[object] | None:
        """On the committing thread: the screen on top when the UI thread saved something (a
        screen that redraws itself after its own edits need not refresh again)."""
        if threading.get_ident() != self._thread_id:
            return None  # a worker's, or the sync's
        try:
            return self.screen
        except ScreenStackError:
            return None

    @on(ChangesPending)
    def _changes_pending(self) -> None:
        change = self._changes.take()
        if change is not None:
            self.publish_change(change)

    def publish_change(self, change: DataChanged) -> None:
        """Tell every screen what changed (on the UI thread); the book's table is computed
        again when next shown."""
        if change.touches(BOOK_KINDS):
            self.session.book.invalidate()
        self.data_changed.publish(change)

    @work(thread=True, exit_on_error=False, group="templates")
    def _load_templates(self) -> None:
        """Read the roadmap templates after the first frame; a broken file is named, not fatal."""
        for problem in self.session.roadmap.load_templates():
            message = _("Roadmap template skipped (the default is used): {problem}")
            self.call_from_thread(
                self.notify, message.format(problem=problem), severity="warning", timeout=15
            )

    def on_today_screen_loaded(self) -> None:
        """Today's first page is up: now the rules (they would slow it down before)."""
        if not self._playbooks_started:
            self._playbooks_started = True
            self._run_playbooks()

    def run_playbooks(self) -> None:
        """Run the playbook rules now, on a worker (a renewal recorded in a form moved the
        renewal date: the renewal playbooks fire again for the new one)."""
        self._run_playbooks()

    def _run_playbooks(self, *, after_sync: bool = False) -> None:
        """Run the playbook rules after the first frame and after each sync that brought
        something; Today shows the tasks they create."""
        if self.session.me is None:
            return  # nobody's accounts yet: the rules run once the user has said who they are
        folder = (self.config.path or config_path()).parent / "playbooks"
        self.run_worker(
            lambda: self._playbooks_in_worker(folder, after_sync),
            thread=True,
            exit_on_error=False,
            group="playbooks",
        )

    def _playbooks_in_worker(self, folder: Path, after_sync: bool) -> None:
        run = self.session.run_playbooks(folder)
        self.call_from_thread(self._playbooks_done, run, after_sync)
        self.session.book.ensure_loaded()  # then the book, ready for `b` and the palette

    def _playbooks_done(self, run: PlaybookRun, after_sync: bool = False) -> None:
        for problem in run.problems:
            message = _("Playbook rule skipped: {problem}").format(problem=problem)
            self.notify(message, severity="warning", timeout=15)
        if run.tasks and after_sync and self.sync.engine is not None:
            self.sync.engine.request_sync()  # the new tasks reach the team now, not in 5 min

    # -- sync --------------------------------------------------------------------------------

    @on(SyncStatusChanged)
    def _sync_status_changed(self, event: SyncStatusChanged) -> None:
        self.sync.status_changed(event.status)

    @on(CrmStatusChanged)
    def _crm_status_changed(self, event: CrmStatusChanged) -> None:
        self.crm.status_changed(event.status)

    def action_sync_now(self) -> None:
        """Sync with the team server now (F5, the palette, a click on the indicator)."""
        self.sync.sync_now()

    def data_arrived(self) -> None:
        """A sync wrote rows into the book: every open screen shows them, and the playbooks
        see them (a renewal date moved, a health score dropped…)."""
        self.publish_change(DataChanged.everything(remote=True))
        self._run_playbooks(after_sync=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`b` opens the book, and on the book it goes back to Today (when Today is below);
        the book's binding comes first, so elsewhere `b` is the book."""
        on_book = isinstance(self.screen, BookScreen)
        if action == "book":
            return not on_book
        if action == "today":  # from anywhere above Today (the palette), `b` on the book
            today = self._today_screen()
            return today is not None and self.screen is not today
        return True

    def _today_screen(self) -> TodayScreen | None:
        from csm_tui.ui.screens.today import TodayScreen

        for screen in self.screen_stack:
            if isinstance(screen, TodayScreen):
                return screen
        return None

    def action_book(self) -> None:
        """The book of business: the one below, if it is open, else a new one on top."""
        if any(isinstance(screen, BookScreen) for screen in self.screen_stack):
            while not isinstance(self.screen, BookScreen):
                self.pop_screen()
        else:
            self.push_screen(BookScreen(self.session))

    def action_today(self) -> None:
        """Back to Today, closing the screens above it."""
        if self._today_screen() is not None:
            while self.screen is not self._today_screen():
                self.pop_screen()

    def _show_identity(self) -> None:
        me = self.session.me
        who = f"{me[0]} <{me[1]}>" if me else _("no user yet")
        self.sub_title = f"{who} · {self.session.path.name}"

    def _identity_set(self, result: tuple[str, str] | None) -> None:
        self._show_identity()
        if result is not None:
            # "my accounts" and "my role" changed (a setting, not a journaled write)
            self.publish_change(DataChanged(frozenset({"owners"}), None))
            self._run_playbooks()

    # -- navigation --------------------------------------------------------------------------

    @on(AccountTable.Opened)
    def _account_opened(self, event: AccountTable.Opened) -> None:
        self.open_account(event.account_id)

    def open_account(
        self, account_id: str, *, tab: str = "overview", item_id: str | None = None
    ) -> None:
        """The account at a tab ("overview", "activities", "roadmap", "handoff"); on the
        roadmap, `item_id` is the item to show first."""
        from csm_tui.ui.screens.account import AccountScreen

        try:
            screen = AccountScreen(self.session, account_id, tab=tab, item_id=item_id)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self.push_screen(screen)

    def action_show(self, name: str) -> None:
        """Open one of the screens of `SCREENS` on top (not a second time on top of itself)."""
        import importlib

        module, class_name = SCREENS[name]
        screen_class = getattr(importlib.import_module(module), class_name)
        if not isinstance(self.screen, screen_class):
            self.push_screen(screen_class(self.session))

    def _offer_handoff_draft(self) -> None:
        """After a kill, the unsaved handoff note comes back (after the activity's, if any)."""
        from csm_tui.ui.flows.handoff import offer_draft

        offer_draft(self, self.session)

    def log_work(self, account_id: str | None = None, minutes: int | None = None) -> None:
        """Open the log form for an account (the book row or the open account); with no
        account, the form asks who the work was for (one account, a segment, several, none).
        Screens call this (after their key's
        handler has returned: `self.app.call_later(self.app.log_work, id)`)."""
        from csm_tui.ui.screens.log_activity import LogActivityScreen

        if account_id is None:  # off an account: the form asks who it was for (issue 16)
            self.push_screen(LogActivityScreen(self.session, None, "", minutes=minutes))
            return

        row = self.session.book.row(account_id) if self.session.book.loaded else None
        name = row.name if row else self.session.overview(account_id).account.name
        screen = LogActivityScreen(self.session, account_id, name, minutes=minutes)
        self.push_screen(screen)  # the saved activity reaches every screen: data_changed

    def action_log_work(self, account_id: str | None = None, minutes: int | None = None) -> None:
        self.log_work(account_id, minutes)

    def current_account_id(self) -> str | None:
        """The account the user is on: the open account, the book's row, Today's line."""
        screen = self.screen
        return screen.current_account_id() if isinstance(screen, DataScreen) else None

    def action_timer(self) -> None:
        from csm_tui.ui.flows.timer import press_timer

        press_timer(self, self.current_account_id())

    def _offer_draft(self) -> None:
        """After a crash or a kill, the unsaved activity comes back where it was left."""
        from csm_tui.ui.screens.log_activity import DRAFT, LogActivityScreen

        draft = self.session.load_draft(DRAFT)
        if draft and draft.get("audience") and not draft.get("activity_id"):  # for many
            self.notify(_("Your unsaved activity is back: save it, or Escape to discard it."))
            self.push_screen(LogActivityScreen(self.session, None, "", draft=draft))
            return
        if not draft or not isinstance(draft.get("account_id"), str):
            return
        try:
            name = self.session.overview(draft["account_id"]).account.name
        except CsmError:
            self.session.clear_draft(DRAFT)  # its account is gone; nothing left to attach it to
            return
        self.notify(_("Your unsaved activity is back: save it, or Escape to discard it."))
        self.push_screen(LogActivityScreen(self.session, draft["account_id"], name, draft=draft))

    def action_reapply_templates(self) -> None:
        """Add the items the roadmap templates have gained to the accounts that use them."""
        from csm_tui.ui.flows import reapply

        reapply.start(self)

    def action_help(self) -> None:
        from csm_tui.ui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    # -- settings ----------------------------------------------------------------------------

    def _theme_changed(self, theme: object) -> None:
        self.config.theme = self.theme
        self._save()
        if isinstance(self.screen, BookScreen):
            self.screen.query_one(AccountTable).invalidate()

    def action_set_language(self, language: str) -> None:
        set_language(language)
        self.config.language = language
        self._save()
        for screen in self.screen_stack:
            if isinstance(screen, TranslatedScreen):
                screen.retranslate()
        self._show_identity()
        self.refresh_bindings()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Textual's own palette commands (Theme, Quit, Keys…), in the current language."""
        for command in super().get_system_commands(screen):
            yield command._replace(title=_(command.title), help=_(command.help))

    def action_command_palette(self) -> None:
        """The palette, with its placeholder in the current language."""
        from textual.command import CommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            placeholder = _("Search for commands…")
            self.push_screen(CommandPalette(id="--command-palette", placeholder=placeholder))

    def action_toggle_language(self) -> None:
        self.action_set_language("en" if current_language() == "ja" else "ja")

    def _save(self) -> None:
        if not self.save_settings:
            return
        try:
            save_config(self.config)
        except CsmError as exc:
            self.notify(str(exc), severity="warning")
        except OSError as exc:
            self.notify(_("Settings not saved: {error}").format(error=exc), severity="error")

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """One place for background errors: tell the user, keep the app running."""
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.notify(str(event.worker.error), severity="error", timeout=10)


def _commands_provider() -> type[Provider]:
    """The palette's provider, imported when the palette first opens, not at start-up."""
    from csm_tui.ui.commands import CsmCommands

    return CsmCommands
