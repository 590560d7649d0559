"""`?`: the keys of the screen underneath, in the current language, with a word on each area."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from csm_tui.i18n import N_, _
from csm_tui.models.book import HEALTH_DROP_POINTS, RENEWAL_SOON_DAYS
from csm_tui.ui.translated import translate_active

NOTES = (
    N_("Type / and a few letters to filter by name, segment or tag; Japanese works too."),
    N_(
        "Quick filters: o I own, c I cover, r renewal within {days} days, "
        "h health down {points} or more in 30 days."
    ),
    N_("s sorts by the next column, S reverses; click a column title to sort by it."),
    N_("Enter opens the account; Escape goes back."),
    N_("Ctrl+P opens the command palette, which lists every action."),
)


def own_actions(node: object) -> set[str]:
    """Actions bound by csm-tui's own classes in the node's class hierarchy."""
    actions: set[str] = set()
    for cls in type(node).__mro__:
        if cls.__module__.startswith("csm_tui."):
            for binding in cls.__dict__.get("BINDINGS", []):
                if isinstance(binding, Binding):
                    actions.add(binding.action)
    return actions


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

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold", no_wrap=True)
        keys.add_column()
        # one line per action, with every key that does it ("q, ^q  Quit")
        by_action: dict[str, tuple[list[str], str]] = {}
        for active in translate_active(self.under.active_bindings).values():
            binding = active.binding
            if not binding.description:
                continue
            if binding.action not in own_actions(active.node):
                continue  # Textual's generic scrolling and focus keys: not what a CSM looks for
            shown, _description = by_action.setdefault(binding.action, ([], binding.description))
            shown.append(self.app.get_key_display(binding))
        for shown, description in by_action.values():
            keys.add_row(", ".join(sorted(shown, key=len)), description)
        limits = {"days": RENEWAL_SOON_DAYS, "points": HEALTH_DROP_POINTS}
        notes = Text("\n".join("• " + _(note).format(**limits) for note in NOTES))
        with VerticalScroll():
            yield Static(Text(_("Keys"), style="bold underline"))
            yield Static(keys)
            yield Static("")
            yield Static(notes)
            yield Static(Text("\n" + _("Escape closes this help."), style="italic"))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss()
