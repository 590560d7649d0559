"""`csm-tui export accounts|activities`: records as CSV or JSON, to stdout or a file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from csm_tui.cli.options import db_option, open_for_command, output_option
from csm_tui.cli.terminal import echo, printable, show, show_data
from csm_tui.errors import ValidationError

F = TypeVar("F", bound=Callable[..., Any])


@click.group("export")
def export_group() -> None:
    """Write records out for other tools."""


def output_options(format_help: str) -> Callable[[F], F]:
    """--format, -o/--output, --excel and --raw, the same on every export."""

    def decorate(func: F) -> F:
        options = [
            click.option(
                "--format",
                "fmt",
                type=click.Choice(["csv", "json"]),
                default="csv",
                show_default=True,
                help=format_help,
            ),
            output_option,
            click.option(
                "--excel",
                is_flag=True,
                help="CSV for Excel: add a UTF-8 BOM, so Excel reads the file as UTF-8.",
            ),
            click.option(
                "--raw",
                is_flag=True,
                help="CSV with text exactly as stored: formula-like cells (=, +, -, @, tab) "
                "are not defused with a leading '.",
            ),
        ]
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def check_csv_flags(ctx: click.Context, fmt: str, excel: bool, raw: bool) -> None:
    from csm_tui.i18n import _

    for name, given in (("excel", excel), ("raw", raw)):
        if given and fmt != "csv":
            message = _("--{flag} only applies to --format csv.").format(flag=name)
            raise click.BadOptionUsage(name, message, ctx=ctx)


def deliver(text: str, output: Path | None, done: str, *, data: bool = False) -> None:
    """Write to stdout, or replace `output` in one step and say `done` on stderr.

    A page for people is cleaned of terminal controls wherever it goes; `data` (an export) only
    when it goes to a terminal (see cli/terminal.py)."""
    from csm_tui.services.export import write_atomically

    if output is None or str(output) == "-":  # -o - is stdout, as for any Unix tool
        (show_data if data else show)(text)
        return
    write_atomically(output, (text if data else printable(text)).encode("utf-8"))
    echo(done.format(output=output), err=True)


@export_group.command("accounts")
@output_options("Both re-import with `csm-tui import accounts`; JSON keeps numbers typed.")
@db_option
@click.pass_context
def accounts(
    ctx: click.Context, fmt: str, output: Path | None, excel: bool, raw: bool, db: Path | None
) -> None:
    """Export every account with its owners."""
    from csm_tui.services.export import account_records, render_csv, render_json

    check_csv_flags(ctx, fmt, excel, raw)
    store = open_for_command(ctx, db)
    try:
        records = account_records(store)
    finally:
        store.close()
    text = render_json(records) if fmt == "json" else render_csv(records, excel=excel, raw=raw)
    noun = "account" if len(records) == 1 else "accounts"
    deliver(text, output, f"Exported {len(records)} {noun} to {{output}}.", data=True)


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    """A day as every form and option reads one (csm_tui/date_input.py): 2026-11-01, 11/1,
    2026年11月1日, R8.11.1, yesterday, -30; a day without its year is the last such day."""
    from csm_tui.clock import SystemClock
    from csm_tui.date_input import parse_date

    if value is None:
        return None
    today = SystemClock().now().astimezone().date()
    try:
        return parse_date(value, today, prefer="past")
    except ValidationError as error:
        raise click.BadParameter(str(error)) from None


@export_group.command("activities")
@click.option("--since", callback=_day, help="First day (2026-11-01, 11/1, -30; inclusive).")
@click.option("--until", callback=_day, help="Last day (2026-11-30, 11/30, today; inclusive).")
@output_options("CSV for spreadsheets; JSON keeps numbers and flags typed.")
@db_option
@click.pass_context
def activities(
    ctx: click.Context,
    since: date | None,
    until: date | None,
    fmt: str,
    output: Path | None,
    excel: bool,
    raw: bool,
    db: Path | None,
) -> None:
    """Export the activity log of a period (all of it by default), oldest first."""
    from csm_tui.services.activity_export import (
        activity_records,
        render_activities_csv,
        render_activities_json,
    )

    check_csv_flags(ctx, fmt, excel, raw)
    store = open_for_command(ctx, db)
    try:
        records = activity_records(store, since, until)
        if fmt == "json":
            text = render_activities_json(records)
        else:
            text = render_activities_csv(records, excel=excel, raw=raw)
    finally:
        store.close()
    deliver(text, output, "Exported the activities to {output}.", data=True)
