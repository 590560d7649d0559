"""What Today's keys change, and undo for each (issue 14): Space (done) and l (log and done) on
a task, e (edit), z (snooze to a later day) and d (delete) on a task, z on an account (set it
aside for some days with a reason), z on a snoozed account (back now). `u` undoes the last of
them, then the one before.

The Today screen owns one `TodayEdits`; its tables call it. Every change goes through a
service (journaled, so it syncs) and the screen reloads its page after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from csm_tui.errors import CsmError
from csm_tui.i18n import _

if TYPE_CHECKING:
    from datetime import date

    from csm_tui.services.session import Session
    from csm_tui.services.today import TaskRow
    from csm_tui.ui.screens.today import TodayScreen


@dataclass(frozen=True)
class Undo:
    """How to take a change back, and what to say when it is."""

    run: Callable[[], None]
    said: str


class TodayEdits:
    def __init__(self, screen: TodayScreen) -> None:
        self.screen = screen
        self.undos: list[Undo] = []  # newest last

    @property
    def session(self) -> Session:
        return self.screen.session

    def _try(self, change: Callable[[], object]) -> bool:
        try:
            change()
        except CsmError as exc:
            self.screen.notify(str(exc), severity="error")
            return False
        return True

    def _done(self, message: str, undo: Undo | None) -> None:
        if undo is not None:
            self.undos.append(undo)
        self.screen.notify(message)
        self.screen.reload()

    # -- tasks ---------------------------------------------------------------------------------

    def complete(self, task: TaskRow | None = None) -> None:
        from csm_tui.services.tasks import task_title

        task = task or self.screen.current_task()
        if task is None or not self._try(lambda: self.session.tasks.complete(task.id)):
            return
        title = task_title(task)

        def reopen() -> None:
            self.session.tasks.reopen(task.id)

        self._done(
            _("Done: {task} ({account}). u brings it back.").format(
                task=title, account=task.account_name
            ),
            Undo(reopen, _("Open again: {task}").format(task=title)),
        )

    def log_and_complete(self) -> None:
        """The log form, filled in from the task; saving it marks the task done."""
        from csm_tui.services.tasks import task_title
        from csm_tui.ui.screens.log_activity import LogActivityScreen

        task = self.screen.current_task()
        if task is None:
            return
        draft = {
            "note": task_title(task),
            "proactive": True,  # a task on my list is work I start
            "checklist_item_id": task.checklist_item_id,
        }

        def logged(saved: bool | None) -> None:
            if saved:
                self.complete(task)

        screen = LogActivityScreen(self.session, task.account_id, task.account_name, draft=draft)
        self.screen.app.push_screen(screen, logged)

    def edit_task(self) -> None:
        """e: the task's title, due date and linked item in a form."""
        from csm_tui.ui.screens.task_form import TaskFormScreen

        task = self.screen.current_task()
        if task is None:
            return

        def saved(done: bool | None) -> None:
            if done:
                self.screen.reload()

        form = TaskFormScreen(self.session, task.account_id, task.account_name, task)
        self.screen.app.push_screen(form, saved)

    def snooze_task(self) -> None:
        """z on a task: to a later day (`+3`, `next monday`, `来週の月曜`)."""
        from csm_tui import formatting as fmt
        from csm_tui.services import task_edits
        from csm_tui.services.tasks import task_title
        from csm_tui.ui.screens.snooze_form import TaskSnoozeForm

        task = self.screen.current_task()
        if task is None:
            return
        title = task_title(task)

        def chosen(day: date | None) -> None:
            if day is None:
                return
            store = self.session.store
            if not self._try(lambda: task_edits.snooze(store, task, day)):
                return
            self._done(
                _("Snoozed {title} to {day}. u brings it back.").format(
                    title=title, day=fmt.day(day)
                ),
                Undo(
                    lambda: task_edits.put_back(store, task),
                    _("Due again on its day: {task}").format(task=title),
                ),
            )

        self.screen.app.push_screen(TaskSnoozeForm(self.session, title), chosen)

    def delete_task(self) -> None:
        """d on a task: deleted at once; u brings it back."""
        from csm_tui.services import task_edits
        from csm_tui.services.tasks import task_title

        task = self.screen.current_task()
        if task is None:
            return
        store = self.session.store
        removed: list[dict[str, object]] = []
        if not self._try(lambda: removed.append(task_edits.delete(store, task))):
            return
        title = task_title(task)
        self._done(
            _("Deleted the task {task}. u brings it back.").format(task=title),
            Undo(
                lambda: task_edits.restore(store, removed[0]),
                _("Brought back: {task}").format(task=title),
            ),
        )

    # -- accounts ------------------------------------------------------------------------------

    def snooze_account(self) -> None:
        """z on an account: set it aside for some days, with a reason."""
        from csm_tui import formatting as fmt
        from csm_tui.services import snoozes
        from csm_tui.ui.screens.snooze_form import AccountSnoozeForm

        priority = self.screen.current_priority()
        me = self.session.me
        if priority is None or me is None:
            return
        store = self.session.store
        today = self.session.clock.today()

        def chosen(answer: tuple[int, str] | None) -> None:
            if answer is None:
                return
            days, reason = answer
            previous: list[snoozes.Previous] = []
            if not self._try(
                lambda: previous.append(snoozes.snooze(store, me[1], priority.id, days, reason))
            ):
                return
            from datetime import timedelta

            back = fmt.day(today + timedelta(days=days))
            self._done(
                _("Snoozed {name} until {day}. u brings it back.").format(
                    name=priority.name, day=back
                ),
                Undo(
                    lambda: snoozes.restore(store, previous[0]),
                    _("{name} is back on Today.").format(name=priority.name),
                ),
            )

        self.screen.app.push_screen(AccountSnoozeForm(priority.name, today), chosen)

    def unsnooze_account(self) -> None:
        """z on a snoozed account: back on the list now."""
        from csm_tui.services import snoozes

        row = self.screen.current_snoozed()
        me = self.session.me
        if row is None or me is None:
            return
        store = self.session.store
        previous: list[snoozes.Previous] = []
        if not self._try(lambda: previous.append(snoozes.unsnooze(store, me[1], row.account_id))):
            return
        self._done(
            _("{name} is back on Today. u sets it aside again.").format(name=row.name),
            Undo(
                lambda: snoozes.restore(store, previous[0]),
                _("Snoozed {name} again.").format(name=row.name),
            ),
        )

    # -- undo ----------------------------------------------------------------------------------

    def undo(self) -> None:
        if not self.undos:
            self.screen.notify(_("Nothing to bring back."), severity="warning")
            return
        undo = self.undos.pop()
        if self._try(undo.run):
            self.screen.notify(undo.said)
            self.screen.reload()
