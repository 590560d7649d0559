"""The HTTP API under /v1 (FastAPI): bearer tokens, JSON errors, a body size limit.

Every error is `{"code": ..., "message": ...}` with one sentence. An account that is not yours
answers 404 exactly like one that does not exist. Database trouble answers 503 with Retry-After,
never 500, so clients retry instead of giving up.
"""

from __future__ import annotations

import os
from typing import Annotated, Any
from urllib.parse import unquote

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from csm_tui import __version__
from csm_tui.clock import Clock, SystemClock, iso_now
from csm_tui.server import feed, logs, pages
from csm_tui.server.apply import current_change
from csm_tui.server.db import DATABASE_ENV, init_database, open_engine, read_meta, reading
from csm_tui.server.feed import ApiError
from csm_tui.server.health import add_health_routes
from csm_tui.server.records import User
from csm_tui.server.users import authenticate
from csm_tui.sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MAX_BODY_BYTES,
    MAX_PULL_LIMIT,
    MAX_SEQ,
    MIN_PROTOCOL_VERSION,
    NEXT_CURSOR_HEADER,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    SERVER_ID_HEADER,
    USER_HEADER,
    Change,
    DeviceRequest,
    DeviceResponse,
    ErrorBody,
    HistoryEntry,
    Me,
    PullResponse,
    PushRequest,
    PushResponse,
    RowKey,
    RowsPage,
    TableName,
)
from csm_tui.sync.rows import ROW_MODELS, Id

RETRY_AFTER_SECONDS = 2
_bearer = HTTPBearer(auto_error=False, description="The API token from `csm-tui server add-user`.")
_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (400, 401, 404, 409, 413, 422, 426, 503)
}


