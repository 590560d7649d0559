"""`csm-tui export accounts`: the book as CSV or JSON, to stdout or a file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from csm_tui.cli.options import db_option, open_for_command


@click.group("export")
def export_group() -> None:
    """Write records out for other tools."""


@export_group.command("accounts")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="CSV re-imports with `csm-tui import accounts`; JSON keeps numbers typed.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (replaced in one step) instead of stdout.",
)
@click.option(
    "--excel", is_flag=True, help="CSV for Excel: add a UTF-8 BOM and defuse formula-like cells."
)
@db_option
@click.pass_context
def accounts(
    ctx: click.Context, fmt: str, output: Path | None, excel: bool, db: Path | None
) -> None:
    """Export every account with its owners."""
    from csm_tui.services.export import account_records, render_csv, render_json, write_atomically

    if excel and fmt != "csv":
        raise click.BadOptionUsage("excel", "--excel only applies to --format csv.", ctx=ctx)
    store = open_for_command(ctx, db)
    try:
        records = account_records(store)
    finally:
        store.close()
    text = render_json(records) if fmt == "json" else render_csv(records, excel=excel)
    data = text.encode("utf-8")
    if output is None:
        click.echo(data, nl=False)  # bytes: UTF-8 whatever the terminal's locale
        return
    write_atomically(output, data)
    noun = "account" if len(records) == 1 else "accounts"
    click.echo(f"Exported {len(records)} {noun} to {output}.", err=True)


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-01.") from None


@export_group.command("activities")
@click.option("--since", callback=_day, help="First day (YYYY-MM-DD, inclusive).")
@click.option("--until", callback=_day, help="Last day (YYYY-MM-DD, inclusive).")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (replaced in one step) instead of stdout.",
)
@click.option(
    "--excel", is_flag=True, help="CSV for Excel: a UTF-8 BOM, formula-like cells defused."
)
@db_option
@click.pass_context
def activities(
    ctx: click.Context,
    since: date | None,
    until: date | None,
    fmt: str,
    output: Path | None,
    excel: bool,
    db: Path | None,
) -> None:
    """Export the activity log of a period (all of it by default), oldest first."""
    from csm_tui.services.activity_export import (
        activity_records,
        render_activities_csv,
        render_activities_json,
    )
    from csm_tui.services.export import write_atomically

    if excel and fmt != "csv":
        raise click.BadOptionUsage("excel", "--excel only applies to --format csv.", ctx=ctx)
    store = open_for_command(ctx, db)
    try:
        records = activity_records(store, since, until)
        if fmt == "json":
            text = render_activities_json(records)
        else:
            text = render_activities_csv(records, excel=excel)
    finally:
        store.close()
    data = text.encode("utf-8")
    if output is None:
        click.echo(data, nl=False)
        return
    write_atomically(output, data)
    click.echo(f"Exported the activities to {output}.", err=True)
