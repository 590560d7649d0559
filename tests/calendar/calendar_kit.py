"""Types shared by the calendar tests (not in conftest: `from conftest import` is ambiguous
when several test folders run together)."""

from __future__ import annotations

from dataclasses import dataclass

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


@dataclass
class Book:
    acme: str
    beta: str
    gamma: str
    delta: str
    epsilon: str


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
