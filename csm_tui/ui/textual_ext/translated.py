"""Binding descriptions are English msgids; this mixin shows them in the current language.

Textual reads binding descriptions from `Screen.active_bindings` for the footer and the keys
panel, so translating there covers every place a binding is shown, and a language switch needs
no re-import.
"""

from __future__ import annotations

from dataclasses import replace

from textual.binding import ActiveBinding
from textual.screen import Screen

from csm_tui.i18n import _


def translate_active(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    translated: dict[str, ActiveBinding] = {}
    for key, active in bindings.items():
        binding = active.binding
        if binding.description:
            binding = replace(binding, description=_(binding.description))
        translated[key] = active._replace(
            binding=binding, tooltip=_(active.tooltip) if active.tooltip else active.tooltip
        )
    return translated


class TranslatedScreen(Screen[None]):
    """A screen whose footer and key help follow the current language."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translate_active(super().active_bindings)

    def retranslate(self) -> None:
        """Redraw every string after a language switch; screens override to update widgets."""
        self.refresh_bindings()
