"""The team server's CRM pass against the stand-ins (issue 12). Prints figures and requests.

    .venv/bin/python bench/crm_server.py [--companies 5000] [--contacts-each 4]
        [--activities 1000] [--vendor hubspot|salesforce|both] [--database URL]

The same three steps as bench/crm.py, on the server's tables (SQLite in a temporary folder by
default; a PostgreSQL URL works too): a first pull, a pass with nothing new, a push of 1,000
activities that reached the server. The stand-ins share this process's GIL (see bench/crm.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_crm", BENCH / "crm.py")
assert _spec is not None and _spec.loader is not None
bench_crm = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_crm)
ME, hubspot, salesforce = bench_crm.ME, bench_crm.hubspot, bench_crm.salesforce
serve, show = bench_crm.serve, bench_crm.show

from csm_tui.crm.http import Policy  # noqa: E402
from csm_tui.server import crm_pass  # noqa: E402
from csm_tui.server.changes import write_record  # noqa: E402
from csm_tui.server.db import init_database, open_engine, reading, writing  # noqa: E402
from csm_tui.server.schema import records  # noqa: E402
from csm_tui.server.users import add_user  # noqa: E402


def log_many(engine: Any, count: int) -> None:
    """`count` activities on the server, as devices' pushes leave them."""
    now = crm_pass._now()
    with reading(engine) as conn:
        accounts = list(
            conn.execute(
                records.select()
                .with_only_columns(records.c.id)
                .where(records.c.table_name == "accounts", records.c.deleted.is_(False))
            ).scalars()
        )
    with writing(engine) as conn:
        for number in range(count):
            account = accounts[number % len(accounts)]
            row = {
                "id": uuid.uuid4().hex,
                "account_id": account,
                "author_email": ME,
                "type": "call",
                "minutes": 30,
                "occurred_at": now,
                "proactive": 1,
                "recurring": 0,
                "outcome": "none",
                "note": f"Work {number}",
                "checklist_item_id": None,
                "created_at": now,
                "updated_at": now,
            }
            write_record(conn, "activities", row, user_id=None, current=None)


def run(vendor: str, companies: int, contacts_each: int, activities: int, url: str) -> None:
    fake: Any
    fake, maps, contacts = (hubspot if vendor == "hubspot" else salesforce)(
        companies, contacts_each
    )
    server, api = serve(fake.app())
    policy = Policy(sleep=lambda _s: None)
    engine = open_engine(url)
    init_database(engine)
    add_user(engine, ME, "Aoi Tanaka", admin=False, now=crm_pass._now())
    crm_pass.connect(engine, vendor, fake.token, url=api, map_options=tuple(maps), policy=policy)
    print(f"\nserver, {vendor}: {companies:,} companies, {contacts:,} contacts")
    steps = [("first pull", 0), ("nothing new", 600_000), (f"push {activities:,}", 600_000)]
    for what, later in steps:
        fake.now_ms += later
        if what.startswith("push"):
            log_many(engine, activities)
        started = time.perf_counter()
        report = crm_pass.sync_pass(engine, policy=policy)
        assert report is not None
        show(what, time.perf_counter() - started, report)
    engine.dispose()
    server.should_exit = True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=5000)
    parser.add_argument("--contacts-each", type=int, default=4)
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--vendor", choices=["hubspot", "salesforce", "both"], default="both")
    parser.add_argument("--database", default=None, help="default: SQLite in a temporary folder")
    args = parser.parse_args()
    os.environ.setdefault("CSM_TUI_SERVER_SECRET", "bench secret, not for production use")
    vendors = ["hubspot", "salesforce"] if args.vendor == "both" else [args.vendor]
    for vendor in vendors:
        with tempfile.TemporaryDirectory() as folder:
            url = args.database or f"sqlite:///{Path(folder) / 'server.db'}"
            run(vendor, args.companies, args.contacts_each, args.activities, url)


if __name__ == "__main__":
    main()
