"""Logging, changing and removing activities: every change journaled, a removal undoable."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError as PydanticError

from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.i18n import _, current_language
from csm_tui.models.account import Stage
from csm_tui.models.activity import Activity, ActivityType, Audience, Outcome
from csm_tui.services.changes import changed_fields, with_changes
from csm_tui.services.identity import me_identity
from csm_tui.store import accounts as account_queries
from csm_tui.store import activities as queries
from csm_tui.store import checklist as checklist_queries
from csm_tui.store.connection import Store

if TYPE_CHECKING:
    from csm_tui.services.roadmap_templates import Template


def utc_iso(moment: datetime) -> str:
    """Times are stored in UTC, so that comparing them as text orders them correctly."""
    if moment.tzinfo is None:
        raise ValidationError("The time of an activity needs a time zone.")
    return moment.astimezone(UTC).isoformat()


EDITABLE = (
    "type",
    "minutes",
    "occurred_at",
    "proactive",
    "recurring",
    "outcome",
    "note",
    "checklist_item_id",
    "skills",
    "participants",
)


def _row(activity: Activity, now: str) -> dict[str, Any]:
    row = activity.model_dump(mode="python")
    row["occurred_at"] = utc_iso(activity.occurred_at)
    row["audience_accounts"] = json.dumps(activity.audience_accounts)
    row["skills"] = json.dumps(activity.skills, ensure_ascii=False)
    row["participants"] = json.dumps(activity.participants)
    row["created_at"] = now
    row["updated_at"] = now
    return row


def _me(store: Store) -> str:
    me = me_identity(store)
    if me is None:
        raise ValidationError("Tell csm-tui who you are first (the app asks on its first start).")
    return me[1]


def log_activity(
    store: Store,
    account_id: str,
    minutes: int,
    occurred_at: datetime,
    *,
    type: ActivityType = ActivityType.CALL,
    proactive: bool = False,
    recurring: bool = False,
    outcome: Outcome = Outcome.NONE,
    note: str = "",
    checklist_item_id: str | None = None,
    skills: Sequence[str] = (),
    participants: Sequence[str] = (),
) -> Activity:
    """Record a piece of work for an account, by me, in one durable transaction. `skills`: of
    `[activities] skills` in config.toml (a built-in one also by its label); `participants`:
    ids of the account's contacts who took part."""
    if account_queries.get_account(store, account_id) is None:
        raise NotFoundError(f"No account with id {account_id}.")
    _check_link(store, account_id, checklist_item_id)
    people = _participants(store, account_id, participants)
    return _insert(
        store,
        account_id=account_id,
        type=type,
        minutes=minutes,
        occurred_at=occurred_at,
        proactive=proactive,
        recurring=recurring,
        outcome=outcome,
        note=note,
        checklist_item_id=checklist_item_id,
        skills=_skills(skills),
        participants=people,
    )


def log_for_many(
    store: Store,
    audience: Audience,
    minutes: int,
    occurred_at: datetime,
    *,
    segment: str = "",
    account_ids: tuple[str, ...] = (),
    type: ActivityType = ActivityType.CALL,
    proactive: bool = False,
    recurring: bool = False,
    outcome: Outcome = Outcome.NONE,
    note: str = "",
    skills: Sequence[str] = (),
) -> Activity:
    """Record work for many customers (issue 16): a segment of the book, several of its
    accounts, or nobody in particular (a webinar, help content, an internal session). It has no
    account, so it counts as one-to-many work and stays out of every account's own totals."""
    if audience is Audience.ACCOUNT:
        raise ValidationError(_("Work for one account is logged on that account."))
    if audience is Audience.SEGMENT:
        segment = segment.strip()
        known = queries.segments_in_book(store)
        if segment not in known:
            raise ValidationError(
                _("No account is in the segment {name!r} (segments: {known}).").format(
                    name=segment, known=", ".join(known) or "-"
                )
            )
    elif segment:
        raise ValidationError(_("Only work for a segment names a segment."))
    wanted = list(dict.fromkeys(account_ids))
    if audience is Audience.ACCOUNTS:
        if len(wanted) < 2:
            raise ValidationError(_("Work for several accounts names two or more of them."))
        for account_id in wanted:
            if account_queries.get_account(store, account_id) is None:
                raise NotFoundError(_("No account with id {id}.").format(id=account_id))
    elif wanted:
        raise ValidationError(_("Only work for several accounts names accounts."))
    return _insert(
        store,
        account_id=None,
        audience=audience,
        audience_segment=segment,
        audience_accounts=wanted,
        type=type,
        minutes=minutes,
        occurred_at=occurred_at,
        proactive=proactive,
        recurring=recurring,
        outcome=outcome,
        note=note,
        skills=_skills(skills),
    )


def _participants(store: Store, account_id: str | None, wanted: Sequence[str]) -> list[str]:
    """The contact ids, once each: every one a contact of this account."""
    people = list(dict.fromkeys(wanted))
    if not people:
        return []
    if account_id is None:
        raise ValidationError(_("Only work for one account names who took part."))
    mine = {contact.id for contact in account_queries.contacts_of(store, account_id)}
    for contact_id in people:
        if contact_id not in mine:
            raise ValidationError(_("{id} is not a contact of this account.").format(id=contact_id))
    return people


