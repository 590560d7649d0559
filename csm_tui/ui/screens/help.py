"""`?`: the keys of the screen underneath, in the current language, with a word on each area."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Static

from csm_tui.i18n import N_, _
from csm_tui.models.book import HEALTH_DROP_POINTS, RENEWAL_SOON_DAYS
from csm_tui.ui.textual_ext.translated import translate_active

GENERAL = N_("Ctrl+P opens the command palette, which lists every action.")

# what the keys alone do not say, per screen (by class name: this module imports no screen)
NOTES: dict[str, tuple[str, ...]] = {
    "BookScreen": (
        N_("Type / and a few letters to filter by name, segment or tag; Japanese works too."),
        N_(
            "Quick filters: o I own, c I cover, r renewal within {days} days, "
            "h health down {points} or more in 30 days."
        ),
        N_("s sorts by the next column, S reverses; click a column title to sort by it."),
        N_("Enter opens the account; Escape goes back."),
        N_(
            "a adds an account; x archives the one under the cursor (u undoes); "
            "A lists the archived ones, where Enter brings one back."
        ),
    ),
    "TodayScreen": (
        N_("Tab moves between the priorities, your tasks and the accounts you cover."),
        N_("Enter opens the line's account; Space marks the task under the cursor done."),
    ),
    "ChecklistScreen": (
        N_("Space marks the item done and u undoes it; Enter opens it in its account."),
    ),
}


def own_actions(node: object) -> set[str]:
    """Actions bound by csm-tui's own classes in the node's class hierarchy."""
    return {binding.action for binding in own_bindings(node)}


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "dismiss", N_("Close"))]

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 80; max-width: 95%; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 1 2;
    }
    """

    def __init__(self, under: Screen[object]) -> None:
        super().__init__()
        self.under = under
        # read now, while `under` is the screen on top: a binding the app enables only there
        # (`b` goes back to Today from the book) is then shown as its footer shows it
        self.rows = key_rows(under)

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold", no_wrap=True)
        keys.add_column()
        for shown, description in self.rows:
            keys.add_row(shown, description)
        limits = {"days": RENEWAL_SOON_DAYS, "points": HEALTH_DROP_POINTS}
        notes = [*NOTES.get(type(self.under).__name__, ()), GENERAL]
        text = Text("\n".join("• " + _(note).format(**limits) for note in notes))
        with VerticalScroll():
            yield Static(Text(_("Keys"), style="bold underline"))
            yield Static(keys)
            yield Static("")
            yield Static(text)
            yield Static(Text("\n" + _("Escape closes this help."), style="italic"))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss()


def key_rows(screen: Screen[object]) -> list[tuple[str, str]]:
    """The screen's keys, one line per action with every key that does it ("q, ^q  Quit").

    First the keys that work where the focus is (as the footer shows them), then the keys of the
    screen's other parts (another table's Space) and Tab, which moves between those parts.
    """
    app = screen.app
    by_action: dict[str, tuple[list[str], str]] = {}

    def add(binding: Binding, description: str) -> None:
        shown, _description = by_action.setdefault(binding.action, ([], description))
        key = app.get_key_display(binding)
        if key not in shown:
            shown.append(key)

    for active in translate_active(screen.active_bindings).values():
        binding = active.binding
        if not binding.description or binding.action not in own_actions(active.node):
            continue  # Textual's generic scrolling and focus keys: not what a CSM looks for
        add(binding, binding.description)
    parts = [widget for widget in screen.walk_children(Widget) if widget.focusable]
    for widget in parts:
        if widget is screen.focused:
            continue
        for binding in own_bindings(widget):
            if binding.description and binding.show and binding.action not in by_action:
                add(binding, _(binding.description))
    rows = [
        (", ".join(sorted(shown, key=len)), description)
        for shown, description in by_action.values()
    ]
    if len(parts) > 1:
        rows.append(("tab, shift+tab", _("Move between the parts of this screen")))
    return rows


def own_bindings(node: object) -> list[Binding]:
    """The bindings csm-tui's own classes give the node (not Textual's)."""
    bindings: list[Binding] = []
    for cls in type(node).__mro__:
        if cls.__module__.startswith("csm_tui."):
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding):
                    bindings.append(binding)
    return bindings
