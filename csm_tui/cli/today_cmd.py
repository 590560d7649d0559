"""`csm-tui today` and `csm-tui tasks`: the Today page and my open tasks, for a morning mail, a
status bar or another tool. Text or JSON; in the app's language unless --lang says otherwise."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from csm_tui.cli.cells import fit as _fit
from csm_tui.cli.cells import width as _width
from csm_tui.cli.options import db_option, lang_option, open_for_command
from csm_tui.cli.terminal import echo, show

if TYPE_CHECKING:
    from csm_tui.services.today import CoverageRow, PriorityRow, SnoozeRow, TaskRow, TodayView
    from csm_tui.store.connection import Store

F = TypeVar("F", bound=Callable[..., Any])
NAME_CELLS = 28  # account names are cut to this many terminal cells


def _output_options(func: F) -> F:
    func = lang_option("text")(func)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json"]),
        default="text",
        show_default=True,
        help="Plain text for reading, JSON for other tools.",
    )(func)


def _language(lang: str | None) -> None:
    from csm_tui.config import load_config
    from csm_tui.i18n import set_language

    set_language(lang or load_config().language)


def _me(store: Store) -> str:
    from csm_tui.errors import CsmError
    from csm_tui.services.identity import me_identity

    me = me_identity(store)
    if me is None:
        raise CsmError(
            f"{store.path} does not know who you are yet; open it in csm-tui once to say so."
        )
    return me[1]


def _echo(text: str) -> None:
    show(text)


# -- today ---------------------------------------------------------------------------------------


@click.command("today")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    help="How many accounts of the ranked list to print (0: all of them; default: [today] "
    "limit in config.toml, else 10).",
)
@_output_options
@db_option
@click.pass_context
def today(
    ctx: click.Context, limit: int | None, fmt: str, lang: str | None, db: Path | None
) -> None:
    """Print my accounts ranked by what needs attention, with the reasons, the tasks due by
    today (overdue first) and the accounts I cover this week with unread handoff notes."""
    from csm_tui.config import load_config, today_weights
    from csm_tui.services.today import today_limit, today_view

    _language(lang)
    config = load_config()
    weights, problems = today_weights(config)
    configured, limit_problem = today_limit(config.raw)
    for problem in [*problems, *([limit_problem] if limit_problem else [])]:
        echo(f"Warning: {problem}.", err=True)
    if limit is None:
        limit = configured
    store = open_for_command(ctx, db)
    try:
        _me(store)
        view = today_view(store, store.clock, weights)
    finally:
        store.close()
    shown = view.priorities if limit == 0 else view.priorities[:limit]
    _echo(_today_json(view, shown, weights) if fmt == "json" else _today_text(view, shown))


def _today_text(view: TodayView, shown: list[PriorityRow]) -> str:
    from csm_tui.i18n import _, ngettext
    from csm_tui.services.today import reason_text

    due = [task for task in view.tasks if task.due_date and task.due_date <= view.today.isoformat()]
    head = [view.today.isoformat()]
    head.append(
        ngettext(
            "{n} of my {total} accounts needs attention",
            "{n} of my {total} accounts need attention",
            len(view.priorities),
        ).format(n=len(view.priorities), total=view.mine)
    )
    head.append(
        ngettext("{n} task due", "{n} tasks due", len(due)).format(n=len(due))
        + (" " + _("({n} overdue)").format(n=view.overdue_tasks) if view.overdue_tasks else "")
    )
    lines = [" · ".join(head), "", _("Priorities")]
    for rank, row in enumerate(shown, 1):
        lines.append(
            f"{rank:4}  {_fit(row.name, NAME_CELLS)}  {row.score:3.0f}  {reason_text(row)}"
        )
    if not view.priorities:
        lines.append("  " + _("Nothing pressing on your accounts today."))
    elif len(shown) < len(view.priorities):
        more = len(view.priorities) - len(shown)
        lines.append(
            "      "
            + ngettext(
                "… and {n} more (--limit 0 prints them all)",
                "… and {n} more (--limit 0 prints them all)",
                more,
            ).format(n=more)
        )
    lines += ["", _("Tasks due by today")]
    lines += [_task_line(task, view.today) for task in due] or ["  " + _("None.")]
    later = len(view.tasks) - len(due)
    if later:
        lines.append(
            "  "
            + ngettext(
                "{n} more open task later (csm-tui tasks)",
                "{n} more open tasks later (csm-tui tasks)",
                later,
            ).format(n=later)
        )
    if view.coverage:
        lines += ["", _("Covering this week: unread handoff notes")]
        lines += [_coverage_line(row) for row in view.coverage]
    if view.snoozed:
        lines += ["", _("Snoozed")]
        lines += [_snoozed_line(row) for row in view.snoozed]
    return "\n".join(lines) + "\n"


def _snoozed_line(row: SnoozeRow) -> str:
    from csm_tui.services.snoozes import back_on

    reason = f"  {row.reason}" if row.reason else ""
    return f"  {_fit(row.name, NAME_CELLS)}  {back_on(row)}{reason}"


def _task_line(task: TaskRow, today: date) -> str:
    from csm_tui.i18n import _
    from csm_tui.services.tasks import task_title

    late = _("OVERDUE") if task.overdue(today) else ""
    when = task.due_date or "—"
    return (
        f"  {when:10}  {late}{' ' * max(0, 8 - _width(late))}  "
        f"{_fit(task.account_name, NAME_CELLS)}  {task_title(task)}"
    )


def _coverage_line(row: CoverageRow) -> str:
    from csm_tui.i18n import _, ngettext

    if row.coverage_to:
        period = _("until {day}").format(day=row.coverage_to)
    else:
        period = _("from {day}").format(day=row.coverage_from)
    unread = ngettext("{n} unread note", "{n} unread notes", row.unread).format(n=row.unread)
    return f"  {_fit(row.name, NAME_CELLS)}  {period}  {unread}"


def _today_json(view: TodayView, shown: list[PriorityRow], weights: dict[str, float]) -> str:
    from csm_tui.services.today import reasons

    data = {
        "today": view.today.isoformat(),
        "me": view.me,
        "my_accounts": view.mine,
        "need_attention": len(view.priorities),
        "weights": weights,
        "priorities": [
            {
                "rank": rank,
                "account_id": row.id,
                "name": row.name,
                "segment": row.segment,
                "stage": row.stage,
                "role": row.role,
                "score": round(row.score, 1),
                "reasons": reasons(row),
                "facts": {
                    "health": row.health,
                    "health_change_30d": row.health_change,
                    "days_to_renewal": row.days_to_renewal,
                    "renewal_contacted": bool(row.renewal_contacted),
                    "overdue_items": row.overdue_items,
                    "days_since_contact": row.days_since_contact,
                    "open_tasks": row.open_tasks,
                    "overdue_tasks": row.overdue_tasks,
                    "value_rank": round(row.value_rank, 3),
                },
            }
            for rank, row in enumerate(shown, 1)
        ],
        "tasks": [_task_json(task, view.today) for task in view.tasks],
        "coverage": [
            {
                "account_id": row.account_id,
                "name": row.name,
                "coverage_from": row.coverage_from,
                "coverage_to": row.coverage_to,
                "primary": row.primary_name,
                "unread_notes": row.unread,
            }
            for row in view.coverage
        ],
        "snoozed": [
            {
                "account_id": row.account_id,
                "name": row.name,
                "until": row.until,
                "reason": row.reason,
            }
            for row in view.snoozed
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _task_json(task: TaskRow, today: date) -> dict[str, Any]:
    from csm_tui.services.tasks import task_title

    return {
        "id": task.id,
        "account_id": task.account_id,
        "account_name": task.account_name,
        "title": task_title(task),
        "due_date": task.due_date,
        "overdue": task.overdue(today),
        "reminder_from": task.remind_on,
        "checklist_item_id": task.checklist_item_id,
        "source": task.source,
        "rule_id": task.rule_id or None,
        "occurrence": task.occurrence or None,
    }


# -- tasks ---------------------------------------------------------------------------------------


@click.command("tasks")
@click.option("--due", is_flag=True, help="Only the tasks due by today (or within --within).")
@click.option(
    "--within",
    type=click.IntRange(min=0, max=3660),
    default=None,
    metavar="DAYS",
    help="With --due: the tasks due within DAYS days (overdue ones included).",
)
@_output_options
@db_option
@click.pass_context
def tasks(
    ctx: click.Context,
    due: bool,
    within: int | None,
    fmt: str,
    lang: str | None,
    db: Path | None,
) -> None:
    """Print my open tasks by due date, overdue first (undated ones last).

    Reminders appear from their day on.
    """
    from csm_tui.store.tasks import open_tasks

    if within is not None and not due:
        raise click.BadOptionUsage("within", "--within only applies to --due.", ctx=ctx)
    _language(lang)
    store = open_for_command(ctx, db)
    try:
        me = _me(store)
        today = store.clock.today()
        until = today + timedelta(days=within or 0) if due else None
        rows = open_tasks(store, me, today, until=until)
    finally:
        store.close()
    if fmt == "json":
        _echo(
            json.dumps([_task_json(task, today) for task in rows], ensure_ascii=False, indent=2)
            + "\n"
        )
    else:
        _echo(_tasks_text(rows, today, due))


def _tasks_text(rows: list[TaskRow], today: date, due: bool) -> str:
    from csm_tui.i18n import _, ngettext

    if not rows:
        return (_("No open tasks due.") if due else _("No open tasks.")) + "\n"
    lines = [_task_line(task, today) for task in rows]
    overdue = sum(task.overdue(today) for task in rows)
    summary = ngettext("{n} open task", "{n} open tasks", len(rows)).format(n=len(rows))
    if overdue:
        summary += " " + _("({n} overdue)").format(n=overdue)
    return "\n".join([*lines, summary]) + "\n"
