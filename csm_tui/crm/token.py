"""The CRM credential: `CSM_TUI_CRM_TOKEN`, else the OS keyring. Never a file, config or log.

A bare access token is kept in the keyring as it is. A Salesforce OAuth login keeps its secrets
— the refresh token and the connected app's client secret (`CSM_TUI_CRM_CLIENT_SECRET`) — in
the same keyring entry as one JSON document; each comes from its environment variable first.
The grant and the client id (not secrets) are kept with the connection.

The keyring calls go through the team token's guarded runner (a thread with a timeout, every
backend failure turned into one sentence); only the names and messages differ.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from csm_tui.crm.errors import CrmError
from csm_tui.crm.sf_oauth import CLIENT_CREDENTIALS, OAuthLogin
from csm_tui.i18n import _

TOKEN_ENV = "CSM_TUI_CRM_TOKEN"
SECRET_ENV = "CSM_TUI_CRM_CLIENT_SECRET"
SERVICE = "csm-tui"


def keyring_key(vendor: str, url: str) -> str:
    """One keyring entry per CRM and address: a sandbox never reads the production token."""
    return f"crm:{vendor}:{url}"


def token_from_env() -> str | None:
    value = os.environ.get(TOKEN_ENV, "").strip()
    return value or None


def secret_from_env() -> str | None:
    """The client secret from the environment; None when the variable is not set at all (set
    and empty: a connected app without a secret)."""
    value = os.environ.get(SECRET_ENV)
    return None if value is None else value.strip()


def _read_keyring(vendor: str, url: str) -> str | None:
    import keyring

    from csm_tui.sync.token import TokenUnavailable, _keyring_call

    try:
        return _keyring_call(lambda: keyring.get_password(SERVICE, keyring_key(vendor, url)), 3.0)
    except TokenUnavailable as exc:
        raise CrmError(_("The CRM credential cannot be read: {error}").format(error=exc)) from None


def _missing(vendor: str) -> CrmError:
    return CrmError(
        _(
            "No {vendor} credential is kept: run `csm-tui crm connect {vendor}` or set {env}."
        ).format(vendor=vendor, env=TOKEN_ENV)
    )


def find_crm_token(vendor: str, url: str) -> str:
    """The credential for this CRM: the environment first, then the keyring."""
    env = token_from_env()
    if env:
        return env
    token = _read_keyring(vendor, url)
    if not token:
        raise _missing(vendor)
    return token


def find_crm_credential(vendor: str, url: str, auth: Mapping[str, Any] | None) -> str | OAuthLogin:
    """A bare token, or the OAuth login of a connection made with `--client-id` (`auth` holds
    its grant and client id): each secret from the environment, else from the keyring."""
    if not auth:
        return find_crm_token(vendor, url)
    grant, client_id = str(auth["grant"]), str(auth["client_id"])
    token = "" if grant == CLIENT_CREDENTIALS else token_from_env()
    secret = secret_from_env()
    if token is None or secret is None:
        try:
            kept = _parse(_read_keyring(vendor, url))
        except CrmError:
            if token is None or grant == CLIENT_CREDENTIALS:
                raise
            kept = {}  # the refresh token is in the environment; a secret is optional
        token = kept.get("token", "") if token is None else token
        secret = kept.get("client_secret", "") if secret is None else secret
    if (grant == CLIENT_CREDENTIALS and not secret) or (grant != CLIENT_CREDENTIALS and not token):
        raise _missing(vendor)
    return OAuthLogin(grant, client_id, token, secret)


def _parse(kept: str | None) -> dict[str, str]:
    if not kept:
        return {}
    if not kept.startswith("{"):
        return {"token": kept}
    data = json.loads(kept)
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_crm_secrets(vendor: str, url: str, token: str, client_secret: str) -> None:
    """Keep an OAuth login's secrets (those typed in; "" for one from the environment) in the
    keyring entry of this CRM, as one JSON document."""
    save_crm_token(vendor, url, json.dumps({"token": token, "client_secret": client_secret}))


def keep_rotated(vendor: str, url: str, login: OAuthLogin) -> None:
    """Salesforce rotated the refresh token (the one used is void): the new one replaces it in
    the keyring entry, the client secret kept there stays. One set in CSM_TUI_CRM_TOKEN cannot
    be replaced, and is now void: the message says so."""
    kept = _parse(_read_keyring(vendor, url))
    save_crm_token(
        vendor,
        url,
        json.dumps({"token": login.refresh_token, "client_secret": kept.get("client_secret", "")}),
    )
    if token_from_env():
        raise CrmError(
            _(
                "Salesforce replaced the refresh token (the connected app rotates them), so the "
                "one in {env} no longer works: unset {env}; the new one is in the keyring."
            ).format(env=TOKEN_ENV)
        )


def save_crm_token(vendor: str, url: str, token: str) -> None:
    """Keep the credential in the keyring and check it is really there."""
    import keyring

    from csm_tui.sync.token import TokenUnavailable, _keyring_call

    key = keyring_key(vendor, url)

    def save_and_read() -> str | None:
        keyring.set_password(SERVICE, key, token)
        return keyring.get_password(SERVICE, key)

    try:
        kept = _keyring_call(save_and_read, 3.0)
    except TokenUnavailable as exc:
        kept, problem = None, str(exc)
    else:
        problem = ""
    if kept != token:
        raise CrmError(
            _("The system keyring did not keep the CRM credential; set {env} instead.").format(
                env=TOKEN_ENV
            )
            + (f" ({problem})" if problem else "")
        )
