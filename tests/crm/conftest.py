"""Fixtures of the CRM tests: the stand-ins served by uvicorn on a loopback port, a book whose
user is Aoi, a keyring in memory. The real client talks to the stand-ins over HTTP."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from memory_keyring import MemoryKeyring

sys.path.insert(0, str(Path(__file__).parent))

from fake_hubspot import FakeHubSpot
from fake_salesforce import FakeSalesforce

from csm_tui.crm.http import Policy

AOI = "aoi.tanaka@example.com"


class Served:
    """An ASGI app on uvicorn in a thread, on a free loopback port."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", date_header=False
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the stand-in did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture
def hubspot() -> Iterator[tuple[FakeHubSpot, str]]:
    """The HubSpot stand-in with Aoi and Ken as owners and the usual custom properties."""
    fake = FakeHubSpot()
    fake.add_owner(AOI, "Aoi", "Tanaka")
    fake.add_owner("ken.sato@example.com", "Ken", "Sato")
    fake.properties = [
        {"name": "name", "label": "Company name", "type": "string", "fieldType": "text"},
        {"name": "domain", "label": "Company domain", "type": "string", "fieldType": "text"},
        {"name": "contract_end_date", "label": "Contract end", "type": "date", "fieldType": "date"},
        {"name": "arr", "label": "ARR", "type": "number", "fieldType": "number"},
        {
            "name": "arr_currency",
            "label": "ARR currency",
            "type": "enumeration",
            "fieldType": "select",
        },
        {"name": "health", "label": "Health score", "type": "number", "fieldType": "number"},
        {"name": "tier", "label": "Tier", "type": "enumeration", "fieldType": "select"},
        {"name": "cs_stage", "label": "CS stage", "type": "enumeration", "fieldType": "select"},
    ]
    served = Served(fake.app())
    try:
        yield fake, served.url
    finally:
        fake.released.set()
        served.stop()


HUBSPOT_MAP = (
    "renewal_date=contract_end_date",
    "contract_value=arr",
    "currency=arr_currency",
    "health_score=health",
    "segment=tier",
    "stage=cs_stage",
)


@pytest.fixture
def no_wait() -> Policy:
    """Retries without real sleeping; the waits are recorded."""
    waits: list[float] = []
    policy = Policy(sleep=waits.append)
    policy.waits = waits  # type: ignore[attr-defined]
    return policy


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(before)


@pytest.fixture
def salesforce() -> Iterator[tuple[FakeSalesforce, str]]:
    """The Salesforce stand-in with Aoi and Ken as users and the usual custom fields."""
    fake = FakeSalesforce()
    fake.add_user(AOI, "Aoi Tanaka")
    fake.add_user("ken.sato@example.com", "Ken Sato")
    fake.describe = [
        {"name": "Id", "label": "Account ID", "type": "id"},
        {"name": "Name", "label": "Account Name", "type": "string"},
        {"name": "OwnerId", "label": "Owner ID", "type": "reference"},
        {"name": "Renewal_Date__c", "label": "Renewal date", "type": "date"},
        {"name": "ARR__c", "label": "ARR", "type": "currency"},
        {"name": "CurrencyIsoCode", "label": "Account Currency", "type": "picklist"},
        {"name": "Health__c", "label": "Health", "type": "percent"},
        {"name": "Segment__c", "label": "Segment", "type": "picklist"},
        {"name": "CS_Stage__c", "label": "CS stage", "type": "picklist"},
        {"name": "Description", "label": "Description", "type": "textarea"},
    ]
    served = Served(fake.app())
    try:
        yield fake, served.url
    finally:
        fake.released.set()
        served.stop()


SALESFORCE_MAP = (
    "renewal_date=Renewal_Date__c",
    "contract_value=ARR__c",
    "currency=CurrencyIsoCode",
    "health_score=Health__c",
    "segment=Segment__c",
    "stage=CS_Stage__c",
)
