"""Talking to the sync server: requests, retries, and one exception per kind of failure.

Retries use tenacity: connection errors, timeouts, 5xx and 429 are retried with exponential
backoff and full jitter (capped), honouring Retry-After, within an overall deadline. Everything
the sync loop reacts to differently (401, 409 codes, 413, 422, 426) is its own exception and is
never retried here. A reply that does not parse as the protocol says is `BadReply`: nothing of
it is applied.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeVar
from urllib.parse import quote

import httpx
from pydantic import ValidationError
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from csm_tui import __version__
from csm_tui.errors import CsmError
from csm_tui.i18n import _
from csm_tui.store.pulled import PulledPage, PulledTable
from csm_tui.sync.protocol import (
    NEXT_CURSOR_HEADER,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SERVER_ID_HEADER,
    DeviceRequest,
    DeviceResponse,
    Me,
    PushRequest,
    PushResponse,
)
from csm_tui.sync.rows import (
    COLUMNS,
    ROW_MODELS,
    ROWS_PAGE,
    key_column,
    whole_page,
    wire_tuples,
)

T = TypeVar("T")
TIMEOUT = httpx.Timeout(10.0, connect=3.0)
MAX_BACKOFF = 300.0  # seconds: never wait longer than five minutes between attempts
SNAPSHOT_START = "0"
"""The position of a snapshot's first page."""


class SyncError(CsmError):
    """A sync step failed; the message is one sentence for the user."""


class Transient(SyncError):
    """Worth retrying: the network, a timeout, a busy or failing server."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Unauthorized(SyncError):
    """401: the token was refused. The outbox is kept; log in again."""


class Refused(SyncError):
    """The server refused the request as a whole (409, 410, 413, 422, 426…)."""

    def __init__(self, message: str, status: int, code: str, body: dict[str, Any]) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.body = body


class BadReply(SyncError):
    """The reply was not what the protocol says; nothing of it was applied."""


@dataclass
class RetryPolicy:
    """How hard to try: attempts, backoff base and cap, and the overall deadline (seconds) of
    a call, its retries and each request's own reading included."""

    attempts: int = 5
    base: float = 0.5
    cap: float = MAX_BACKOFF
    deadline: float = 120.0
    sleep: Callable[[float], None] = time.sleep


DEFAULT_POLICY = RetryPolicy()


