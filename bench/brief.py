"""The coverage brief of an account with 10,000 activities: median and p95 against the 50 ms target.

    .venv/bin/python bench/brief.py [--activities 10000] [--runs 50] [--db PATH]

Builds one account in a fresh file (temporary unless --db is given): the default roadmap, 24
health snapshots, 8 contacts, 10 handoff notes (3 with a second version) and the activities, in
one year. Then times what the Handoff tab and `csm-tui handoff export` do: `build_brief` (as the
app calls it, loading the roadmap templates too) and `brief_markdown`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from csm_tui.clock import FixedClock  # noqa: E402
from csm_tui.models.account import Account, Stage  # noqa: E402
from csm_tui.models.contact import Contact  # noqa: E402
from csm_tui.models.handoff import Commitment  # noqa: E402
from csm_tui.models.owner import OwnerAssignment, Role  # noqa: E402
from csm_tui.services.accounts import add_contact, add_owner, create_account  # noqa: E402
from csm_tui.services.brief import brief_markdown, build_brief  # noqa: E402
from csm_tui.services.checklist import apply_template  # noqa: E402
from csm_tui.services.handoff import NoteFields, edit_note, write_note  # noqa: E402
from csm_tui.services.identity import set_me, upsert_user  # noqa: E402
from csm_tui.services.roadmap_templates import built_in_templates  # noqa: E402
from csm_tui.store.connection import Store, open_store  # noqa: E402
from csm_tui.store.journal import insert_many  # noqa: E402

TARGET_MS = 50.0
NOW = datetime(2026, 11, 27, 9, tzinfo=UTC)
ME = "aoi.tanaka@example.com"
KEN = "ken.sato@example.com"
KINDS = ("call", "meeting", "email", "chat", "inquiry", "training", "internal", "other")
OUTCOMES = ("resolved", "follow_up", "risk_found", "expansion", "none")


def build(store: Store, activities: int) -> str:
    rng = Random(5)
    set_me(store, "Aoi Tanaka", ME)
    with store.transaction() as tx:
        upsert_user(tx, KEN, "Ken Sato")
    account = create_account(
        store,
        Account(
            name="株式会社サクラ精機",
            segment="Enterprise",
            renewal_date=NOW.date() + timedelta(days=95),
            stage=Stage.ADOPTION,
            health_score=58,
        ),
        primary_owner=KEN,
    )
    apply_template(store, account.id, built_in_templates()["default"], language="ja")
    now = NOW.isoformat(timespec="seconds")
    with store.transaction() as tx:
        add_owner(tx, OwnerAssignment(account_id=account.id, user_email=ME, role=Role.SECONDARY))
        for number in range(8):
            add_contact(
                tx,
                Contact(
                    account_id=account.id,
                    name=f"Contact {number}",
                    is_champion=number == 0,
                    is_decision_maker=number == 1,
                ),
            )
        insert_many(
            tx,
            "health_snapshots",
            [
                {
                    "id": f"h{month:02d}",
                    "account_id": account.id,
                    "date": (NOW.date() - timedelta(days=15 * month)).isoformat(),
                    "score": rng.randint(40, 90),
                    "components": "{}",
                }
                for month in range(24)
            ],
        )
        rows = []
        for number in range(activities):
            at = NOW - timedelta(minutes=rng.randint(60, 365 * 24 * 60))
            rows.append(
                {
                    "id": f"a{number:06d}",
                    "account_id": account.id,
                    "author_email": rng.choice((ME, KEN)),
                    "type": rng.choice(KINDS),
                    "minutes": rng.randint(5, 120),
                    "occurred_at": at.isoformat(),
                    "proactive": rng.random() < 0.5,
                    "recurring": False,
                    "outcome": rng.choice(OUTCOMES),
                    "note": f"活動メモ {number}",
                    "checklist_item_id": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        insert_many(tx, "activities", rows)
    set_me(store, "Ken Sato", KEN)
    for number in range(10):
        due = NOW.date() + timedelta(days=number - 3)
        fields = NoteFields(
            situation=f"状況 {number}\n" * 5,
            goals="Halve onboarding time",
            risks="Champion may leave",
            commitments=[Commitment(text=f"Promise {number}", due=due)],
            key_contact_ids=[],
            body="本文 " * 200,
        )
        note = write_note(store, account.id, fields)
        if number % 3 == 0:
            edit_note(store, note.note.id, NoteFields(situation="edited", body=fields.body))
    set_me(store, "Aoi Tanaka", ME)
    return account.id


def timed(func: Callable[[], object], runs: int) -> tuple[float, float]:
    func()  # warm caches and imports
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "brief.db"
        if path.exists():
            path.unlink()
        clock = FixedClock(NOW)
        store = open_store(path, clock=clock)
        try:
            started = time.perf_counter()
            account_id = build(store, args.activities)
            print(
                f"built 1 account with {args.activities:,} activities in "
                f"{time.perf_counter() - started:.1f} s"
            )
            brief = build_brief(store, account_id, clock, reader=ME)
            checks: dict[str, Callable[[], object]] = {
                "build_brief (Handoff tab)": lambda: build_brief(store, account_id, clock, ME),
                "brief_markdown (export)": lambda: brief_markdown(brief),
                "both (handoff export)": lambda: brief_markdown(
                    build_brief(store, account_id, clock, ME)
                ),
            }
            for name, func in checks.items():
                median, p95 = timed(func, args.runs)
                verdict = "ok" if p95 <= TARGET_MS else "OVER"
                print(
                    f"{name:28} median {median:6.2f} ms  p95 {p95:6.2f} ms  "
                    f"({args.runs} runs; target {TARGET_MS:.0f} ms: {verdict})"
                )
        finally:
            store.close()


if __name__ == "__main__":
    main()
