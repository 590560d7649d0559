"""The CRM credential: `CSM_TUI_CRM_TOKEN`, else the OS keyring. Never a file, config or log.

The keyring calls go through the team token's guarded runner (a thread with a timeout, every
backend failure turned into one sentence); only the names and messages differ.
"""

from __future__ import annotations

import os

from csm_tui.crm.errors import CrmError
from csm_tui.i18n import _

TOKEN_ENV = "CSM_TUI_CRM_TOKEN"
SERVICE = "csm-tui"


def keyring_key(vendor: str, url: str) -> str:
    """One keyring entry per CRM and address: a sandbox never reads the production token."""
    return f"crm:{vendor}:{url}"


def token_from_env() -> str | None:
    value = os.environ.get(TOKEN_ENV, "").strip()
    return value or None


def find_crm_token(vendor: str, url: str) -> str:
    """The credential for this CRM: the environment first, then the keyring."""
    env = token_from_env()
    if env:
        return env
    import keyring

    from csm_tui.sync.token import TokenUnavailable, _keyring_call

    try:
        token = _keyring_call(lambda: keyring.get_password(SERVICE, keyring_key(vendor, url)), 3.0)
    except TokenUnavailable as exc:
        raise CrmError(_("The CRM credential cannot be read: {error}").format(error=exc)) from None
    if not token:
        raise CrmError(
            _(
                "No {vendor} credential is kept: run `csm-tui crm connect {vendor}` or set {env}."
            ).format(vendor=vendor, env=TOKEN_ENV)
        )
    return token


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
