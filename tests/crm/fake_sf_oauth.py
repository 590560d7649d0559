"""The OAuth 2.0 token endpoint of the Salesforce stand-in, written from Salesforce's help
("OAuth 2.0 Refresh Token Flow for Renewed Sessions", "OAuth 2.0 Client Credentials Flow").

`POST /services/oauth2/token`, form-encoded (`application/x-www-form-urlencoded`):
`grant_type=refresh_token` with `refresh_token`, `client_id` and (when the connected app
requires it) `client_secret`; or `grant_type=client_credentials` with `client_id` and
`client_secret`, answered only when the app has a Run As user. A success is
`{"access_token", "signature", "scope", "instance_url", "id", "token_type": "Bearer",
"issued_at"}` (with `refresh_token` too when the app rotates them: the old one is then void); a
refusal is a 400
`{"error", "error_description"}`: `invalid_grant` / `expired access/refresh token`,
`invalid_client_id` / `client identifier invalid`, `invalid_client` / `invalid client
credentials`, `unsupported_grant_type` / `grant type not supported`. An access token lives
`lifetime_ms` of the stand-in's clock (or `uses` API requests, for a test that wants it to
expire in the middle of a pass); after that the API answers 401 INVALID_SESSION_ID.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

if TYPE_CHECKING:
    from fake_salesforce import FakeSalesforce

CLIENT_ID = "3MVG9fakeConsumerKey.csmtui.test"
CLIENT_SECRET = "F4KE0CONSUMER0SECRET0123456789"
REFRESH_TOKEN = "5Aep861fakeRefreshToken.AAAA.one"


@dataclass
class FakeOAuth:
    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    secret_required: bool = True  # "Require Secret for Refresh Token Flow"
    refresh_tokens: set[str] = field(default_factory=lambda: {REFRESH_TOKEN})
    run_as: str | None = None  # the Client Credentials Flow's Run As user (None: not enabled)
    lifetime_ms: int = 2 * 3_600_000  # the connected app's session timeout
    uses: int | None = None  # each token then answers this many API requests, no more
    issued: dict[str, list[int | None]] = field(default_factory=dict)  # token -> [until, uses]
    grants: Counter[str] = field(default_factory=Counter)
    rotate: bool = False  # refresh token rotation: each refresh gives a new one, voids the old
    _n: int = 0

    def revoke(self, refresh_token: str) -> None:
        """An admin revoked it (or the app's policy expired it): its sessions end too."""
        self.refresh_tokens.discard(refresh_token)
        self.issued.clear()

    def expire_after(self, uses: int) -> None:
        """The sessions open now answer `uses` more requests, then expire."""
        for entry in self.issued.values():
            entry[1] = uses

    def accepts(self, bearer: str, now_ms: int) -> bool:
        """Whether this access token opens a session now (each request uses one `uses`)."""
        entry = self.issued.get(bearer)
        if entry is None or (entry[0] or 0) <= now_ms:
            return False
        if entry[1] is not None:
            if entry[1] <= 0:
                return False
            entry[1] -= 1
        return True

    async def token(self, request: Request, fake: FakeSalesforce) -> Response:
        fake.requests[f"{request.method} {request.url.path}"] += 1
        if not request.headers.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"
        ):
            return _refuse("invalid_request", "must use application/x-www-form-urlencoded")
        if request.query_params:
            return _refuse("invalid_request", "parameters must be in the body")
        form = {k: v[-1] for k, v in parse_qs((await request.body()).decode()).items()}
        grant = form.get("grant_type", "")
        self.grants[grant] += 1
        if grant not in ("refresh_token", "client_credentials"):
            return _refuse("unsupported_grant_type", "grant type not supported")
        if form.get("client_id") != self.client_id:
            return _refuse("invalid_client_id", "client identifier invalid")
        secret = form.get("client_secret")
        checked = grant == "client_credentials" or self.secret_required or secret is not None
        if checked and secret != self.client_secret:
            return _refuse("invalid_client", "invalid client credentials")
        if grant == "client_credentials":
            if self.run_as is None:
                return _refuse("invalid_grant", "no client credentials user enabled")
            user = self.run_as
        else:
            if form.get("refresh_token") not in self.refresh_tokens:
                return _refuse("invalid_grant", "expired access/refresh token")
            user = fake.live("User")[0]["Id"]
        self._n += 1
        token = f"00DFAKE0000001!AQ{self._n:04d}.session"
        self.issued[token] = [fake.now_ms + self.lifetime_ms, self.uses]
        base = str(request.base_url).rstrip("/")
        signature = base64.b64encode(hashlib.sha256(token.encode()).digest()).decode()
        reply: dict[str, Any] = {
            "access_token": token,
            "signature": signature,
            "scope": "refresh_token api",
            "instance_url": base,
            "id": f"{base}/id/00DFAKE0000001AAA/{user}",
            "token_type": "Bearer",
            "issued_at": str(fake.now_ms),
        }
        if self.rotate and grant == "refresh_token":
            self.refresh_tokens.discard(form["refresh_token"])
            reply["refresh_token"] = f"5Aep861fakeRefreshToken.R{self._n:03d}.rotated"
            self.refresh_tokens.add(reply["refresh_token"])
        return JSONResponse(reply, headers={"Cache-Control": "no-cache, no-store"})


def _refuse(error: str, description: str) -> Response:
    return JSONResponse({"error": error, "error_description": description}, status_code=400)
