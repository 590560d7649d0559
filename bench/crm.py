"""CRM connector benchmarks against the stand-ins (issue 12). Prints figures and requests.

    .venv/bin/python bench/crm.py [--companies 5000] [--contacts-each 4] [--activities 1000]
                                  [--vendor hubspot|salesforce|both]

1. first pull of 5,000 companies with 20,000 contacts into a new book;
2. a pass with nothing new (aim: at most one request per object type);
3. push of 1,000 activities logged after the connection.

The stand-ins (tests/crm/fake_*.py) run on uvicorn in a thread of this process, so their work
shares the GIL with the client's: the figures are an upper bound of the client's own cost. No
wait is simulated (a real CRM answers in 100-300 ms; multiply the requests to estimate).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "crm"))

from fake_hubspot import FakeHubSpot
from fake_salesforce import FakeSalesforce

from csm_tui.clock import FixedClock
from csm_tui.crm.http import Policy
from csm_tui.models.activity import Activity
from csm_tui.services import crm
from csm_tui.services.identity import set_me
from csm_tui.store.connection import Store, open_store
from csm_tui.store.journal import insert_many

ME = "aoi.tanaka@example.com"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def serve(app: Any) -> tuple[Any, str]:
    import uvicorn

    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", date_header=False
    )
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return server, f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"


def hubspot(companies: int, contacts_each: int) -> tuple[FakeHubSpot, list[str], int]:
    fake = FakeHubSpot()
    aoi = fake.add_owner(ME, "Aoi", "Tanaka")
    fake.add_owner("ken.sato@example.com", "Ken", "Sato")
    fake.properties = [
        {"name": "contract_end_date", "label": "Contract end", "type": "date"},
        {"name": "arr", "label": "ARR", "type": "number"},
        {"name": "health", "label": "Health", "type": "number"},
        {"name": "tier", "label": "Tier", "type": "enumeration"},
    ]
    for number in range(companies):
        crm_id = fake.add_company(
            f"Company {number:05}",
            aoi,
            contract_end_date=f"2027-{number % 12 + 1:02}-15",
            arr=str(1000 * (number % 97 + 1)),
            health=str(number % 101),
            tier="Mid-market",
        )
        for person in range(contacts_each):
            fake.add_contact(
                crm_id,
                f"P{person}",
                f"C{number}",
                f"p{person}.c{number}@ex.com",
                "Admin",
                "+81 3 0000 0000",
            )
    fake.now_ms += 3_600_000
    maps = [
        "renewal_date=contract_end_date",
        "contract_value=arr",
        "health_score=health",
        "segment=tier",
    ]
    return fake, maps, len(fake.contacts)


def salesforce(companies: int, contacts_each: int) -> tuple[FakeSalesforce, list[str], int]:
    fake = FakeSalesforce()
    aoi = fake.add_user(ME, "Aoi Tanaka")
    fake.describe = [
        {"name": "Renewal_Date__c", "label": "Renewal", "type": "date"},
        {"name": "ARR__c", "label": "ARR", "type": "currency"},
        {"name": "Health__c", "label": "Health", "type": "percent"},
        {"name": "Segment__c", "label": "Segment", "type": "picklist"},
    ]
    for number in range(companies):
        account = fake.add(
            "Account",
            Name=f"Company {number:05}",
            OwnerId=aoi,
            Renewal_Date__c=f"2027-{number % 12 + 1:02}-15",
            ARR__c=1000.0 * (number % 97 + 1),
            Health__c=float(number % 101),
            Segment__c="Mid-market",
        )
        for person in range(contacts_each):
            fake.add(
                "Contact",
                AccountId=account,
                FirstName=f"P{person}",
                LastName=f"C{number}",
                Email=f"p{person}.c{number}@ex.com",
                Title="Admin",
                Phone="+81 3 0000 0000",
            )
    fake.now_ms += 3_600_000
    maps = [
        "renewal_date=Renewal_Date__c",
        "contract_value=ARR__c",
        "health_score=Health__c",
        "segment=Segment__c",
    ]
    return fake, maps, len(fake.records["Contact"])


def log_many(store: Store, count: int) -> None:
    """`count` activities spread over the book's accounts, logged after the connection."""
    accounts = [row[0] for row in store.query("SELECT id FROM accounts ORDER BY name")]
    rows = []
    with store.transaction() as tx:
        for number in range(count):
            activity = Activity(
                account_id=accounts[number % len(accounts)],
                author_email=ME,
                minutes=30,
                occurred_at=NOW - timedelta(hours=number),
                note=f"Work {number}",
            )
            row = activity.model_dump(mode="python")
            row["occurred_at"] = activity.occurred_at.isoformat()
            rows.append({**row, "created_at": tx.now, "updated_at": tx.now})
        insert_many(tx, "activities", rows)


def run(vendor: str, companies: int, contacts_each: int, activities: int) -> None:
    fake: Any
    fake, maps, contacts = (hubspot if vendor == "hubspot" else salesforce)(
        companies, contacts_each
    )
    server, url = serve(fake.app())
    policy = Policy(sleep=lambda _s: None)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "book.db", clock=FixedClock(NOW))
        set_me(store, "Aoi Tanaka", ME)
        crm.connect(store, vendor, fake.token, url=url, map_options=tuple(maps), policy=policy)
        print(f"\n{crm.NAMES[vendor]}: {companies:,} companies, {contacts:,} contacts")
        started = time.perf_counter()
        report = crm.sync(store, fake.token, policy=policy)
        show("first pull", time.perf_counter() - started, report)
        fake.now_ms += 600_000
        started = time.perf_counter()
        report = crm.sync(store, fake.token, policy=policy)
        show("nothing new", time.perf_counter() - started, report)
        log_many(store, activities)
        fake.now_ms += 600_000
        started = time.perf_counter()
        report = crm.sync(store, fake.token, policy=policy)
        show(f"push {activities:,}", time.perf_counter() - started, report)
        store.close()
    server.should_exit = True


def show(what: str, seconds: float, report: crm.PassReport) -> None:
    total = sum(report.requests.values())
    detail = ", ".join(f"{label} {n}" for label, n in sorted(report.requests.items()))
    done = {k: v for k, v in {**report.pulled, **report.pushed}.items() if v and k != "skipped"}
    print(f"  {what:<12} {seconds:7.2f} s  {total:5} requests ({detail})")
    print(f"  {'':<12} {done}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=5000)
    parser.add_argument("--contacts-each", type=int, default=4)
    parser.add_argument("--activities", type=int, default=1000)
    parser.add_argument("--vendor", choices=["hubspot", "salesforce", "both"], default="both")
    args = parser.parse_args()
    vendors = ["hubspot", "salesforce"] if args.vendor == "both" else [args.vendor]
    for vendor in vendors:
        run(vendor, args.companies, args.contacts_each, args.activities)


if __name__ == "__main__":
    main()
