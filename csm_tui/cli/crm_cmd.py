"""`csm-tui crm connect | sync | status`: the CRM connector of a CSM without a team server.

The credential comes from CSM_TUI_CRM_TOKEN, else it is asked for without echo (or read from
stdin when that is not a terminal) and kept in the OS keyring; it is never printed, logged or
written to the database or the config. With `--client-id` (Salesforce) it is a refresh token,
and the connected app's client secret comes from CSM_TUI_CRM_CLIENT_SECRET or is asked for the
same way (`--grant client-credentials`: the secret alone); both are kept in the same keyring
entry, and the access tokens they buy stay in memory.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from csm_tui.cli.options import db_option, open_for_command, salesforce_oauth_options
from csm_tui.cli.terminal import echo
from csm_tui.errors import CsmError
from csm_tui.i18n import _

if TYPE_CHECKING:
    from csm_tui.crm.sf_oauth import OAuthLogin


@click.group("crm")
def crm_group() -> None:
    """Keep the book in step with HubSpot or Salesforce, and send logged work there."""
    from csm_tui.config import load_config
    from csm_tui.i18n import set_language

    set_language(load_config().language)


def _read_token(vendor: str, label: str = "") -> tuple[str, bool]:
    """(credential, whether it was typed in and should be kept in the keyring)."""
    from csm_tui.crm.token import token_from_env

    env = token_from_env()
    if env:
        return env, False
    label = label or _("{vendor} access token").format(vendor=vendor)
    if sys.stdin.isatty():
        token = str(click.prompt(label, hide_input=True, err=True))
    else:
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise CsmError(_("No credential was given."))
    return token, True


def _read_secret(label: str, required: bool) -> tuple[str, bool]:
    """(client secret, whether it was typed in): CSM_TUI_CRM_CLIENT_SECRET, else asked for
    without echo (empty allowed unless `required`), else a line of stdin."""
    from csm_tui.crm.token import secret_from_env

    env = secret_from_env()
    if env is not None and (env or not required):
        return env, False
    if sys.stdin.isatty():
        secret = str(click.prompt(label, hide_input=True, err=True, default="", show_default=False))
    else:
        secret = sys.stdin.readline()
    secret = secret.strip()
    if required and not secret:
        raise CsmError(_("No client secret was given."))
    return secret, True


def read_login(vendor: str, client_id: str | None, grant: str) -> tuple[str | OAuthLogin, str, str]:
    """(credential, the refresh token typed in, the secret typed in): a bare access token
    without `client_id`, else a Salesforce OAuth login. What came from the environment is
    returned as "" (it is not kept in the keyring)."""
    from csm_tui.crm.sf_oauth import CLIENT_CREDENTIALS, OAuthLogin

    if client_id is None:
        token, typed = _read_token(vendor)
        return token, token if typed else "", ""
    grant = grant.replace("-", "_")
    refresh, typed_refresh = "", ""
    if grant != CLIENT_CREDENTIALS:
        refresh, typed = _read_token(vendor, _("{vendor} refresh token").format(vendor=vendor))
        typed_refresh = refresh if typed else ""
    secret, typed = _read_secret(
        _("Client secret of the connected app (empty if it has none)")
        if grant != CLIENT_CREDENTIALS
        else _("Client secret of the connected app"),
        required=grant == CLIENT_CREDENTIALS,
    )
    login = OAuthLogin(grant, client_id.strip(), refresh, secret)
    return login, typed_refresh, secret if typed else ""


@crm_group.command("connect")
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
    "segment or stage (repeatable; adds to [crm.<vendor>.fields] in config.toml).",
)
@click.option(
    "--secondary-owners",
    "secondary_owners",
    default=None,
    metavar="PROPERTY",
    help="HubSpot: the user property of a company that names its secondary owners "
    '(overrides [crm.hubspot] secondary_owners in config.toml; "" for none).',
)
@click.option(
    "--team-role",
    "team_role",
    default=None,
    metavar="ROLE",
    help="Salesforce: the AccountTeamMember role whose members are secondary owners "
    '(overrides [crm.salesforce] team_role in config.toml; "" for none).',
)
@salesforce_oauth_options
@db_option
@click.pass_context
def connect(
    ctx: click.Context,
    vendor: str,
    api_url: str | None,
    instance_url: str | None,
    maps: tuple[str, ...],
    secondary_owners: str | None,
    team_role: str | None,
    client_id: str | None,
    grant: str,
    db: Path | None,
) -> None:
    """Connect this book to a CRM, check the field mapping, list the fields it can use."""
    from csm_tui.config import load_config
    from csm_tui.crm.mapping import ACCEPTED
    from csm_tui.crm.token import save_crm_secrets, save_crm_token
    from csm_tui.services import crm

    url = instance_url if vendor == "salesforce" else api_url
    name = crm.NAMES[vendor]
    wrong = team_role if vendor == "hubspot" else secondary_owners
    if wrong is not None:
        option = "--team-role" if vendor == "hubspot" else "--secondary-owners"
        raise click.UsageError(
            _("{option} is not for {vendor}.").format(option=option, vendor=name)
        )
    secondary = secondary_owners if vendor == "hubspot" else team_role
    if client_id is not None and vendor != "salesforce":
        raise click.UsageError(_("--client-id is for Salesforce only."))
    token, typed_token, typed_secret = read_login(name, client_id, grant)
    store = open_for_command(ctx, db)
    try:
        result = crm.connect(
            store,
            vendor,
            token,
            url=url,
            map_options=maps,
            raw_config=load_config().raw,
            secondary=secondary,
        )
    finally:
        store.close()
    if result.rotated is not None:  # the refresh token given is void: keep the new one
        save_crm_secrets(vendor, result.url, result.rotated.refresh_token, typed_secret)
    elif client_id is not None:
        if typed_token or typed_secret:
            save_crm_secrets(vendor, result.url, typed_token, typed_secret)
    elif typed_token:
        save_crm_token(vendor, result.url, typed_token)
    usable = {kind for kinds in ACCEPTED[vendor].values() for kind in kinds}
    echo(_("Fields of {vendor} you can map (API name, type, label):").format(vendor=name))
    for info in sorted(result.fields, key=lambda item: item.name):
        if info.type in usable:
            echo(f"  {info.name:<40} {info.type:<12} {info.label}")
    for slot, field_name in sorted(result.mapping.items()):
        echo(_("Mapped: {slot} = {field}").format(slot=slot, field=field_name))
    if result.secondary:
        echo(_("Secondary owners from: {source}").format(source=result.secondary))
    echo(
        _("Connected to {vendor} at {url} as {name} <{email}>.").format(
            vendor=name, url=result.url, name=result.owner.name, email=result.owner.email
        ),
        err=True,
    )


@crm_group.command("sync")
@click.option(
    "--backfill",
    "backfill",
    default=None,
    metavar="SINCE",
    help="Also send the work logged before the connection, from this date (2026-11-01).",
)
@db_option
@click.pass_context
def sync(ctx: click.Context, backfill: str | None, db: Path | None) -> None:
    """One pass: bring the CRM's changes into the book, send new work to the CRM."""
    from datetime import date

    from csm_tui.crm.token import find_crm_credential
    from csm_tui.services import crm

    if backfill is not None:  # read as every form and option reads a date (11/1, R8.11.1, -30)
        from csm_tui.date_input import DateInputError, parse_date

        unreadable = _("--backfill takes a date like 2026-11-01 (got {given}).")
        try:
            day = parse_date(backfill, date.today(), prefer="past")
        except DateInputError as error:
            if error.reason == "unreadable":
                raise CsmError(unreadable.format(given=backfill)) from None
            raise CsmError(str(error)) from None
        if day is None:
            raise CsmError(unreadable.format(given=backfill))
        backfill = day.isoformat()
    store = open_for_command(ctx, db)
    try:
        state = crm.connection(store)
        if not state:
            raise CsmError(_("This book is not connected to a CRM: run `csm-tui crm connect`."))
        token = find_crm_credential(state["vendor"], state["url"], state.get("auth"))
        report = crm.sync(store, token, backfill_since=backfill)
    finally:
        store.close()
    echo(_describe(report.pulled, report.pushed, sum(report.requests.values())), err=True)


