"""The record forms of issue 14 at 80x24, in English and Japanese: a new account with errors
beside its fields, an account a CRM fills in, a contact, and a renewal's outcome."""

from __future__ import annotations

import pytest
from conftest import AppFactory, settle
from textual.pilot import Pilot
from textual.widgets import Input, Select

from csm_tui.services.crm_book import LocalBook
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.account_form import AccountFormScreen
from csm_tui.ui.screens.contact_form import ContactFormScreen
from csm_tui.ui.screens.renewal_form import RenewalFormScreen
from csm_tui.ui.widgets.contact_table import ContactTable

SMALL = (80, 24)
LANGUAGES = ["en", "ja"]


async def on_book(pilot: Pilot[None], app: CsmApp) -> None:
    await settle(pilot, lambda: type(app.screen.focused).__name__ == "AccountTable")


async def quiet(pilot: Pilot[None], app: CsmApp) -> None:
    """No toast of another feature (a playbook rule's warning) over the form."""
    await pilot.pause(0.1)
    await settle(pilot, lambda: not any(w.group == "playbooks" for w in app.workers))
    app.clear_notifications()
    for field in app.screen.query(Input).results(Input):
        field.cursor_blink = False  # the cursor drawn steadily: the same picture every run
    await pilot.pause()


async def on_account(pilot: Pilot[None], app: CsmApp, account_id: str) -> None:
    await on_book(pilot, app)
    app.open_account(account_id)
    await settle(pilot, lambda: isinstance(app.focused, ContactTable))
    assert isinstance(app.screen, AccountScreen)


@pytest.mark.parametrize("language", LANGUAGES)
def test_new_account_form_80x24(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    app = make_app(book_store, language=language)

    async def fill(pilot: Pilot[None]) -> None:
        await on_book(pilot, app)
        await pilot.press("a")
        await settle(pilot, lambda: isinstance(app.screen, AccountFormScreen))
        app.screen.query_one("#acct-name", Input).value = "株式会社ミナト製作所"
        app.screen.query_one("#acct-value", Input).value = "¥1,200,000x"
        app.screen.query_one("#acct-renewal", Input).value = "令和9年2月30日"
        app.screen.query_one("#acct-health", Input).value = "80"
        await pilot.press("ctrl+s")
        await quiet(pilot, app)

    assert snap_compare(app, run_before=fill, terminal_size=SMALL)


@pytest.mark.parametrize("language", LANGUAGES)
def test_edit_account_form_crm_80x24(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    LocalBook(book_store, "", "").set_state(
        {"vendor": "hubspot", "mapping": {"renewal_date": "x", "contract_value": "y"}}
    )
    app = make_app(book_store, language=language)

    async def edit(pilot: Pilot[None]) -> None:
        await on_account(pilot, app, "acct01")
        await pilot.press("E")
        await settle(pilot, lambda: isinstance(app.screen, AccountFormScreen))
        await quiet(pilot, app)

    assert snap_compare(app, run_before=edit, terminal_size=SMALL)


@pytest.mark.parametrize("language", LANGUAGES)
def test_contact_form_80x24(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    app = make_app(book_store, language=language)

    async def edit(pilot: Pilot[None]) -> None:
        await on_account(pilot, app, "acct01")
        await pilot.press("e")  # 山田 花子, the champion
        await settle(pilot, lambda: isinstance(app.screen, ContactFormScreen))
        app.screen.query_one("#contact-phone", Input).value = "03-1234-5678"
        await quiet(pilot, app)

    assert snap_compare(app, run_before=edit, terminal_size=SMALL)


@pytest.mark.parametrize("language", LANGUAGES)
def test_renewal_form_80x24(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    app = make_app(book_store, language=language)

    async def record(pilot: Pilot[None]) -> None:
        await on_account(pilot, app, "acct01")
        await pilot.press("R")
        await settle(pilot, lambda: isinstance(app.screen, RenewalFormScreen))
        app.screen.query_one("#renewal-outcome", Select).value = "downgraded"
        app.screen.query_one("#renewal-value", Input).value = "¥20,000,000"
        await pilot.press("ctrl+s")
        await quiet(pilot, app)

    assert snap_compare(app, run_before=record, terminal_size=SMALL)


@pytest.mark.parametrize("language", LANGUAGES)
def test_overview_contacts_80x24(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    """The Contacts section at 80x24, scrolled into view by working in it."""
    app = make_app(book_store, language=language)

    async def contacts(pilot: Pilot[None]) -> None:
        await on_account(pilot, app, "acct01")
        await pilot.press("down")
        await quiet(pilot, app)

    assert snap_compare(app, run_before=contacts, terminal_size=SMALL)
