"""`csm-tui renewal record ACCOUNT --outcome …` and `csm-tui report renewals` (issue 14)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from csm_tui.cli.options import db_option, open_for_command
from csm_tui.cli.terminal import echo, show, show_data
from csm_tui.errors import ValidationError
from csm_tui.i18n import _


@click.group("renewal")
def renewal_group() -> None:
    """Record how a renewal went."""
    from csm_tui.config import load_config
    from csm_tui.i18n import set_language

    set_language(load_config().language)


def _date(text: str | None, today: date, prefer: Any = "future") -> date | None:
    from csm_tui.date_input import parse_date

    return None if text is None else parse_date(text, today, prefer=prefer)


@renewal_group.command("record")
@click.argument("account")
@click.option(
    "--outcome",
    required=True,
    type=click.Choice(["renewed", "churned", "downgraded", "expanded"]),
)
@click.option("--new-renewal-date", default=None, help="Default: a year after the current one.")
@click.option("--contract-value", default=None, help="The new value (downgraded, expanded).")
@click.option("--note", default="")
@db_option
@click.pass_context
def record(
    ctx: click.Context,
    account: str,
    outcome: str,
    new_renewal_date: str | None,
    contract_value: str | None,
    note: str,
    db: Path | None,
) -> None:
    """Record the outcome of ACCOUNT's renewal. Renewed, downgraded and expanded start the next
    cycle (renewal date a year on unless given, back to the adoption stage and its checklist,
    the renewal playbooks again); churned archives the account (account restore undoes that)."""
    from csm_tui import formatting
    from csm_tui.cli.import_cmd import run_playbooks_and_say
    from csm_tui.services.csv_columns import BadValue, read_contract_value
    from csm_tui.services.identity import me_identity
    from csm_tui.services.renewals import RenewalOutcome, record_renewal
    from csm_tui.services.roadmap_view import resolve_account

    value: Decimal | None = None
    if contract_value is not None:
        try:
            value, _implied = read_contract_value(contract_value)
        except BadValue as exc:
            raise click.BadParameter(str(exc), param_hint="--contract-value") from None
    store = open_for_command(ctx, db)
    try:
        try:
            next_date = _date(new_renewal_date, store.clock.today())
        except ValidationError as exc:
            raise click.BadParameter(str(exc), param_hint="--new-renewal-date") from None
        target = resolve_account(store, account)
        me = me_identity(store)
        done = record_renewal(
            store,
            target,
            RenewalOutcome(outcome),
            new_renewal_date=next_date,
            contract_value=value,
            note=note,
            me=me[1] if me else "",
        )
        if not done.archived:
            run_playbooks_and_say(store)  # the renewal rules, for the new date
    finally:
        store.close()
    if done.archived:
        echo(_("Recorded: {name} churned; it is archived.").format(name=target.name), err=True)
        return
    before = formatting.money(done.previous_value, target.currency)
    after = formatting.money(done.new_value, target.currency)
    echo(
        _("Recorded: {name} {outcome} ({before} → {after}); next renewal {day}.").format(
            name=target.name,
            outcome=outcome,
            before=before or "–",
            after=after or "–",
            day=formatting.day(done.new_renewal_date),
        ),
        err=True,
    )


@click.command("renewals")
@click.option("--since", default=None, help="First day (default: a year ago).")
@click.option("--until", default=None, help="Last day (default: today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "csv"]), default="text")
@click.option(
    "--convert", is_flag=True, help="Retention in the [segments] currency, through its rates."
)
@db_option
@click.pass_context
def report_renewals(
    ctx: click.Context,
    since: str | None,
    until: str | None,
    fmt: str,
    convert: bool,
    db: Path | None,
) -> None:
    """The renewal outcomes of a period, with gross and net retention of the contract values
    (per currency; --convert: in one currency with [segments] rates)."""
    from csm_tui.config import load_config
    from csm_tui.i18n import set_language
    from csm_tui.services.renewals import default_period, renewals_report
    from csm_tui.services.segments import segments_from_config

    config = load_config()
    set_language(config.language)
    store = open_for_command(ctx, db)
    try:
        today = store.clock.today()
        first, last = default_period(today)
        try:
            first = _date(since, today, "past") or first
            last = _date(until, today, "past") or last
        except ValidationError as exc:
            raise click.BadParameter(str(exc)) from None
        segments = segments_from_config(config.raw) if convert else None
        report = renewals_report(
            store,
            first,
            last,
            base=segments.currency if segments else None,
            rates=dict(segments.rates) if segments else None,
        )
    finally:
        store.close()
    retention = [
        {
            "currency": r.currency,
            "renewals": r.renewals,
            "gross_retention": r.gross,
            "net_retention": r.net,
            "not_converted": r.unconverted,
        }
        for r in report.retention
    ]
    if fmt == "json":
        data = {"since": str(first), "until": str(last), "renewals": report.rows}
        show_data(json.dumps({**data, "retention": retention}, ensure_ascii=False, indent=2) + "\n")
        return
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        columns = list(report.rows[0]) if report.rows else ["recorded_on", "account", "outcome"]
        writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(report.rows)
        show_data(out.getvalue())
        return
    lines = [_("Renewals from {first} to {last}").format(first=first, last=last)]
    lines += [
        f"{row['recorded_on']}  {row['account']}  {row['outcome']}  "
        f"{_value(row['previous_value'])} → {_value(row['new_value'])} {row['currency']}"
        for row in report.rows
    ] or [_("No renewal recorded in this period.")]
    for total in report.retention:
        lines.append(
            _("{currency}: gross retention {gross}, net retention {net} ({n} renewals)").format(
                currency=total.currency,
                gross=_percent(total.gross),
                net=_percent(total.net),
                n=total.renewals,
            )
        )
    show("\n".join(lines) + "\n")


def _value(value: float | None) -> str:
    return "–" if value is None else f"{value:,.2f}".removesuffix(".00")


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"
