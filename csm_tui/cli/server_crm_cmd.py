"""`csm-tui server crm connect | sync | status`: the team server's CRM connector.

The credential comes from CSM_TUI_CRM_TOKEN, else it is asked for without echo (or read from
stdin when that is not a terminal); the server keeps it in its database encrypted with a key
from CSM_TUI_SERVER_SECRET. It is never printed or logged. With `--client-id` (Salesforce) it is
a refresh token plus the connected app's client secret (CSM_TUI_CRM_CLIENT_SECRET, else asked
for), or with `--grant client-credentials` the secret alone, sealed together as one value.
Messages go to stderr, like the other server commands (in English: they are an administrator's).
"""

from __future__ import annotations

import json
import re
import sys
from typing import TYPE_CHECKING, Any

import click

from csm_tui.cli.options import salesforce_oauth_options
from csm_tui.cli.server_cmd import _engine, database_option
from csm_tui.cli.terminal import echo
from csm_tui.errors import CsmError

if TYPE_CHECKING:
    from csm_tui.services.crm import Credential

_EVERY = re.compile(r"^\s*(\d+)\s*([smh]?)\s*$")


def parse_every(text: str) -> float:
    """`10m`, `90s`, `1h` (a bare number is minutes) as seconds; at least 10 seconds."""
    match = _EVERY.match(text)
    if not match:
        raise click.BadParameter(f"{text!r}: write it like 10m, 90s or 1h.")
    seconds = int(match[1]) * {"s": 1, "m": 60, "h": 3600, "": 60}[match[2]]
    if seconds < 10:
        raise click.BadParameter("run it at most every 10 seconds.")
    return float(seconds)


def _token(vendor: str, label: str = "") -> str:
    from csm_tui.crm.token import token_from_env

    token = token_from_env()
    if not token:
        label = label or f"{vendor} access token"
        if sys.stdin.isatty():
            token = str(click.prompt(label, hide_input=True, err=True))
        else:
            token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise CsmError("No credential was given.")
    return token


def _secret(required: bool) -> str:
    """The client secret: CSM_TUI_CRM_CLIENT_SECRET, else asked for without echo (empty allowed
    for a connected app without one, unless `required`), else a line of stdin."""
    from csm_tui.crm.token import secret_from_env

    secret = secret_from_env()
    if secret is None or (required and not secret):
        label = "Client secret of the connected app" + ("" if required else " (empty if none)")
        if sys.stdin.isatty():
            secret = str(
                click.prompt(label, hide_input=True, err=True, default="", show_default=False)
            )
        else:
            secret = sys.stdin.readline()
    secret = secret.strip()
    if required and not secret:
        raise CsmError("No client secret was given.")
    return secret


def _credential(vendor: str, client_id: str | None, grant: str) -> Credential:
    """A bare access token, or with `client_id` a Salesforce OAuth login."""
    from csm_tui.crm.sf_oauth import CLIENT_CREDENTIALS, OAuthLogin

    if client_id is None:
        return _token(vendor)
    grant = grant.replace("-", "_")
    refresh = "" if grant == CLIENT_CREDENTIALS else _token(vendor, f"{vendor} refresh token")
    return OAuthLogin(grant, client_id.strip(), refresh, _secret(grant == CLIENT_CREDENTIALS))


@click.group("crm")
def server_crm_group() -> None:
    """Keep the team's accounts in step with HubSpot or Salesforce, and send logged work there."""


