"""The Contacts section of an account's Overview (issue 14): add, edit, remove with undo, and
the champion / decision maker / key contact marks (one champion per account)."""

from __future__ import annotations

from conftest import AppFactory, settle
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Static

from csm_tui.services.crm_book import LocalBook
from csm_tui.store.accounts import contacts_of
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.contact_form import ContactFormScreen
from csm_tui.ui.widgets.contact_table import ContactTable

SIZE = (100, 30)
ACME = "acct00"  # Dana Scully (champion), Walter Skinner (decision maker)


def table(app: CsmApp) -> ContactTable:
    return app.screen.query_one(ContactTable)


def names(app: CsmApp) -> list[str]:
    return [contact.name for contact in table(app).contacts]


def marks(store: Store) -> dict[str, tuple[bool, bool, bool]]:
    return {
        c.name: (c.is_champion, c.is_decision_maker, c.is_key) for c in contacts_of(store, ACME)
    }


def toasts(app: CsmApp) -> list[str]:
    return [str(toast.message) for toast in app._notifications]


async def open_overview(app: CsmApp, pilot: Pilot[None]) -> None:
    await settle(pilot, lambda: bool(app.screen.query("AccountTable")))
    app.open_account(ACME)
    await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
    await settle(pilot, lambda: isinstance(app.focused, ContactTable))


async def test_the_table_lists_contacts_with_their_marks(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(app, pilot)
        assert names(app) == ["Dana Scully", "Walter Skinner"]
        assert not app.screen.query("#champion-change")  # it never changed
        assert table(app).get_row_at(0) == [
            "Dana Scully",
            "VP Operations",
            "contact0@customer.example",
            "—",
            "★",
        ]
        assert table(app).get_row_at(1)[-1] == "◆"
        legend = str(app.screen.query_one("#contacts-legend", Static).content)
        assert "c ★ champion" in legend and "k ● key contact" in legend
        keys = {b.binding.key: b.binding.description for b in app.screen.active_bindings.values()}
        assert keys["n"] == "Add contact" and keys["E"] == "Edit account"


async def test_n_adds_a_contact_and_a_new_champion_takes_the_mark(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(app, pilot)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        await pilot.press(*"Fox Mulder")
        app.screen.query_one("#contact-email", Input).value = "Fox@Customer.Example"
        app.screen.query_one("#contact-title", Input).value = "情報システム部長"
        app.screen.query_one("#contact-champion", Checkbox).value = True
        app.screen.query_one("#contact-key", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await settle(pilot, lambda: "Fox Mulder" in names(app))
        assert marks(book_store)["Fox Mulder"] == (True, False, True)
        assert marks(book_store)["Dana Scully"] == (False, False, False)  # one champion
        fox = next(c for c in contacts_of(book_store, ACME) if c.name == "Fox Mulder")
        assert (fox.email, fox.role) == ("fox@customer.example", "情報システム部長")
        assert names(app)[0] == "Fox Mulder"


async def test_a_refused_contact_keeps_what_was_typed(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(app, pilot)
        await pilot.press("e")  # Dana Scully
        await settle(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        assert app.screen.query_one("#contact-name", Input).value == "Dana Scully"
        assert app.screen.query_one("#contact-champion", Checkbox).value
        app.screen.query_one("#contact-email", Input).value = "not an address"
        app.screen.query_one("#contact-phone", Input).value = "03-1234-5678"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ContactFormScreen)
        said = str(app.screen.query_one("#contact-email-error", Static).content)
        assert said == "The contact's email is not valid."
        assert app.focused is app.screen.query_one("#contact-email")
        assert app.screen.query_one("#contact-phone", Input).value == "03-1234-5678"
        app.screen.query_one("#contact-email", Input).value = ""  # no address at all
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        dana = next(c for c in contacts_of(book_store, ACME) if c.name == "Dana Scully")
        assert (dana.email, dana.phone, dana.is_champion) == (None, "03-1234-5678", True)
        await settle(pilot, lambda: table(app).get_row_at(0)[3] == "03-1234-5678")


async def test_x_removes_a_contact_and_u_brings_it_back(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(app, pilot)
        await pilot.press("down", "x")
        await settle(pilot, lambda: names(app) == ["Dana Scully"])
        assert list(marks(book_store)) == ["Dana Scully"]
        assert "Removed Walter Skinner. Press u to undo." in toasts(app)
        await settle(pilot, lambda: isinstance(app.focused, ContactTable))  # still on it
        await pilot.press("u")
        await settle(pilot, lambda: names(app) == ["Dana Scully", "Walter Skinner"])
        assert marks(book_store)["Walter Skinner"] == (False, True, False)


async def test_c_d_k_set_and_clear_the_marks(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(app, pilot)
        await pilot.press("down", "c")  # Walter becomes the champion
        await settle(pilot, lambda: marks(book_store)["Walter Skinner"][0])
        assert marks(book_store)["Dana Scully"][0] is False
        await settle(pilot, lambda: names(app)[0] == "Walter Skinner")
        current = table(app).current()
        assert current is not None and current.name == "Walter Skinner"  # the cursor followed
        line = str(app.screen.query_one("#champion-change", Static).content)
        assert line == "Champion since 2026-11-27: Walter Skinner (before: Dana Scully)"
        await pilot.press("k")
        await settle(pilot, lambda: marks(book_store)["Walter Skinner"] == (True, True, True))
        await pilot.press("d")
        await settle(pilot, lambda: marks(book_store)["Walter Skinner"] == (True, False, True))
        assert "Walter Skinner is no longer marked decision maker." in toasts(app)


async def test_on_an_account_the_crm_fills_in_the_form_says_so(
    book_store: Store, make_app: AppFactory
) -> None:
    LocalBook(book_store, "", "").set_state({"vendor": "salesforce", "mapping": {}})
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(app, pilot)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        note = str(app.screen.query_one(".note", Static).content)
        assert note.startswith("Salesforce fills in the contacts of Acme Analytics")
        await pilot.press(*"Ken")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert any("Note: Salesforce owns contacts of Acme Analytics" in t for t in toasts(app))


async def test_a_change_of_champion_runs_the_playbooks(
    book_store: Store, make_app: AppFactory
) -> None:
    """A new champion opens the champion_change trigger: the rules run after the change."""
    app = make_app(book_store)
    runs: list[str] = []
    app.run_playbooks = lambda: runs.append("run")  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(app, pilot)
        await pilot.press("k")  # not the champion mark
        await settle(pilot, lambda: marks(book_store)["Dana Scully"][2])
        assert runs == []
        await pilot.press("down", "c")
        await settle(pilot, lambda: marks(book_store)["Walter Skinner"][0])
        await settle(pilot, lambda: runs == ["run"])
        await pilot.press("e")  # Walter, the champion now: only his phone changes
        await settle(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        app.screen.query_one("#contact-phone", Input).value = "090-0000-0000"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert runs == ["run"]
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        await pilot.press(*"Ken")
        app.screen.query_one("#contact-champion", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: runs == ["run", "run"])
