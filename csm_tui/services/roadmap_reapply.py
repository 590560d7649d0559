"""Re-applying the roadmap templates: what a changed template adds to the book, then adding it.

A CSM who adds an item to a template (their own file, or a newer built-in one) wants it on the
accounts that use the template. The plan is read in one query; only the accounts that lack an
item are written, through `apply_template_in`, so ticks, notes, custom items and items the
template no longer has are kept, and every new item goes through the journal (and to the team).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from csm_tui.services.checklist import apply_template_in
from csm_tui.services.roadmap_templates import Template, template_for_segment
from csm_tui.store import checklist as queries
from csm_tui.store.accounts import get_account
from csm_tui.store.connection import Store

CHUNK = 200  # accounts per transaction: few commits, and the app's writes wait little


@dataclass(frozen=True)
class ReapplyPlan:
    """Per account that lacks items of its template: the template and the keys it lacks."""

    missing: dict[str, tuple[Template, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def accounts(self) -> int:
        return len(self.missing)

    @property
    def items(self) -> int:
        return sum(len(keys) for _template, keys in self.missing.values())


def plan_reapply(
    store: Store, templates: dict[str, Template], account_ids: Collection[str] | None = None
) -> ReapplyPlan:
    """What re-applying each account's template would add (all accounts, or these ones)."""
    missing: dict[str, tuple[Template, tuple[str, ...]]] = {}
    for account_id, (segment, keys) in queries.template_keys_by_account(store).items():
        if account_ids is not None and account_id not in account_ids:
            continue
        template = template_for_segment(templates, segment)
        lacking = tuple(item.key for item in template.items if item.key not in keys)
        if lacking:
            missing[account_id] = (template, lacking)
    return ReapplyPlan(missing)


def reapply(
    store: Store,
    plan: ReapplyPlan,
    *,
    language: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Add the planned items, `CHUNK` accounts per transaction; returns how many were added."""
    added = 0
    pending = list(plan.missing.items())
    for start in range(0, len(pending), CHUNK):
        with store.transaction() as tx:
            for account_id, (template, _keys) in pending[start : start + CHUNK]:
                account = get_account(store, account_id)
                if account is None:
                    continue  # deleted since the plan was made (by a sync, say)
                added += len(apply_template_in(tx, account, template, language=language))
        if progress is not None:
            progress(min(start + CHUNK, len(pending)), len(pending))
    return added
