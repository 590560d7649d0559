"""Roadmap checklists: applying templates, ticking, editing, custom items, stage changes.

Every change goes through one journaled `Transaction`, so the sync can push it. Due dates follow
each item's rule (see `due_rules`) and are computed again whenever what they count from moves:
the stage start, the renewal date or the kickoff.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.i18n import current_language
from csm_tui.models.account import Account, Stage
from csm_tui.models.checklist import ChecklistItem
from csm_tui.services.checklist_plan import computed_due_dates, template_item_rows
from csm_tui.services.due_rules import KICKOFF_KEY, MANUAL, mark_manual, unmark_manual
from csm_tui.services.roadmap_templates import Template
from csm_tui.store import checklist as queries
from csm_tui.store.accounts import get_account
from csm_tui.store.checklist import DueRow as DueRow
from csm_tui.store.connection import Store
from csm_tui.store.journal import Transaction, insert_many

CUSTOM_POSITION = 1000  # custom items sort after the template's items of their stage
DUE_LIMIT = 2000  # rows the Checklist screen loads at most; the earliest ones
Row = dict[str, Any]


class OpenItemsError(ValidationError):
    """Leaving a stage whose items are not all done: the UI asks, then calls again confirmed."""

    def __init__(self, stage: Stage, open_count: int) -> None:
        self.stage = stage
        self.open_count = open_count
        noun = "item is" if open_count == 1 else "items are"
        super().__init__(f"{open_count} {noun} still open in the {stage.value} stage.")


# -- templates -------------------------------------------------------------------------------


def apply_template(
    store: Store, account_id: str, template: Template, *, language: str | None = None
) -> list[ChecklistItem]:
    """Add the template's items the account lacks (matched by item key); returns those added.

    Re-applying a changed template adds its new items and moves existing ones to the template's
    order; nothing is removed and no tick is reset. The roadmap starts today if it had no start.
    """
    account = _account(store, account_id)
    with store.transaction() as tx:
        added = apply_template_in(tx, account, template, language=language)
    return [item for item in queries.items_of(store, account_id) if item.id in added]


def apply_template_in(
    tx: Transaction, account: Account, template: Template, *, language: str | None = None
) -> set[str]:
    """`apply_template` inside the caller's transaction (many accounts in one); the new ids."""
    store = tx.store
    items = queries.items_of(store, account.id)
    existing = {item.item_key: item for item in items}
    started = queries.stage_started_on(store, account.id)
    if started is None:
        started = store.clock.today()
        _write_account(tx, account.id, {"stage_started_on": started})
    rows = template_item_rows(
        template,
        account.id,
        now=tx.now,
        language=language or current_language(),
        skip=existing,
    )
    dues = computed_due_dates(
        [*(item.model_dump(mode="python") for item in items), *rows],
        stage=account.stage.value,
        stage_start=started,
        renewal=account.renewal_date,
    )
    for row in rows:  # dated before they are written: one journal entry per new item
        row["due_date"] = dues.get(row["id"])
    insert_many(tx, "checklist_items", rows)
    _write_moved(tx, items, dues, _template_positions(template))  # the items it had
    return {row["id"] for row in rows}


def add_missing_roadmaps(
    store: Store, templates: dict[str, Template] | None = None, *, language: str | None = None
) -> int:
    """Give each account without checklist items its segment's roadmap, starting today.

    For accounts created in bulk (an import): one transaction, rows written with `insert_many`.
    Returns how many accounts got a roadmap.
    """
    from csm_tui.services.checklist_plan import new_account_rows
    from csm_tui.services.roadmap_templates import load_templates

    missing = queries.accounts_without_items(store)
    if not missing:
        return 0
    if templates is None:
        templates, _problems = load_templates()  # a broken user file is reported elsewhere
    today = store.clock.today()
    with store.transaction() as tx:
        for start in range(0, len(missing), _ROADMAP_BATCH):  # memory stays flat
            found = (
                get_account(store, account_id)
                for account_id in missing[start : start + _ROADMAP_BATCH]
            )
            batch = [account for account in found if account is not None]
            for account in batch:
                if queries.stage_started_on(store, account.id) is None:
                    _write_account(tx, account.id, {"stage_started_on": today})
            rows = new_account_rows(
                batch, templates, today=today, now=tx.now, language=language or current_language()
            )
            insert_many(tx, "checklist_items", rows)
    return len(missing)


_ROADMAP_BATCH = 500
"""Accounts whose roadmap rows are built and written at a time (about 17 items each)."""


def _template_positions(template: Template) -> dict[str, int]:
    positions: dict[str, int] = {}
    per_stage: dict[Stage, int] = {}
    for item in template.items:
        positions[item.key] = per_stage.get(item.stage, 0)
        per_stage[item.stage] = positions[item.key] + 1
    return positions