def error(
    status: int,
    code: str,
    message: str,
    last_seq: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if last_seq is not None:
        body["last_seq"] = last_seq
    return JSONResponse(body, status_code=status, headers=headers)


class BodyTooLarge(HTTPException):
    def __init__(self) -> None:
        super().__init__(413, f"The request body is larger than {MAX_BODY_BYTES} bytes.")


class BodyLimit:
    """Refuse bodies over the limit, whether announced by Content-Length or streamed."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            response = error(413, "too_large", BodyTooLarge().detail)
            await response(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge()
            return message

        await self.app(scope, limited, send)


class ServerIdHeader:
    """Name the server database on every reply (`CSM-Server-Id`), errors included."""

    def __init__(self, app: ASGIApp, server_id: str) -> None:
        self.app = app
        self.header = (SERVER_ID_HEADER.lower().encode(), server_id.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), self.header]}
            await send(message)

        await self.app(scope, receive, named)


def current_user(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The token's user; 401 without a valid token."""
    _check_protocol(request)
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiError(401, "unauthorized", "An API token is needed (Authorization: Bearer).")
    with reading(request.app.state.engine) as conn:
        user = authenticate(conn, credentials.credentials)
    if user is None:
        raise ApiError(401, "unauthorized", "The API token is not valid (revoked or mistyped).")
    logs.set_user(request.scope, user.email)
    expected = request.headers.get(USER_HEADER)
    if expected is not None and unquote(expected).strip().lower() != user.email:
        # a book's sync with the token of another book's user (issue 19.4): nothing happens
        raise ApiError(409, "wrong_user", f"This token is {user.email}'s, not the book's user's.")
    return user


Authed = Annotated[User, Depends(current_user)]
# the page parameters of /v1/sync/pull and /v1/sync/rows
Cursor = Annotated[int, Query(ge=0, le=MAX_SEQ)]
Limit = Annotated[int, Query(ge=1, le=MAX_PULL_LIMIT)]
FreshUntil = Annotated[int | None, Query(ge=0, le=MAX_SEQ)]
Snapshot = Annotated[
    str | None,
    Query(
        max_length=1100,
        pattern=rf"^(0|[0-9]{{1,16}}/({'|'.join(ROW_MODELS)})/.+)$",
        description="0 for a snapshot's first page, then the position the page before named",
    ),
]


def create_app(
    database_url: str | None = None, *, engine: Engine | None = None, clock: Clock | None = None
) -> FastAPI:
    """The API over one database (created if needed)."""
    engine = engine or open_engine(database_url)
    init_database(engine)
    with reading(engine) as conn:
        server_id = read_meta(conn, "server_id")
    clock = clock or SystemClock()
    app = FastAPI(
        title="csm-tui team sync",
        version=__version__,
        description="Pull and push a CSM's book of business. Every endpoint but /v1/health and "
        "/v1/ready needs `Authorization: Bearer TOKEN`.",
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
    )
    app.state.engine = engine
    app.add_middleware(BodyLimit)
    app.add_middleware(ServerIdHeader, server_id=server_id)
    app.add_middleware(logs.AccessLog)  # outermost: it times and names every request
    _handlers(app)
    add_health_routes(app)

    @app.get("/v1/me", response_model=Me, responses=_ERRORS, tags=["users"])
    def me(user: Authed) -> Me:
        """Who the token belongs to."""
        return Me(email=user.email, name=user.name, is_admin=user.is_admin)

    @app.post("/v1/devices", response_model=DeviceResponse, responses=_ERRORS, tags=["sync"])
    def devices(body: DeviceRequest, user: Authed) -> DeviceResponse:
        """Register a device (a client database) before its first push; idempotent."""
        return feed.register_device(engine, user, body, iso_now(clock))

    @app.post("/v1/sync/push", response_model=PushResponse, responses=_ERRORS, tags=["sync"])
    def push(body: PushRequest, user: Authed) -> PushResponse:
        """Apply a batch of journal entries, each exactly once (a replay returns `duplicate`)."""
        return feed.push(engine, user, body, iso_now(clock))

    @app.get("/v1/sync/pull", response_model=PullResponse, responses=_ERRORS, tags=["sync"])
    def pull(
        user: Authed,
        cursor: Cursor = 0,
        limit: Limit = DEFAULT_PULL_LIMIT,
        fresh_until: FreshUntil = None,
    ) -> Response:
        """The rows you may see that changed after `cursor`, oldest change first, with
        tombstones for deletions and for accounts that are no longer yours."""
        body = pages.pull_json(engine, user, cursor, limit, fresh_until)
        return Response(body, media_type="application/json")

    @app.get("/v1/sync/rows", response_model=RowsPage, responses=_ERRORS, tags=["sync"])
    def rows(
        user: Authed,
        cursor: Cursor = 0,
        limit: Limit = DEFAULT_PULL_LIMIT,
        fresh_until: FreshUntil = None,
        snapshot: Snapshot = None,
    ) -> Response:
        """The same page as `/v1/sync/pull` as rows per table: each table's columns once, then
        each row's values in that order with the sequence of its change. When more follow,
        the `CSM-Next-Cursor` header names where the next page starts (protocol 3).

        `snapshot` (instead of `cursor`): a new device's first download, the live rows you may
        see at one sequence, table by table in the order of their ids; `0` for the first
        page, then what each page names; the last page's `cursor` is where the feed goes on."""
        if snapshot is None:
            reply = pages.pull_rows_json(engine, user, cursor, limit, fresh_until)
        else:
            try:
                reply = pages.snapshot_rows_json(engine, user, snapshot, limit)
            except ValueError:
                raise ApiError(
                    422, "invalid_request", "snapshot: not a snapshot position"
                ) from None
        named = {} if reply.next_cursor is None else {NEXT_CURSOR_HEADER: str(reply.next_cursor)}
        return Response(reply.body, media_type="application/json", headers=named)

    @app.get(
        "/v1/accounts/{account_id}", response_model=Change, responses=_ERRORS, tags=["records"]
    )
    def account(account_id: Annotated[Id, Path()], user: Authed) -> Change:
        """One of your accounts (404 for any other)."""
        with reading(engine) as conn:
            change = current_change(conn, user, "accounts", account_id)
        if change.deleted:
            raise ApiError(404, "not_found", "There is no such account.")
        return change

    @app.get(
        "/v1/history/{table}/{row_id}",
        response_model=list[HistoryEntry],
        responses=_ERRORS,
        tags=["records"],
    )
    def history(
        table: Annotated[TableName, Path()],
        row_id: Annotated[RowKey, Path()],
        user: Authed,
    ) -> list[HistoryEntry]:
        """Every change pushed for a record you may see, in server order (both of two
        competing checklist ticks, for example)."""
        if table not in ROW_MODELS or table == "users":
            raise ApiError(404, "not_found", "There is no such record.")
        return feed.history(engine, user, table, row_id)

    return app


def _check_protocol(request: Request) -> None:
    raw = request.headers.get(PROTOCOL_HEADER)
    if raw is None:
        return
    if not raw.isdigit() or len(raw) > 6:
        raise ApiError(400, "bad_protocol", f"The {PROTOCOL_HEADER} header must be a number.")
    if int(raw) < MIN_PROTOCOL_VERSION:
        raise ApiError(
            426,
            "client_too_old",
            f"This csm-tui speaks sync protocol {int(raw)}, the server {MIN_PROTOCOL_VERSION} "
            f"to {PROTOCOL_VERSION}: please upgrade csm-tui.",
        )
    if int(raw) > PROTOCOL_VERSION:
        raise ApiError(
            400, "server_too_old", "The server is older than this csm-tui; ask to upgrade it."
        )


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    def _api_error(_request: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
        return error(exc.status, exc.code, exc.message, exc.last_seq, headers)

    @app.exception_handler(RequestValidationError)
    def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(part) for part in first.get("loc", ()))
        return error(422, "invalid_request", f"{where}: {first.get('msg')}".strip(": "))

    @app.exception_handler(HTTPException)
    def _http(_request: Request, exc: HTTPException) -> JSONResponse:
        codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large"}
        code = codes.get(exc.status_code, "error")
        return error(exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {}))

    @app.exception_handler(DBAPIError)
    def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        logs.database_error(exc, request.scope)
        return error(
            503,
            "unavailable",
            "The server's database is not available; try again shortly.",
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )


def app_from_env() -> FastAPI:
    """For `uvicorn --factory` with several workers: the database comes from the environment."""
    return create_app(os.environ.get(DATABASE_ENV))