def _skills(wanted: Sequence[str]) -> list[str]:
    if not wanted:
        return []
    from csm_tui.services.skills import checked_skills, configured_skills

    return checked_skills(wanted, configured_skills().skills)


def _insert(store: Store, **fields: Any) -> Activity:
    try:
        activity = Activity(author_email=_me(store), **fields)
    except PydanticError as exc:
        raise ValidationError(_first_problem(exc)) from exc
    with store.transaction() as tx:
        tx.insert("activities", _row(activity, tx.now))
    return activity


def edit_activity(store: Store, activity_id: str, **changes: Any) -> Activity:
    """Change fields of an activity; only the fields that differ are written and journaled."""
    current = queries.get_activity(store, activity_id)
    if current is None:
        raise NotFoundError(f"No activity with id {activity_id}.")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"Activities have no editable field {', '.join(sorted(unknown))}.")
    if "skills" in changes and changes["skills"] != current.skills:
        changes["skills"] = _skills(changes["skills"])
    if "participants" in changes and changes["participants"] != current.participants:
        changes["participants"] = _participants(store, current.account_id, changes["participants"])
    try:
        updated = with_changes(current, changes)
    except PydanticError as exc:
        raise ValidationError(_first_problem(exc)) from exc
    diff = changed_fields(current, updated, EDITABLE)
    if "checklist_item_id" in diff:
        if current.account_id is None:
            raise ValidationError(_("Work for many customers is not linked to a checklist item."))
        _check_link(store, current.account_id, updated.checklist_item_id)
    if diff:
        if "occurred_at" in diff:
            diff["occurred_at"] = utc_iso(updated.occurred_at)
        if "skills" in diff:
            diff["skills"] = json.dumps(updated.skills, ensure_ascii=False)
        if "participants" in diff:
            diff["participants"] = json.dumps(updated.participants)
        with store.transaction() as tx:
            tx.update("activities", activity_id, {**diff, "updated_at": tx.now})
    return updated


def _check_link(store: Store, account_id: str, item_id: str | None) -> None:
    """An activity may only be linked to a checklist item of its own account."""
    if item_id is None:
        return
    item = checklist_queries.get_item(store, item_id)
    if item is None or item.account_id != account_id:
        raise ValidationError("The checklist item to link is not one of this account's items.")


@dataclass(frozen=True)
class LinkChoice:
    """A checklist item an activity can be linked to, titled in the current language."""

    id: str
    title: str
    stage: Stage
    done: bool
    current_stage: bool


def checklist_choices(
    store: Store, account_id: str, templates: dict[str, Template] | None = None
) -> list[LinkChoice]:
    """The account's checklist items in the order the log form offers them: the open items of
    the current stage first, then the other open ones, then those done (roadmap order within).

    `templates` are the ones already loaded (the app keeps them); None reads them.
    """
    from csm_tui.services.roadmap_templates import load_templates, template_for_segment
    from csm_tui.services.roadmap_view import display_title

    account = account_queries.get_account(store, account_id)
    if account is None:
        raise NotFoundError(f"No account with id {account_id}.")
    items = checklist_queries.items_of(store, account_id)
    if not items:
        return []  # no templates to read
    if templates is None:
        templates, _problems = load_templates()  # a broken user file is reported elsewhere
    template = template_for_segment(templates, account.segment)
    language = current_language()
    choices = [
        LinkChoice(
            id=item.id,
            title=display_title(item, template, language),
            stage=item.stage,
            done=item.done,
            current_stage=item.stage == account.stage,
        )
        for item in items
    ]
    return sorted(choices, key=lambda choice: (choice.done, not choice.current_stage))


@dataclass(frozen=True)
class Removed:
    """What `delete_activity` took away, enough to put it back exactly."""

    row: dict[str, Any]


def delete_activity(store: Store, activity_id: str) -> Removed:
    row = store.query_one("SELECT * FROM activities WHERE id = ?", (activity_id,))
    if row is None:
        raise NotFoundError(f"No activity with id {activity_id}.")
    with store.transaction() as tx:
        tx.delete("activities", activity_id)
    return Removed(dict(row))


def restore_activity(store: Store, removed: Removed) -> None:
    """Undo a deletion: the same row comes back (journaled as an insert)."""
    with store.transaction() as tx:
        tx.insert("activities", dict(removed.row))


@dataclass(frozen=True)
class EffortTotals:
    week: tuple[int, int]  # (activities, minutes) since Monday
    month: tuple[int, int]  # since the first of the month
    all: tuple[int, int]


def effort_totals(store: Store, account_id: str, now: datetime) -> EffortTotals:
    """Totals for the Activities tab; weeks start on Monday, in the time zone of `now`."""
    today = now.date()
    week_start = datetime.combine(today - timedelta(days=today.weekday()), now.timetz())
    week_start = week_start.replace(hour=0, minute=0, second=0, microsecond=0)
    month_start = week_start.replace(year=today.year, month=today.month, day=1)
    return EffortTotals(
        week=queries.minutes_between(store, account_id, week_start, None),
        month=queries.minutes_between(store, account_id, month_start, None),
        all=queries.minutes_between(store, account_id, None, None),
    )


def _first_problem(exc: PydanticError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(part) for part in error["loc"]) or "value"
    return f"{field}: {error['msg']}"
