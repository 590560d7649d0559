"""What the UI holds on to: one open store, the clock, and the services over them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csm_tui.clock import Clock
from csm_tui.services.book import BookService
from csm_tui.services.identity import me_identity, set_me
from csm_tui.store.connection import Store
from csm_tui.store.search import fold

if TYPE_CHECKING:
    from csm_tui.models.activity import Activity, Audience
    from csm_tui.models.contact import Contact
    from csm_tui.services.accounts import AccountOverview
    from csm_tui.services.activities import EffortTotals, LinkChoice, Removed
    from csm_tui.services.calendar import CalendarService
    from csm_tui.services.effort import EffortReport, Period
    from csm_tui.services.handoff import HandoffService
    from csm_tui.services.health import HealthReport
    from csm_tui.services.playbooks import PlaybookRun
    from csm_tui.services.records import RecordsService
    from csm_tui.services.roadmap_service import RoadmapService
    from csm_tui.services.tasks import TaskService
    from csm_tui.services.timer import RunningTimer, StoppedTimer
    from csm_tui.services.today import TodayView
    from csm_tui.services.trends import TrendsReport
    from csm_tui.services.week_report import WeekReport
    from csm_tui.store.journal import Changes


class Session:
    """The UI's handle on the data. The UI never touches the store directly."""

    def __init__(self, store: Store, clock: Clock | None = None) -> None:
        self.store = store
        self.clock = clock or store.clock
        self.book = BookService(store, self.clock)
        self._roadmap: RoadmapService | None = None
        self.templates_dir: Path | None = None  # the user's roadmap templates (None: config dir)

    @property
    def path(self) -> Path:
        return self.store.path

    @property
    def me(self) -> tuple[str, str] | None:
        return me_identity(self.store)

    def on_local_change(self, callback: Callable[[], None]) -> None:
        """`callback()` after every saved change that the sync will send (on the saving
        thread: it must be quick, e.g. wake the sync engine)."""
        self.store.after_commit.append(lambda changes: callback())

    def on_change(self, callback: Callable[[Changes], None]) -> Callable[[], None]:
        """`callback(changes)` after every saved change, with the tables and accounts it
        wrote (on the saving thread: it must be quick and never wait for the UI). Returns
        the function that stops the calls (once is enough; again does nothing)."""
        self.store.after_commit.append(callback)

        def stop() -> None:
            if callback in self.store.after_commit:
                self.store.after_commit.remove(callback)

        return stop

    def set_me(self, name: str, email: str) -> tuple[str, str]:
        """Record who uses the book; "my role" in the book changes with it."""
        result = set_me(self.store, name, email)
        self.book.load()
        return result

    # -- activities (imported on first use: not needed for the first frame) --------------------

    def log_activity(
        self, account_id: str, minutes: int, occurred_at: datetime, **fields: Any
    ) -> Activity:
        from csm_tui.services.activities import log_activity

        return log_activity(self.store, account_id, minutes, occurred_at, **fields)

    def log_for_many(
        self, audience: Audience, minutes: int, occurred_at: datetime, **fields: Any
    ) -> Activity:
        """Work for a segment, several accounts or nobody in particular (issue 16)."""
        from csm_tui.services.activities import log_for_many

        return log_for_many(self.store, audience, minutes, occurred_at, **fields)

    def skill_choices(self) -> tuple[str, ...]:
        """The skills of `[activities] skills` in config.toml (issue 16)."""
        from csm_tui.services.skills import configured_skills

        return configured_skills().skills

    def last_skills(self, type: str) -> list[str]:
        """The skills of my latest activity of this type that had any (the form offers them)."""
        from csm_tui.store.activities import last_skills

        me = self.me
        return [] if me is None else last_skills(self.store, me[1], type)

    def contacts_of(self, account_id: str) -> list[Contact]:
        """The account's contacts, champion and decision makers first (who took part)."""
        from csm_tui.store.accounts import contacts_of

        return contacts_of(self.store, account_id)

    def relationship_text(self, account_id: str, today: date) -> str:
        """Meetings with a decision maker, days since the champion was met (issue 16)."""
        from csm_tui.services.participation import relationship_text

        return relationship_text(self.store, account_id, today)

    def signals_text(self, account_id: str, today: date) -> str:
        """Answer and attendance rates with their monthly change, the NPS (issue 16)."""
        from csm_tui.services.signals import signals_text

        return signals_text(self.store, account_id, today)

    def segments_in_book(self) -> list[str]:
        from csm_tui.store.activities import segments_in_book

        return segments_in_book(self.store)

    def activities(self, account_id: str, limit: int) -> list[Activity]:
        from csm_tui.store.activities import activities_of

        return activities_of(self.store, account_id, limit)

    def effort_totals(self, account_id: str) -> EffortTotals:
        from csm_tui.services.activities import effort_totals

        return effort_totals(self.store, account_id, self.clock.now().astimezone())

    def effort(self, period: Period, *, mine_only: bool = True) -> EffortReport:
        """The Effort screen's analytics for a period (my work, or everyone's on the book)."""
        from csm_tui.services.effort import effort_report

        return effort_report(self.store, period, self.clock, mine_only=mine_only)

    def trends(self, *, mine_only: bool = True) -> TrendsReport:
        """The rates over time of the Effort screen's Trends view (the last 12 months)."""
        from csm_tui.services.trends import trends_report

        return trends_report(self.store, self.clock, mine_only=mine_only)

    def edit_activity(self, activity_id: str, **changes: Any) -> Activity:
        from csm_tui.services.activities import edit_activity

        return edit_activity(self.store, activity_id, **changes)

    def delete_activity(self, activity_id: str) -> Removed:
        from csm_tui.services.activities import delete_activity

        return delete_activity(self.store, activity_id)

    def restore_activity(self, removed: Removed) -> None:
        from csm_tui.services.activities import restore_activity

        restore_activity(self.store, removed)

    @property
    def roadmap(self) -> RoadmapService:
        """Checklists and stages (created on first use: not needed for the first frame)."""
        if self._roadmap is None:
            from csm_tui.services.roadmap_service import RoadmapService

            self._roadmap = RoadmapService(self.store)
            self._roadmap.user_dir = self.templates_dir
        return self._roadmap

    def save_draft(self, name: str, data: dict[str, Any]) -> None:
        from csm_tui.services.drafts import save_draft

        save_draft(self.store, name, data)

    def load_draft(self, name: str) -> dict[str, Any] | None:
        from csm_tui.services.drafts import load_draft

        return load_draft(self.store, name)

    def clear_draft(self, name: str) -> None:
        from csm_tui.services.drafts import clear_draft

        clear_draft(self.store, name)

    def overview(self, account_id: str) -> AccountOverview:
        from csm_tui.services.accounts import account_overview  # not needed for the first frame

        return account_overview(self.store, account_id, self.clock)

    def checklist_choices(self, account_id: str) -> list[LinkChoice]:
        """The checklist items an activity of this account can be linked to."""
        from csm_tui.services.activities import checklist_choices

        return checklist_choices(self.store, account_id, self.roadmap.templates)

    # -- the work timer (per device; read at start-up, so the service is light) ----------------

    def running_timer(self) -> RunningTimer | None:
        from csm_tui.services.timer import running_timer

        return running_timer(self.store)

    def start_timer(self, account_id: str) -> RunningTimer:
        from csm_tui.services.timer import start_timer

        return start_timer(self.store, account_id, self.clock)

    def stop_timer(self, draft: str | None = None) -> StoppedTimer | None:
        from csm_tui.services.timer import stop_timer

        return stop_timer(self.store, self.clock, draft=draft)

    # text as the book filter compares it: case, width and kana differences removed
    fold = staticmethod(fold)

    @property
    def handoff(self) -> HandoffService:
        """Handoff notes, owners and coverage, and the brief (imported on first use)."""
        from csm_tui.services.handoff import HandoffService

        return HandoffService(self.store, self.clock)

    # -- Today, tasks and playbooks (imported when Today first shows, after the first frame) --

    @property
    def calendar(self) -> CalendarService:
        """Meetings from the calendar to log (imported when first asked)."""
        from csm_tui.services.calendar import CalendarService

        return CalendarService(self.store)

    @property
    def records(self) -> RecordsService:
        """Accounts, archive, contacts and renewals, as the app's forms change them."""
        from csm_tui.services.records import RecordsService

        return RecordsService(self.store, self.clock)

    @property
    def tasks(self) -> TaskService:
        """My tasks: add, complete (logging the work if wanted), reopen, list."""
        from csm_tui.services.tasks import TaskService

        return TaskService(self.store, self.clock)

    def today(self, weights: dict[str, float]) -> TodayView:
        """My accounts ranked with their reasons, my open tasks, and coverage reminders."""
        from csm_tui.services.today import today_view

        return today_view(self.store, self.clock, weights)

    def run_playbooks(self, folder: Path | None = None) -> PlaybookRun:
        """Run the playbook rules (built-in, and the user's from `folder`) over my accounts."""
        from csm_tui.services.playbooks import run_playbooks

        return run_playbooks(self.store, self.clock, user_dir=folder)

    # -- health and the weekly review (imported by their screens' workers) -----------------------

    def health(self, settings: dict[str, Any]) -> HealthReport:
        """The Health screen: changes per account and segment, trends, movers (`[health]`)."""
        from csm_tui.services.health import health_report, weights_from_config

        return health_report(self.store, self.clock, weights_from_config(settings))

    def week(self, monday: date, settings: dict[str, Any]) -> WeekReport:
        """The weekly review of the ISO week starting on `monday`, for me."""
        from csm_tui.services.week_report import week_report

        return week_report(self.store, monday, self.clock, settings)
