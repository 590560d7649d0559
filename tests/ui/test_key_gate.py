"""Keys arriving in one burst (a fast typist, ssh, a paste without bracketed paste) are kept.

Each test posts its keys to the app at once, as the terminal driver does when they arrive in one
read, instead of `pilot.press`, which waits for the app to be idle after every key.
"""

from __future__ import annotations

from conftest import AppFactory, settle
from test_owners import ACME, KEN, open_owners
from test_ui_roadmap import ACME as ACME_ROADMAP
from test_ui_roadmap import items, open_roadmap
from textual import events
from textual.widgets import Input

from csm_tui.models.account import Stage
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.checklist_forms import ItemForm
from csm_tui.ui.textual_ext.key_gate import GIVE_UP

SIZE = (120, 36)
NAMED = {"tab": "\t", "enter": "\r", "escape": "\x1b", "down": None}


def burst(app: CsmApp, *keys: str) -> None:
    """Post every key now: the named keys above, and any other text a character at a time."""
    for key in keys:
        if key in NAMED:
            app.post_message(events.Key(key, NAMED[key]))
            continue
        for character in key:
            app.post_message(events.Key("space" if character == " " else character, character))


async def test_a_form_opened_by_a_key_gets_the_keys_typed_behind_it(
    book_store: Store, make_app: AppFactory
) -> None:
    """`n` then a title at once: the title lands in the new form, and the space ticks nothing."""
    app = make_app(book_store)
    app.key_gate_give_up = 60  # the keys must go on when the form has focus, not on a timeout
    async with app.run_test(size=SIZE) as pilot:
        await open_roadmap(pilot, app, ACME_ROADMAP)
        before = [item.done for item in items(book_store, ACME_ROADMAP, Stage.ADOPTION)]
        burst(app, "n", "Quick item")
        await settle(pilot, lambda: isinstance(app.screen, ItemForm))
        title = app.screen.query_one("#item-title", Input)
        await settle(pilot, lambda: title.value == "Quick item")
        assert title.value == "Quick item"
        after = [item.done for item in items(book_store, ACME_ROADMAP, Stage.ADOPTION)]
        assert after == before


async def test_tab_moves_on_before_the_next_keys_arrive(
    book_store: Store, make_app: AppFactory
) -> None:
    """E-mail, Tab, from, Tab, until, Tab, reason, in one burst: each lands in its own field."""
    app = make_app(book_store)
    app.key_gate_give_up = 60
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_owners(pilot, app, ACME)
        burst(app, KEN, "tab", "12/1", "tab", "12/14", "tab", "parental leave")
        reason = editor.query_one("#reason", Input)
        await settle(pilot, lambda: reason.value == "parental leave")
        values = [editor.query_one(f"#{name}", Input).value for name in ("email", "from", "to")]
        assert values == [KEN, "12/1", "12/14"]
        assert reason.value == "parental leave"


async def test_a_lost_marker_holds_keys_back_only_briefly(
    book_store: Store, make_app: AppFactory
) -> None:
    """Escape closes the form its key was sent to; the keys behind it still reach the table."""
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        roadmap = await open_roadmap(pilot, app, ACME_ROADMAP)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, ItemForm))
        first = roadmap.current_id()
        burst(app, "escape", "down")
        await settle(pilot, lambda: roadmap.current_id() != first, timeout=GIVE_UP * 5)
        assert roadmap.current_id() != first
