"""Reading an account's roadmap as the Roadmap tab and `csm-tui checklist ACCOUNT` show it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.i18n import _, current_language
from csm_tui.models.account import Account, Stage
from csm_tui.models.checklist import ChecklistItem
from csm_tui.services.checklist_plan import STAGES
from csm_tui.services.roadmap_templates import Template
from csm_tui.store import checklist as queries
from csm_tui.store.accounts import find_account_by_external_id, get_account
from csm_tui.store.connection import Store
from csm_tui.store.search import accounts_named_like, fold

CANDIDATES = 20  # name matches looked at when an account is named by the start of its name


@dataclass(frozen=True)
class StageView:
    """One stage of an account's roadmap, as the Roadmap tab and the CLI show it."""

    stage: Stage
    title: str
    items: list[ChecklistItem]
    done: int
    total: int
    current: bool


@dataclass(frozen=True)
class RoadmapView:
    account: Account
    stage_started_on: date | None
    stages: list[StageView]
    overdue: int
    today: date


def account_roadmap(
    store: Store, account_id: str, today: date, template: Template | None = None
) -> RoadmapView:
    """The account's checklist by stage; stage titles from `template` (else the default)."""
    from csm_tui.services.roadmap_templates import built_in_templates

    account = _account(store, account_id)
    template = template or built_in_templates()["default"]
    titles = {stage.key: stage.title(current_language()) for stage in template.stages}
    items = queries.items_of(store, account_id)
    stages = []
    for stage in STAGES:
        mine = [item for item in items if item.stage == stage]
        stages.append(
            StageView(
                stage=stage,
                title=titles.get(stage, stage.value.title()),
                items=mine,
                done=sum(item.done for item in mine),
                total=len(mine),
                current=stage == account.stage,
            )
        )
    overdue = sum(1 for i in items if not i.done and i.due_date is not None and i.due_date < today)
    return RoadmapView(
        account=account,
        stage_started_on=queries.stage_started_on(store, account_id),
        stages=stages,
        overdue=overdue,
        today=today,
    )


def display_title(item: ChecklistItem, template: Template, language: str) -> str:
    """The item's title in `language`: a template item the user has not reworded follows the
    language switch; a reworded or custom item shows the words it was given."""
    source = template.item(item.item_key) if item.item_key and not item.custom else None
    if source is not None and item.title in (source.title_en, source.title_ja):
        return source.title(language)
    return item.title


def resolve_account(store: Store, text: str) -> Account:
    """An account named by its id, its external id, or the start of its name (if unique).

    Names match as in the book's filter (width, case and kana folded); when no name starts so,
    a name (or segment, tag) holding every word typed.
    """
    wanted = text.strip()
    account = get_account(store, wanted) or find_account_by_external_id(store, wanted)
    if account is not None or not wanted:
        if account is None:
            raise ValidationError("Name an account by its id, external id or name.")
        return account
    # folded as the book's `/` filter folds: `さくら` finds サクラ建設, full width finds half
    matches = accounts_named_like(store, wanted, limit=CANDIDATES + 1)
    exact = [match for match in matches if fold(match[1]) == fold(wanted)]
    if len(exact) == 1 or len(matches) == 1:
        return _account(store, (exact or matches)[0][0])
    if not matches:
        raise NotFoundError(
            _("No account has the id, external id or name {wanted!r}.").format(wanted=wanted)
        )
    names = ", ".join(name for _id, name in matches[:5]) + (", …" if len(matches) > 5 else "")
    if len(matches) > CANDIDATES:
        message = _("{wanted!r} matches more than {n} accounts ({names}); be more precise.")
    else:
        message = _("{wanted!r} matches {n} accounts ({names}); be more precise.")
    raise ValidationError(
        message.format(wanted=wanted, n=min(len(matches), CANDIDATES), names=names)
    )


def _account(store: Store, account_id: str) -> Account:
    account = get_account(store, account_id)
    if account is None:
        raise NotFoundError(f"No account with id {account_id}.")
    return account