def refresh_due_dates(store: Store, account_id: str) -> int:
    """Recompute rule-based due dates (after the renewal date changed); returns how many moved."""
    account = _account(store, account_id)
    with store.transaction() as tx:
        return refresh_due_in(tx, account)


def refresh_due_in(tx: Transaction, account: Account) -> int:
    """Recompute rule-based due dates inside the caller's transaction (the account changed)."""
    store = tx.store
    items = queries.items_of(store, account.id)
    rows = [item.model_dump(mode="python") for item in items]
    dues = computed_due_dates(
        rows,
        stage=account.stage.value,
        stage_start=queries.stage_started_on(store, account.id),
        renewal=account.renewal_date,
    )
    return _write_moved(tx, items, dues)


def _write_moved(
    tx: Transaction,
    items: list[ChecklistItem],
    dues: dict[str, date | None],
    positions: dict[str, int] | None = None,
) -> int:
    """Write the items whose computed due date (or template position) differs, one journal
    entry per item; returns how many due dates moved."""
    moved = 0
    for item in items:
        changes: dict[str, Any] = {}
        if positions and item.item_key in positions and item.position != positions[item.item_key]:
            changes["position"] = positions[item.item_key]
        if item.id in dues and dues[item.id] != item.due_date:
            changes["due_date"] = dues[item.id]
            moved += 1
        if changes:
            tx.update("checklist_items", item.id, {**changes, "updated_at": tx.now})
    return moved


# -- items -------------------------------------------------------------------------------------


def tick(store: Store, item_id: str, done: bool, note: str = "") -> ChecklistItem:
    """Set (not toggle) an item's state; a tick keeps who and when, an untick clears them.

    Ticking a done item again only changes its note. Ticking the kickoff moves the due dates
    that count from it. The open tasks linked to the item are completed by the tick, and
    reopened by the untick (see `follow_item_tick_in`).
    """
    from csm_tui.services.identity import me_identity
    from csm_tui.services.tasks import follow_item_tick_in

    item = _item(store, item_id)
    if done and item.done:
        changes: Row = {"done_note": note} if note != item.done_note else {}
    elif done:
        me = me_identity(store)
        changes = {
            "done": True,
            "done_by": me[1] if me else None,
            "done_at": store.clock.now().replace(microsecond=0),
            "done_note": note,
        }
    elif item.done:
        changes = {"done": False, "done_by": None, "done_at": None, "done_note": ""}
    else:
        changes = {}
    updated = ChecklistItem.model_validate({**item.model_dump(), **changes})
    if not changes:
        return updated
    with store.transaction() as tx:
        tx.update("checklist_items", item_id, {**changes, "updated_at": tx.now})
        if "done" in changes:  # the tasks linked to the item follow it
            follow_item_tick_in(
                tx,
                item_id,
                done=updated.done,
                done_at=updated.done_at if updated.done else item.done_at,
                done_by=updated.done_by,
            )
        if item.item_key == KICKOFF_KEY:
            refresh_due_in(tx, _account(store, item.account_id))
    return _item(store, item_id)


def edit_item(
    store: Store, item_id: str, *, title: str | None = None, description: str | None = None
) -> ChecklistItem:
    """Change an item's wording (template items too: the item key still ties it to its template)."""
    item = _item(store, item_id)
    changes: Row = {}
    if title is not None and title.strip() != item.title:
        changes["title"] = title
    if description is not None and description != item.description:
        changes["description"] = description
    updated = _validated(item, changes)
    if changes:
        with store.transaction() as tx:
            tx.update(
                "checklist_items",
                item_id,
                {key: getattr(updated, key) for key in changes} | {"updated_at": tx.now},
            )
    return updated


def set_due(store: Store, item_id: str, due: date | None) -> ChecklistItem:
    """Set a due date by hand (it then ignores its rule), or None to go back to the rule."""
    item = _item(store, item_id)
    account = _account(store, item.account_id)
    with store.transaction() as tx:
        if due is None:
            changes: Row = {"due_rule": unmark_manual(item.due_rule), "due_date": None}
        else:
            changes = {"due_rule": mark_manual(item.due_rule), "due_date": due}
        tx.update("checklist_items", item_id, {**changes, "updated_at": tx.now})
        refresh_due_in(tx, account)
    return _item(store, item_id)


def add_custom_item(
    store: Store,
    account_id: str,
    stage: Stage | str,
    title: str,
    *,
    description: str = "",
    due: date | None = None,
    moment_of_truth: bool = False,
) -> ChecklistItem:
    """A task of the CSM's own, at the end of its stage."""
    _account(store, account_id)
    try:
        stage = Stage(stage)
    except ValueError as exc:
        raise ValidationError(f"Unknown stage {stage!r}.") from exc
    position = max(CUSTOM_POSITION, queries.next_position(store, account_id, stage.value))
    item = _validated(
        ChecklistItem(account_id=account_id, stage=stage, title="-"),
        {
            "title": title,
            "description": description,
            "due_date": due,
            "due_rule": MANUAL if due else "",
            "moment_of_truth": moment_of_truth,
            "position": position,
            "custom": True,
        },
    )
    with store.transaction() as tx:
        tx.insert("checklist_items", _row(item, tx.now))
    return item


