"""`csm-tui import accounts FILE.csv`: bring a CRM export into the book."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from csm_tui.cli.options import db_option, open_for_command
from csm_tui.cli.terminal import echo
from csm_tui.i18n import _, ngettext

MAX_PROBLEMS_SHOWN = 100
"""Enough to fix a file row by row; a wrongly mapped column would otherwise flood the terminal."""


@click.group("import")
def import_group() -> None:
    """Bring records in from other tools."""
    from csm_tui.config import load_config
    from csm_tui.i18n import set_language

    set_language(load_config().language)  # Japanese messages under [ui] language or a locale


def file_options(func: Any) -> Any:
    """--encoding and --date-format, the same on every CSV import."""
    func = click.option(
        "--date-format",
        "date_order",
        type=click.Choice(["YMD", "MDY", "DMY"], case_sensitive=False),
        default="YMD",
        help="How 3/31/27 is read: MDY (US, HubSpot), DMY (Europe); default: a date starts "
        "with its year (2027-03-31, 2027/3/31, 2027年3月31日, 令和9年3月31日, R9.3.31).",
    )(func)
    return click.option(
        "--encoding",
        default=None,
        metavar="NAME",
        help="The file's encoding (utf-8, cp932, utf-16, latin-1); default: detected "
        "(UTF-8 with or without a BOM, UTF-16 with a BOM, CP932).",
    )(func)


@import_group.command("accounts")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--skip-invalid", is_flag=True, help="Import the valid rows even if some rows are invalid."
)
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option(
    "--large",
    is_flag=True,
    help="Import a file beyond 100,000 rows or 100 MiB (refused without it: it takes a while).",
)
@file_options
@db_option
@click.pass_context
def accounts(
    ctx: click.Context,
    file: Path,
    skip_invalid: bool,
    dry_run: bool,
    large: bool,
    encoding: str | None,
    date_order: str,
    db: Path | None,
) -> None:
    """Import accounts from a CSV file (- reads stdin), such as a HubSpot or Salesforce export,
    or from the JSON file `export accounts --format json` writes.

    Columns (English or Japanese headers: 会社名, ステージ, 契約更新日…): name (required),
    external_id, segment, contract_value, currency, renewal_date, health_score (0-100), stage
    (onboarding, adoption, renewal) and tags (separated by ";"). Rows update the account with
    the same external_id, else the only account with the same name; a blank cell keeps the
    stored value. Nothing is written if any row is invalid, unless --skip-invalid is given. A
    file beyond 100,000 rows or 100 MiB needs --large.
    """
    from csm_tui.clock import SystemClock
    from csm_tui.services.csv_import import import_parsed, parse_accounts_csv

    refuse_unreadable_settings(dry_run)
    # before opening the store: a bad file changes nothing
    parsed = parse_accounts_csv(
        file,
        large=large,
        encoding=encoding,
        date_order=date_order.upper(),
        today=SystemClock().today(),
    )
    if parsed.unknown_columns:
        echo(
            _("Ignoring unknown columns: {columns}.").format(
                columns=", ".join(parsed.unknown_columns)
            ),
            err=True,
        )
    for warning in parsed.warnings:
        echo(warning, err=True)
    store = _open_for_import(ctx, db, dry_run)
    try:
        # One transaction (the steps' own become savepoints): a kill or a failure leaves the
        # book as it was, never accounts without their segment, roadmap or playbook tasks.
        with store.transaction():
            summary = import_parsed(store, parsed, skip_invalid=skip_invalid, dry_run=dry_run)
            if not summary.blocked and not dry_run:
                from csm_tui.services.checklist import add_missing_roadmaps

                # also when nothing is new: an import cut short by an older version is repaired
                _assign_segments(store)  # before the roadmaps: they follow the segment
                add_missing_roadmaps(store)  # accounts without one get their segment's roadmap
            if summary.imported and not summary.blocked and not dry_run:
                run_playbooks_and_say(store)  # renewals near, health dropped, …
    finally:
        store.close()
    for problem in summary.problems[:MAX_PROBLEMS_SHOWN]:
        echo(str(problem), err=True)
    _more_problems(len(summary.problems))
    message = summary.describe()
    if summary.blocked and summary.imported and not skip_invalid:
        message += " " + ngettext(
            "Fix them, or use --skip-invalid to import the valid row.",
            "Fix them, or use --skip-invalid to import the {n} valid rows.",
            summary.imported,
        ).format(n=summary.imported)
    echo(message, err=True)
    if summary.blocked:
        raise SystemExit(1)  # reaches the shell the same way from main() and from CliRunner


def _more_problems(total: int) -> None:
    """`... and 12 more problems.` under the first ones shown."""
    if total > MAX_PROBLEMS_SHOWN:
        hidden = total - MAX_PROBLEMS_SHOWN
        echo(
            ngettext("... and {n} more problem.", "... and {n} more problems.", hidden).format(
                n=hidden
            ),
            err=True,
        )


def _open_for_import(ctx: click.Context, db: Path | None, dry_run: bool) -> Any:
    """The book an import writes to, created if missing (an import may start one); a dry run
    on a missing book checks the file against an empty one in a temporary folder, so that it
    never leaves a book behind."""
    from csm_tui.cli.options import chosen_db
    from csm_tui.store.connection import open_store

    if not dry_run or chosen_db(ctx, db).exists():
        return open_for_command(ctx, db, create=True)
    import tempfile

    folder = tempfile.TemporaryDirectory(prefix="csm-tui-dry-run-")
    store = open_store(Path(folder.name) / "book.db")
    ctx.call_on_close(folder.cleanup)
    return store


def refuse_unreadable_settings(dry_run: bool) -> None:
    """An import gives accounts their segments by the rules in config.toml, for good (a segment
    once set is kept): with the file unreadable it would use the default rules without a word,
    so it stops first. A wrong value the file can still be read around is only a warning."""
    from csm_tui.cli.main import apply_settings
    from csm_tui.config import load_config
    from csm_tui.errors import CsmError
    from csm_tui.i18n import _

    config = load_config()
    if config.unreadable and not dry_run:
        raise CsmError(
            _(
                "Nothing was imported: the settings cannot be read ({problem}), and the "
                "accounts would get their segments without your rules. Fix the file, or move "
                "it away to use the defaults."
            ).format(problem=config.problem)
        )
    apply_settings()


def run_playbooks_and_say(store: Any) -> int:
    """New data (an import, a sync) may fire playbook rules: run them, say what they did on
    stderr, and return the number of tasks they created."""
    from csm_tui.services.playbooks import run_playbooks

    run = run_playbooks(store, store.clock)
    for problem in run.problems:
        echo(_("Playbook rule skipped: {problem}").format(problem=problem), err=True)
    if run.tasks:
        echo(
            ngettext(
                "Playbooks created {n} task.", "Playbooks created {n} tasks.", run.tasks
            ).format(n=run.tasks),
            err=True,
        )
    return run.tasks


def _assign_segments(store: Any) -> None:
    """Accounts without a segment get one from the [segments] rules (see services/segments)."""
    from csm_tui.config import load_config
    from csm_tui.services.segments import assign_segments, segments_from_config

    segments = segments_from_config(load_config().raw)
    for warning in segments.warnings:
        echo(warning, err=True)
    assigned = assign_segments(store, segments)
    if assigned.total:
        parts = ", ".join(f"{name} {count}" for name, count in sorted(assigned.counts.items()))
        echo(_("Segments from the rules: {parts}.").format(parts=parts), err=True)


@import_group.command("contacts")
@click.argument("file", type=click.Path(path_type=Path, allow_dash=True))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows even if some are not.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--large", is_flag=True, help="Import a file beyond 100 MiB.")
@click.option("--encoding", default=None, metavar="NAME", help="The file's encoding (detected).")
@db_option
@click.pass_context
def contacts(
    ctx: click.Context,
    file: Path,
    skip_invalid: bool,
    dry_run: bool,
    large: bool,
    encoding: str | None,
    db: Path | None,
) -> None:
    """Import contacts from a CSV file (- reads stdin) or a HubSpot or Salesforce contacts export.

    Columns: account (id, external id or name) or account_external_id; name (or first and last
    name); email, title, role (champion, decision_maker; several separated by ";"). A contact
    already on the account with the same e-mail (or, without one, the same name) is updated.
    Nothing is written if any row is invalid, unless --skip-invalid is given.
    """
    from csm_tui.services.contacts_import import import_contacts

    store = open_for_command(ctx, db)
    try:
        summary = import_contacts(
            store,
            file,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            encoding=encoding,
            large=large,
        )
        if not summary.blocked and not dry_run and (summary.new or summary.updated):
            run_playbooks_and_say(store)  # a new champion opens the champion_change playbook
    finally:
        store.close()
    if summary.unknown_columns:
        echo(
            _("Ignoring unknown columns: {columns}.").format(
                columns=", ".join(summary.unknown_columns)
            ),
            err=True,
        )
    for problem in summary.problems[:MAX_PROBLEMS_SHOWN]:
        echo(str(problem), err=True)
    echo(summary.describe(), err=True)
    if summary.blocked:
        raise SystemExit(1)


@import_group.command("metrics")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option("--large", is_flag=True, help="Import a file beyond 100 MiB.")
@db_option
@click.pass_context
def metrics(ctx: click.Context, file: Path, dry_run: bool, large: bool, db: Path | None) -> None:
    """Import usage metrics per account and ISO week (or day) from a CSV file (UTF-8).

    Columns: the account (account: its id, external id or exact name; or external_id; or
    name), period_start (2026-11-23 or 2026-W48; a week starts on a Monday), period (week or
    day; default week), and any of logins, active_users, key_feature_uses, inquiries,
    new_users (whole numbers; blank: not reported). A row for a period already stored
    updates it. Nothing is written if any row is invalid. A file beyond 100 MiB needs --large.
    """
    from csm_tui.services.metrics_import import import_metrics, parse_metrics_csv

    refuse_unreadable_settings(dry_run)
    parsed = parse_metrics_csv(
        file, large=large
    )  # before opening the store: a bad file changes nothing
    if parsed.unknown_columns:
        echo(
            _("Ignoring unknown columns: {columns}.").format(
                columns=", ".join(parsed.unknown_columns)
            ),
            err=True,
        )
    store = open_for_command(ctx, db)
    try:
        with store.transaction():  # all or nothing, like the account import
            summary = import_metrics(store, parsed, dry_run=dry_run)
            if summary.written:
                _assign_segments(store)  # a size rule may only match now
                run_playbooks_and_say(store)  # logins down, new users, a key feature unused
    finally:
        store.close()
    for problem in summary.problems[:MAX_PROBLEMS_SHOWN]:
        echo(str(problem), err=True)
    _more_problems(len(summary.problems))
    echo(summary.describe(), err=True)
    if summary.blocked:
        raise SystemExit(1)