class Server:
    """One server, one token: the protocol's calls, each retried by the policy."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.policy = policy or DEFAULT_POLICY
        self._token = token
        self._transport = transport
        self.client = self._new_client()
        self.requests = 0  # round trips made, for the summary and the benchmark
        self.server_id: str | None = None  # the database's identity, from the last reply

    def _new_client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            timeout=TIMEOUT,
            transport=self._transport or httpx.HTTPTransport(retries=1),
            headers={
                "Authorization": f"Bearer {self._token}",
                PROTOCOL_HEADER: str(PROTOCOL_VERSION),
                "User-Agent": f"csm-tui/{__version__}",
            },
        )

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the protocol ------------------------------------------------------------------------

    def me(self) -> Me:
        return self._call("GET", "/v1/me", _body(Me.model_validate_json))

    def register(self, request: DeviceRequest) -> DeviceResponse:
        return self._call(
            "POST",
            "/v1/devices",
            _body(DeviceResponse.model_validate_json),
            json=request.model_dump(),
        )

    def push(self, request: PushRequest) -> PushResponse:
        body = request.model_dump_json(exclude_none=True).encode("utf-8")
        return self._call(
            "POST",
            "/v1/sync/push",
            _body(PushResponse.model_validate_json),
            content=body,
            headers={"Content-Type": "application/json"},
        )

    def pull(self, cursor: int, limit: int, fresh_until: int | None) -> PulledPage:
        """A page of the feed after `cursor`, every row checked (see `checked_reply`)."""
        return checked_reply(self.pull_raw(cursor, limit, fresh_until))

    def pull_raw(self, cursor: int, limit: int, fresh_until: int | None) -> Reply:
        """The page as it came, with the next page's cursor the server named (for a fetcher
        thread that asks for the next page at once, without holding the GIL parsing)."""
        params: dict[str, int] = {"cursor": cursor, "limit": limit}
        if fresh_until:
            params["fresh_until"] = fresh_until
        return self._call("GET", "/v1/sync/rows", _reply, params=params)

    def snapshot_raw(self, position: str, limit: int) -> Reply:
        """A page of a first download's snapshot as it came (`position`: "0" for the first,
        then what each page names)."""
        params = {"snapshot": position, "limit": str(limit)}
        return self._call("GET", "/v1/sync/rows", _snapshot_reply, params=params)

    # -- one call, retried ---------------------------------------------------------------------

    def _call(
        self, method: str, path: str, parse: Callable[[httpx.Response], T], **kwargs: Any
    ) -> T:
        policy = self.policy
        started = time.monotonic()

        def stop(state: RetryCallState) -> bool:
            if stop_after_attempt(policy.attempts)(state):
                return True
            return time.monotonic() - started + _wait(state, policy) > policy.deadline

        retrying = Retrying(
            retry=retry_if_exception_type(Transient),
            stop=stop,
            wait=lambda state: _wait(state, policy),
            sleep=policy.sleep,
            reraise=True,
        )
        until = started + policy.deadline
        result: T = retrying(self._once, method, path, parse, until, **kwargs)
        return result

    def _once(
        self,
        method: str,
        path: str,
        parse: Callable[[httpx.Response], T],
        until: float,
        **kwargs: Any,
    ) -> T:
        self.requests += 1
        try:
            response = self._send(method, path, until, kwargs)
        except httpx.TimeoutException:
            raise Transient(
                _("The server {url} did not answer in time.").format(url=self.url)
            ) from None
        except httpx.TransportError as exc:
            raise Transient(
                _("Cannot reach the server {url} ({error}).").format(url=self.url, error=exc)
            ) from None
        self.server_id = response.headers.get(SERVER_ID_HEADER) or self.server_id
        if response.status_code >= 400:
            raise _failure(response, self.url)
        try:
            return parse(response)
        except (ValidationError, ValueError):
            raise BadReply(
                _(
                    "The server's reply to {path} could not be understood; nothing of it was used."
                ).format(path=path)
            ) from None

    def _send(self, method: str, path: str, until: float, kwargs: dict[str, Any]) -> httpx.Response:
        """One request, finished by `until` however slowly the server sends.

        httpx's timeouts apply to each read, so a server that trickles a byte at a time would
        hold a sync forever. The request runs on a daemon thread, and the body is read in
        chunks with the deadline checked between them; when the deadline passes first, the
        client (and its connection) is replaced, and the thread left to end on its own.
        """
        outcome: list[httpx.Response | BaseException] = []
        finished = threading.Event()
        client = self.client

        def run() -> None:
            try:
                with client.stream(method, path, **kwargs) as streamed:
                    chunks = []
                    for chunk in streamed.iter_bytes():
                        if time.monotonic() > until:
                            raise httpx.ReadTimeout("the whole-request deadline passed")
                        chunks.append(chunk)
                    outcome.append(
                        httpx.Response(
                            streamed.status_code,
                            headers=streamed.headers,
                            content=b"".join(chunks),
                            request=streamed.request,
                        )
                    )
            except BaseException as exc:  # handed to the caller's thread below
                outcome.append(exc)
            finally:
                finished.set()

        threading.Thread(target=run, name="csm-tui-request", daemon=True).start()
        if not finished.wait(max(0.0, until - time.monotonic())):
            self.client = self._new_client()
            threading.Thread(target=client.close, daemon=True).start()
            raise httpx.ReadTimeout("the whole-request deadline passed")
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result


def _body(parse: Callable[[bytes], T]) -> Callable[[httpx.Response], T]:
    return lambda response: parse(response.content)


class Reply(NamedTuple):
    """A page of the feed as it came: its body, unchecked, and the cursor the server named for
    the next page (`CSM-Next-Cursor`; None on the last page)."""

    body: bytes
    next_cursor: int | str | None


def _snapshot_reply(response: httpx.Response) -> Reply:
    named = response.headers.get(NEXT_CURSOR_HEADER)
    return Reply(response.content, named)


def _reply(response: httpx.Response) -> Reply:
    named = response.headers.get(NEXT_CURSOR_HEADER)
    if named is not None and not (named.isascii() and named.isdigit() and len(named) <= 16):
        raise ValueError(f"{NEXT_CURSOR_HEADER}: not a cursor")
    return Reply(response.content, None if named is None else int(named))


def _wait(state: RetryCallState, policy: RetryPolicy) -> float:
    """Full jitter (a random wait up to base·2ⁿ, capped), but never less than Retry-After."""
    ceiling = min(policy.cap, policy.base * 2 ** (state.attempt_number - 1))
    wait = random.uniform(0, ceiling)
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, Transient) and error.retry_after is not None:
        wait = max(wait, min(error.retry_after, policy.cap))
    return wait


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    if value.strip().isdigit():
        return float(value)
    if value:
        from email.utils import parsedate_to_datetime

        try:
            moment = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, moment.timestamp() - time.time())
    return None


def _failure(response: httpx.Response, url: str) -> SyncError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    status = response.status_code
    code = str(body.get("code", ""))
    said = str(body.get("message", "")).strip()
    if status == 401:
        return Unauthorized(
            _("The server refused the token; run `csm-tui login` again (unsent changes are kept).")
        )
    if status == 429 or status >= 500:
        busy = _("The server {url} is busy or failing (HTTP {status}).").format(
            url=url, status=status
        )
        return Transient(busy, _retry_after(response))
    if status == 426:
        return Refused(
            _("This csm-tui is too old for the server; please upgrade it."), 426, code, body
        )
    if code == "server_too_old":
        older = _(
            "The server {url} runs an older csm-tui than this one: ask whoever runs it to "
            "upgrade it (nothing was sent or received)."
        ).format(url=url)
        return Refused(older, status, code, body)
    message = said or _("The server refused the request (HTTP {status}).").format(status=status)
    return Refused(message, status, code or str(status), body)


def checked_reply(reply: Reply) -> PulledPage:
    """`checked_page`, and the next cursor the server named must be the page's own: the page
    that more follow ends at it, the last page names none. (A reply without the header, as
    from a proxy that drops it, is used all the same; only nothing was asked for ahead.)"""
    page = checked_page(reply.body)
    if reply.next_cursor is not None and reply.next_cursor != (
        page.cursor if page.has_more else None
    ):
        raise BadReply(_("The server's feed is out of order; nothing of it was applied."))
    return page


def checked_snapshot(reply: Reply, position: str) -> tuple[PulledPage, str | None]:
    """`checked_page` for a page of a snapshot asked for at `position`, and where the next
    page starts (None after the last): live rows only, none changed after the snapshot's
    sequence (its `cursor`, the one `position` names); the next position is after the page's
    last row (the server's `CSM-Next-Cursor` says so too, or is absent)."""
    page = checked_page(reply.body)
    at = page.cursor
    following = None
    if page.has_more and page.tables:
        table, columns, rows = page.tables[-1]
        last = rows[-1][columns.index(key_column(table))]
        following = f"{at}/{table}/{quote(str(last), safe='')}"
    if (
        page.deleted
        or (page.seqs is not None and page.seqs[1] > at)
        or (position != SNAPSHOT_START and not position.startswith(f"{at}/"))
        or (page.has_more and (following is None or following == position))
        or (reply.next_cursor is not None and reply.next_cursor != following)
    ):
        raise BadReply(_("The server's feed is out of order; nothing of it was applied."))
    return page, following


def checked_page(content: bytes) -> PulledPage:
    """`parse_rows_page`, any problem reported as `BadReply` (nothing of the page is used)."""
    try:
        return parse_rows_page(content)
    except (ValidationError, ValueError):
        raise BadReply(
            _(
                "The server's reply to {path} could not be understood; nothing of it was used."
            ).format(path="/v1/sync/rows")
        ) from None


def parse_rows_page(content: bytes) -> PulledPage:
    """A pulled page, every row checked against its table's columns and types (the order of
    its sequences is the caller's to check). Any problem raises (ValueError or
    ValidationError), and then nothing of the page is used."""
    try:  # the columns in the usual order: parsed and checked in one pass
        page = whole_page().validate_json(content)
        usual = all(tuple(group["columns"]) == COLUMNS[group["table"]] for group in page["tables"])
    except ValidationError:
        usual = False
    if not usual:
        page = ROWS_PAGE.validate_json(content)
    tables: list[PulledTable] = []
    seen: set[str] = set()
    seqs: list[int] = []
    for group in page["tables"]:
        table, columns = group["table"], tuple(group["columns"])
        if table not in ROW_MODELS or table in seen:
            raise ValueError(f"unknown or repeated table {table}")
        seen.add(table)
        rows = (
            group["rows"] if usual else wire_tuples(table, columns).validate_python(group["rows"])
        )
        if len(rows) != len(group["seqs"]):
            raise ValueError(f"{table}: as many sequences as rows are needed")
        if rows:
            tables.append(PulledTable(table, columns, rows))
            seqs += (min(group["seqs"]), max(group["seqs"]))
    deleted = []
    for gone in page["deleted"]:
        if gone["table"] not in ROW_MODELS:
            raise ValueError(f"unknown table {gone['table']}")
        deleted.append((gone["table"], gone["id"]))
        seqs.append(gone["seq"])
    return PulledPage(
        tables,
        deleted,
        (min(seqs), max(seqs)) if seqs else None,
        page["cursor"],
        page["has_more"],
        page["high_water"],
        page["epoch"],
    )
