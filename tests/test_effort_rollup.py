"""The Effort rollup (issue 17) always equals the raw sums of the activities: after the
journaled writes of the app and the CLI, edits, deletions, an account removed with its work,
and the writes of a pulled page (INSERT OR REPLACE, and an upsert)."""

from __future__ import annotations

import json
import random
from pathlib import Path

from csm_tui.store.connection import Store, open_store

RAW = (
    "SELECT author_email, substr(occurred_at, 1, 10), type, proactive, recurring, "
    "account_id IS NULL, count(*), sum(minutes) FROM activities GROUP BY 1, 2, 3, 4, 5, 6"
)
STAMPS = {"created_at": "2026-11-01T00:00:00+00:00", "updated_at": "2026-11-01T00:00:00+00:00"}
ROLLUP = (
    "SELECT author_email, day, type, proactive, recurring, many, n, minutes FROM effort_days "
    "ORDER BY author_email, day, type, proactive, recurring, many"
)


def _same(store: Store) -> None:
    raw = sorted(tuple(row) for row in store.query(RAW))
    assert [tuple(row) for row in store.query(ROLLUP)] == raw


def _activity(rng: random.Random, i: int, account: str | None) -> dict[str, object]:
    many = account is None
    return {
        "id": f"act{i}",
        "account_id": account,
        "author_email": rng.choice(["aoi@example.com", "ken@example.com"]),
        "type": rng.choice(["call", "email", "meeting"]),
        "minutes": rng.randint(1, 120),
        "occurred_at": f"2026-11-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:15:00+00:00",
        "proactive": rng.randint(0, 1),
        "recurring": rng.randint(0, 1),
        "outcome": "none",
        "note": "",
        "checklist_item_id": None,
        "audience": "none" if many else "account",
        "created_at": "2026-11-01T00:00:00+00:00",
        "updated_at": "2026-11-01T00:00:00+00:00",
    }


def test_the_rollup_follows_every_write(tmp_path: Path) -> None:
    rng = random.Random(7)
    with open_store(tmp_path / "book.db") as store:
        columns = {row[1] for row in store.query("PRAGMA table_info(activities)")}
        with store.transaction() as tx:
            for account in ("a1", "a2", "a3"):
                tx.insert("accounts", {"id": account, "name": account.upper(), **STAMPS})
            for i in range(60):
                row = _activity(rng, i, rng.choice(["a1", "a2", "a3", None]))
                tx.insert("activities", {k: v for k, v in row.items() if k in columns})
        _same(store)
        with store.transaction() as tx:  # edits of every watched column
            for i in range(0, 60, 3):
                tx.update(
                    "activities",
                    f"act{i}",
                    {
                        "minutes": rng.randint(1, 200),
                        "type": "chat",
                        "occurred_at": "2026-12-01T09:00:00+00:00",
                        "proactive": 1,
                    },
                )
            tx.update("activities", "act1", {"author_email": "emi@example.com"})
            tx.update("activities", "act2", {"note": "only the note"})  # not watched
            for i in range(4, 60, 7):
                tx.delete("activities", f"act{i}")
        _same(store)
        # a pulled page: whole rows replaced, an upsert, a removal, as store/pulled.py writes
        pulled = {k: v for k, v in _activity(rng, 5, "a2").items() if k in columns}
        pulled["minutes"] = 999
        names = list(pulled)
        marks = ", ".join("?" * len(names))
        store.conn.execute(
            f"INSERT OR REPLACE INTO activities ({', '.join(names)}) VALUES ({marks})",
            list(pulled.values()),
        )
        pulled["id"], pulled["minutes"] = "act6", 7
        store.conn.execute(
            f"INSERT INTO activities ({', '.join(names)}) VALUES ({marks}) "
            "ON CONFLICT (id) DO UPDATE SET minutes = excluded.minutes, type = 'email'",
            list(pulled.values()),
        )
        store.conn.execute("DELETE FROM activities WHERE id = 'act8'")
        store.conn.commit()
        _same(store)
        with store.transaction() as tx:  # an account removed with its work
            tx.delete("accounts", "a1")
        _same(store)
        assert store.query_one("SELECT count(*) FROM effort_days WHERE n <= 0")[0] == 0  # type: ignore[index]


