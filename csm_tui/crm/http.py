"""One HTTP wrapper for both CRMs: retries, backoff, rate-limit pacing, errors as exceptions.

The policy is shared; what differs per vendor (how an error body reads, which 429 or 403 means
"stop for today", what the limit headers say) comes from a `Rules` object the adapter passes.
A create request is sent with `unknown_on_failure`: a timeout or 5xx after sending raises
`OutcomeUnknown` instead of being retried, since the CRM may have created the record.
"""

from __future__ import annotations

import contextlib
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol

import httpx

from csm_tui import __version__
from csm_tui.crm.errors import (
    CrmAuthError,
    CrmBadReply,
    CrmLimitReached,
    CrmRefused,
    CrmUnavailable,
    OutcomeUnknown,
)
from csm_tui.i18n import _

if TYPE_CHECKING:
    from csm_tui.crm.sf_oauth import TokenSource

TIMEOUT = httpx.Timeout(20.0, connect=5.0)


@dataclass
class Policy:
    """How hard to try. `sleep` is injectable so tests and the bench never wait for real."""

    attempts: int = 6
    base: float = 0.5
    cap: float = 60.0
    default_429_wait: float = 10.0  # HubSpot does not always send Retry-After
    sleep: Callable[[float], None] = time.sleep
    timeout: httpx.Timeout = field(default_factory=lambda: TIMEOUT)


class Rules(Protocol):
    """The vendor-specific reading of replies."""

    vendor: str

    def error_of(self, response: httpx.Response) -> tuple[str, str]:
        """(code, message) of an error reply, both possibly empty."""

    def stops_pass(self, response: httpx.Response, code: str) -> bool:
        """Whether this refusal is a daily/org limit that ends the pass."""

    def pace(self, response: httpx.Response) -> float:
        """Seconds to wait before the next request (budget headers), usually 0."""

    def auth_hint(self) -> str:
        """What the user does after a 401."""


class Api:
    """One CRM, one credential; counts requests per label for `crm status` and the bench.

    The credential is a bearer `token`, or `auth` (an OAuth token source: its access token is
    asked for before the first request, and once more after a 401, when the request is sent
    again), or neither (the OAuth token endpoint itself)."""

    def __init__(
        self,
        base_url: str,
        token: str | None,
        rules: Rules,
        *,
        policy: Policy | None = None,
        transport: httpx.BaseTransport | None = None,
        auth: TokenSource | None = None,
    ) -> None:
        self.rules = rules
        self.policy = policy or Policy()
        headers = {"User-Agent": f"csm-tui/{__version__}", "Accept": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        self.client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=self.policy.timeout,
            transport=transport,
            headers=headers,
        )
        self.requests: Counter[str] = Counter()
        self.server_time: float | None = None  # the CRM's clock (Date header), epoch seconds
        self._wait_before_next = 0.0
        self.auth = auth
        self._bearer = ""  # the access token `auth` gave, in memory only
        if auth is not None:
            auth.bind(self)

    def close(self) -> None:
        self.client.close()
        if self.auth is not None:
            self.auth.close()

    def _authorize(self, token: str) -> None:
        self._bearer = token
        self.client.headers["Authorization"] = f"Bearer {token}"

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def call(
        self,
        method: str,
        url: str,
        *,
        label: str,
        json: Any = None,
        params: dict[str, Any] | None = None,
        data: dict[str, str] | None = None,
        unknown_on_failure: bool = False,
    ) -> Any:
        """The reply's JSON (None for an empty body); retries what is safe to retry."""
        policy = self.policy
        if self.auth is not None and not self._bearer:
            self._authorize(self.auth.current())
        renewed = False
        attempt = 0
        while attempt < policy.attempts:
            attempt += 1
            if self._wait_before_next:
                policy.sleep(self._wait_before_next)
                self._wait_before_next = 0.0
            self.requests[label] += 1
            try:
                response = self.client.request(method, url, json=json, params=params, data=data)
            except httpx.ConnectError as exc:  # nothing reached the CRM: always safe to retry
                wait, problem = self._backoff(attempt), str(exc) or type(exc).__name__
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                if unknown_on_failure:
                    raise OutcomeUnknown(self._say_unknown(label)) from exc
                wait, problem = self._backoff(attempt), type(exc).__name__
            else:
                self._note_time(response)
                if response.status_code == 401 and self.auth is not None and not renewed:
                    # the session expired: one new access token, the same request once more
                    # (a refused request created nothing, so a create may be sent again)
                    renewed = True
                    self._authorize(self.auth.renew(self._bearer))
                    attempt -= 1
                    continue
                outcome = self._classify(response, attempt, unknown_on_failure, label)
                if not isinstance(outcome, tuple):
                    return outcome
                wait, problem = outcome
            if attempt < policy.attempts:
                policy.sleep(wait)
        raise CrmUnavailable(
            _("{vendor} kept failing ({problem}); try again later.").format(
                vendor=self.rules.vendor, problem=problem
            )
        )

    def _classify(self, response: httpx.Response, attempt: int, unknown: bool, label: str) -> Any:
        """The JSON of a success, an exception, or (wait, problem) for a retry."""
        status = response.status_code
        if status < 300:
            self._wait_before_next = self.rules.pace(response)
            if not response.content:
                return None
            try:
                return response.json()
            except ValueError:
                raise CrmBadReply(self._say_bad(label)) from None
        code, message = self.rules.error_of(response)
        detail = message or code or response.reason_phrase
        if status == 401:
            raise CrmAuthError(
                _("{vendor} refused the credential ({detail}).").format(
                    vendor=self.rules.vendor, detail=detail
                )
                + " "
                + self.rules.auth_hint(),
                detail,
            )
        if self.rules.stops_pass(response, code):
            raise CrmLimitReached(
                _(
                    "{vendor}'s API limit is used up ({detail}); the pass stops until it resets."
                ).format(vendor=self.rules.vendor, detail=detail)
            )
        if status == 429:
            wait = _retry_after(response)
            if wait is None:
                wait = self.policy.default_429_wait + random.uniform(0, 1)
            return min(wait, self.policy.cap), f"429 {detail}"
        if status >= 500:
            if unknown:
                raise OutcomeUnknown(self._say_unknown(label))
            return self._backoff(attempt), f"{status} {detail}"
        raise CrmRefused(
            _("{vendor} refused {what}: {status} {detail}.").format(
                vendor=self.rules.vendor, what=label, status=status, detail=detail
            ),
            status,
            code,
            detail,
        )

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter."""
        return random.uniform(0, min(self.policy.cap, self.policy.base * 2**attempt))

    def _note_time(self, response: httpx.Response) -> None:
        date = response.headers.get("Date")
        if date:
            with contextlib.suppress(TypeError, ValueError):
                self.server_time = parsedate_to_datetime(date).timestamp()

    def _say_unknown(self, label: str) -> str:
        return _(
            "No answer from {vendor} to {what}; it will be looked up before any retry."
        ).format(vendor=self.rules.vendor, what=label)

    def _say_bad(self, label: str) -> str:
        return _(
            "{vendor} sent a reply to {what} that is not valid; nothing of it was applied."
        ).format(vendor=self.rules.vendor, what=label)

    def bad_reply(self, label: str) -> CrmBadReply:
        """For adapters: a reply that parsed but does not have the documented shape."""
        return CrmBadReply(self._say_bad(label))


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None
