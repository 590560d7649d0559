"""One sync: connect the book (once), push the outbox, pull the feed.

Push before pull: the server settles this device's changes first, so the pull brings back the
settled rows. An entry leaves the outbox (`acked_through` moves past it) only in the transaction
that records the server's answer to it; a pulled page is applied in one transaction with its
cursor. Every failure either leaves both untouched or is explained; see `docs/sync.md`.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from pydantic import ValidationError

from csm_tui.clock import iso_now
from csm_tui.i18n import _, ngettext
from csm_tui.store import pulled, remote
from csm_tui.store.connection import Store
from csm_tui.store.pulled import Folding, PulledPage, RemoteRow
from csm_tui.store.remote import OutboxEntry, Refusal
from csm_tui.sync.ahead import Ahead
from csm_tui.sync.http import (
    SNAPSHOT_START,
    BadReply,
    Refused,
    Server,
    SyncError,
    checked_reply,
    checked_snapshot,
)
from csm_tui.sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_BODY_BYTES,
    MAX_PUSH_MUTATIONS,
    USER_HEADER,
    DeviceRequest,
    Mutation,
    PushRequest,
    PushResponse,
    Status,
)

MAX_BATCH_BYTES = MAX_BODY_BYTES // 2
Progress = Callable[[str, int], None]
"""Told ("push" or "pull", rows so far) after each batch, e.g. to update a status line."""


class LocalBook(SyncError):
    """The book holds changes made before it was connected; nothing is sent without consent."""


class WrongUser(SyncError):
    """The token is another user's than the book's: nothing is sent or received."""


@dataclass
class SyncResult:
    server: str
    pushed: int = 0
    refused: int = 0
    conflicts: int = 0
    pulled: int = 0
    requests: int = 0
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The one-line summary of `csm-tui sync`."""
        sent = ngettext("sent {n} change", "sent {n} changes", self.pushed).format(n=self.pushed)
        got = ngettext("received {n}", "received {n}", self.pulled).format(n=self.pulled)
        line = _("Synced with {server}: {sent}, {received}.").format(
            server=self.server, sent=sent, received=got
        )
        if self.refused:
            line += " " + ngettext(
                "{n} change was refused (see csm-tui status).",
                "{n} changes were refused (see csm-tui status).",
                self.refused,
            ).format(n=self.refused)
        if self.conflicts:
            line += " " + ngettext(
                "{n} handoff note conflicts with a newer version.",
                "{n} handoff notes conflict with newer versions.",
                self.conflicts,
            ).format(n=self.conflicts)
        return line


def sync_once(
    store: Store,
    server: Server,
    *,
    push_local: bool = False,
    progress: Progress | None = None,
) -> SyncResult:
    """Connect if needed, push everything pending, pull everything new."""
    with sync_lock(store.path):
        state = connect(store, server, push_local=push_local)
        result = SyncResult(server.url)
        try:
            _push_all(store, server, state, result, progress)
            _pull_all(store, server, state, result, progress)
            if state.pop("restored", None):  # the server lost recent history: send ours again
                _rewind(store, server, state)
                _push_all(store, server, state, result, progress)
                _pull_all(store, server, state, result, progress)
        except Refused as exc:
            if exc.code == "wrong_user":
                raise _wrong_user(server, state["user"]) from None
            raise
        done: dict[str, str | None] = {"last_sync_at": iso_now(store.clock), "last_error": None}
        remote.write_sync_state(store, done | _remember_server_id(server, state))
        result.requests = server.requests
        return result


