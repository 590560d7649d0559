"""`csm-tui today` (the page, see today_cmd) and `today snooze ACCOUNT DAYS --reason R`,
`today unsnooze ACCOUNT` (issue 14): set an account aside on my Today for some days."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from csm_tui.cli.options import db_option, open_for_command
from csm_tui.cli.terminal import echo
from csm_tui.cli.today_cmd import today as show_today
from csm_tui.i18n import _


@click.group(
    "today",
    invoke_without_command=True,
    params=list(show_today.params),
    help=(show_today.help or "")
    + "\n\nAnd: today snooze ACCOUNT DAYS --reason R (set an account aside for DAYS days),"
    " today unsnooze ACCOUNT (bring it back now).",
)
@click.pass_context
def today_group(ctx: click.Context, /, **params: Any) -> None:
    if ctx.invoked_subcommand is None:
        ctx.invoke(show_today, **params)
    else:
        from csm_tui.config import load_config
        from csm_tui.i18n import set_language

        set_language(params.get("lang") or load_config().language)


def _me(store: Any) -> str:
    from csm_tui.cli.today_cmd import _me as me_of

    return me_of(store)


@today_group.command("snooze")
@click.argument("account")
@click.argument("days", type=int)
@click.option("--reason", default="", help="Why it is set aside (shown under Snoozed).")
@db_option
@click.pass_context
def snooze(ctx: click.Context, account: str, days: int, reason: str, db: Path | None) -> None:
    """Set ACCOUNT aside on my Today for DAYS days (1 to 365): it is listed under Snoozed, and
    comes back on the day."""
    from csm_tui import formatting
    from csm_tui.services import snoozes
    from csm_tui.services.roadmap_view import resolve_account

    store = open_for_command(ctx, db)
    try:
        me = _me(store)
        target = resolve_account(store, account)
        snoozes.snooze(store, me, target.id, days, reason)
        back = store.clock.today() + timedelta(days=days)
    finally:
        store.close()
    echo(
        _("Snoozed {name} until {day}.").format(name=target.name, day=formatting.day(back)),
        err=True,
    )


@today_group.command("unsnooze")
@click.argument("account")
@db_option
@click.pass_context
def unsnooze(ctx: click.Context, account: str, db: Path | None) -> None:
    """Bring ACCOUNT back on my Today now."""
    from csm_tui.services import snoozes
    from csm_tui.services.roadmap_view import resolve_account

    store = open_for_command(ctx, db)
    try:
        me = _me(store)
        target = resolve_account(store, account)
        snoozes.unsnooze(store, me, target.id)
    finally:
        store.close()
    echo(_("{name} is back on Today.").format(name=target.name), err=True)
