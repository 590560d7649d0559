"""How Salesforce's replies read: error bodies (the REST API's `[{"message", "errorCode"}]`, the
OAuth endpoint's `{"error", "error_description"}`), the org's request limit, `Sforce-Limit-Info`,
and what the user does after a 401."""

from __future__ import annotations

import re

import httpx

from csm_tui.crm.sf_oauth import reconnect_hint
from csm_tui.i18n import _


class SalesforceRules:
    vendor = "Salesforce"

    def __init__(self, oauth: bool = False) -> None:
        self.usage: tuple[int, int] | None = None  # api-usage=used/limit, rolling 24 h
        self.oauth = oauth  # an OAuth login (a new access token was already tried)

    def error_of(self, response: httpx.Response) -> tuple[str, str]:
        try:
            data = response.json()
        except ValueError:
            return "", ""
        if isinstance(data, list) and data and isinstance(data[0], dict):
            return str(data[0].get("errorCode") or ""), str(data[0].get("message") or "")
        if isinstance(data, dict):  # the OAuth endpoints
            return str(data.get("error") or ""), str(data.get("error_description") or "")
        return "", ""

    def stops_pass(self, response: httpx.Response, code: str) -> bool:
        return code == "REQUEST_LIMIT_EXCEEDED"

    def pace(self, response: httpx.Response) -> float:
        found = re.search(r"api-usage=(\d+)/(\d+)", response.headers.get("Sforce-Limit-Info", ""))
        if found:
            self.usage = (int(found[1]), int(found[2]))
        return 0.0

    def auth_hint(self) -> str:
        if self.oauth:
            return (
                _(
                    "A new access token was refused too: check that the integration user is "
                    "active and the connected app has the scopes `api refresh_token`."
                )
                + " "
                + reconnect_hint()
            )
        return _(
            "Get a new access token for the integration user and run "
            "`csm-tui crm connect salesforce --instance-url URL` again."
        )