@contextlib.contextmanager
def sync_lock(path: Path) -> Iterator[None]:
    """One sync of a book at a time, across processes (the app and the shell)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the transactions still keep data whole
        yield
        return
    lock = path.with_name(path.name + ".sync-lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncError(_("A sync of this book is already running.")) from None
        yield
    finally:
        os.close(fd)


# -- connecting --------------------------------------------------------------------------------


def connect(store: Store, server: Server, *, push_local: bool = False) -> dict[str, str]:
    """The book's sync state; on the first sync, check the book may join and register it."""
    state = remote.read_sync_state(store)
    if state.get("server"):
        if state["server"] != server.url:
            _moved(store, server, state)
        if not state.get("user"):  # connected by an older csm-tui: ask once whose book it is
            state["user"] = server.me().email
            remote.write_sync_state(store, {"user": state["user"]})
        _expect_user(server, state["user"])
        return state
    from csm_tui.services.identity import me_identity, set_me
    from csm_tui.store.settings_keys import DEMO_SETTING

    if store.get_setting(DEMO_SETTING) is not None:
        raise SyncError(_("The demo book never syncs; log in with your own book (--db)."))
    me = server.me()
    local = me_identity(store)
    if local is not None and local[1] != me.email:
        raise SyncError(
            _("This book belongs to {local}, but the token is {remote}'s.").format(
                local=local[1], remote=me.email
            )
        )
    changes = remote.local_only_changes(store)
    if changes and not push_local:
        raise LocalBook(
            ngettext(
                "This book holds {n} change made before it was connected (a demo or an "
                "import). Use a new database for the team book (csm-tui --db team.db login), "
                "or send it with `csm-tui sync --push-local`.",
                "This book holds {n} changes made before it was connected (a demo or an "
                "import). Use a new database for the team book (csm-tui --db team.db login), "
                "or send them with `csm-tui sync --push-local`.",
                changes,
            ).format(n=changes)
        )
    if local is None:
        set_me(store, me.name, me.email)
    _expect_user(server, me.email)
    client_id = uuid.uuid4().hex
    device = server.register(DeviceRequest(client_id=client_id, next_seq=1))
    state = {
        "server": server.url,
        "user": me.email,
        "client_id": client_id,
        "acked_through": "0",
        "cursor": "0",
        "fresh_until": str(device.high_water),
        "epoch": device.epoch,
    }
    if server.server_id:
        state["server_id"] = server.server_id
    remote.write_sync_state(store, state)
    return state


def _moved(store: Store, server: Server, state: dict[str, str]) -> None:
    """Another URL than the book's: accepted (and remembered) only if its replies name the
    same server database as the book's server did; any other server is refused."""
    if state.get("server_id"):
        server.me()  # any reply names the server's database
    if not state.get("server_id") or server.server_id != state["server_id"]:
        raise SyncError(
            _("This book syncs with {current}; use another database (--db) for {other}.").format(
                current=state["server"], other=server.url
            )
        )
    state["server"] = server.url
    remote.write_sync_state(store, {"server": server.url})


def _remember_server_id(server: Server, state: dict[str, str]) -> dict[str, str | None]:
    """The sync state to write for the server's identity: a book connected before servers had
    one (or by an older server) learns it from its server's URL."""
    if server.server_id and state.get("server_id") != server.server_id:
        state["server_id"] = server.server_id
        return {"server_id": server.server_id}
    return {}


def _expect_user(server: Server, email: str) -> None:
    """Every request of this sync names the book's user; the server refuses a token of anyone
    else (409 wrong_user), so a book never takes another user's feed (issue 19.4)."""
    server.client.headers[USER_HEADER] = quote(email, safe="@")  # headers are ASCII


def _wrong_user(server: Server, book_user: str) -> WrongUser:
    del server.client.headers[USER_HEADER]
    try:
        other = server.me().email
    except SyncError:
        other = "?"
    return WrongUser(
        _(
            "This book is {book}'s, but the token is {other}'s: nothing was sent or received. "
            "Log in as {book}: csm-tui login --server {server}"
        ).format(book=book_user, other=other, server=server.url)
    )


def _register_again(store: Store, server: Server, state: dict[str, str], *, new_id: bool) -> None:
    """A copy of this database pushed first (new id), or the server forgot the device."""
    client_id = uuid.uuid4().hex if new_id else state["client_id"]
    acked = int(state["acked_through"])
    server.register(DeviceRequest(client_id=client_id, next_seq=acked + 1))
    state["client_id"] = client_id
    remote.write_sync_state(store, {"client_id": client_id})


def _rewind(store: Store, server: Server, state: dict[str, str]) -> None:
    """Send again what the server no longer has: the journal keeps acknowledged entries, and
    the server's copy of this device says how far it got (0 if it forgot the device)."""
    device = server.register(DeviceRequest(client_id=state["client_id"], next_seq=1))
    if device.last_seq < int(state["acked_through"]):
        state["acked_through"] = str(device.last_seq)
        remote.write_sync_state(store, {"acked_through": state["acked_through"]})


def _reset_pull(store: Store, state: dict[str, str], epoch: str) -> None:
    """The server was restored from a backup: read its whole feed again."""
    state.update(cursor="0", epoch=epoch, restored="1")
    state.pop("fresh_until", None)
    state.pop("snapshot", None)
    remote.write_sync_state(
        store, {"cursor": "0", "epoch": epoch, "fresh_until": None, "snapshot": None}
    )


# -- push --------------------------------------------------------------------------------------


