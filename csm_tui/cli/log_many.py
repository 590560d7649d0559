"""`csm-tui log --segment NAME | --accounts A,B | --no-account MINUTES`: work for many customers
(issue 16). Imported only for these options, so the plain `log` stays on its lean path."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from csm_tui import formatting
from csm_tui.cli.options import open_for_command
from csm_tui.cli.terminal import echo
from csm_tui.errors import ValidationError
from csm_tui.i18n import _

if TYPE_CHECKING:
    from csm_tui.store.connection import Store


def log_many(
    ctx: click.Context,
    first: str,
    second: str | None,
    segment: str | None,
    accounts: str | None,
    no_account: bool,
    db: Path | None,
    kind: str,
    note: str,
    when: str,
    proactive: bool,
    recurring: bool,
    outcome: str,
    skills: tuple[str, ...] = (),
) -> None:
    from csm_tui.models.activity import ActivityType, Audience, Outcome
    from csm_tui.services.activities import log_for_many
    from csm_tui.services.effort_input import parse_minutes, parse_when
    from csm_tui.services.roadmap_view import resolve_account

    chosen = [
        name
        for name, on in (
            ("--segment", segment is not None),
            ("--accounts", accounts is not None),
            ("--no-account", no_account),
        )
        if on
    ]
    if len(chosen) > 1:
        raise ValidationError(
            _("Choose one of {options}: work is for a segment, several accounts or none.").format(
                options=", ".join(chosen)
            )
        )
    if second is not None:  # ACCOUNT MINUTES given: an account besides the audience
        raise ValidationError(
            _("{option} logs work for no single account: give only the minutes.").format(
                option=chosen[0]
            )
        )
    effort = parse_minutes(first)  # bad input fails before the database is touched
    store = open_for_command(ctx, db)
    try:
        moment = parse_when(when, store.clock)
        account_ids: tuple[str, ...] = ()
        if accounts is not None:
            names = [name.strip() for name in accounts.split(",") if name.strip()]
            account_ids = tuple(resolve_account(store, name).id for name in names)
        audience = (
            Audience.SEGMENT
            if segment is not None
            else Audience.ACCOUNTS
            if accounts is not None
            else Audience.NONE
        )
        activity = log_for_many(
            store,
            audience,
            effort,
            moment,
            segment=segment or "",
            account_ids=account_ids,
            type=ActivityType(kind),
            proactive=proactive,
            recurring=recurring,
            outcome=Outcome(outcome),
            note=note,
            skills=skills,
        )
    finally:
        store.close()
    if audience is Audience.SEGMENT:
        target = _("the segment {name}").format(name=activity.audience_segment)
    elif audience is Audience.ACCOUNTS:
        count = len(activity.audience_accounts)
        target = _("{n} accounts").format(n=count)
    else:
        target = _("no account in particular")
    message = _("Logged {minutes} ({type}) for {target} at {when}.").format(
        minutes=formatting.duration(effort),
        type=formatting.activity_type(kind),
        target=target,
        when=formatting.moment(activity.occurred_at),
    )
    echo(message, err=True)
    echo(activity.id)


def contacts_named(store: Store, account: str, people: tuple[str, ...]) -> list[str]:
    """The ids of the contacts of the account named by `account` that `people` name."""
    from csm_tui.services.participation import resolve_contacts
    from csm_tui.services.roadmap_view import resolve_account

    target = resolve_account(store, account)
    return resolve_contacts(store, target.id, target.name, people)
