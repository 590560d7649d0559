"""The roadmap as the app uses it: templates loaded once, each account's view, and every change.

A thin layer over `checklist` and `roadmap_view` that remembers the loaded templates, so the
Roadmap tab and the Checklist screen show each account with its segment's template.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from csm_tui.i18n import current_language
from csm_tui.models.account import Account, Stage
from csm_tui.models.checklist import ChecklistItem
from csm_tui.services import checklist
from csm_tui.services.checklist_plan import STAGES
from csm_tui.services.roadmap_templates import Template, load_templates, template_for_segment
from csm_tui.services.roadmap_view import RoadmapView, account_roadmap, display_title
from csm_tui.store import checklist as queries
from csm_tui.store.connection import Store

if TYPE_CHECKING:
    from csm_tui.services.roadmap_reapply import ReapplyPlan


class RoadmapService:
    """Roadmap reads and changes for the UI; every change goes through the journal."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._templates: dict[str, Template] | None = None
        self.problems: list[str] = []  # one sentence per template file that could not be used
        self.user_dir: Path | None = None  # the user's templates (None: the config dir's)

    # -- templates ---------------------------------------------------------------------------

    def load_templates(self, user_dir: Path | None = None) -> list[str]:
        """Read the built-in and the user's templates; returns the problems (bad files skipped)."""
        self._templates, self.problems = load_templates(user_dir or self.user_dir)
        return self.problems

    @property
    def templates(self) -> dict[str, Template]:
        if self._templates is None:
            self.load_templates()
        assert self._templates is not None
        return self._templates

    def plan_reapply(self) -> ReapplyPlan:
        """What the templates as loaded now would add to the book's accounts."""
        from csm_tui.services.roadmap_reapply import plan_reapply

        return plan_reapply(self.store, self.templates)

    def reapply(self, plan: ReapplyPlan) -> int:
        """Add the planned items through the journal; returns how many were added."""
        from csm_tui.services.roadmap_reapply import reapply

        return reapply(self.store, plan)

    def template_for(self, account: Account) -> Template:
        return template_for_segment(self.templates, account.segment)

    def title(self, item: ChecklistItem, template: Template) -> str:
        return display_title(item, template, current_language())

    def description(self, item: ChecklistItem, template: Template) -> str:
        """The template's description in the current language, unless the user reworded it."""
        source = template.item(item.item_key) if item.item_key and not item.custom else None
        if source is not None and item.description in (
            source.description_en,
            source.description_ja,
        ):
            return source.description(current_language())
        return item.description

    # -- reading -----------------------------------------------------------------------------

    def view(self, account_id: str) -> tuple[RoadmapView, Template]:
        """The account's roadmap, and the template its titles come from."""
        from csm_tui.store.accounts import get_account

        account = get_account(self.store, account_id)
        template = self.template_for(account) if account else self.templates["default"]
        today = self.store.clock.today()
        return account_roadmap(self.store, account_id, today, template), template

    def due(
        self, *, stage: str | None = None, segment: str | None = None, moments_only: bool = False
    ) -> list[checklist.DueRow]:
        """Open items with a due date across the book, overdue first (the earliest 2,000)."""
        return checklist.due_items(
            self.store,
            today=self.store.clock.today(),
            stage=stage,
            segment=segment,
            moments_only=moments_only,
        )

    def due_title(self, row: checklist.DueRow) -> str:
        """A Checklist screen row's title in the current language (see `display_title`)."""
        if not row.item_key:
            return row.title
        language = current_language()
        for template in self.templates.values():
            source = template.item(row.item_key)
            if source is not None and row.title in (source.title_en, source.title_ja):
                return source.title(language)
        return row.title

    def user_names(self) -> dict[str, str]:
        """e-mail → name of the users the book knows (who ticked an item)."""
        from csm_tui.store.accounts import user_names

        return user_names(self.store)

    def segments(self) -> list[str]:
        return queries.segments(self.store)

    # -- changes -----------------------------------------------------------------------------

    def tick(self, item_id: str, done: bool, note: str = "") -> ChecklistItem:
        return checklist.tick(self.store, item_id, done, note)

    def edit(
        self, item_id: str, *, title: str, description: str, note: str | None = None
    ) -> ChecklistItem:
        """Change the wording, and the note on the tick of a done item."""
        item = checklist.edit_item(self.store, item_id, title=title, description=description)
        if note is not None and item.done and note != item.done_note:
            item = checklist.tick(self.store, item_id, True, note)
        return item

    def set_due(self, item_id: str, due: date | None) -> ChecklistItem:
        return checklist.set_due(self.store, item_id, due)

    def add(
        self,
        account_id: str,
        stage: Stage | str,
        title: str,
        *,
        description: str = "",
        due: date | None = None,
        moment_of_truth: bool = False,
    ) -> ChecklistItem:
        return checklist.add_custom_item(
            self.store,
            account_id,
            stage,
            title,
            description=description,
            due=due,
            moment_of_truth=moment_of_truth,
        )

    def remove(self, item_id: str) -> dict[str, Any]:
        return checklist.remove_custom_item(self.store, item_id)

    def restore(self, data: dict[str, Any]) -> ChecklistItem:
        return checklist.restore_item(self.store, data)

    def change_stage(self, account_id: str, stage: Stage, *, confirm_open: bool = False) -> Account:
        """Raises `checklist.OpenItemsError` when the current stage has open items, unconfirmed."""
        return checklist.change_stage(self.store, account_id, stage, confirm_open=confirm_open)


def neighbour_stage(stage: Stage, step: int) -> Stage | None:
    """The stage `step` places along the roadmap from `stage`, or None past either end."""
    index = STAGES.index(stage) + step
    return STAGES[index] if 0 <= index < len(STAGES) else None