def _push_all(
    store: Store,
    server: Server,
    state: dict[str, str],
    result: SyncResult,
    progress: Progress | None,
) -> None:
    batch = MAX_PUSH_MUTATIONS
    re_registered = 0
    while True:
        acked = int(state["acked_through"])
        entries = remote.pending_entries(store, acked, batch, MAX_BATCH_BYTES)
        if not entries:
            return
        mutations, unsendable = _mutations(entries)
        if unsendable and not mutations:
            _acknowledge(store, state, entries[-1].seq, [], unsendable)
            result.refused += len(unsendable)
            continue
        request = PushRequest(
            client_id=state["client_id"], mutations=mutations, acked_through=acked
        )
        try:
            response = server.push(request)
        except Refused as exc:
            if exc.status in (413, 422) and len(entries) > 1:
                batch = max(1, len(entries) // 2)  # find the entry the server cannot take
                continue
            if exc.status in (413, 422):
                _acknowledge(store, state, entries[0].seq, [], [Refusal(entries[0], str(exc))])
                result.refused += 1
                continue
            if exc.code == "device_behind" and isinstance(exc.body.get("last_seq"), int):
                state["acked_through"] = str(min(acked, exc.body["last_seq"]))
                remote.write_sync_state(store, {"acked_through": state["acked_through"]})
                result.notes.append(_("The server lost changes (a backup?); sent them again."))
                continue
            if exc.code in ("device_reused", "unknown_device") and re_registered < 2:
                re_registered += 1
                _register_again(store, server, state, new_id=exc.code == "device_reused")
                continue
            raise
        _record(store, state, entries, unsendable, response, result)
        batch = min(MAX_PUSH_MUTATIONS, batch * 2)
        if progress:
            progress("push", result.pushed)


def _mutations(entries: list[OutboxEntry]) -> tuple[list[Mutation], list[Refusal]]:
    mutations: list[Mutation] = []
    refused: list[Refusal] = []
    for entry in entries:
        try:
            mutations.append(
                Mutation(
                    seq=entry.seq,
                    mutation_id=entry.mutation_id,
                    table=entry.table,
                    row_id=entry.row_id,
                    op=entry.op,
                    payload=entry.payload,
                    created_at=entry.created_at,
                )
            )
        except ValidationError as exc:
            refused.append(Refusal(entry, _("It cannot be sent: {error}").format(error=exc)))
    return mutations, refused


def _record(
    store: Store,
    state: dict[str, str],
    entries: list[OutboxEntry],
    unsendable: list[Refusal],
    response: PushResponse,
    result: SyncResult,
) -> None:
    """Apply the server's answers to a batch and move past it, in one transaction."""
    by_seq = {entry.seq: entry for entry in entries}
    sent = [entry.seq for entry in entries if entry.seq not in {r.entry.seq for r in unsendable}]
    done = response.last_processed_seq
    if not sent or done < sent[0] - 1 or done > sent[-1] or len(response.results) > len(sent):
        raise BadReply(_("The server's answer to a push does not match what was sent."))
    rows: list[RemoteRow] = []
    refusals = list(unsendable)
    for answer in response.results:
        entry = by_seq.get(answer.seq)
        if entry is None or entry.mutation_id != answer.mutation_id:
            raise BadReply(_("The server's answer to a push does not match what was sent."))
        refused = answer.status is Status.REJECTED or (
            answer.status is Status.DUPLICATE and answer.reason.startswith("rejected")
        )
        if refused:
            refusals.append(Refusal(entry, answer.reason))
        if answer.status is Status.CONFLICT:
            result.conflicts += 1
        if answer.current is not None and (refused or answer.status is not Status.APPLIED):
            current = answer.current
            if refused and current.deleted and current.seq == 0:
                # the server has no row of this id the user may see (refused before it was
                # ever stored): the book keeps its copy, listed as refused (issue 19.5)
                continue
            rows.append(
                RemoteRow(current.table, current.id, None if current.deleted else current.data)
            )
    if state.get("epoch") and response.epoch != state["epoch"]:
        _reset_pull(store, state, response.epoch)
    _acknowledge(
        store, state, max(done, max((r.entry.seq for r in unsendable), default=0)), rows, refusals
    )
    result.pushed += len(response.results)
    result.refused += len(refusals)


def _acknowledge(
    store: Store,
    state: dict[str, str],
    through: int,
    rows: list[RemoteRow],
    refusals: list[Refusal],
) -> None:
    through = max(through, int(state["acked_through"]))
    pulled.apply_remote_changes(
        store,
        rows,
        pending_after=through,
        state={"acked_through": str(through)},
        refusals=refusals,
    )
    state["acked_through"] = str(through)


# -- pull --------------------------------------------------------------------------------------


def _pull_all(
    store: Store,
    server: Server,
    state: dict[str, str],
    result: SyncResult,
    progress: Progress | None,
) -> None:
    """Pages in order, each applied with where the next one starts. A new device first takes
    a snapshot of the user's rows (`_pull_snapshot`), then the feed from the snapshot's
    sequence; the pages are fetched ahead on a thread (`Ahead`), so the server builds the next
    ones while this one is checked and written."""
    folding: Folding | None = None
    try:
        if state.get("snapshot") or (state.get("fresh_until") and state.get("cursor") == "0"):
            folding = _pull_snapshot(store, server, state, result, progress)
        folding = _pull_feed(store, server, state, result, progress, folding)
        if folding:
            folding.close()
        if result.pulled > 20 * DEFAULT_PULL_LIMIT:
            pulled.checkpoint(store)
    finally:
        if folding:
            folding.close()


def _pull_snapshot(
    store: Store,
    server: Server,
    state: dict[str, str],
    result: SyncResult,
    progress: Progress | None,
) -> Folding | None:
    """A new device's first download: the user's live rows at one sequence, in the order of
    their ids (written as appends to the book's indexes), each page applied with the position
    of the next, so a download killed half way goes on from there. The last page sets the
    cursor to the snapshot's sequence; deletions up to it are left out of the feed after it."""
    position = state.get("snapshot") or SNAPSHOT_START
    ahead = Ahead(lambda at: server.snapshot_raw(str(at), DEFAULT_PULL_LIMIT), position)
    folding: Folding | None = None
    try:
        while True:
            page, following = checked_snapshot(ahead.take(position), position)
            if (state.get("epoch") and page.epoch != state["epoch"]) or (
                page.cursor > page.high_water
            ):
                result.notes.append(_("The server was restored from a backup; reloading the book."))
                _reset_pull(store, state, page.epoch)  # the feed from 0 follows
                return folding
            done: dict[str, str | None] = {"cursor": str(page.cursor), "snapshot": following}
            if following is None:
                done["fresh_until"] = str(page.cursor)
            pulled.apply_pulled_page(
                store, page, pending_after=int(state["acked_through"]), state=done, bulk=True
            )
            state.update({key: value for key, value in done.items() if value is not None})
            result.pulled += page.count
            if progress:
                progress("pull", result.pulled)
            if following is None:
                state.pop("snapshot", None)
                return folding
            folding = folding or Folding(store.path)
            folding.committed()
            position = following
    finally:
        ahead.close()


def _pull_feed(
    store: Store,
    server: Server,
    state: dict[str, str],
    result: SyncResult,
    progress: Progress | None,
    folding: Folding | None,
) -> Folding | None:
    restarted = False
    cursor = int(state.get("cursor", "0"))

    def ahead_from(start: int) -> Ahead:
        fresh = _fresh(state)
        return Ahead(lambda at: server.pull_raw(int(at), DEFAULT_PULL_LIMIT, fresh), start)

    ahead = ahead_from(cursor)
    try:
        while True:
            page = checked_reply(ahead.take(cursor))
            if (state.get("epoch") and page.epoch != state["epoch"]) or cursor > page.high_water:
                if restarted:
                    raise BadReply(_("The server's feed went backwards twice; try again later."))
                restarted = True
                result.notes.append(_("The server was restored from a backup; reloading the book."))
                _reset_pull(store, state, page.epoch)
                cursor = 0
                ahead.close()
                ahead = ahead_from(cursor)
                continue
            _check_order(page, cursor)
            done: dict[str, str | None] = {"cursor": str(page.cursor)}
            if not page.has_more and state.get("fresh_until"):
                done["fresh_until"] = None  # the first download is complete
            pulled.apply_pulled_page(
                store,
                page,
                pending_after=int(state["acked_through"]),
                state=done,
                bulk=bool(state.get("fresh_until")),
            )
            cursor = page.cursor
            state["cursor"] = str(cursor)
            if "fresh_until" in done:
                state.pop("fresh_until", None)
            result.pulled += page.count
            if page.has_more:
                folding = folding or Folding(store.path)
                folding.committed()
            if progress:
                progress("pull", result.pulled)
            if not page.has_more:
                return folding
    finally:
        ahead.close()


def _fresh(state: dict[str, str]) -> int | None:
    return int(state["fresh_until"]) if state.get("fresh_until") else None


def _check_order(page: PulledPage, cursor: int) -> None:
    """The page follows the cursor: its changes come after it, the last one is its cursor."""
    if page.cursor < cursor or (
        page.seqs is not None and (page.seqs[0] <= cursor or page.seqs[1] != page.cursor)
    ):
        raise BadReply(_("The server's feed is out of order; nothing of it was applied."))
