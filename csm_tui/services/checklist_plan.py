"""Pure planning of checklist rows: a template's items for an account, and their due dates.

No database: the services write the rows, and the demo builds 85,000 of them the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from csm_tui.models.account import Account, Stage
from csm_tui.services.due_rules import KICKOFF_KEY, due_date, is_manual, parse_rule
from csm_tui.services.roadmap_templates import Template

STAGES = tuple(Stage)
Row = dict[str, Any]


def template_item_rows(
    template: Template,
    account_id: str,
    *,
    now: str,
    language: str,
    skip: Iterable[str] = (),
    new_id: Callable[[], str] | None = None,
) -> list[Row]:
    """Rows for the template's items not in `skip` (item keys), without due dates yet."""
    from csm_tui.models._base import new_id as uuid_id

    make_id = new_id or uuid_id
    skipped = set(skip)
    rows: list[Row] = []
    positions: dict[Stage, int] = {}
    for item in template.items:
        position = positions.get(item.stage, 0)
        positions[item.stage] = position + 1
        if item.key in skipped:
            continue
        rows.append(
            {
                "id": make_id(),
                "account_id": account_id,
                "stage": item.stage.value,
                "item_key": item.key,
                "title": item.title(language),
                "description": item.description(language),
                "moment_of_truth": item.moment_of_truth,
                "due_date": None,
                "due_rule": item.rule.encode() if item.rule else "",
                "position": position,
                "custom": False,
                "done": False,
                "done_by": None,
                "done_at": None,
                "done_note": "",
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def computed_due_dates(
    rows: list[Row], *, stage: str, stage_start: date | None, renewal: date | None
) -> dict[str, date | None]:
    """item id → the due date its rule gives now, for the open items whose rule applies.

    Hand-set dates, done items and items of earlier stages keep theirs (they are history);
    items of later stages have no stage start yet. Works on plain rows so the demo can use it.
    """
    order = {value.value: index for index, value in enumerate(STAGES)}
    current = order[stage]
    kickoff_row = next((row for row in rows if row["item_key"] == KICKOFF_KEY), None)
    result: dict[str, date | None] = {}

    def compute(row: Row, kickoff: date | None) -> None:
        if row["done"] or is_manual(row["due_rule"]):
            return
        rule = parse_rule(row["due_rule"])
        if rule is None:
            return
        start = stage_start if order[row["stage"]] == current else None
        if rule.kind == "days_after_stage_start" and order[row["stage"]] < current:
            return
        result[row["id"]] = due_date(rule, stage_start=start, renewal=renewal, kickoff=kickoff)

    kickoff: date | None = None
    if kickoff_row is not None:
        compute(kickoff_row, None)
        kickoff = _as_date(kickoff_row["done_at"]) if kickoff_row["done"] else None
        if kickoff is None:
            kickoff = result.get(kickoff_row["id"], _as_date(kickoff_row["due_date"]))
    for row in rows:
        if row is not kickoff_row:
            compute(row, kickoff)
    return result


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def new_account_rows(
    accounts: Iterable[Account],
    templates: dict[str, Template],
    *,
    today: date,
    now: str,
    language: str,
) -> list[Row]:
    """Checklist rows for accounts being created (an import): each gets its segment's template,
    dated from its stage starting `today`, so they are written with the accounts in one go.

    An account arriving past the start of its life (in adoption or renewal) must not jump to the
    top of Today because its template's items are overdue on the day it arrives (issue 14):

    - the items of the stages it is already past are marked done "before csm-tui" (no one, no
      time: `done_at` stays empty, so no week report counts them as work done now). It is past
      that stage, so that work happened, or no longer can, before csm-tui knew the account;
      leaving it open would rank the account by work nobody can do any more;
    - the open items' due dates count from the import day: a rule that gives a day before it
      (90 days before a renewal that is 30 days away) gives the import day. They are due, not
      late; from tomorrow on they count as any other.
    """
    from csm_tui.i18n import _
    from csm_tui.services.roadmap_templates import template_for_segment

    order = {value.value: index for index, value in enumerate(STAGES)}
    before = _("Done before csm-tui")  # a note kept with the item, in the language of the day
    rows: list[Row] = []
    for account in accounts:
        mine = template_item_rows(
            template_for_segment(templates, account.segment),
            account.id,
            now=now,
            language=language,
        )
        current = order[account.stage.value]
        for row in mine:
            if order[row["stage"]] < current:
                row.update(done=True, done_note=before)
        dues = computed_due_dates(
            mine, stage=account.stage.value, stage_start=today, renewal=account.renewal_date
        )
        for row in mine:
            due = dues.get(row["id"])
            row["due_date"] = None if due is None else max(due, today)
        rows.extend(mine)
    return rows
