"""A per-day rollup of the activities for the Effort screen (issue 17).

Grouping a quarter of a busy book (100,000 activities) by type and flags spent most of its time
sorting the rows (SQLite has no hash aggregate): 1.2 s of a 2.2 s Effort report under load.
`effort_days` holds, per UTC day, author, type and flags, how many activities and minutes there
are: a month or a quarter is then a few thousand small rows, and the hours of the period's first
and last day that its local midnights cut off are read from the activities themselves.

It is derived data, like an index: kept by triggers in the same transaction as every change to
an activity (a form, the CLI, an import, a pulled page: whatever writes the table), never
journaled or synced, rebuilt from the activities when missing. `recursive_triggers` is on for
every connection (store.connection): a pulled page's `INSERT OR REPLACE` removes the old row
through the delete trigger. A test checks it always equals the raw sums.
"""

from __future__ import annotations

import sqlite3

KEY = "author_email, day, type, proactive, recurring, many"
_OLD = (
    "OLD.author_email, substr(OLD.occurred_at, 1, 10), OLD.type, OLD.proactive, OLD.recurring, "
    "OLD.account_id IS NULL"
)
_NEW = _OLD.replace("OLD.", "NEW.")
_MATCH_OLD = (
    "author_email = OLD.author_email AND day = substr(OLD.occurred_at, 1, 10) "
    "AND type = OLD.type AND proactive = OLD.proactive AND recurring = OLD.recurring "
    "AND many = (OLD.account_id IS NULL)"
)
_ADD = (
    f"INSERT INTO effort_days ({KEY}, n, minutes) VALUES ({_NEW}, 1, NEW.minutes) "
    f"ON CONFLICT ({KEY}) DO UPDATE SET n = n + 1, minutes = minutes + excluded.minutes;"
)
_REMOVE = (
    f"UPDATE effort_days SET n = n - 1, minutes = minutes - OLD.minutes WHERE {_MATCH_OLD}; "
    f"DELETE FROM effort_days WHERE {_MATCH_OLD} AND n <= 0;"
)
_WATCHED = "author_email, occurred_at, type, proactive, recurring, account_id, minutes"

_FILL = f"""INSERT INTO effort_days ({KEY}, n, minutes)
    SELECT author_email, substr(occurred_at, 1, 10), type, proactive, recurring,
           account_id IS NULL, count(*), sum(minutes)
    FROM activities GROUP BY 1, 2, 3, 4, 5, 6"""
TRIGGERS = ("effort_days_insert", "effort_days_delete", "effort_days_update")

SCHEMA = f"""
CREATE TABLE effort_days (
    author_email TEXT NOT NULL,
    day TEXT NOT NULL,
    type TEXT NOT NULL,
    proactive INTEGER NOT NULL,
    recurring INTEGER NOT NULL,
    many INTEGER NOT NULL,
    n INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    PRIMARY KEY (day, author_email, type, proactive, recurring, many)
) WITHOUT ROWID;
{_FILL};
CREATE TRIGGER effort_days_insert AFTER INSERT ON activities BEGIN {_ADD} END;
CREATE TRIGGER effort_days_delete AFTER DELETE ON activities BEGIN {_REMOVE} END;
CREATE TRIGGER effort_days_update AFTER UPDATE OF {_WATCHED} ON activities
BEGIN {_REMOVE} {_ADD} END;
"""


def ensure_rollup(conn: sqlite3.Connection) -> None:
    """Create and fill the rollup and its triggers if the book has none yet (once per book)."""
    found = conn.execute(
        "SELECT count(*) FROM sqlite_master WHERE name IN ('effort_days', 'effort_days_insert', "
        "'effort_days_delete', 'effort_days_update')"
    ).fetchone()[0]
    if found == 4:
        return
    conn.executescript(
        "BEGIN IMMEDIATE;\n"
        "DROP TABLE IF EXISTS effort_days;\n"
        "DROP TRIGGER IF EXISTS effort_days_insert;\n"
        "DROP TRIGGER IF EXISTS effort_days_delete;\n"
        "DROP TRIGGER IF EXISTS effort_days_update;\n"
        f"{SCHEMA}\nCOMMIT;"
    )


def first_whole_day(moment: str) -> str:
    """The first UTC day starting at or after `moment` (an ISO text in UTC)."""
    from datetime import date, timedelta

    day = moment[:10]
    if moment[11:19] in ("", "00:00:00"):
        return day
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def split(lo: str, hi: str) -> tuple[str, str] | None:
    """The whole UTC days [d0, d1) within [lo, hi), or None when there are none: then the
    range is read from the activities alone. Around them, [lo, d0) and [d1, hi)."""
    d0, d1 = first_whole_day(lo), hi[:10]
    return (d0, d1) if d0 < d1 else None


def midnight(day: str) -> str:
    """A day's start as the activities store their times."""
    return f"{day}T00:00:00+00:00"


def suspend_triggers(conn: sqlite3.Connection) -> list[str]:
    """Inside a transaction: drop the rollup's triggers for a large first download (one small
    UPSERT per pulled activity doubled the CPU of writing it), returning their statements for
    `resume_triggers`. The table stays, so the Effort screen still opens meanwhile."""
    found = conn.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
        f"AND name IN ({', '.join('?' * len(TRIGGERS))}) ORDER BY name",
        TRIGGERS,
    ).fetchall()
    for name, _sql in found:
        conn.execute(f'DROP TRIGGER "{name}"')
    return [str(sql) for _name, sql in found]


def resume_triggers(conn: sqlite3.Connection, statements: list[str]) -> None:
    """Inside a transaction: count the rollup again from the activities (once, grouped), then
    put its triggers back; what was written while they were off is counted with the rest."""
    conn.execute("DELETE FROM effort_days")
    conn.execute(_FILL)
    for sql in statements:
        conn.execute(sql.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1))


def is_rollup_trigger(sql: str) -> bool:
    return sql.lstrip().upper().startswith("CREATE TRIGGER") and "effort_days" in sql
