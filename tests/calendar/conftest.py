"""A small book for the calendar tests: accounts whose contacts attend the meetings."""

from __future__ import annotations

from collections.abc import Iterator

import keyring
import pytest
from calendar_kit import Book
from memory_keyring import MemoryKeyring

from csm_tui.models.account import Account
from csm_tui.models.contact import Contact
from csm_tui.services.accounts import add_contact, create_account
from csm_tui.store.connection import Store


@pytest.fixture
def book(store: Store, me: tuple[str, str]) -> Book:
    """Acme (ken@acme.co.jp), Beta (bob@beta.example.org), Gamma (a contact at gmail.com),
    Delta and Epsilon (both with a contact at shared.example: a meeting there matches two)."""
    ids = {}
    contacts = {
        "Acme Corp": ["ken@acme.co.jp"],
        "Beta": ["bob@beta.example.org"],
        "Gamma": ["gamma.owner@gmail.com"],
        "Delta": ["d@shared.example"],
        "Epsilon": ["e@shared.example"],
    }
    for name, emails in contacts.items():
        account = create_account(store, Account(name=name))
        ids[name] = account.id
        with store.transaction() as tx:
            for email in emails:
                add_contact(tx, Contact(account_id=account.id, name=email, email=email))
    return Book(ids["Acme Corp"], ids["Beta"], ids["Gamma"], ids["Delta"], ids["Epsilon"])


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(before)
