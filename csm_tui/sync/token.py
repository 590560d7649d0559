"""Where the API token comes from: `CSM_TUI_TOKEN`, else the OS keyring. Never a file.

Keyring backends can be missing, locked, or hang forever (a headless Linux session waiting for
a D-Bus prompt), so every keyring call runs in a daemon thread with a timeout; whatever goes
wrong becomes `TokenUnavailable` with one sentence saying how to fix it. There is no plaintext
fallback: without a keyring, set `CSM_TUI_TOKEN`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

from csm_tui.errors import CsmError
from csm_tui.i18n import _

TOKEN_ENV = "CSM_TUI_TOKEN"
SERVICE = "csm-tui"
KEYRING_TIMEOUT = 3.0
T = TypeVar("T")


class TokenUnavailable(CsmError):
    """No token can be had; the message says why and what to do."""


class TokenMissing(TokenUnavailable):
    """The keyring works but holds no token for this server: log in."""


def keyring_entry(server: str, user: str | None) -> str:
    """The keyring's name for the token of `user` on `server`: one per server and user, so two
    books of two users on one server never share (or log out) each other's token. Without a
    user, the entry of csm-tui before issue 19 (one per server)."""
    return f"{user} at {server}" if user else server


def find_token(server: str, user: str | None = None, timeout: float = KEYRING_TIMEOUT) -> str:
    """The token of `user` for `server`: the environment variable first, then the keyring (an
    entry kept by an older csm-tui, one per server, is still read; each sync checks whose token
    it is)."""
    env = os.environ.get(TOKEN_ENV, "").strip()
    if env:
        return env
    import keyring

    def read() -> str | None:
        found = keyring.get_password(SERVICE, keyring_entry(server, user))
        if not found and user:
            found = keyring.get_password(SERVICE, keyring_entry(server, None))
        return found

    token = _keyring_call(read, timeout)
    if not token:
        if user:
            raise TokenMissing(
                _(
                    "Not logged in to {server} as {user}: run `csm-tui login --server {server}`."
                ).format(server=server, user=user)
            )
        raise TokenMissing(
            _("Not logged in to {server}: run `csm-tui login --server {server}`.").format(
                server=server
            )
        )
    return token


def save_token(
    server: str, token: str, user: str | None = None, timeout: float = KEYRING_TIMEOUT
) -> None:
    """Keep the token in the keyring, and check that it is really there (a "null" backend
    accepts anything and keeps nothing)."""
    import keyring

    entry = keyring_entry(server, user)

    def save_and_read() -> str | None:
        keyring.set_password(SERVICE, entry, token)
        return keyring.get_password(SERVICE, entry)

    if _keyring_call(save_and_read, timeout) != token:
        raise TokenUnavailable(
            _("The system keyring did not keep the token; set {env} (see the README).").format(
                env=TOKEN_ENV
            )
        )


def delete_token(server: str, user: str | None = None, timeout: float = KEYRING_TIMEOUT) -> bool:
    """Remove the stored token of `user`; False if there was none. An older csm-tui's entry for
    the server goes too when this book was using it (no entry of its own, or the same token):
    otherwise it is another book's, which stays logged in."""
    import keyring
    from keyring.errors import PasswordDeleteError

    own, legacy = keyring_entry(server, user), keyring_entry(server, None)

    def remove() -> bool:
        mine = keyring.get_password(SERVICE, own)
        entries = [own]
        if user:
            older = keyring.get_password(SERVICE, legacy)
            if older is not None and (mine is None or older == mine):
                entries.append(legacy)
        removed = False
        for entry in entries:
            try:
                keyring.delete_password(SERVICE, entry)
            except PasswordDeleteError:
                continue
            removed = True
        return removed

    return _keyring_call(remove, timeout)


def _keyring_call(call: Callable[[], T], timeout: float) -> T:
    """Run a keyring call off the caller's thread; a hang or any backend error is explained."""
    from keyring.errors import InitError, KeyringError, KeyringLocked, NoKeyringError

    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except BaseException as exc:
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="csm-tui-keyring", daemon=True)
    worker.start()
    worker.join(timeout)
    fix = _("Unlock it, or set {env} (see the README).").format(env=TOKEN_ENV)
    if worker.is_alive():
        raise TokenUnavailable(
            _("The system keyring did not answer within {seconds:g} s.").format(seconds=timeout)
            + " "
            + fix
        )
    error = outcome.get("error")
    if isinstance(error, NoKeyringError):
        raise TokenUnavailable(
            _("No system keyring is available here; set {env} (see the README).").format(
                env=TOKEN_ENV
            )
        )
    if isinstance(error, KeyringLocked):
        raise TokenUnavailable(_("The system keyring is locked.") + " " + fix)
    if isinstance(error, InitError | KeyringError | RuntimeError | OSError):
        raise TokenUnavailable(
            _("The system keyring failed ({error}).").format(error=error) + " " + fix
        )
    if error is not None:
        raise error  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
