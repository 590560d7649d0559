"""Liveness and readiness, for a load balancer, Docker, Kubernetes or systemd (no token needed).

`GET /v1/health` says the process answers (it never touches the database: a database outage
must not get a healthy process restarted). `GET /v1/ready` says it can serve: it reads the
database, and answers 503 with Retry-After while it cannot (the error is logged).
"""

from __future__ import annotations

from typing import Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError

from csm_tui import __version__
from csm_tui.server import logs
from csm_tui.server.db import reading
from csm_tui.server.schema import meta

READY_RETRY_AFTER_SECONDS = 5


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    version: str
    database: str
    schema_version: int


def check_database(engine: Engine) -> int:
    """The stored schema version (raises SQLAlchemyError when the database cannot be read)."""
    with reading(engine) as conn:
        stored = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
    if stored is None:
        raise LookupError("the database has no schema version")
    return int(stored)


def add_health_routes(app: FastAPI) -> None:
    """`/v1/health` and `/v1/ready` (the database is `app.state.engine`)."""

    @app.get("/v1/health", response_model=Health, tags=["server"])
    def health() -> Health:
        """Whether the process answers (liveness; the database is not consulted)."""
        return Health(version=__version__)

    @app.get(
        "/v1/ready",
        response_model=Ready,
        responses={503: {"description": "The database cannot be read."}},
        tags=["server"],
    )
    def ready(request: Request) -> Ready | JSONResponse:
        """Whether the server can serve requests: its database answers (readiness)."""
        engine: Engine = request.app.state.engine
        try:
            schema_version = check_database(engine)
        except (SQLAlchemyError, LookupError) as exc:
            logs.database_error(exc, request.scope)
            return JSONResponse(
                {
                    "status": "unavailable",
                    "code": "unavailable",
                    "message": "The server's database is not available.",
                },
                status_code=503,
                headers={"Retry-After": str(READY_RETRY_AFTER_SECONDS)},
            )
        return Ready(
            version=__version__, database=engine.dialect.name, schema_version=schema_version
        )
