"""The Textual behaviours csm_tui/ui/textual_ext works around or relies on (see its README).

Each test states what Textual does today, on a bare Textual app. When one fails after a Textual
upgrade, the behaviour changed: read the README's entry, then drop or adapt the workaround.
"""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.command import CommandInput, CommandPalette
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input

from csm_tui.i18n import set_language
from csm_tui.ui.app import SYSTEM_COMMANDS
from csm_tui.ui.textual_ext.translated import TranslatedScreen


class TwoFields(App[None]):
    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")


async def test_keys_typed_at_once_stay_on_the_widget_focused_when_they_arrived() -> None:
    """key_gate.py: Tab moves focus only after the keys behind it were queued on the old field.
    If this fails, re-run tests/ui/test_key_gate.py with CsmApp on `App` (not KeyGatedApp): the
    gate may be no longer needed."""
    app = TwoFields()
    async with app.run_test() as pilot:
        for key, character in (("a", "a"), ("tab", "\t"), ("b", "b")):
            app.post_message(events.Key(key, character))
        await pilot.pause(0.2)
        first, second = app.query_one("#first", Input), app.query_one("#second", Input)
        assert (first.value, second.value) == ("ab", "")


async def test_the_palette_binding_and_the_system_commands_are_english_literals() -> None:
    """translated.py / CsmApp.get_system_commands: Textual's own words reach the key bar and the
    palette untranslated; csm-tui marks the same literals for babel (SYSTEM_COMMANDS)."""
    app = TwoFields()
    async with app.run_test() as pilot:
        palette = [b for _key, b in app._bindings if b.action == "command_palette"]
        assert [(b.key, b.description) for b in palette] == [("ctrl+p", "palette")]
        screen = app.screen
        commands = list(app.get_system_commands(screen))
        assert all(isinstance(command, SystemCommand) for command in commands)
        words = {word for command in commands for word in (command.title, command.help)}
        assert words <= set(SYSTEM_COMMANDS), words - set(SYSTEM_COMMANDS)
        app.action_command_palette()
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(CommandInput).placeholder == "Search for commands…"


class Described(TranslatedScreen):
    BINDINGS = [Binding("x", "nothing", "Quit")]


async def test_bindings_are_read_through_screen_active_bindings() -> None:
    """translated.py: the footer, the key bar and the keys panel read `Screen.active_bindings`,
    a property a screen may override to translate the descriptions."""
    assert isinstance(Screen.__dict__["active_bindings"], property)
    app = TwoFields()
    set_language("ja")
    try:
        async with app.run_test():
            await app.push_screen(Described())
            active = app.screen.active_bindings
            assert [a.binding.description for a in active.values() if a.binding.key == "x"] == [
                "終了"
            ]
    finally:
        set_language("en")


class Lines(ScrollView):
    def __init__(self) -> None:
        super().__init__()
        self.drawn: set[int] = set()

    def on_mount(self) -> None:
        from textual.geometry import Size

        self.virtual_size = Size(40, 100_000)

    def render_line(self, y: int) -> Strip:
        self.drawn.add(y + int(self.scroll_y))
        return Strip.blank(self.size.width)


class LinesApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Lines()


async def test_a_scroll_view_draws_only_the_lines_on_screen() -> None:
    """line_table.py, cursor_view.py: a 100,000-line ScrollView draws the lines in view, which is
    why the tables of csm-tui are ScrollViews and not DataTables (which measure every row)."""
    app = LinesApp()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        lines = app.query_one(Lines)
        assert lines.drawn and max(lines.drawn) < 40


async def test_is_current_is_also_true_of_the_screen_just_below() -> None:
    """screens/base.py: "on top" is `Screen.is_active`; `is_current` also covers the screen just
    below the top one (it might show through), so it cannot tell a hidden screen."""
    app = TwoFields()
    async with app.run_test() as pilot:
        below = app.screen
        await app.push_screen(Screen())
        await pilot.pause()
        assert below.is_current and not below.is_active
