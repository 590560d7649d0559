"""Server databases for tests: a fresh SQLite file, or a fresh schema in a real PostgreSQL.

PostgreSQL comes from `CSM_TUI_TEST_POSTGRES` (a URL; `.ci/run` starts one and sets it). Without
it the PostgreSQL cases are skipped locally, but fail under CI=true: the CI must test both.
Shared by tests/server and tests/sync (imported by both conftests).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

POSTGRES_ENV = "CSM_TUI_TEST_POSTGRES"
BACKENDS = ["sqlite", "postgresql"]


def postgres_url() -> str | None:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"CI must test the server on PostgreSQL: set {POSTGRES_ENV} (see .ci/run).")
    pytest.skip(f"PostgreSQL tests need {POSTGRES_ENV}=postgresql://USER:PASSWORD@HOST/DB")
    return None


@pytest.fixture(params=BACKENDS)
def server_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for a fresh, empty server: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.db'}"
        return
    base = postgres_url()
    assert base is not None
    yield from fresh_schema(base)


def fresh_schema(base: str) -> Iterator[str]:
    """A URL whose tables live in a new schema, dropped afterwards."""
    from sqlalchemy import create_engine, text

    from csm_tui.server.db import normalise_url

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in base else "?"
    try:
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def engine_for(url: str) -> Any:
    from csm_tui.server.db import init_database, open_engine

    engine = open_engine(url)
    init_database(engine)
    return engine
