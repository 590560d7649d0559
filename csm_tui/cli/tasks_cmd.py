"""`csm-tui tasks` (the list, see today_cmd) and `tasks edit|snooze|done ID` (issue 14)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click

from csm_tui.cli.options import db_option, open_for_command
from csm_tui.cli.terminal import echo
from csm_tui.cli.today_cmd import tasks as list_tasks
from csm_tui.errors import ValidationError
from csm_tui.i18n import _


@click.group(
    "tasks",
    invoke_without_command=True,
    params=list(list_tasks.params),
    help=(list_tasks.help or "")
    + "\n\nAnd: tasks edit ID, tasks snooze ID WHEN, tasks done ID (the id as the list shows it,"
    " or its start).",
)
@click.pass_context
def tasks_group(ctx: click.Context, /, **params: Any) -> None:
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_tasks, **params)
    else:
        from csm_tui.config import load_config
        from csm_tui.i18n import set_language

        set_language(params.get("lang") or load_config().language)


def _day(store: Any, text: str, option: str) -> date:
    from csm_tui.date_input import parse_date

    try:
        found = parse_date(text, store.clock.today(), prefer="future")
    except ValidationError as exc:
        raise click.BadParameter(str(exc), param_hint=option) from None
    if found is None:
        raise click.BadParameter(_("Give a day, like +3 or next monday."), param_hint=option)
    return found


@tasks_group.command("edit")
@click.argument("task_id", metavar="ID")
@click.option("--title", default=None, help="A new title.")
@click.option("--due", default=None, help="2026-12-15, 12/15, +3, next monday; - for none.")
@click.option("--item", default=None, help="The id of a checklist item to link; - for none.")
@db_option
@click.pass_context
def edit(
    ctx: click.Context,
    task_id: str,
    title: str | None,
    due: str | None,
    item: str | None,
    db: Path | None,
) -> None:
    """Change a task's title, due date or linked checklist item."""
    from csm_tui.services import task_edits

    if title is None and due is None and item is None:
        raise click.UsageError(_("Give --title, --due or --item."))
    store = open_for_command(ctx, db)
    try:
        row = task_edits.task(store, task_id)
        clear = due is not None and due.strip() == task_edits.CLEAR
        day = _day(store, due, "--due") if due is not None and not clear else None
        row = task_edits.edit(store, row, title=title, due=day, clear_due=clear, item=item)
    finally:
        store.close()
    echo(_("Saved the task {title}.").format(title=row.title), err=True)


@tasks_group.command("snooze")
@click.argument("task_id", metavar="ID")
@click.argument("when")
@db_option
@click.pass_context
def snooze(ctx: click.Context, task_id: str, when: str, db: Path | None) -> None:
    """Move a task to a later day: +3, 2w, next monday, 来週の月曜, 12/15."""
    from csm_tui import formatting
    from csm_tui.services import task_edits

    store = open_for_command(ctx, db)
    try:
        row = task_edits.task(store, task_id)
        row = task_edits.snooze(store, row, _day(store, when, "WHEN"))
    finally:
        store.close()
    day = formatting.day(date.fromisoformat(row.due_date or ""))
    echo(_("Snoozed {title} to {day}.").format(title=row.title, day=day), err=True)


@tasks_group.command("done")
@click.argument("task_id", metavar="ID")
@db_option
@click.pass_context
def done(ctx: click.Context, task_id: str, db: Path | None) -> None:
    """Mark a task done (by you, now)."""
    from csm_tui.services import task_edits
    from csm_tui.services.tasks import complete_task

    store = open_for_command(ctx, db)
    try:
        row = complete_task(store, task_edits.task(store, task_id).id)
    finally:
        store.close()
    echo(_("Done: {title}.").format(title=row.title), err=True)