@server_crm_group.command("connect")
@click.argument("vendor", type=click.Choice(["hubspot", "salesforce"]))
@click.option("--api-url", default=None, help="HubSpot's API address (a sandbox or a test).")
@click.option(
    "--instance-url", default=None, help="Salesforce: https://yourcompany.my.salesforce.com."
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=CRM_FIELD",
    help="Which CRM field fills renewal_date, contract_value, currency, health_score, "
    "segment or stage (repeatable).",
)
@click.option(
    "--secondary-owners",
    "secondary_owners",
    default="",
    metavar="PROPERTY",
    help="HubSpot: the user property of a company that names its secondary owners.",
)
@click.option(
    "--team-role",
    "team_role",
    default="",
    metavar="ROLE",
    help="Salesforce: the AccountTeamMember role whose members are secondary owners.",
)
@salesforce_oauth_options
@database_option
def connect(
    vendor: str,
    api_url: str | None,
    instance_url: str | None,
    maps: tuple[str, ...],
    secondary_owners: str,
    team_role: str,
    client_id: str | None,
    grant: str,
    database: str | None,
) -> None:
    """Connect the server to a CRM: check the credential and the mapping, store them."""
    from csm_tui.crm.mapping import ACCEPTED
    from csm_tui.server.crm_pass import connect as run_connect
    from csm_tui.server.crm_secret import server_secret
    from csm_tui.services.crm import NAMES

    if team_role if vendor == "hubspot" else secondary_owners:
        option = "--team-role" if vendor == "hubspot" else "--secondary-owners"
        raise click.UsageError(f"{option} is not for {NAMES[vendor]}.")
    secondary = secondary_owners if vendor == "hubspot" else team_role
    if client_id is not None and vendor != "salesforce":
        raise click.UsageError("--client-id is for Salesforce only.")
    server_secret()  # refuse before the credential is asked for
    engine = _engine(database)
    url = instance_url if vendor == "salesforce" else api_url
    credential = _credential(NAMES[vendor], client_id, grant)
    result = run_connect(engine, vendor, credential, url=url, map_options=maps, secondary=secondary)
    usable = {kind for kinds in ACCEPTED[vendor].values() for kind in kinds}
    echo(f"Fields of {NAMES[vendor]} you can map (API name, type, label):", err=True)
    for info in sorted(result["fields"], key=lambda item: item.name):
        if info.type in usable:
            echo(f"  {info.name:<40} {info.type:<12} {info.label}", err=True)
    for slot, field_name in sorted(result["mapping"].items()):
        echo(f"Mapped: {slot} = {field_name}", err=True)
    if result["secondary"]:
        echo(f"Secondary owners from: {result['secondary']}", err=True)
    matched = result["matched"]
    echo(
        f"Connected to {NAMES[vendor]} at {result['url']}; {len(matched)} server users are "
        f"{NAMES[vendor]} users: {', '.join(matched) or 'none yet'}. The credential is stored "
        "encrypted; run `csm-tui server crm sync` for a first pass.",
        err=True,
    )


@server_crm_group.command("sync")
@click.option(
    "--backfill",
    "backfill",
    default=None,
    metavar="YYYY-MM-DD",
    help="Also send the work logged since this date, before the connection existed.",
)
@database_option
def sync(backfill: str | None, database: str | None) -> None:
    """Run one pass now: pull the accounts and contacts, push the activities."""
    from datetime import date

    from csm_tui.server.crm_pass import sync_pass

    since = None
    if backfill:
        try:
            since = date.fromisoformat(backfill).isoformat()
        except ValueError:
            raise click.BadParameter(f"{backfill!r} is not a date like 2026-11-01.") from None
    report = sync_pass(_engine(database), backfill_since=since)
    if report is None:
        echo("Another server process is running a CRM pass; try again when it ends.", err=True)
        raise SystemExit(75)
    echo(_describe(report.pulled, report.pushed, report.requests), err=True)


def _describe(pulled: dict[str, Any], pushed: dict[str, Any], requests: dict[str, int]) -> str:
    return (
        f"Pulled: {pulled.get('new', 0)} new, {pulled.get('updated', 0)} updated, "
        f"{pulled.get('moved', 0)} moved, {pulled.get('removed', 0)} removed accounts, "
        f"{pulled.get('contacts', 0)} contacts. Pushed: {pushed.get('created', 0)} created, "
        f"{pushed.get('updated', 0)} updated, {pushed.get('deleted', 0)} deleted, "
        f"{len(pushed.get('failed', []))} failed. {sum(requests.values())} requests."
    )


@server_crm_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="As JSON.")
@database_option
def status(as_json: bool, database: str | None) -> None:
    """The connection, the last pass and what it did, the last error."""
    from csm_tui.server.crm_pass import status as read_status

    state = read_status(_engine(database))
    if as_json:
        echo(json.dumps(state, ensure_ascii=False, indent=2, sort_keys=True))
        return
    if not state:
        echo("The server is not connected to a CRM.", err=True)
        return
    echo(f"{state['vendor']} at {state['url']}, connected {state['connected_at']}")
    mapping = ", ".join(f"{k}={v}" for k, v in sorted(state["mapping"].items()))
    echo(f"Mapping: {mapping or 'none'}")
    auth = state.get("auth")
    if auth:
        how = "client credentials" if auth["grant"] == "client_credentials" else "refresh token"
        echo(f"Logs in with an OAuth {how} (connected app {auth['client_id']})")
    last = state["last_pass"]
    if last:
        echo(f"Last pass: {last['at']}" + (" (failed)" if last["error"] else ""))
        echo("  " + _describe(last["pulled"], last["pushed"], last["requests"]))
    else:
        echo("No pass yet.")
    if state["last_error"]:
        echo(f"Last error ({state['last_error']['at']}): {state['last_error']['error']}")
    links = ", ".join(f"{count} {name}" for name, count in sorted(state["links"].items()))
    echo(f"Activities: {links or 'none sent'}")
    if state["running"]:
        echo(f"A pass is running now ({state['running']}).")
