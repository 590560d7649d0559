"""`csm-tui checklist`: an account's roadmap with its states, or the open items due in the book."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from csm_tui.cli.options import db_option, open_for_command
from csm_tui.cli.terminal import echo, show

if TYPE_CHECKING:
    from datetime import date

    from csm_tui.services.checklist import DueRow
    from csm_tui.services.roadmap_view import RoadmapView


@click.command("checklist")
@click.argument("account", required=False)
@click.option("--due", is_flag=True, help="List the open items due across the book instead.")
@click.option(
    "--apply-templates",
    "apply_templates",
    is_flag=True,
    help="Add the items a changed roadmap template has gained to its accounts (ACCOUNT's only, "
    "if given). Nothing is removed or unticked.",
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="With --apply-templates: say what would be added, write nothing.",
)
@click.option(
    "--within",
    type=click.IntRange(min=0),
    default=None,
    metavar="DAYS",
    help="With --due: only items due within DAYS days (overdue ones included).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Plain text for reading, JSON for other tools.",
)
@db_option
@click.pass_context
def checklist(
    ctx: click.Context,
    account: str | None,
    due: bool,
    apply_templates: bool,
    dry_run: bool,
    within: int | None,
    fmt: str,
    db: Path | None,
) -> None:
    """Print ACCOUNT's roadmap checklist (id, external id or the start of its name).

    With --due, list the open items due across the whole book, overdue first. With
    --apply-templates, add to each account the items its template has gained since.
    """
    if dry_run and not apply_templates:
        raise click.BadOptionUsage(
            "dry_run", "--dry-run only applies to --apply-templates.", ctx=ctx
        )
    if apply_templates:
        if due or within is not None or fmt != "text":
            raise click.UsageError(
                "--apply-templates takes only an account and --dry-run.", ctx=ctx
            )
        _apply_templates(ctx, account, dry_run, db)
        return
    if due and account:
        raise click.UsageError("Give an account or --due, not both.", ctx=ctx)
    if not due and not account:
        raise click.UsageError("Give an account, or --due for the whole book.", ctx=ctx)
    if within is not None and not due:
        raise click.BadOptionUsage("within", "--within only applies to --due.", ctx=ctx)
    store = open_for_command(ctx, db)
    try:
        today = store.clock.today()
        if due:
            from csm_tui.services.checklist import due_items

            rows = due_items(store, today=today, within_days=within, limit=None)
            text = _due_json(rows, today) if fmt == "json" else _due_text(rows, today, within)
        else:
            from csm_tui.services.roadmap_templates import load_templates, template_for_segment
            from csm_tui.services.roadmap_view import account_roadmap, resolve_account

            found = resolve_account(store, account or "")
            templates, _problems = load_templates()
            template = template_for_segment(templates, found.segment)
            view = account_roadmap(store, found.id, today, template)
            text = _roadmap_json(view) if fmt == "json" else _roadmap_text(view)
    finally:
        store.close()
    show(text)


def _apply_templates(
    ctx: click.Context, account: str | None, dry_run: bool, db: Path | None
) -> None:
    from csm_tui.services.roadmap_reapply import plan_reapply, reapply
    from csm_tui.services.roadmap_templates import load_templates
    from csm_tui.services.roadmap_view import resolve_account

    templates, problems = load_templates()
    for problem in problems:
        echo(f"Warning: {problem}", err=True)
    store = open_for_command(ctx, db)
    try:
        only = [resolve_account(store, account).id] if account else None
        plan = plan_reapply(store, templates, only)
        if not plan.accounts:
            echo("Every account already has every item of its roadmap template.")
            return
        per_template: dict[str, tuple[int, set[str]]] = {}
        for template, lacking in plan.missing.values():
            count, all_keys = per_template.get(template.key, (0, set()))
            per_template[template.key] = (count + 1, all_keys | set(lacking))
        for key, (count, all_keys) in sorted(per_template.items()):
            echo(f"{key}: {count:,} account(s) lack {', '.join(sorted(all_keys))}")
        if dry_run:
            echo(f"Would add {plan.items:,} item(s) to {plan.accounts:,} account(s).")
            return
        added = reapply(store, plan)
    finally:
        store.close()
    echo(f"Added {added:,} item(s) to {plan.accounts:,} account(s).")


def _roadmap_text(view: RoadmapView) -> str:
    account = view.account
    head = account.name + (f" ({account.external_id})" if account.external_id else "")
    facts = [f"stage: {account.stage.value}"]
    if view.stage_started_on:
        facts[0] += f" since {view.stage_started_on}"
    if account.renewal_date:
        facts.append(f"renewal: {account.renewal_date}")
    if account.segment:
        facts.append(f"segment: {account.segment}")
    facts.append(f"overdue: {view.overdue}")
    lines = [head, "  ".join(facts), ""]
    for stage in view.stages:
        mark = "  (current stage)" if stage.current else ""
        lines.append(f"{stage.title}  {stage.done}/{stage.total}{mark}")
        for item in stage.items:
            box = "[x]" if item.done else "[ ]"
            star = " *" if item.moment_of_truth else ""
            parts = [f"  {box} {item.title}{star}"]
            if item.due_date:
                parts.append(f"due {item.due_date}")
            if not item.done and item.due_date and item.due_date < view.today:
                parts.append("OVERDUE")
            if item.done and item.done_at:
                who = f" by {item.done_by}" if item.done_by else ""
                parts.append(f"done {item.done_at.date()}{who}")
            if item.done_note:
                parts.append(f"note: {item.done_note}")
            lines.append("  ·  ".join(parts))
        if not stage.items:
            lines.append("  (no items)")
        lines.append("")
    lines.append("* moment of truth")
    return "\n".join(lines) + "\n"


def _roadmap_json(view: RoadmapView) -> str:
    account = view.account
    data: dict[str, Any] = {
        "account": {
            "id": account.id,
            "external_id": account.external_id,
            "name": account.name,
            "segment": account.segment,
            "stage": account.stage.value,
            "stage_started_on": _iso(view.stage_started_on),
            "renewal_date": _iso(account.renewal_date),
        },
        "today": view.today.isoformat(),
        "overdue": view.overdue,
        "stages": [
            {
                "stage": stage.stage.value,
                "title": stage.title,
                "current": stage.current,
                "done": stage.done,
                "total": stage.total,
                "items": [
                    {
                        **item.model_dump(mode="json", exclude={"account_id", "stage"}),
                        "overdue": bool(
                            not item.done and item.due_date and item.due_date < view.today
                        ),
                    }
                    for item in stage.items
                ],
            }
            for stage in view.stages
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _due_text(rows: list[DueRow], today: date, within: int | None) -> str:
    if not rows:
        span = f" within {within} days" if within is not None else ""
        return f"No open items due{span}.\n"
    width = min(30, max(_width(row.account_name) for row in rows))
    lines = []
    for row in rows:
        late = "  OVERDUE" if row.due_date < today else ""
        star = " *" if row.moment_of_truth else ""
        name = _fit(row.account_name, width)
        lines.append(f"{row.due_date}  {name}  {row.stage:<10}  {row.title}{star}{late}")
    overdue = sum(row.due_date < today for row in rows)
    noun = "item" if len(rows) == 1 else "items"
    lines.append(f"{len(rows)} open {noun}, {overdue} overdue (* moment of truth)")
    return "\n".join(lines) + "\n"


def _due_json(rows: list[DueRow], today: date) -> str:
    data = [
        {
            "item_id": row.item_id,
            "account_id": row.account_id,
            "account_name": row.account_name,
            "segment": row.segment,
            "stage": row.stage,
            "item_key": row.item_key,
            "title": row.title,
            "moment_of_truth": row.moment_of_truth,
            "due_date": row.due_date.isoformat(),
            "overdue": row.due_date < today,
        }
        for row in rows
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _width(text: str) -> int:
    """Terminal columns: wide (Japanese) characters take two."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(char) in "WF" else 1 for char in text)


def _fit(text: str, width: int) -> str:
    while _width(text) > width:
        text = text[:-1]
    return text + " " * (width - _width(text))


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
