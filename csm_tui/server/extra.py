"""Whether the `server` extra is installed (checked without importing it: no start-up cost)."""

from __future__ import annotations

from importlib.util import find_spec

SERVER_PACKAGES = ("fastapi", "uvicorn", "sqlalchemy", "alembic")  # psycopg: only for PostgreSQL
# every top-level module of the extra: a command that fails to import one of them names the extra
EXTRA_MODULES = frozenset({*SERVER_PACKAGES, "starlette", "psycopg", "cryptography", "mako"})


def missing_server_packages() -> list[str]:
    """The server extra's packages that cannot be imported, in the extra's order."""
    return [name for name in SERVER_PACKAGES if find_spec(name) is None]
