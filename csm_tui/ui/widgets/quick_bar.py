"""The line under the filter: quick-filter toggles with their keys, and the row count."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from csm_tui.i18n import N_, _, ngettext
from csm_tui.models.book import RENEWAL_SOON_DAYS, QuickFilter

QUICK_FILTERS: tuple[tuple[QuickFilter, str, str], ...] = (
    (QuickFilter.I_OWN, "o", N_("I own")),
    (QuickFilter.I_COVER, "c", N_("I cover")),
    (QuickFilter.RENEWAL_SOON, "r", N_("Renewal ≤ {days} d")),
    (QuickFilter.HEALTH_DROPPING, "h", N_("Health dropping")),
    (QuickFilter.OVERDUE_ITEMS, "d", N_("Overdue items")),
)


class QuickBar(Static):
    """Shows which quick filters are on and how many accounts match."""

    DEFAULT_CSS = """
    QuickBar {
        width: 100%; height: 1; padding: 0 1; background: $surface; color: $foreground-muted;
    }
    """

    def _toggles(self, active: frozenset[QuickFilter]) -> Text:
        text = Text()
        for quick, key, label in QUICK_FILTERS:
            title = _(label).format(days=RENEWAL_SOON_DAYS)
            on = quick in active
            text.append(f" {key} ", style="bold reverse" if on else "bold")
            text.append(f" {title}  ", style="bold" if on else "")
        return text

    def show(self, active: frozenset[QuickFilter], shown: int, total: int) -> None:
        text = self._toggles(active)
        count = ngettext("{shown} of {total} account", "{shown} of {total} accounts", total)
        text.append("  " + count.format(shown=shown, total=total), style="italic")
        self.update(text, layout=False)  # fixed size: no layout pass per keystroke

    def show_loading(self, total: int) -> None:
        text = self._toggles(frozenset())
        text.append("  " + _("loading {total} accounts…").format(total=total), style="italic")
        self.update(text, layout=False)  # fixed size: no layout pass per keystroke
