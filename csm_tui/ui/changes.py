"""The app's one change signal: what changed in the book, for every screen that shows it.

Two sources publish it: the store, after each committed transaction (on the committing thread,
which may be a worker's), and the sync, when a sync wrote rows pulled from the team server.
Screens subscribe (`DataScreen` does it for them); no screen calls another screen.

A commit on a worker's thread must not wait for the UI, so `ChangeFeed` only merges the change
into what is pending and, for the first one, posts a message to the app (`post_message` is
thread-safe and never blocks). The app then takes everything pending at once and publishes it:
a burst of commits (an import, the playbooks) becomes one refresh.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from textual.message import Message

if TYPE_CHECKING:
    from textual.message_pump import MessagePump


class Changes(Protocol):
    """What the store says a commit wrote (csm_tui.store.journal.Changes; the UI does not
    import the store)."""

    @property
    def tables(self) -> frozenset[str]: ...

    @property
    def account_ids(self) -> frozenset[str]: ...


Kind = Literal["accounts", "owners", "activities", "checklist", "tasks", "notes"]
KINDS: frozenset[Kind] = frozenset(
    {"accounts", "owners", "activities", "checklist", "tasks", "notes"}
)

# what the book's table shows: a change to any of these computes it again
BOOK_KINDS: frozenset[Kind] = frozenset({"accounts", "owners", "activities", "checklist"})

# the journaled tables, by what a screen shows of them
TABLE_KINDS: dict[str, Kind] = {
    "accounts": "accounts",
    "contacts": "accounts",
    "health_snapshots": "accounts",
    "usage_metrics": "accounts",
    "users": "owners",
    "owners": "owners",
    "activities": "activities",
    "checklist_items": "checklist",
    "tasks": "tasks",
    "playbook_firings": "tasks",
    "handoff_notes": "notes",
    "handoff_reads": "notes",
    "calendar_marks": "activities",
}


@dataclass(frozen=True, slots=True)
class DataChanged:
    """What changed: which kinds of data, for which accounts (None: any account, as after a
    sync), whether it came from the team server (`remote`) or from this app, and the screen
    that was on top when this app made it on the UI thread (`origin`; None: a worker, a sync,
    or several screens)."""

    kinds: frozenset[Kind]
    account_ids: frozenset[str] | None
    remote: bool = False
    origin: object | None = field(default=None, compare=False)

    @classmethod
    def everything(cls, *, remote: bool = False) -> DataChanged:
        return cls(KINDS, None, remote)

    @classmethod
    def from_commit(cls, changes: Changes, origin: object | None = None) -> DataChanged:
        kinds = frozenset(TABLE_KINDS.get(table, "accounts") for table in changes.tables)
        return cls(kinds, changes.account_ids, origin=origin)

    def touches(self, kinds: frozenset[Kind]) -> bool:
        """Whether any of `kinds` changed."""
        return not self.kinds.isdisjoint(kinds)

    def touches_account(self, account_id: str) -> bool:
        return self.account_ids is None or account_id in self.account_ids

    def merge(self, other: DataChanged) -> DataChanged:
        accounts = (
            None
            if self.account_ids is None or other.account_ids is None
            else self.account_ids | other.account_ids
        )
        origin = self.origin if self.origin is other.origin else None
        return DataChanged(self.kinds | other.kinds, accounts, self.remote or other.remote, origin)


class ChangesPending(Message):
    """Posted to the app (from any thread) when changes are waiting to be published."""


class ChangeFeed:
    """Collects changes from any thread; the app publishes them on its own thread."""

    def __init__(self, target: MessagePump, origin: Callable[[], object | None]) -> None:
        """`origin()` is called on the committing thread: the screen on top if that is the
        UI thread, else None."""
        self._target = target
        self._origin = origin
        self._lock = threading.Lock()
        self._pending: DataChanged | None = None
        self._posted = False  # a ChangesPending is on its way to the app

    def committed(self, changes: Changes) -> None:
        """The store's after-commit listener (on the committing thread: never waits)."""
        self.add(DataChanged.from_commit(changes, self._origin()))

    def add(self, change: DataChanged) -> None:
        with self._lock:
            self._pending = change if self._pending is None else self._pending.merge(change)
            if not self._posted:  # put_nowait on the app's queue: never waits
                self._posted = self._target.post_message(ChangesPending())

    def take(self) -> DataChanged | None:
        """Everything pending since the last call (on the UI thread)."""
        with self._lock:
            pending, self._pending, self._posted = self._pending, None, False
        return pending
