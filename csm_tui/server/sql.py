"""Statements on the hot path (push, pull), run as driver SQL.

SQLAlchemy compiles and caches a Core statement on every execution; for the few statements a
push runs per mutation that costs ten times the query itself (measured: ~0.3 ms against
~0.05 ms on SQLite). These statements are plain SQL both databases accept, written once with
`:name` parameters and translated to psycopg's `%(name)s`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]]


class Sql:
    def __init__(self, text: str) -> None:
        self.text = " ".join(text.split())
        # a parameter follows a space, bracket, comma or operator: never `::cast` or `"key":`
        self.pyformat = re.sub(r"(?<![:\w\"'])\:(\w+)", r"%(\1)s", self.text)

    def run(self, conn: Connection, params: Params | None = None) -> Any:
        """The driver's result (a `CursorResult`: rows by position or column name)."""
        statement = self.pyformat if conn.dialect.name == "postgresql" else self.text
        if params is None:
            return conn.exec_driver_sql(statement)
        if isinstance(params, Sequence) and not params:
            raise ValueError("no rows to execute")
        return conn.exec_driver_sql(statement, params)


def cache(conn: Connection) -> dict[Any, Any]:
    """Per-transaction memo (who owns an account, who reads it); `db.writing` clears it."""
    found: dict[Any, Any] = conn.info.setdefault("csm_cache", {})
    return found
