"""The server's logs: one line per request, in JSON or text, and uvicorn's own lines alike.

An access line carries the request id (the client's `X-Request-ID` when it is a sane one, else a
new one; sent back in the response), the user (the token's e-mail, once known), the method, the
route (its template: `/v1/history/{table}/{row_id}`), the status and the duration. Never a
header, a query string or a body: no token and no note text reach the logs. Database errors are
logged with their kind and first line only (the statement's parameters may hold a note).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LogFormat = Literal["json", "text"]
LOG_FORMATS: tuple[LogFormat, ...] = ("json", "text")
LOG_LEVELS = ("debug", "info", "warning", "error")
REQUEST_ID_HEADER = "X-Request-ID"
ACCESS_LOGGER = "csm_tui.server.access"
SERVER_LOGGER = "csm_tui.server"
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
# what an access line or an error line may carry besides its message
_FIELDS = ("request_id", "user", "method", "route", "status", "duration_ms", "client", "error")

access_log = logging.getLogger(ACCESS_LOGGER)
server_log = logging.getLogger(SERVER_LOGGER)


def _time(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in _FIELDS if hasattr(record, name)}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, then the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _time(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **_fields(record),
        }
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """`2026-12-07T21:30:00.123Z INFO  message key=value …` for a person reading a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        extra = " ".join(f"{key}={value}" for key, value in _fields(record).items())
        line = f"{_time(record)} {record.levelname:<7} {record.getMessage()}"
        if extra:
            line = f"{line} {extra}"
        if record.exc_info and record.exc_info[0] is not None:
            line = f"{line}\n{self.formatException(record.exc_info)}"
        return line


def log_config(log_format: LogFormat = "text", level: str = "info") -> dict[str, Any]:
    """A `logging.config.dictConfig` for uvicorn's `log_config`: every worker applies it, so
    uvicorn's lines and the server's share one form on stderr."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    name = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"line": {"()": f"{__name__}.{formatter.__name__}"}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "line",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": name, "propagate": False},
            "uvicorn.error": {"level": name},
            # replaced by the server's own access lines (with the request id, user and duration)
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            SERVER_LOGGER: {"handlers": ["stderr"], "level": name, "propagate": False},
        },
    }


def set_user(scope: Scope, email: str) -> None:
    """Name the token's user in this request's access line."""
    scope.setdefault("state", {})["csm_user"] = email


def database_error(exc: BaseException, scope: Scope | None = None) -> None:
    """Log a database error: its kind and first line, never the statement's parameters."""
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    fields: dict[str, Any] = {"error": type(orig).__name__}
    if scope is not None:
        fields["request_id"] = scope.get("state", {}).get("csm_request_id")
        fields["route"] = _route(scope)
    server_log.error("database error: %s", lines[0] if lines else "", extra=fields)


def _route(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    return "(no route)" if scope.get("endpoint") is None else str(scope.get("path", ""))


class AccessLog:
    """ASGI middleware: a request id for every request, and one access line when it ends."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope["headers"]).get(REQUEST_ID_HEADER.lower().encode(), b"")
        text = given.decode("latin-1")
        request_id = text if _SANE_ID.fullmatch(text) else uuid.uuid4().hex
        state = scope.setdefault("state", {})
        state["csm_request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.lower().encode(), request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            client = scope.get("client")
            access_log.info(
                "%s %s %d",
                scope.get("method", ""),
                _route(scope),
                status,
                extra={
                    "request_id": request_id,
                    "user": state.get("csm_user"),
                    "method": scope.get("method", ""),
                    "route": _route(scope),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "client": client[0] if client else None,
                },
            )


def startup_line(message: str, log_format: LogFormat) -> str:
    """A line printed before logging is set up, in the form of the lines that follow."""
    record = logging.LogRecord(SERVER_LOGGER, logging.INFO, __file__, 0, message, None, None)
    return (JsonFormatter() if log_format == "json" else TextFormatter()).format(record)
