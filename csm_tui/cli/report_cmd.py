"""`csm-tui report week`: the weekly review as Markdown or plain text."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from csm_tui.cli.options import db_option, open_for_command


@click.group("report")
def report_group() -> None:
    """Reports to read or to paste into your notes."""


@report_group.command("week")
@click.option(
    "--week",
    "week",
    default=None,
    metavar="YYYY-Www",
    help="The ISO week, like 2026-W48, or a date in it (default: this week).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "text"]),
    default="md",
    show_default=True,
    help="Markdown to paste into notes, or plain text for the terminal.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (replaced in one step) instead of stdout.",
)
@click.option(
    "--lang",
    type=click.Choice(["en", "ja"]),
    default=None,
    help="Language of the report (default: the app's).",
)
@db_option
@click.pass_context
def week(
    ctx: click.Context,
    week: str | None,
    fmt: str,
    output: Path | None,
    lang: str | None,
    db: Path | None,
) -> None:
    """The page to bring to a one-to-one: my effort by account and type, the proactive share,
    activities logged, checklist items and tasks done, overdue tasks, the health movers among
    my accounts and their renewals in the next 120 days.
    """
    from csm_tui.cli.export_cmd import deliver
    from csm_tui.config import load_config
    from csm_tui.i18n import set_language
    from csm_tui.services.effort import local_today
    from csm_tui.services.week_report import parse_week, render, week_report

    config = load_config()
    set_language(lang or config.language)
    store = open_for_command(ctx, db)
    try:
        today = local_today(store.clock)
        monday = parse_week(week) if week else today - timedelta(days=today.weekday())
        report = week_report(store, monday, store.clock, config.raw)
    finally:
        store.close()
    text = render(report, markdown=fmt == "md")
    deliver(text, output, f"Wrote the review of week {report.label} to {{output}}.")
