"""The Roadmap tab: the account's checklist by stage, ticked, edited and moved along from here.

One stage after another, each with its progress; each item with its box, due date (overdue in
the error colour), who ticked it and when, and the note on the tick. Keys: space ticks or
unticks, `n` adds an item of one's own, `e` edits, `d` sets the due date, `x` removes an item
one added (`u` brings it back), `>`/`<` move the account along the roadmap.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _, ngettext
from csm_tui.ui import format as fmt

if TYPE_CHECKING:
    from csm_tui.models.checklist import ChecklistItem
    from csm_tui.services.roadmap_templates import Template
    from csm_tui.services.roadmap_view import RoadmapView, StageView
    from csm_tui.services.session import Session

DUE_SOON_DAYS = 7
BAR_WIDTH = 10


class RoadmapList(OptionList):
    """Stage headings (not selectable) and their items; option ids are checklist item ids."""

    BINDINGS = [
        Binding("space", "tick", N_("Tick"), id="roadmap.tick"),
        Binding("n", "add", N_("Add item"), id="roadmap.add"),
        Binding("e,enter", "edit", N_("Edit"), id="roadmap.edit"),
        Binding("d", "due", N_("Due date"), id="roadmap.due"),
        Binding("x,delete", "remove", N_("Remove"), id="roadmap.remove"),
        Binding("u", "undo", N_("Undo remove"), show=False, id="roadmap.undo"),
        Binding("greater_than_sign", "stage(1)", N_("Next stage"), id="roadmap.next"),
        Binding("less_than_sign", "stage(-1)", N_("Previous stage"), show=False, id="roadmap.back"),
    ]

    DEFAULT_CSS = """
    RoadmapList { height: 1fr; border: none; padding: 0 1; }
    RoadmapList:focus { border: none; }
    RoadmapList > .option-list--option-disabled { color: $text; }
    RoadmapList > .roadmap--heading { text-style: bold; }
    RoadmapList > .roadmap--current { color: $accent; text-style: bold; }
    RoadmapList > .roadmap--overdue { color: $error; text-style: bold; }
    RoadmapList > .roadmap--soon { color: $warning; }
    RoadmapList > .roadmap--done { color: $success; }
    RoadmapList > .roadmap--dim { color: $foreground-muted; }
    """
    COMPONENT_CLASSES = {
        "roadmap--heading",
        "roadmap--current",
        "roadmap--overdue",
        "roadmap--soon",
        "roadmap--done",
        "roadmap--dim",
    }

    class Changed(Message):
        """The checklist or the stage changed: the title, the book and the brief must follow."""

        def __init__(self, stage_changed: bool = False) -> None:
            super().__init__()
            self.stage_changed = stage_changed

    def __init__(self, session: Session, account_id: str, removed: list[dict[str, Any]]) -> None:
        super().__init__(id="roadmap-list")
        self.session = session
        self.account_id = account_id
        self.removed = removed  # owned by the screen, so undo outlives a redraw
        self.view: RoadmapView | None = None
        self.template: Template | None = None
        self._items: dict[str, ChecklistItem] = {}
        self._names: dict[str, str] = {}

    # -- drawing -----------------------------------------------------------------------------

    def load(self, keep: str | None = None) -> None:
        """(Re)read the roadmap and draw it, keeping the highlight on item `keep` if given."""
        keep = keep or self.current_id()
        roadmap = self.session.roadmap
        self.view, self.template = roadmap.view(self.account_id)
        self._names = roadmap.user_names()
        self._items = {item.id: item for stage in self.view.stages for item in stage.items}
        options: list[Option | None] = []
        for stage in self.view.stages:
            options.append(Option(self._heading(stage), disabled=True))
            if not stage.items:
                options.append(
                    Option(Text("   " + _("No items in this stage."), style="dim"), disabled=True)
                )
            options.extend(Option(self._line(item), id=item.id) for item in stage.items)
        self.set_options(options)
        self.highlight(keep)

    def highlight(self, item_id: str | None) -> None:
        """Put the highlight on an item (the first open one of the current stage by default)."""
        index = None
        if item_id and item_id in self._items:
            index = self.get_option_index(item_id)
        elif self.view is not None:
            current = next((s for s in self.view.stages if s.current), None)
            first = next((i for i in current.items if not i.done), None) if current else None
            if first is not None:
                index = self.get_option_index(first.id)
        if index is None:
            index = next((n for n, o in enumerate(self.options) if not o.disabled), None)
        self.highlighted = index
        if index is not None:
            self.call_after_refresh(self.scroll_to_highlight)

    def current_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None and not option.disabled else None

    def current_item(self) -> ChecklistItem | None:
        item_id = self.current_id()
        return self._items.get(item_id) if item_id else None

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"roadmap--{name}", partial=True)

    def _heading(self, stage: StageView) -> Text:
        assert self.view is not None
        text = Text()
        style = self._style("current") if stage.current else self._style("heading")
        text.append(("▶ " if stage.current else "  ") + stage.title, style=style)
        filled = round(BAR_WIDTH * stage.done / stage.total) if stage.total else 0
        text.append(f"  {stage.done}/{stage.total}  ", style=style)
        text.append("█" * filled, style=self._style("done"))
        text.append("░" * (BAR_WIDTH - filled), style=self._style("dim"))
        if stage.current:
            since = self.view.stage_started_on
            label = _("current stage")
            if since is not None:
                label = _("current stage since {date}").format(date=since.isoformat())
            text.append(f"  {label}", style=self._style("dim"))
        return text

    def _line(self, item: ChecklistItem) -> Table:
        assert self.view is not None and self.template is not None
        roadmap = self.session.roadmap
        today = self.view.today
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(width=5, no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_column(justify="right", no_wrap=True)
        box = Text("  ☑ " if item.done else "  ☐ ")
        if item.done:
            box.stylize(self._style("done"))
        title = Text(roadmap.title(item, self.template))
        if item.moment_of_truth:
            title.append(" ★", style=self._style("soon"))
            title.append(" " + _("moment of truth"), style=self._style("dim"))
        if item.custom:
            title.append(" (" + _("my item") + ")", style=self._style("dim"))
        grid.add_row(box, title, self._due(item, today))
        details = self._details(item)
        if details.plain:
            grid.add_row("", details, "")
        return grid

    def _due(self, item: ChecklistItem, today: date) -> Text:
        if item.due_date is None:
            return Text("")
        manual = " ✎" if item.due_rule.startswith("manual") else ""
        when = item.due_date.isoformat() + manual
        if item.done:
            return Text(when, style=self._style("dim"))
        days = (item.due_date - today).days
        if days < 0:
            late = ngettext("{n} day overdue", "{n} days overdue", -days).format(n=-days)
            return Text(f"{late} · {when}", style=self._style("overdue"))
        if days == 0:
            return Text(_("due today") + f" · {when}", style=self._style("overdue"))
        if days <= DUE_SOON_DAYS:
            soon = ngettext("in {n} day", "in {n} days", days).format(n=days)
            return Text(f"{soon} · {when}", style=self._style("soon"))
        return Text(when)

    def _details(self, item: ChecklistItem) -> Text:
        assert self.template is not None
        text = Text(style=self._style("dim"))  # the whole line is dim
        if item.done:
            who = self._names.get(item.done_by or "", item.done_by or _("someone"))
            when = item.done_at.astimezone().strftime("%Y-%m-%d") if item.done_at else ""
            text.append("✓ " + _("{who} on {date}").format(who=who, date=when).strip())
            if item.done_note:
                text.append(" — " + item.done_note.replace("\n", " "))
        else:
            description = self.session.roadmap.description(item, self.template)
            if description:
                text.append(description.replace("\n", " "))
        return text

    # -- actions -----------------------------------------------------------------------------

    def _changed(self, keep: str | None = None, stage_changed: bool = False) -> None:
        self.load(keep)
        self.post_message(self.Changed(stage_changed))

    def action_tick(self) -> None:
        item = self.current_item()
        if item is None:
            return
        try:
            self.session.roadmap.tick(item.id, not item.done)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self._changed(item.id)

    def action_add(self) -> None:
        from csm_tui.ui.screens.checklist_forms import ItemForm

        assert self.view is not None
        current = self.current_item()
        stage = current.stage if current else self.view.account.stage
        form = ItemForm(self.session, self.account_id, stage=stage)
        self.app.push_screen(form, self._form_closed)

    def action_edit(self) -> None:
        from csm_tui.ui.screens.checklist_forms import ItemForm

        item = self.current_item()
        if item is None or self.template is None:
            return
        form = ItemForm(self.session, self.account_id, item=item, template=self.template)
        self.app.push_screen(form, self._form_closed)

    def action_due(self) -> None:
        from csm_tui.ui.screens.checklist_forms import DueForm

        item = self.current_item()
        if item is None or self.template is None:
            return
        title = self.session.roadmap.title(item, self.template)
        self.app.push_screen(DueForm(self.session, item, title), self._form_closed)

    def _form_closed(self, item_id: str | None) -> None:
        if item_id:
            self._changed(item_id)

    def action_remove(self) -> None:
        item = self.current_item()
        if item is None:
            return
        if not item.custom:
            self.notify(
                _("Only items you added can be removed; this one is part of the roadmap."),
                severity="warning",
            )
            return
        try:
            self.removed.append(self.session.roadmap.remove(item.id))
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(_("Item removed. Press u to undo."))
        self._changed()

    def action_undo(self) -> None:
        if not self.removed:
            self.notify(_("Nothing to undo."), severity="warning")
            return
        data = self.removed.pop()
        try:
            item = self.session.roadmap.restore(data)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(_("Item restored."))
        self._changed(item.id)

    def action_stage(self, step: int) -> None:
        from csm_tui.services.checklist import OpenItemsError
        from csm_tui.services.roadmap_service import neighbour_stage
        from csm_tui.ui.screens.confirm import ConfirmScreen

        assert self.view is not None
        account = self.view.account
        target = neighbour_stage(account.stage, step)
        if target is None:
            last = _("This is the last stage.") if step > 0 else _("This is the first stage.")
            self.notify(last, severity="warning")
            return
        try:
            self.session.roadmap.change_stage(self.account_id, target)
        except OpenItemsError as exc:
            question = ngettext(
                "{n} item of {stage} is still open. Move {name} to {target} anyway?",
                "{n} items of {stage} are still open. Move {name} to {target} anyway?",
                exc.open_count,
            ).format(
                n=exc.open_count,
                stage=fmt.stage(account.stage),
                name=account.name,
                target=fmt.stage(target),
            )

            def answered(move: bool | None) -> None:
                if move:
                    self._move(target, confirmed=True)

            screen = ConfirmScreen(
                question, _("Move to {stage}").format(stage=fmt.stage(target)), _("Stay")
            )
            self.app.push_screen(screen, answered)
            return
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self._moved(target)

    def _move(self, target: Any, *, confirmed: bool) -> None:
        try:
            self.session.roadmap.change_stage(self.account_id, target, confirm_open=confirmed)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self._moved(target)

    def _moved(self, target: Any) -> None:
        self.notify(_("Now in {stage}.").format(stage=fmt.stage(target)))
        self.load(keep=None)
        self.highlight(None)  # the first open item of the new stage
        self.post_message(self.Changed(stage_changed=True))
