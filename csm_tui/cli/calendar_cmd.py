"""`csm-tui calendar …`: bring meetings in from a calendar and log them as work.

Secrets (an ICS address, a CalDAV password) go to the OS keyring and are never printed: the
address is given as an argument once (shells keep history: `add-url -` reads it from stdin), the
password is asked without echo or read from CSM_TUI_CALDAV_PASSWORD.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from csm_tui.cli.options import db_option, open_for_command
from csm_tui.cli.terminal import echo, show_data
from csm_tui.errors import CsmError
from csm_tui.i18n import _


@click.group("calendar")
def calendar_group() -> None:
    """Meetings from your calendar become logged work: import, sync, review, log."""
    from csm_tui.config import load_config
    from csm_tui.i18n import set_language

    set_language(load_config().language)


@calendar_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@db_option
@click.pass_context
def import_file(ctx: click.Context, file: Path, db: Path | None) -> None:
    """Read FILE.ics (a Google Calendar or Outlook export); later syncs read it again."""
    from csm_tui.services import calendar

    store = open_for_command(ctx, db)
    try:
        matched = calendar.import_file(store, file)
        waiting = calendar.count(store)
    finally:
        store.close()
    echo(
        _(
            "{matched} meetings with accounts; {waiting} to log: `csm-tui calendar proposals`."
        ).format(matched=matched, waiting=waiting),
        err=True,
    )


@calendar_group.command("add-url")
@click.argument("url")
@db_option
@click.pass_context
def add_url(ctx: click.Context, url: str, db: Path | None) -> None:
    """Add a secret ICS address (Google's "secret address in iCal format", an Outlook published
    calendar); `-` reads it from stdin. It is kept in the system keyring, never in a file."""
    from csm_tui.services import calendar

    if url == "-":
        url = sys.stdin.readline().strip()
    store = open_for_command(ctx, db)
    try:
        calendar.add_url(store, url)
    finally:
        store.close()
    echo(_("Calendar address kept in the system keyring; run `csm-tui calendar sync`."), err=True)


@calendar_group.command("add-caldav")
@click.argument("url")
@click.option("--user", "user", required=True, help="The CalDAV user name.")
@db_option
@click.pass_context
def add_caldav(ctx: click.Context, url: str, user: str, db: Path | None) -> None:
    """Add a CalDAV account (Nextcloud, Fastmail, iCloud…); the password is asked without echo
    (or read from CSM_TUI_CALDAV_PASSWORD) and kept in the system keyring."""
    from csm_tui.services import calendar

    password = os.environ.get(calendar.PASSWORD_ENV, "")
    if not password:
        if sys.stdin.isatty():
            password = str(click.prompt(_("CalDAV password"), hide_input=True, err=True))
        else:
            password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CsmError(_("No password was given."))
    store = open_for_command(ctx, db)
    try:
        calendar.add_caldav(store, url, user, password)
    finally:
        store.close()
    echo(_("CalDAV account added; run `csm-tui calendar sync`."), err=True)


@calendar_group.command("sync")
@db_option
@click.pass_context
def sync(ctx: click.Context, db: Path | None) -> None:
    """Read every calendar added (the last 60 days to today)."""
    from csm_tui.services import calendar

    store = open_for_command(ctx, db)
    try:
        report = calendar.sync(store)
        waiting = calendar.count(store)
    finally:
        store.close()
    if not report.events and not report.failed:
        raise CsmError(_("No calendar yet: `csm-tui calendar import FILE.ics` or `add-url`."))
    for name, matched in report.events.items():
        echo(_("{name}: {matched} meetings with accounts.").format(name=name, matched=matched))
    for name, reason in report.failed.items():
        echo(_("{name}: not read ({reason}).").format(name=name, reason=reason), err=True)
    echo(_("{waiting} meetings to log.").format(waiting=waiting), err=True)
    if report.failed:
        ctx.exit(1)


@calendar_group.command("proposals")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@db_option
@click.pass_context
def proposals(ctx: click.Context, fmt: str, db: Path | None) -> None:
    """The meetings to log, oldest first."""
    from csm_tui.services import calendar

    store = open_for_command(ctx, db)
    try:
        found = calendar.proposals(store)
    finally:
        store.close()
    if fmt == "json":
        data = [proposal.as_json() for proposal in found]
        show_data(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    for proposal in found:
        marks = ("↻" if proposal.recurring else " ") + ("*" if proposal.changed else " ")
        echo(
            f"{proposal.id}  {proposal.start:%Y-%m-%d %H:%M}  {proposal.minutes:>4}m {marks} "
            f"{' / '.join(proposal.account_names)}: {proposal.title}"
        )
    if not found:
        echo(_("No meetings to log."), err=True)


@calendar_group.command("log")
@click.argument("proposal_id", required=False)
@click.option("--all", "log_all", is_flag=True, help="Log every proposal with one account.")
@click.option("--account", default=None, help="The account, for a meeting that matches several.")
@db_option
@click.pass_context
def log(
    ctx: click.Context,
    proposal_id: str | None,
    log_all: bool,
    account: str | None,
    db: Path | None,
) -> None:
    """Log a proposal (its id from `proposals`) as a meeting, or --all of them."""
    from csm_tui.services import calendar
    from csm_tui.services.roadmap_view import resolve_account

    if bool(proposal_id) == log_all:
        raise click.UsageError(_("Give a proposal's id or --all."))
    store = open_for_command(ctx, db)
    try:
        if proposal_id:
            proposal = calendar.find(store, proposal_id)
            account_id = resolve_account(store, account).id if account else None
            activity = calendar.log(store, proposal, account_id=account_id)
            echo(activity.id)
            return
        skipped = 0
        for proposal in calendar.proposals(store):
            if len(proposal.account_ids) != 1:
                skipped += 1
                continue
            echo(calendar.log(store, proposal).id)
    finally:
        store.close()
    if skipped:
        echo(
            _("{count} meetings match several accounts: log each with --account.").format(
                count=skipped
            ),
            err=True,
        )


@calendar_group.command("dismiss")
@click.argument("proposal_id")
@click.option("--series", is_flag=True, help="Every occurrence of the recurring meeting.")
@db_option
@click.pass_context
def dismiss(ctx: click.Context, proposal_id: str, series: bool, db: Path | None) -> None:
    """Never propose this meeting again (--series: nor any of its series)."""
    from csm_tui.services import calendar

    store = open_for_command(ctx, db)
    try:
        proposal = calendar.find(store, proposal_id)
        if series:
            calendar.dismiss_series(store, proposal)
        else:
            calendar.dismiss(store, proposal)
    finally:
        store.close()