def _describe(pulled: dict[str, object], pushed: dict[str, object], requests: int) -> str:
    line = _(
        "Pulled: {new} new, {updated} updated, {moved} moved, {removed} archived, "
        "{contacts} contacts. Pushed: {created} created, {changed} updated, {deleted} deleted."
    ).format(
        new=pulled.get("new", 0),
        updated=pulled.get("updated", 0),
        moved=pulled.get("moved", 0),
        removed=pulled.get("removed", 0),
        contacts=pulled.get("contacts", 0),
        created=pushed.get("created", 0),
        changed=pushed.get("updated", 0),
        deleted=pushed.get("deleted", 0),
    )
    pending = int(str(pushed.get("unknown", 0))) + int(str(pushed.get("waiting", 0)))
    if pending:
        line += " " + _(
            "{count} sent without an answer yet: looked up in the CRM before any new try."
        ).format(count=pending)
    failed = pushed.get("failed") or []
    if isinstance(failed, list) and failed:
        line += " " + _("{count} not sent: {reason}").format(count=len(failed), reason=failed[0])
    return line + " " + _("({requests} requests)").format(requests=requests)


@crm_group.command("status")
@db_option
@click.pass_context
def status(ctx: click.Context, db: Path | None) -> None:
    """The CRM this book is connected to, the last pass, what it did and its error."""
    from csm_tui.services import crm

    store = open_for_command(ctx, db)
    try:
        found = crm.status(store)
    finally:
        store.close()
    if not found:
        echo(_("Not connected to a CRM."))
        return
    owner = found["owner"]
    echo(
        _("Connected to {vendor} at {url} as {email}.").format(
            vendor=crm.NAMES[found["vendor"]], url=found["url"], email=owner.get("email", "")
        )
    )
    for slot, field_name in sorted(found["mapping"].items()):
        echo(_("Mapped: {slot} = {field}").format(slot=slot, field=field_name))
    if found.get("secondary"):
        echo(_("Secondary owners from: {source}").format(source=found["secondary"]))
    auth = found.get("auth")
    if auth:
        echo(_describe_auth(auth))
    last = found["last_pass"]
    if not last:
        echo(_("No pass yet: run `csm-tui crm sync`."))
        return
    echo(_("Last pass: {at}").format(at=last["at"]))
    echo(_describe(last["pulled"], last["pushed"], sum(last["requests"].values())))
    links = found["links"]
    if links:
        echo(
            _("Activities in the CRM: {sent} sent, {failed} refused, {sending} unknown.").format(
                sent=links.get("sent", 0),
                failed=links.get("failed", 0),
                sending=links.get("sending", 0),
            )
        )
    if last["error"]:
        echo(_("Last error: {error}").format(error=last["error"]))


def _describe_auth(auth: dict[str, str]) -> str:
    if auth.get("grant") == "client_credentials":
        return _("Logs in with OAuth client credentials (connected app {client_id}).").format(
            client_id=auth.get("client_id", "")
        )
    return _("Logs in with an OAuth refresh token (connected app {client_id}).").format(
        client_id=auth.get("client_id", "")
    )
