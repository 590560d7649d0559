"""Where calendar text comes from: a secret ICS address (httpx), a CalDAV server (caldav).

The secret of a source (the whole ICS address: whoever has it reads the calendar; a CalDAV
password) lives in the OS keyring and nowhere else. Keyring backends can hang (a locked
desktop keyring waiting for a prompt), so each call runs on a thread with a timeout.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlsplit

from csm_tui.errors import CsmError
from csm_tui.i18n import _

SERVICE = "csm-tui"
KEYRING_TIMEOUT = 3.0
FETCH_TIMEOUT = 30.0
#: A calendar bigger than this is not a calendar (or not one to read in full every sync).
MAX_BYTES = 50 * 1024 * 1024
T = TypeVar("T")


class CalendarError(CsmError):
    """A source could not be read; the message says which and why."""


def keyring_entry(source_id: str) -> str:
    return f"calendar {source_id}"


def _keyring(call: Callable[[], T]) -> T:
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = call()
        except Exception as exc:  # any backend failure is explained below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="csm-tui-keyring", daemon=True)
    worker.start()
    worker.join(KEYRING_TIMEOUT)
    if worker.is_alive():
        raise CalendarError(_("The system keyring did not answer; unlock it and try again."))
    if "error" in outcome:
        raise CalendarError(
            _("The system keyring failed ({error}).").format(error=outcome["error"])
        )
    return outcome["value"]  # type: ignore[return-value]


def save_secret(source_id: str, secret: str) -> None:
    """Keep the secret, and check it is really kept (a "null" backend keeps nothing)."""
    import keyring

    def save() -> str | None:
        keyring.set_password(SERVICE, keyring_entry(source_id), secret)
        return keyring.get_password(SERVICE, keyring_entry(source_id))

    if _keyring(save) != secret:
        raise CalendarError(_("The system keyring did not keep the calendar's secret."))


def read_secret(source_id: str) -> str:
    import keyring

    found = _keyring(lambda: keyring.get_password(SERVICE, keyring_entry(source_id)))
    if not found:
        raise CalendarError(_("The keyring has no secret for this calendar; add it again."))
    return found


def check_address(url: str) -> str:
    """An http(s) address (webcal:// is https:// in disguise); anything else is refused."""
    url = url.strip()
    if url.lower().startswith("webcal://"):
        url = "https://" + url[len("webcal://") :]
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CalendarError(_("Not a calendar address (https://…): {url}").format(url=parts.scheme))
    return url


def fetch_url(url: str) -> str:
    """The calendar at a secret address. Errors name the host only: the address is a secret."""
    import httpx

    host = urlsplit(url).hostname or "?"
    try:
        with (
            httpx.Client(timeout=FETCH_TIMEOUT, follow_redirects=True) as client,
            client.stream("GET", url, headers={"Accept": "text/calendar"}) as response,
        ):
            if response.status_code != 200:
                raise CalendarError(
                    _("{host} answered {status} for the calendar.").format(
                        host=host, status=response.status_code
                    )
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise CalendarError(
                        _("The calendar at {host} is larger than 50 MB.").format(host=host)
                    )
    except httpx.HTTPError as exc:
        raise CalendarError(
            _("Could not read the calendar at {host} ({error}).").format(
                host=host, error=type(exc).__name__
            )
        ) from None
    return bytes(body).decode("utf-8", errors="replace")


def fetch_caldav(url: str, user: str, password: str, start: datetime, end: datetime) -> list[str]:
    """The iCalendar text of every event in [start, end) of every calendar at the address
    (the user's home, or a single calendar's address). Occurrences are expanded here, not by
    the server: servers differ in how well they do it."""
    from caldav.davclient import DAVClient

    host = urlsplit(url).hostname or "?"
    try:
        with DAVClient(url=url, username=user, password=password) as client:
            try:
                calendars = client.principal().calendars()  # type: ignore[no-untyped-call]
            except Exception:  # an address of one calendar, not of a principal
                calendars = [client.calendar(url=url)]  # type: ignore[no-untyped-call]
            texts: list[str] = []
            for calendar in calendars:
                for found in calendar.search(start=start, end=end, event=True, expand=False):
                    data = found.data
                    texts.append(data if isinstance(data, str) else str(data))
            return texts
    except CalendarError:
        raise
    except Exception as exc:  # caldav raises its own errors, and the HTTP library's
        raise CalendarError(
            _("Could not read the CalDAV calendar at {host} ({error}).").format(
                host=host, error=type(exc).__name__
            )
        ) from None