LINKING_TABLES = ("activities", "tasks")  # records that may point at a checklist item


def remove_custom_item(store: Store, item_id: str) -> Row:
    """Delete a custom item; returns what `restore_item` needs to undo it. Template items stay.

    Activities and tasks linked to the item lose the link in the same transaction, each change
    journaled (the database's ON DELETE SET NULL would leave the other devices pointing at it).
    """
    item = _item(store, item_id)
    if not item.custom:
        raise ValidationError("Only items you added can be removed; this one is from the roadmap.")
    linked: dict[str, list[str]] = {}
    with store.transaction() as tx:
        for table in LINKING_TABLES:
            rows = store.query(f"SELECT id FROM {table} WHERE checklist_item_id = ?", (item_id,))
            linked[table] = [row[0] for row in rows]
            for row_id in linked[table]:
                tx.update(table, row_id, {"checklist_item_id": None, "updated_at": tx.now})
        tx.delete("checklist_items", item_id)
    return {"item": item.model_dump(mode="json"), "linked": linked}


def restore_item(store: Store, data: Row) -> ChecklistItem:
    """Put back an item removed by `remove_custom_item`, with the same id, state and links."""
    item = ChecklistItem.model_validate(data["item"])
    if queries.get_item(store, item.id) is not None:
        raise ValidationError("That item is already there.")
    _account(store, item.account_id)
    with store.transaction() as tx:
        tx.insert("checklist_items", _row(item, tx.now))
        for table, row_ids in data.get("linked", {}).items():
            if table not in LINKING_TABLES:
                continue
            for row_id in row_ids:
                still_there = store.query_one(
                    f"SELECT checklist_item_id FROM {table} WHERE id = ?", (row_id,)
                )
                if still_there is not None and still_there[0] is None:  # not linked elsewhere since
                    tx.update(table, row_id, {"checklist_item_id": item.id, "updated_at": tx.now})
    return item


# -- stages ------------------------------------------------------------------------------------


def change_stage(
    store: Store, account_id: str, new_stage: Stage | str, *, confirm_open: bool = False
) -> Account:
    """Move the account to another stage, which starts today.

    Raises OpenItemsError when items of the current stage are open, unless `confirm_open`.
    """
    account = _account(store, account_id)
    target = Stage(new_stage)
    if target == account.stage:
        return account
    open_count = sum(
        1
        for item in queries.items_of(store, account_id)
        if item.stage == account.stage and not item.done
    )
    if open_count and not confirm_open:
        raise OpenItemsError(account.stage, open_count)
    with store.transaction() as tx:
        _write_account(
            tx, account_id, {"stage": target.value, "stage_started_on": store.clock.today()}
        )
        moved = account.model_copy(update={"stage": target})
        refresh_due_in(tx, moved)
    return moved


# -- reading -----------------------------------------------------------------------------------


def due_items(
    store: Store,
    *,
    today: date,
    within_days: int | None = None,
    stage: Stage | str | None = None,
    segment: str | None = None,
    moments_only: bool = False,
    limit: int | None = DUE_LIMIT,
) -> list[DueRow]:
    """Open items with a due date across the book: overdue first, then by due date.

    `within_days` keeps those due up to that many days from `today` (overdue ones included).
    """
    if within_days is not None and within_days < 0:
        raise ValidationError("The number of days cannot be negative.")
    until = None if within_days is None else today + timedelta(days=within_days)
    return queries.open_due_items(
        store,
        until=until,
        stage=Stage(stage).value if stage else None,
        segment=segment or None,
        moments_only=moments_only,
        limit=limit,
    )


# -- internals ---------------------------------------------------------------------------------


def _account(store: Store, account_id: str) -> Account:
    account = get_account(store, account_id)
    if account is None:
        raise NotFoundError(f"No account with id {account_id}.")
    return account


def _item(store: Store, item_id: str) -> ChecklistItem:
    item = queries.get_item(store, item_id)
    if item is None:
        raise NotFoundError(f"No checklist item with id {item_id}.")
    return item


def _validated(item: ChecklistItem, changes: Row) -> ChecklistItem:
    from pydantic import ValidationError as PydanticError

    try:
        return ChecklistItem.model_validate({**item.model_dump(), **changes})
    except PydanticError as exc:
        field = str(exc.errors()[0]["loc"][0])
        raise ValidationError(f"The item's {field.replace('_', ' ')} is not valid.") from exc


def _row(item: ChecklistItem, now: str) -> Row:
    return {**item.model_dump(mode="python"), "created_at": now, "updated_at": now}


def _write_account(tx: Transaction, account_id: str, changes: Row) -> None:
    tx.update("accounts", account_id, {**changes, "updated_at": tx.now})
