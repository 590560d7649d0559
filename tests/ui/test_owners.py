"""The owners editor (o on an account): assign with completion, set the period, remove."""

from __future__ import annotations

from datetime import date

from conftest import ME, AppFactory, settle
from textual.pilot import Pilot
from textual.widgets import Input, Static

from csm_tui.models.owner import Role
from csm_tui.store.accounts import owners_of
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.confirm import ConfirmScreen
from csm_tui.ui.screens.owners_editor import OwnersEditor, OwnerTable

ACME = "acct00"  # Acme Analytics: mine (primary), no secondary owner
YAMATO = "acct03"  # ヤマト食品: Ken Sato primary, me secondary (11-27 to 12-11)
KEN = "ken.sato@example.com"
SIZE = (120, 36)


async def open_owners(pilot: Pilot[None], app: CsmApp, account_id: str) -> OwnersEditor:
    await settle(pilot, lambda: type(app.screen.focused).__name__ == "AccountTable")
    app.open_account(account_id)
    await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
    await pilot.press("o")
    await settle(pilot, lambda: isinstance(app.screen, OwnersEditor))
    editor = app.screen
    assert isinstance(editor, OwnersEditor)
    await settle(pilot, lambda: editor.focused is editor.query_one("#email", Input))
    return editor


def owners(store: Store, account_id: str) -> dict[str, tuple[str, date | None, date | None, str]]:
    return {
        o.user_email: (o.role.value, o.coverage_from, o.coverage_to, o.coverage_reason)
        for o in owners_of(store, account_id)
    }


async def test_assign_a_secondary_owner_with_completion(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_owners(pilot, app, ACME)
        await pilot.press("k", "e")
        await settle(pilot, lambda: editor.query_one("#email", Input)._suggestion == KEN)
        await pilot.press("right")  # accept the suggestion
        assert editor.query_one("#email", Input).value == KEN
        await pilot.press("tab", *"12/1", "tab", *"12/14", "tab", *"parental leave", "enter")
        await settle(pilot, lambda: editor.query_one(OwnerTable).row_count == 2)
        assert owners(book_store, ACME)[KEN] == (
            "secondary",
            date(2026, 12, 1),
            date(2026, 12, 14),
            "parental leave",
        )
        assert editor.query_one("#email", Input).value == ""  # ready for the next one
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        # the account screen shows the new owner
        assert any(o.email == KEN for o in app.screen.overview.owners)


async def test_bad_input_is_shown_and_nothing_is_saved(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_owners(pilot, app, ACME)
        message = editor.query_one("#owners-error", Static)
        for email, start, end, expected in [
            ("ken", "", "", "not an e-mail address"),
            (ME, "", "", "already the primary owner of Acme Analytics"),
            (KEN, "12/14", "12/1", "ends (2026-12-01) before it starts (2026-12-14)"),
            (KEN, "soon", "", "'soon' is not a date like 2026-12-01"),
        ]:
            editor.query_one("#email", Input).value = email
            editor.query_one("#from", Input).value = start
            editor.query_one("#to", Input).value = end
            await pilot.press("ctrl+s")
            assert expected in str(message.render()), expected
        assert list(owners(book_store, ACME)) == [ME]


async def test_change_the_period_of_a_secondary_owner(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_owners(pilot, app, YAMATO)
        table = editor.query_one(OwnerTable)
        table.focus()
        await pilot.press("down")  # Ken (primary) first, then me
        assert table.current_email() == ME
        await pilot.press("enter")
        assert editor.query_one("#to", Input).value == "2026-12-11"
        assert editor.focused is editor.query_one("#from", Input)
        editor.query_one("#to", Input).value = "2026-12-24"
        editor.query_one("#reason", Input).value = "育休（延長）"
        await pilot.press("enter")
        await settle(pilot, lambda: owners(book_store, YAMATO)[ME][2] == date(2026, 12, 24))
        assert owners(book_store, YAMATO)[ME][3] == "育休（延長）"
        table.focus()
        await pilot.press("up", "enter")  # the primary owner is not changed here
        assert "Only secondary owners" in str(editor.query_one("#owners-error", Static).render())


async def test_remove_a_secondary_owner_after_asking(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_owners(pilot, app, YAMATO)
        table = editor.query_one(OwnerTable)
        table.focus()
        await pilot.press("x")  # on the primary owner: refused
        assert "Only a secondary owner" in str(editor.query_one("#owners-error", Static).render())
        await pilot.press("down", "x")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        assert owners(book_store, YAMATO)[ME][0] == Role.SECONDARY.value
        await settle(pilot, lambda: isinstance(app.screen, OwnersEditor))
        await pilot.press("x", "y")
        await settle(pilot, lambda: table.row_count == 1)
        assert list(owners(book_store, YAMATO)) == [KEN]
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert app.screen.overview.my_role is None
