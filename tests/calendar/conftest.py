"""A small book for the calendar tests: accounts whose contacts attend the meetings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from csm_tui.models.account import Account
from csm_tui.models.contact import Contact
from csm_tui.services.accounts import add_contact, create_account
from csm_tui.store.connection import Store


@dataclass
class Book:
    acme: str
    beta: str
    gamma: str
    delta: str
    epsilon: str


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


class MemoryKeyring(KeyringBackend):
    """Passwords in a dict, for the tests' eyes only."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.saved: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.saved.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.saved[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.saved.pop((service, username), None) is None:
            raise PasswordDeleteError("not found")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(before)