def test_a_book_without_the_rollup_gets_it_filled(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    rng = random.Random(3)
    with open_store(path) as store:
        columns = {row[1] for row in store.query("PRAGMA table_info(activities)")}
        with store.transaction() as tx:
            tx.insert("accounts", {"id": "a1", "name": "A", **STAMPS})
            for i in range(20):
                row = _activity(rng, i, "a1")
                tx.insert("activities", {k: v for k, v in row.items() if k in columns})
        store.conn.executescript("DROP TABLE effort_days; DROP TRIGGER effort_days_insert;")
    with open_store(path) as store:
        _same(store)
        assert json.loads(json.dumps(store.query_one("SELECT count(*) FROM effort_days")[0]))  # type: ignore[index]


def test_mix_and_buckets_read_through_the_rollup_equal_the_raw_sums(tmp_path: Path) -> None:
    """Periods cut at any hour (a local midnight in Tokyo or New York): whole days from the
    rollup, the rest from the activities, the same figures as grouping the activities."""
    from csm_tui.store import effort

    rng = random.Random(11)
    with open_store(tmp_path / "book.db") as store:
        columns = {row[1] for row in store.query("PRAGMA table_info(activities)")}
        with store.transaction() as tx:
            tx.insert("accounts", {"id": "a1", "name": "A", **STAMPS})
            for i in range(300):
                row = _activity(rng, i, rng.choice(["a1", None]))
                tx.insert("activities", {k: v for k, v in row.items() if k in columns})
        for _ in range(40):
            first, last = sorted(rng.sample(range(1, 29), 2))
            lo = f"2026-11-{first:02d}T{rng.choice([0, 9, 15]):02d}:00:00+00:00"
            hi = f"2026-11-{last:02d}T{rng.choice([0, 5, 15]):02d}:00:00+00:00"
            author = rng.choice([None, "aoi@example.com"])
            scope = effort.Scope(lo, hi, author)
            who = "" if author is None else f" AND author_email = '{author}'"
            raw = store.query(
                "SELECT type, proactive, recurring, count(*), sum(minutes), account_id IS NULL "
                f"FROM activities WHERE occurred_at >= ? AND occurred_at < ?{who} "
                "GROUP BY 1, 2, 3, 6",
                (lo, hi),
            )
            expected = [
                effort.Mix(r[0], bool(r[1]), bool(r[2]), r[3], r[4], bool(r[5])) for r in raw
            ]
            assert sorted(effort.mix(store, scope), key=repr) == sorted(expected, key=repr)
            middle = f"2026-11-{first + (last - first) // 2:02d}T12:00:00+00:00"
            buckets = effort.per_bucket(store, [lo, middle, hi], author)
            for (count, minutes), (a, b) in zip(buckets, [(lo, middle), (middle, hi)], strict=True):
                raw_sum = store.query_one(
                    "SELECT count(*), coalesce(sum(minutes), 0) FROM activities "
                    f"WHERE occurred_at >= ? AND occurred_at < ?{who}",
                    (a, b),
                )
                assert raw_sum is not None and (count, minutes) == (raw_sum[0], raw_sum[1])


def _triggers(store: Store) -> int:
    row = store.query_one("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
    return int(row[0]) if row else 0


def test_a_first_download_puts_the_triggers_aside_and_counts_once_at_its_end(
    tmp_path: Path,
) -> None:
    """The rollup's triggers go with the dropped indexes (a pulled activity costs one INSERT,
    not two writes); rows written meanwhile, pulled or saved, are all counted at the end."""
    from csm_tui.store import bulk

    path = tmp_path / "book.db"
    rng = random.Random(5)
    with open_store(path) as store:
        columns = {row[1] for row in store.query("PRAGMA table_info(activities)")}
        with store.transaction() as tx:
            tx.insert("accounts", {"id": "a1", "name": "A", **STAMPS})
            tx.insert(
                "activities", {k: v for k, v in _activity(rng, 0, "a1").items() if k in columns}
            )
        with store.conn:  # the first page of a large download
            bulk.drop_secondary_indexes(store.conn, frozenset({"activities"}))
        assert _triggers(store) == 0
        pulled = [
            {k: v for k, v in _activity(rng, i, "a1").items() if k in columns} for i in range(1, 30)
        ]
        names = list(pulled[0])
        with store.conn:
            store.conn.executemany(
                f"INSERT OR REPLACE INTO activities ({', '.join(names)}) "
                f"VALUES ({', '.join('?' * len(names))})",
                [list(row.values()) for row in pulled],
            )
        with store.transaction() as tx:  # the user saves meanwhile
            tx.insert(
                "activities", {k: v for k, v in _activity(rng, 40, None).items() if k in columns}
            )
    with open_store(path) as store:  # killed: the next open puts everything back
        assert _triggers(store) == 3
        _same(store)
        with store.transaction() as tx:  # and the triggers follow writes again
            tx.update("activities", "act3", {"minutes": 500})
        _same(store)
        with store.conn:  # a download that ends normally does the same on its last page
            bulk.drop_secondary_indexes(store.conn, frozenset({"activities"}))
        store.conn.execute("DELETE FROM activities WHERE id = 'act7'")
        store.conn.commit()
        with store.conn:
            assert bulk.restore_indexes(store.conn)
        assert _triggers(store) == 3
        _same(store)
