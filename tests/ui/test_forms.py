"""Every form: the first error is focused and in view, errors go when fixed, Escape asks only
when something changed (issue 13, defects 6 and 10)."""

from __future__ import annotations

from datetime import timedelta

from conftest import NOW, AppFactory, settle
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from csm_tui.services.activities import log_activity
from csm_tui.services.handoff import notes_of
from csm_tui.store.activities import activities_of
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.confirm import ConfirmScreen
from csm_tui.ui.screens.handoff_editor import HandoffEditor
from csm_tui.ui.screens.log_activity import LogActivityScreen
from csm_tui.ui.widgets.activity_timeline import ActivityTable

SMALL = (80, 24)
YAMATO = "acct03"
INITECH = "acct04"
ME = "aoi.tanaka@example.com"


def in_view(widget: Widget) -> bool:
    """Whether the whole of `widget` can be seen in the scrolling form around it."""
    scroll = widget.screen.query_one(VerticalScroll)
    return scroll.content_region.contains_region(widget.region)


def text_of(app: CsmApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).content)


async def open_editor(app: CsmApp, pilot: Pilot[None]) -> HandoffEditor:
    await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
    app.open_account(YAMATO)
    await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
    await pilot.press("4")
    await pilot.pause()
    await pilot.press("n")
    await settle(pilot, lambda: isinstance(app.screen, HandoffEditor))
    assert isinstance(app.screen, HandoffEditor)
    return app.screen


async def test_a_commitment_without_a_date_is_saved(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(app, pilot)
        editor.query_one("#commitments", TextArea).text = "Call Yamada back\n12/5 研修"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        [view] = notes_of(book_store, YAMATO, ME)
        assert {(c.text, c.due) for c in view.note.commitments} == {
            ("Call Yamada back", None),
            ("研修", NOW.date().replace(month=12, day=5)),
        }


async def test_the_first_error_is_focused_and_in_view(
    book_store: Store, make_app: AppFactory
) -> None:
    """At 80x24 the error of a commitment is far above the note's body, where Ctrl+S is pressed."""
    app = make_app(book_store)
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(app, pilot)
        editor.query_one("#commitments", TextArea).text = "12/40 送付"
        editor.query_one("#to", Input).value = "someday"
        body = editor.query_one("#body", TextArea)
        body.focus()
        await pilot.pause()
        await pilot.press(*"notes")
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, HandoffEditor)
        commitments = editor.query_one("#commitments", TextArea)
        assert app.focused is commitments
        error = editor.query_one("#commitments-error", Static)
        assert "line 1" in str(error.content)
        assert in_view(error) and in_view(commitments)
        assert "someday" in text_of(app, "#coverage-error")
        # fixing the field takes its error away; the other error stays until its field changes
        await pilot.press("end", "backspace")
        await pilot.pause()
        assert text_of(app, "#commitments-error") == ""
        assert "someday" in text_of(app, "#coverage-error")
        editor.query_one("#to", Input).value = ""
        await pilot.pause()
        assert text_of(app, "#coverage-error") == ""


async def test_a_log_error_goes_when_the_value_is_fixed(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
        await pilot.press("l")
        await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
        await pilot.press("0", "enter")
        await pilot.pause()
        assert text_of(app, "#minutes-error") != ""
        assert app.focused is app.screen.query_one("#minutes", Input)
        await pilot.press("backspace", "2", "5")
        await pilot.pause()
        assert text_of(app, "#minutes-error") == ""


async def open_activity_edit(app: CsmApp, pilot: Pilot[None]) -> LogActivityScreen:
    await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
    app.open_account(INITECH)
    await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
    await pilot.press("2")
    await settle(pilot, lambda: isinstance(app.focused, ActivityTable))
    await pilot.press("e")
    await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
    assert isinstance(app.screen, LogActivityScreen)
    return app.screen


async def test_escape_on_an_unchanged_edit_closes_at_once(
    book_store: Store, make_app: AppFactory
) -> None:
    log_activity(book_store, INITECH, 45, NOW - timedelta(hours=2), note="電話")
    app = make_app(book_store)
    async with app.run_test(size=SMALL) as pilot:
        await open_activity_edit(app, pilot)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert isinstance(app.screen, AccountScreen)
        # a change is asked about
        form = await open_activity_edit(app, pilot)
        form.query_one("#minutes", Input).value = "50"
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert isinstance(app.screen, ConfirmScreen)


async def test_saving_an_edit_says_saved_not_logged(
    book_store: Store, make_app: AppFactory
) -> None:
    log_activity(book_store, INITECH, 45, NOW - timedelta(hours=2), note="電話")
    app = make_app(book_store)
    async with app.run_test(size=SMALL) as pilot:
        form = await open_activity_edit(app, pilot)
        form.query_one("#minutes", Input).value = "50"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        said = [toast.message for toast in app._notifications]
        assert any(str(message).startswith("Saved") for message in said), said
        assert not any("Logged" in str(message) for message in said), said
        assert 50 in [a.minutes for a in activities_of(book_store, INITECH)]


async def test_the_custom_period_form_clears_an_error_when_its_field_changes(
    book_store: Store, make_app: AppFactory
) -> None:
    from test_effort_screen import open_effort

    from csm_tui.ui.screens.effort import CustomPeriodScreen

    app = make_app(book_store)
    async with app.run_test(size=SMALL) as pilot:
        await open_effort(app, pilot)
        await pilot.press("4")
        await settle(pilot, lambda: isinstance(app.screen, CustomPeriodScreen))
        form = app.screen
        form.query_one("#from", Input).value = "2026-13-01"
        form.set_focus(form.query_one("#to", Input))
        await pilot.press("enter")
        await pilot.pause()
        assert text_of(app, "#from-error") != ""
        assert app.focused is form.query_one("#from", Input)
        await pilot.press("backspace")
        await pilot.pause()
        assert text_of(app, "#from-error") == ""


async def test_the_first_start_form_focuses_the_refused_email(
    empty_store: Store, make_app: AppFactory
) -> None:
    from csm_tui.ui.screens.me import MeScreen

    app = make_app(empty_store)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, MeScreen))
        await pilot.press(*"Aoi", "enter", *"not-an-email")
        app.screen.query_one("#me-name", Input).focus()
        await pilot.pause()
        app.screen.query_one("#me-email", Input).post_message(
            Input.Submitted(app.screen.query_one("#me-email", Input), "not-an-email")
        )
        await pilot.pause()
        assert "e-mail" in text_of(app, "#me-error")
        assert app.focused is app.screen.query_one("#me-email", Input)
        await pilot.press("backspace")
        await pilot.pause()
        assert text_of(app, "#me-error") == ""


async def test_the_owners_form_focuses_a_wrong_date_and_clears_it(
    book_store: Store, make_app: AppFactory
) -> None:
    from test_owners import open_owners

    app = make_app(book_store)
    async with app.run_test(size=(120, 36)) as pilot:
        editor = await open_owners(pilot, app, YAMATO)
        editor.query_one("#email", Input).value = "ken.sato@example.com"
        editor.query_one("#to", Input).value = "someday"
        await pilot.press("enter")
        await pilot.pause()
        assert "someday" in text_of(app, "#owners-error")
        assert app.focused is editor.query_one("#to", Input)
        await pilot.press("backspace")
        await pilot.pause()
        assert text_of(app, "#owners-error") == ""
