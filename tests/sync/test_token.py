"""The token: CSM_TUI_TOKEN first, then the keyring; a missing, locked or hanging keyring is
explained within the timeout, and there is no plaintext fallback."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked
from memory_keyring import MemoryKeyring

from csm_tui.sync.token import (
    TOKEN_ENV,
    TokenMissing,
    TokenUnavailable,
    delete_token,
    find_token,
    save_token,
)

SERVER = "https://csm.example.com"


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("locked")


class HangingKeyring(MemoryKeyring):
    """Like a Secret Service waiting for an unlock prompt no one will ever see."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(30)
        return None


@pytest.fixture
def use_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[keyring.backend.KeyringBackend]]:
    monkeypatch.delenv(TOKEN_ENV, raising=False)
    before = keyring.get_keyring()

    def install(backend: KeyringBackend) -> KeyringBackend:
        keyring.set_keyring(backend)
        return backend

    yield install  # type: ignore[misc]
    current = keyring.get_keyring()
    if isinstance(current, HangingKeyring):
        current.release.set()
    keyring.set_keyring(before)


def test_the_environment_variable_comes_first(
    use_keyring: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory = use_keyring(MemoryKeyring())  # type: ignore[operator]
    memory.set_password("csm-tui", SERVER, "from-keyring")
    monkeypatch.setenv(TOKEN_ENV, "from-env")
    assert find_token(SERVER) == "from-env"
    monkeypatch.delenv(TOKEN_ENV)
    assert find_token(SERVER) == "from-keyring"


def test_save_find_delete(use_keyring: object) -> None:
    use_keyring(MemoryKeyring())  # type: ignore[operator]
    save_token(SERVER, "secret")
    assert find_token(SERVER) == "secret"
    assert delete_token(SERVER) is True
    assert delete_token(SERVER) is False
    with pytest.raises(TokenMissing, match="csm-tui login --server"):
        find_token(SERVER)


def test_no_keyring_at_all_says_to_set_the_variable(use_keyring: object) -> None:
    from keyring.backends.fail import Keyring as NoKeyring

    use_keyring(NoKeyring())  # type: ignore[operator]
    with pytest.raises(TokenUnavailable, match=TOKEN_ENV):
        find_token(SERVER)
    with pytest.raises(TokenUnavailable):
        save_token(SERVER, "secret")  # never written anywhere else


def test_a_locked_keyring_is_explained(use_keyring: object) -> None:
    use_keyring(LockedKeyring())  # type: ignore[operator]
    with pytest.raises(TokenUnavailable, match="locked"):
        find_token(SERVER)


def test_a_hanging_keyring_gives_up_within_the_timeout(use_keyring: object) -> None:
    use_keyring(HangingKeyring())  # type: ignore[operator]
    started = time.monotonic()
    with pytest.raises(TokenUnavailable, match=r"did not answer within 0\.2 s"):
        find_token(SERVER, timeout=0.2)
    assert time.monotonic() - started < 1.0


def test_a_keyring_that_keeps_nothing_is_caught(use_keyring: object) -> None:
    from keyring.backends.null import Keyring as NullKeyring

    use_keyring(NullKeyring())  # type: ignore[operator]
    with pytest.raises(TokenUnavailable, match="did not keep the token"):
        save_token(SERVER, "secret")


def test_two_users_on_one_server_keep_their_own_tokens(use_keyring: object) -> None:
    """Issue 19.4: two books, two users, one server: a login or a logout in one book leaves
    the other's token alone."""
    use_keyring(MemoryKeyring())  # type: ignore[operator]
    save_token(SERVER, "aoi-token", user="aoi@example.com")
    save_token(SERVER, "ken-token", user="ken@example.com")
    assert find_token(SERVER, user="aoi@example.com") == "aoi-token"
    assert find_token(SERVER, user="ken@example.com") == "ken-token"
    assert delete_token(SERVER, user="ken@example.com") is True
    assert find_token(SERVER, user="aoi@example.com") == "aoi-token"
    with pytest.raises(TokenMissing, match=r"ken@example\.com"):
        find_token(SERVER, user="ken@example.com")


def test_a_token_kept_by_an_older_csm_tui_is_still_found(use_keyring: object) -> None:
    memory = use_keyring(MemoryKeyring())  # type: ignore[operator]
    memory.set_password("csm-tui", SERVER, "older")  # one entry per server
    assert find_token(SERVER, user="aoi@example.com") == "older"
    save_token(SERVER, "ken-token", user="ken@example.com")
    assert delete_token(SERVER, user="ken@example.com") is True  # Ken's own entry only
    assert find_token(SERVER, user="aoi@example.com") == "older"
    assert delete_token(SERVER, user="aoi@example.com") is True  # the book was using it
    with pytest.raises(TokenMissing):
        find_token(SERVER, user="aoi@example.com")
