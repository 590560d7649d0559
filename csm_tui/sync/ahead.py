"""Pages of a pull asked for ahead, on a thread: each next page as soon as the previous reply
arrives, where the server said it starts (`CSM-Next-Cursor`), before the page is checked."""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from csm_tui.sync.http import Reply

AHEAD = 2
"""Replies fetched ahead at most (each about 1 MB for a page of 5,000 rows)."""
Position = int | str
"""Where a page starts: a cursor of the feed, or a position in a snapshot."""
_Replies = queue.Queue[tuple[Position, Reply | Exception]]
"""(the position asked for, the reply or why there is none)"""


class Ahead:
    """The replies of `fetch`, one after another on a thread: each next page is asked for
    with the position the previous reply named.

    `take(position)` gives the reply to a request made with exactly `position`, the one the
    checked page before named (`http.checked_reply` holds a page to what it names): a reply
    to any other request is dropped and the page asked for again, so what was asked for early
    decides nothing. A failed request is raised by `take` (its retries done on the thread)."""

    def __init__(self, fetch: Callable[[Position], Reply], start: Position) -> None:
        self.fetch = fetch
        self._start(start)

    def _start(self, position: Position) -> None:
        self._stop = threading.Event()
        self._replies: _Replies = queue.Queue(AHEAD)
        self._thread = threading.Thread(
            target=self._run,
            args=(position, self._replies, self._stop),
            name="csm-tui-pull",
            daemon=True,
        )
        self._thread.start()

    def _run(self, position: Position, replies: _Replies, stop: threading.Event) -> None:
        while not stop.is_set():
            reply: Reply | Exception
            try:
                reply = self.fetch(position)
            except Exception as exc:  # raised by `take`, in the sync's thread
                reply = exc
            while not stop.is_set():
                try:
                    replies.put((position, reply), timeout=0.1)
                    break
                except queue.Full:
                    continue
            following = None if isinstance(reply, Exception) else reply.next_cursor
            if following is None:
                return
            position = following

    def take(self, position: Position) -> Reply:
        while True:
            try:
                asked, reply = self._replies.get(timeout=0.05)
            except queue.Empty:
                if self._thread.is_alive() or not self._replies.empty():
                    continue
                self._restart(position)  # nothing more was named: ask for this page now
                continue
            if asked != position:
                self._restart(position)
                continue
            if isinstance(reply, Exception):
                raise reply
            return reply

    def _restart(self, position: Position) -> None:
        self.close()
        self._start(position)

    def close(self) -> None:
        """Stop fetching; waits for a request under way (as the sync's own would)."""
        self._stop.set()
        self._thread.join()
