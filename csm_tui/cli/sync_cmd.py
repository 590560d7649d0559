"""`csm-tui login`, `logout`, `sync` and `status`: the team sync from the shell.

The token is read without echo (or from stdin when it is not a terminal), checked against the
server and kept in the OS keyring; `CSM_TUI_TOKEN` overrides it. It is never printed, logged or
written to the database or the config.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from csm_tui.cli.options import db_option, open_for_command
from csm_tui.cli.terminal import echo
from csm_tui.errors import CsmError

if TYPE_CHECKING:
    from csm_tui.store.connection import Store

SERVER_HELP = "The sync server's address, like https://csm.example.com (default: the book's)."


def _server_url(store: Store, given: str | None) -> str:
    from csm_tui.store.remote import read_sync_state

    url = given or read_sync_state(store).get("server")
    if not url:
        raise CsmError("This book is not connected to a server: run csm-tui login --server URL.")
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise CsmError(f"{url} is not a server address (it starts with https:// or http://).")
    return url


def warn_if_clear_text(url: str) -> None:
    """Say on stderr that the token will travel unencrypted: http:// to a host that is not this
    machine (on loopback, as in a test or behind a local proxy, it never leaves it)."""
    import ipaddress
    from urllib.parse import urlsplit

    from csm_tui.i18n import _

    parts = urlsplit(url)
    if parts.scheme != "http":
        return
    host = (parts.hostname or "").lower()
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost" or host.endswith(".localhost")
    if not loopback:
        message = _(
            "Warning: {url} is not encrypted (http://): your token and the book's data travel "
            "in clear text to {host}, readable by anyone on the way. Use https:// unless the "
            "network is yours."
        )
        echo(message.format(url=url, host=host), err=True)


def _read_token() -> str:
    if sys.stdin.isatty():
        token = str(click.prompt("API token", hide_input=True, err=True))
    else:
        token = sys.stdin.readline()
    token = token.strip()
    if not token:
        raise CsmError("No token was given.")
    return token


@click.command("login")
@click.option("--server", "server_url", required=True, help=SERVER_HELP)
@click.option("--email", default=None, help="Check that the token is this user's.")
@click.option(
    "--push-local",
    is_flag=True,
    help="Send what this book holds already (an import) to the server as new accounts.",
)
@db_option
@click.pass_context
def login(
    ctx: click.Context, server_url: str, email: str | None, push_local: bool, db: Path | None
) -> None:
    """Connect this book to a sync server and keep the token in the system keyring.

    The token is asked for without echo, or read from stdin (csm-tui login … < token.txt).
    """
    from csm_tui.store.remote import read_sync_state
    from csm_tui.sync.client import connect
    from csm_tui.sync.http import Server
    from csm_tui.sync.token import TokenUnavailable, save_token

    store = open_for_command(ctx, db, create=True)  # a new device joins its team
    try:
        url = _server_url(store, server_url)
        warn_if_clear_text(url)  # before the token is asked for, so the user can still stop
        token = _read_token()
        with Server(url, token) as server:
            me = server.me()
            if email and email.strip().lower() != me.email:
                raise CsmError(f"The token is {me.email}'s, not {email.strip().lower()}'s.")
            book_user = read_sync_state(store).get("user")
            if book_user and book_user != me.email:  # issue 19.4: one book, one user
                raise CsmError(
                    f"This book is {book_user}'s, but the token is {me.email}'s; "
                    "use another database (--db) for their book."
                )
            connect(store, server, push_local=push_local)
    finally:
        store.close()
    try:
        save_token(url, token, user=me.email)
    except TokenUnavailable as exc:
        raise CsmError(f"The book is connected, but the token could not be kept: {exc}") from None
    echo(f"Logged in to {url} as {me.name} <{me.email}>.", err=True)


@click.command("logout")
@click.option("--server", "server_url", default=None, help=SERVER_HELP)
@db_option
@click.pass_context
def logout(ctx: click.Context, server_url: str | None, db: Path | None) -> None:
    """Remove the token from the system keyring (changes not yet sent stay in the book)."""
    import os

    from csm_tui.store.remote import read_sync_state
    from csm_tui.sync.token import TOKEN_ENV, delete_token

    store = open_for_command(ctx, db)
    try:
        url = _server_url(store, server_url)
        user = read_sync_state(store).get("user")
    finally:
        store.close()
    removed = delete_token(url, user=user)
    echo(f"Logged out of {url}." if removed else f"No token for {url} was stored.", err=True)
    if os.environ.get(TOKEN_ENV):
        echo(f"{TOKEN_ENV} is still set in this shell.", err=True)


@click.command("sync")
@click.option("--server", "server_url", default=None, help=SERVER_HELP)
@click.option(
    "--push-local",
    is_flag=True,
    help="On the first sync, send what this book holds already to the server.",
)
@click.option(
    "--resend-refused",
    is_flag=True,
    help="Send again, as they are now, the records the server refused and the book kept "
    "(see csm-tui status), once corrected.",
)
@db_option
@click.pass_context
def sync(
    ctx: click.Context,
    server_url: str | None,
    push_local: bool,
    resend_refused: bool,
    db: Path | None,
) -> None:
    """Send this book's changes to the server and fetch the team's: one line, exit code 0/1."""
    from csm_tui.cli.import_cmd import run_playbooks_and_say
    from csm_tui.store import remote
    from csm_tui.store.remote import read_sync_state, write_sync_state
    from csm_tui.sync.client import sync_once
    from csm_tui.sync.http import Server, SyncError
    from csm_tui.sync.token import find_token

    # with --server (and a token in the environment) a first sync starts the book, as login does
    store = open_for_command(ctx, db, create=server_url is not None)
    try:
        url = _server_url(store, server_url)
        warn_if_clear_text(url)
        if resend_refused:
            queued = remote.resend_refused(store)
            echo(f"{queued} refused record{'s' if queued != 1 else ''} queued again.", err=True)
        with Server(url, find_token(url, user=read_sync_state(store).get("user"))) as server:
            try:
                result = sync_once(store, server, push_local=push_local)
                # what arrived may fire playbook rules; their tasks go to the team at once
                if result.pulled and run_playbooks_and_say(store):
                    sync_once(store, server)
            except SyncError as exc:
                write_sync_state(store, {"last_error": str(exc)})
                raise
    finally:
        store.close()
    for note in result.notes:
        echo(note, err=True)
    echo(result.describe())


@click.command("status")
@db_option
@click.pass_context
def status(ctx: click.Context, db: Path | None) -> None:
    """Show the server, the user, the last sync, pending changes and conflicts."""
    from csm_tui.store import remote

    store = open_for_command(ctx, db)
    try:
        state = remote.read_sync_state(store)
        acked = int(state.get("acked_through", "0"))
        pending = remote.count_pending(store, acked)
        rejected = remote.rejected_entries(store, 20)
        refused = remote.count_rejected(store)
        conflicts = remote.count_open_conflicts(store)
        me = store.get_setting("me.name"), store.get_setting("me.email")
        outbox = store.keeps_outbox
    finally:
        store.close()
    if not state.get("server"):
        echo("Server:     none (this book is not connected; see csm-tui login)")
    else:
        echo(f"Server:     {state['server']}")
        echo(f"User:       {me[0]} <{me[1]}>")
        echo(f"Last sync:  {_when(state.get('last_sync_at'))}")
        if state.get("last_error"):
            echo(f"Last error: {state['last_error']}")
        echo(f"Token:      {_token_source(state['server'], state.get('user'))}")
    if not outbox:
        from csm_tui.i18n import _

        echo(_("Pending:    none (a demo book never syncs, so it keeps no outbox)"))
    else:
        echo(f"Pending:    {pending} change{'s' if pending != 1 else ''} to send")
    echo(f"Refused:    {refused} change{'s' if refused != 1 else ''}")
    for row in rejected:
        echo(f"  #{row[0]} {row[3]} {row[1]} {row[2]}: {row[4]}")
    if refused:
        echo("  (kept in this book; once corrected: csm-tui sync --resend-refused)")
    echo(f"Conflicts:  {conflicts} handoff note{'s' if conflicts != 1 else ''}")


def _when(value: str | None) -> str:
    if not value:
        return "never"
    moment = datetime.fromisoformat(value)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _token_source(server: str, user: str | None) -> str:
    import os

    from csm_tui.sync.token import TOKEN_ENV, TokenUnavailable, find_token

    if os.environ.get(TOKEN_ENV):
        return f"from {TOKEN_ENV}"
    try:
        find_token(server, user=user)
    except TokenUnavailable as exc:
        return str(exc)
    return "in the system keyring"
