"""The team server's CRM connector: connect, one pass, its status, and the schedule.

One connector core serves the solo client and the server (`csm_tui.crm.core.pull/push`); here
the book is `ServerBook` (the server's tables), the credential is sealed in the database with a
key from `CSM_TUI_SERVER_SECRET` (server/crm_secret.py), the scope is the CRM owners whose
e-mail is a server user's, and a pass runs only under the CRM lease (server/crm_lock.py).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from csm_tui.crm.core import pull, push
from csm_tui.crm.errors import CrmError
from csm_tui.crm.mapping import SLOTS, check_mapping, parse_map_options
from csm_tui.crm.records import Owner
from csm_tui.crm.secondary import check_source
from csm_tui.crm.sf_oauth import OAuthLogin
from csm_tui.errors import CsmError
from csm_tui.server.crm_book import ServerBook, read_state, write_state
from csm_tui.server.crm_lock import LeaseLost, claim, holder_name, running_pass
from csm_tui.server.crm_secret import seal, server_secret, unseal
from csm_tui.server.db import reading, writing
from csm_tui.server.schema import crm_links, users
from csm_tui.services.crm import (
    NAMES,
    Credential,
    PassReport,
    auth_state,
    default_url,
    make_vendor,
)

if TYPE_CHECKING:
    import httpx
    from sqlalchemy import Engine

    from csm_tui.crm.http import Policy

log = logging.getLogger("csm_tui.server.crm")


def _now() -> str:
    from csm_tui.clock import SystemClock, iso_now

    return iso_now(SystemClock())


def _team_emails(engine: Engine) -> set[str]:
    with reading(engine) as conn:
        return {str(email).lower() for email in conn.execute(select(users.c.email)).scalars()}


def connect(
    engine: Engine,
    vendor_name: str,
    token: Credential,
    *,
    url: str | None = None,
    map_options: tuple[str, ...] = (),
    policy: Policy | None = None,
    secondary: str = "",
) -> dict[str, Any]:
    """Check the credential, the mapping and the secondary owners' source (a HubSpot user
    property, a Salesforce team role), then keep them (the credential sealed: a bare token as
    it is, an OAuth login as one JSON document with its refresh token and client secret)."""
    secret = server_secret()  # refuse before anything is asked of the CRM
    url = default_url(vendor_name, url)
    mapping = parse_map_options(map_options)
    secondary = secondary.strip()
    rotated: list[OAuthLogin] = []
    vendor = make_vendor(vendor_name, token, url, policy=policy, on_rotate=rotated.append)
    try:
        fields = vendor.fields()
        check_mapping(vendor_name, mapping, fields)
        check_source(vendor_name, secondary, fields)
        owners = vendor.owners()
    finally:
        vendor.api.close()
    team = _team_emails(engine)
    matched = sorted(owner.email.lower() for owner in owners if owner.email.lower() in team)
    with writing(engine) as conn:
        state = read_state(conn)
        fresh = state.get("vendor") not in (None, vendor_name) or state.get("url") not in (
            None,
            url,
        )
        values: dict[str, Any] = {
            "vendor": vendor_name,
            "url": url,
            "owners": {owner.id: owner.email.lower() for owner in owners},
            "mapping": mapping,
            "secondary": secondary,
            "credential": _sealed(rotated[-1] if rotated else token, secret),
            "auth": auth_state(token),
            "connected_at": None if fresh else state.get("connected_at"),
        }
        values["connected_at"] = values["connected_at"] or _now()
        if fresh:  # another CRM: its cursors mean nothing here
            values |= {key: None for key in state if key.startswith("cursor.")}
        write_state(conn, values)
    return {
        "vendor": vendor_name,
        "url": url,
        "fields": fields,
        "mapping": mapping,
        "secondary": secondary,
        "matched": matched,
    }


def sync_pass(
    engine: Engine,
    *,
    holder: str | None = None,
    backfill_since: str | None = None,
    policy: Policy | None = None,
    transport: httpx.BaseTransport | None = None,
    today: Callable[[], date] = date.today,
) -> PassReport | None:
    """One pass (pull, then push) under the lease; None when another process's pass runs."""
    secret = server_secret()
    with reading(engine) as conn:
        state = read_state(conn)
    if not state.get("vendor"):
        raise CrmError("The server is not connected to a CRM: run `csm-tui server crm connect`.")
    sealed = unseal(state["credential"], secret)
    token: Credential = OAuthLogin.from_sealed(sealed) or sealed
    with claim(engine, holder or holder_name()) as lease:
        if lease is None:
            return None
        vendor_name = str(state["vendor"])
        book = ServerBook(engine, vendor_name, now=_now, today=today, guard=lease.guard)
        report = PassReport(at=_now())
        vendor = make_vendor(
            vendor_name,
            token,
            state["url"],
            policy=policy,
            transport=transport,
            on_rotate=lambda login: _keep_rotated(engine, login, secret),
        )
        lost = False
        try:
            owners: dict[str, str] = dict(book.state().get("owners") or {})
            team = _team_emails(engine)
            scope = frozenset(crm_id for crm_id, email in owners.items() if email in team)
            if not scope:
                raise CrmError(
                    f"No user of this server is a {NAMES[vendor_name]} user (by e-mail): "
                    "nothing is in scope. Add the CSMs with `csm-tui server add-user`."
                )
            me = Owner(sorted(scope)[0], "", "")
            mapping = {k: v for k, v in state.get("mapping", {}).items() if k in SLOTS}
            secondary = str(state.get("secondary") or "")
            report.pulled = asdict(pull(vendor, book, mapping, me, team=scope, secondary=secondary))
            owners = dict(book.state().get("owners") or {})
            owner_ids = {email: crm_id for crm_id, email in owners.items()}
            since = str(state["connected_at"])
            report.pushed = asdict(push(vendor, book, owner_ids, since, backfill_since))
        except LeaseLost:
            lost = True
            raise
        except CrmError as exc:
            report.error = str(exc)
            raise
        finally:
            report.requests = dict(vendor.api.requests)
            vendor.api.close()
            if not lost:
                _keep(book, report)
        return report


