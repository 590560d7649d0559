"""The hop from a committing thread to the UI (csm_tui/ui/changes.py): a commit on a worker
never waits for the UI, and a burst of commits becomes one refresh."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from textual.message import Message

from csm_tui.ui.changes import ChangeFeed, ChangesPending, DataChanged


@dataclass(frozen=True)
class Commit:
    tables: frozenset[str]
    account_ids: frozenset[str]


class Target:
    """Stands in for the app: records what is posted, from whichever thread."""

    def __init__(self) -> None:
        self.posted: list[Message] = []

    def post_message(self, message: Message) -> bool:
        self.posted.append(message)
        return True


def test_a_burst_of_commits_on_threads_is_one_message_and_one_merged_change() -> None:
    target = Target()
    feed = ChangeFeed(target, lambda: None)  # type: ignore[arg-type]

    def worker(number: int) -> None:
        for n in range(50):
            feed.committed(Commit(frozenset({"activities"}), frozenset({f"a{number}-{n}"})))

    threads = [threading.Thread(target=worker, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(target.posted) == 1 and isinstance(target.posted[0], ChangesPending)
    change = feed.take()
    assert change is not None and change.kinds == {"activities"}
    assert change.account_ids is not None and len(change.account_ids) == 200
    assert feed.take() is None
    feed.committed(Commit(frozenset({"checklist_items", "tasks"}), frozenset({"x"})))
    assert len(target.posted) == 2  # once taken, the next commit posts again
    taken = feed.take()
    assert taken is not None and taken.kinds == {"checklist", "tasks"}


def test_a_message_not_delivered_is_posted_again_with_the_next_commit() -> None:
    class Closed(Target):
        def post_message(self, message: Message) -> bool:
            super().post_message(message)
            return False  # the app is not running (yet, or any more)

    target = Closed()
    feed = ChangeFeed(target, lambda: None)  # type: ignore[arg-type]
    feed.committed(Commit(frozenset({"accounts"}), frozenset({"a"})))
    feed.committed(Commit(frozenset({"owners"}), frozenset({"b"})))
    assert len(target.posted) == 2


def test_merging_keeps_what_every_part_says() -> None:
    one = DataChanged(frozenset({"activities"}), frozenset({"a"}), origin="book")
    assert one.merge(DataChanged(frozenset({"notes"}), frozenset({"b"}), origin="book")) == (
        DataChanged(frozenset({"activities", "notes"}), frozenset({"a", "b"}))
    )
    merged = one.merge(DataChanged.everything(remote=True))
    assert merged.account_ids is None and merged.remote and merged.origin is None
    assert one.merge(DataChanged(frozenset(), frozenset(), origin="other")).origin is None
