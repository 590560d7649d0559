"""Salesforce OAuth 2.0: an access token from a refresh token or from client credentials.

The admin creates a connected app (scopes `api refresh_token`) and gives csm-tui its client id
(consumer key) and either a refresh token of the integration user (with the client secret, if
the app requires one) or, for the Client Credentials Flow, the client secret alone (the app's
Run As user does the work). The connector asks `{instance_url}/services/oauth2/token` for an
access token (a form-encoded POST, `grant_type=refresh_token | client_credentials`), keeps it
in this process's memory only — never in a file, the database, the keyring or a log — and after
a 401 (`INVALID_SESSION_ID`: the session expired) asks once for a new one and repeats the
request once. A refused grant (`invalid_grant`: the refresh token was revoked or expired) ends
the pass with what to do. With refresh token rotation on, a reply carries a new refresh token
that replaces the one used: `on_rotate` keeps it where the credential is kept.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from csm_tui.crm.errors import CrmAuthError, CrmRefused
from csm_tui.i18n import _

if TYPE_CHECKING:
    import httpx

    from csm_tui.crm.http import Api, Policy, Rules

TOKEN_PATH = "/services/oauth2/token"
REFRESH = "refresh_token"
CLIENT_CREDENTIALS = "client_credentials"
GRANTS = (REFRESH, CLIENT_CREDENTIALS)

# access tokens by login, for this process only: the app and the server's schedule run a pass
# every few minutes and need not ask for a token each time (a session lasts hours)
_tokens: dict[str, str] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class OAuthLogin:
    """What the connector logs in with; the secrets never show in a repr."""

    grant: str
    client_id: str
    refresh_token: str = field(default="", repr=False)
    client_secret: str = field(default="", repr=False)

    def form(self) -> dict[str, str]:
        data = {"grant_type": self.grant, "client_id": self.client_id}
        if self.grant == REFRESH:
            data["refresh_token"] = self.refresh_token
        if self.client_secret:
            data["client_secret"] = self.client_secret
        return data

    def sealed_form(self) -> str:
        """The login as one JSON document, for a store that encrypts it as one value."""
        return json.dumps(
            {
                "grant": self.grant,
                "client_id": self.client_id,
                "refresh_token": self.refresh_token,
                "client_secret": self.client_secret,
            }
        )

    @classmethod
    def from_sealed(cls, text: str) -> OAuthLogin | None:
        """The login of `sealed_form`, None when `text` is a bare access token."""
        if not text.startswith("{"):
            return None
        data = json.loads(text)
        return cls(
            str(data["grant"]),
            str(data["client_id"]),
            str(data.get("refresh_token") or ""),
            str(data.get("client_secret") or ""),
        )

    def key(self, instance_url: str) -> str:
        raw = "\n".join((instance_url, *self.form().values()))
        return hashlib.sha256(raw.encode()).hexdigest()


def check_login(login: OAuthLogin) -> None:
    """Refuse a login that cannot work before anything is sent."""
    from csm_tui.errors import ValidationError

    if login.grant not in GRANTS:
        raise ValidationError(_("Unknown OAuth grant {grant}.").format(grant=login.grant))
    if not login.client_id.strip():
        raise ValidationError(_("--client-id needs the connected app's consumer key."))
    if login.grant == REFRESH and not login.refresh_token:
        raise ValidationError(_("No refresh token was given."))
    if login.grant == CLIENT_CREDENTIALS and not login.client_secret:
        raise ValidationError(_("The Client Credentials Flow needs the client secret."))


def reconnect_hint() -> str:
    return _(
        "Then connect again: `csm-tui crm connect salesforce --instance-url URL --client-id ID` "
        "(on a team server, `csm-tui server crm connect salesforce …`)."
    )


class TokenSource:
    """Access tokens for one login, in memory; `Api` asks it first and after a 401."""

    def __init__(
        self,
        login: OAuthLogin,
        instance_url: str,
        rules: Rules,
        *,
        policy: Policy | None = None,
        transport: httpx.BaseTransport | None = None,
        on_rotate: Callable[[OAuthLogin], None] | None = None,
    ) -> None:
        """`on_rotate`: keeps the login with the new refresh token a reply gave (refresh token
        rotation: the one used is no longer valid)."""
        from csm_tui.crm.http import Api

        check_login(login)
        self.login = login
        self._url = instance_url
        self._key = login.key(instance_url)
        self.on_rotate = on_rotate
        # the token endpoint takes no bearer; its requests count with the API's (`bind`)
        self.api: Api = Api(instance_url, None, rules, policy=policy, transport=transport)

    def bind(self, api: Api) -> None:
        self.api.requests = api.requests

    def close(self) -> None:
        self.api.close()

    def current(self) -> str:
        with _lock:
            token = _tokens.get(self._key)
        return token or self._fetch()

    def renew(self, refused: str) -> str:
        """A token other than the one just refused: another thread's, else a new one."""
        with _lock:
            token = _tokens.get(self._key)
            if token == refused:
                _tokens.pop(self._key, None)
                token = None
        return token or self._fetch()

    def _fetch(self) -> str:
        try:
            data = self.api.call("POST", TOKEN_PATH, data=self.login.form(), label="token")
        except (CrmRefused, CrmAuthError) as exc:
            with _lock:
                _tokens.pop(self._key, None)
            raise CrmAuthError(self._refusal(exc)) from None
        token = data.get("access_token") if isinstance(data, dict) else None
        if not isinstance(token, str) or not token:
            raise self.api.bad_reply("token")
        rotated = data.get("refresh_token")  # present when the app rotates refresh tokens
        new = isinstance(rotated, str) and rotated not in ("", self.login.refresh_token)
        if new and self.login.grant == REFRESH:
            self._rotate(str(rotated))
        with _lock:
            _tokens[self._key] = token
        return token

    def _rotate(self, refresh_token: str) -> None:
        """Refresh token rotation: the reply's refresh token replaces the one just used, which
        Salesforce no longer accepts; it is kept before anything else happens."""
        with _lock:
            _tokens.pop(self._key, None)
        self.login = replace(self.login, refresh_token=refresh_token)
        self._key = self.login.key(self._url)
        if self.on_rotate is not None:
            self.on_rotate(self.login)

    def _refusal(self, exc: CrmRefused | CrmAuthError) -> str:
        code = exc.code if isinstance(exc, CrmRefused) else ""
        detail = exc.detail or code or "401"
        if self.login.grant == REFRESH and code == "invalid_grant":
            said = _(
                "Salesforce no longer accepts the refresh token ({detail}): it was revoked or "
                "expired, or the connected app's policy ended it. Get a new refresh token for "
                "the integration user."
            )
        elif self.login.grant == CLIENT_CREDENTIALS:
            said = _(
                "Salesforce refused the connected app's client credentials ({detail}). Check "
                "the client id and secret, and that the app has the Client Credentials Flow "
                "enabled with a Run As user."
            )
        else:
            said = _(
                "Salesforce refused the connected app ({detail}). Check its client id and secret."
            )
        return said.format(detail=detail) + " " + reconnect_hint()


def forget_tokens() -> None:
    """Drop every access token this process holds (tests; a reconnect)."""
    with _lock:
        _tokens.clear()
