"""`csm-tui log ACCOUNT MINUTES`: log work from the shell or a script."""

from __future__ import annotations

from pathlib import Path

import click

from csm_tui.cli.options import db_option, open_for_command
from csm_tui.cli.terminal import echo
from csm_tui.services.shell_log import ACTIVITY_TYPES, OUTCOMES

# Imports stay lean here: no pydantic, no sqlite-utils, no model layer on the way to a logged
# activity (issue 17; tests/test_shell_log.py checks the modules a `log` imports).


@click.command("log")
@click.argument("account")
@click.argument("minutes", required=False)
@click.option(
    "--type",
    "kind",
    type=click.Choice(ACTIVITY_TYPES),
    default="call",
    show_default=True,
    help="What kind of work it was.",
)
@click.option("--note", default="", help="What was done (Japanese is fine).")
@click.option(
    "--at",
    "when",
    default="",
    help="When: 14:00, 'yesterday 9:30', 11/20, 'last friday', 2026-11-20 09:30 (not before 2000).",
)
@click.option(
    "--reactive/--proactive",
    default=True,
    show_default=True,
    help="Whether the customer triggered it or you did.",
)
@click.option("--recurring", is_flag=True, help="The same kind of work keeps coming back.")
@click.option(
    "--outcome",
    type=click.Choice(OUTCOMES),
    default="none",
    show_default=True,
)
@click.option(
    "--skill",
    "skills",
    multiple=True,
    metavar="SKILL",
    help="A skill the work needed, of [activities] skills in config.toml (repeatable).",
)
@click.option(
    "--with",
    "people",
    multiple=True,
    metavar="CONTACT",
    help="A contact of the account who took part: a name or an e-mail (repeatable).",
)
@click.option(
    "--segment",
    default=None,
    metavar="NAME",
    help="Work for a segment of the book, not one account: log --segment NAME MINUTES.",
)
@click.option(
    "--accounts",
    default=None,
    metavar="A,B",
    help="Work for several accounts at once (names as for ACCOUNT, comma-separated).",
)
@click.option(
    "--no-account",
    is_flag=True,
    help="Work for nobody in particular: a webinar, help content, internal enablement.",
)
@db_option
@click.pass_context
def log(
    ctx: click.Context,
    account: str,
    minutes: str | None,
    kind: str,
    note: str,
    when: str,
    reactive: bool,
    recurring: bool,
    outcome: str,
    skills: tuple[str, ...],
    people: tuple[str, ...],
    segment: str | None,
    accounts: str | None,
    no_account: bool,
    db: Path | None,
) -> None:
    """Log MINUTES of work for ACCOUNT (its id, external id or the start of its name).

    MINUTES may be 30, 90m, 1h, 1h30 or 1.5h (minutes after hours: 0 to 59). Prints the new
    activity's id on stdout. Work for many customers takes MINUTES alone: --segment NAME,
    --accounts A,B or --no-account.
    """
    if segment is not None or accounts is not None or no_account:
        from csm_tui.cli.log_many import log_many

        if people:
            from csm_tui.i18n import _

            raise click.UsageError(_("--with names the contacts of one account."))
        log_many(
            ctx,
            account,
            minutes,
            segment,
            accounts,
            no_account,
            db,
            kind,
            note,
            when,
            not reactive,
            recurring,
            outcome,
            skills,
        )
        return
    if minutes is None:
        from csm_tui.i18n import _

        raise click.UsageError(_("Give the account and the minutes: csm-tui log ACCOUNT 30."))
    from csm_tui.services.effort_input import parse_minutes, parse_when
    from csm_tui.services.shell_log import log_work

    effort = parse_minutes(minutes)  # bad input fails before the database is touched
    # only options the lean path does not know take the full one (issue 17)
    more: dict[str, object] = {"skills": skills} if skills else {}
    store = open_for_command(ctx, db)
    try:
        moment = parse_when(when, store.clock)
        if people:  # who took part: the account's contacts, by name or e-mail
            from csm_tui.cli.log_many import contacts_named

            more["participants"] = contacts_named(store, account, people)
        activity = log_work(
            store,
            account,
            effort,
            moment,
            type=kind,
            proactive=not reactive,
            recurring=recurring,
            outcome=outcome,
            note=note,
            **more,
        )
    finally:
        store.close()
    from csm_tui import formatting
    from csm_tui.i18n import _

    message = _("Logged {minutes} ({type}) for {account} at {when}.").format(
        minutes=formatting.duration(effort),
        type=formatting.activity_type(kind),
        account=activity.account_name,
        when=formatting.moment(activity.occurred_at),
    )
    echo(message, err=True)
    echo(activity.id)