def _sealed(token: Credential, secret: str) -> dict[str, str]:
    return seal(token.sealed_form() if isinstance(token, OAuthLogin) else token, secret)


def _keep_rotated(engine: Engine, login: OAuthLogin, secret: str) -> None:
    """Salesforce rotated the refresh token (the one used is void): seal the new one at once."""
    with writing(engine) as conn:
        write_state(conn, {"credential": _sealed(login, secret)})


def _keep(book: ServerBook, report: PassReport) -> None:
    values: dict[str, Any] = {"last_pass": asdict(report)}
    if report.error:
        values["last_error"] = {"at": report.at, "error": report.error}
    try:
        book.set_state(values)
    except LeaseLost:
        return
    log.info(
        "CRM pass at %s: pulled %s, pushed %s, %d requests%s",
        report.at,
        {k: v for k, v in report.pulled.items() if k != "skipped"},
        {k: v for k, v in report.pushed.items() if k != "failed"},
        sum(report.requests.values()),
        f", error: {report.error}" if report.error else "",
    )


def status(engine: Engine) -> dict[str, Any]:
    """The connection, the last pass, the last error, the links by state, who runs a pass."""
    with reading(engine) as conn:
        state = read_state(conn)
        if not state.get("vendor"):
            return {}
        links = conn.execute(
            select(crm_links.c.state, func.count()).group_by(crm_links.c.state)
        ).all()
        running = running_pass(conn)
    return {
        "vendor": state["vendor"],
        "url": state["url"],
        "mapping": state.get("mapping", {}),
        "secondary": state.get("secondary", ""),
        "auth": state.get("auth") or None,
        "connected_at": state.get("connected_at"),
        "last_pass": state.get("last_pass"),
        "last_error": state.get("last_error"),
        "links": {row[0]: row[1] for row in links},
        "running": running,
    }


def start_schedule(engine: Engine, every: float) -> threading.Event:
    """Run a pass now and every `every` seconds in a daemon thread; set the event to stop.
    Every failure is logged (never the credential) and the schedule goes on."""
    server_secret()  # refuse to start without it
    stop = threading.Event()
    holder = holder_name()

    def loop() -> None:
        while not stop.is_set():
            try:
                report = sync_pass(engine, holder=holder)
                if report is None:
                    log.info("CRM pass skipped: another server process is running one")
            except (CsmError, CrmError) as exc:
                log.warning("CRM pass failed: %s", exc)
            except Exception:  # the schedule must outlive any one pass
                log.exception("CRM pass failed")
            stop.wait(every)

    threading.Thread(target=loop, name="crm-schedule", daemon=True).start()
    return stop
