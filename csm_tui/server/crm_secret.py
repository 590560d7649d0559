"""The server's CRM credential, encrypted with a key derived from `CSM_TUI_SERVER_SECRET`.

The key is scrypt(secret, a random salt kept beside the ciphertext); the token is sealed with
Fernet (AES-128-CBC + HMAC-SHA256), so a wrong secret is detected, never decrypted into garbage.
The database holds only `{"salt", "token"}` with both base64; the secret lives in the server's
environment alone. Neither the token nor the secret is ever logged or put in a message.
"""

from __future__ import annotations

import base64
import os
from typing import Any

from csm_tui.errors import CsmError

SECRET_ENV = "CSM_TUI_SERVER_SECRET"
MIN_SECRET = 16
_SCRYPT = {"n": 2**15, "r": 8, "p": 1}


class SecretError(CsmError):
    """The server secret is missing, too short, or not the one the credential was sealed with."""


def server_secret() -> str:
    secret = os.environ.get(SECRET_ENV, "")
    if not secret:
        raise SecretError(
            f"Set {SECRET_ENV} (a long random string, e.g. from `openssl rand -base64 32`): "
            "the server keeps the CRM credential encrypted with it."
        )
    if len(secret) < MIN_SECRET:
        raise SecretError(f"{SECRET_ENV} is too short: use at least {MIN_SECRET} characters.")
    return secret


def _fernet(secret: str, salt: bytes) -> Any:
    from cryptography.fernet import Fernet
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    key = Scrypt(salt=salt, length=32, **_SCRYPT).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def seal(token: str, secret: str) -> dict[str, str]:
    """The credential as stored: a fresh salt and the Fernet token, never the plain text."""
    salt = os.urandom(16)
    sealed = _fernet(secret, salt).encrypt(token.encode())
    return {"salt": base64.b64encode(salt).decode(), "token": sealed.decode()}


def unseal(stored: dict[str, str], secret: str) -> str:
    from cryptography.fernet import InvalidToken

    try:
        salt = base64.b64decode(stored["salt"])
        return str(_fernet(secret, salt).decrypt(stored["token"].encode()).decode())
    except (InvalidToken, KeyError, ValueError):
        raise SecretError(
            f"{SECRET_ENV} is not the secret the CRM credential was stored with: set the same "
            "one, or connect again (`csm-tui server crm connect`) to store the credential anew."
        ) from None
