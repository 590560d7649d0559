"""Accounts in the app (issue 14): `a` adds one on the book, `x` archives it (u undoes), `E` edits
it on its screen (a field a connected CRM owns says so), `R` records its renewal's outcome."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import ME, AppFactory, settle
from textual.pilot import Pilot
from textual.widgets import Input, Label, Select, Static

from csm_tui.models.account import Stage
from csm_tui.services.archive import archived_on
from csm_tui.services.crm_book import LocalBook
from csm_tui.store.accounts import get_account, owners_of
from csm_tui.store.checklist import items_of
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.account_form import AccountFormScreen
from csm_tui.ui.screens.book import BookScreen
from csm_tui.ui.screens.confirm import ConfirmScreen
from csm_tui.ui.screens.renewal_form import RenewalFormScreen
from csm_tui.ui.widgets.account_table import AccountTable

SIZE = (100, 30)
INITECH = "acct04"  # EUR 12,000, renews in 15 days, at the renewal stage


def rows(app: CsmApp) -> list[str]:
    return [row.name for row in app.screen.query_one(AccountTable).rows]


def fill(app: CsmApp, **values: str) -> None:
    for field_id, value in values.items():
        app.screen.query_one(f"#{field_id.replace('_', '-')}", Input).value = value


def error(app: CsmApp, field_id: str) -> str:
    return str(app.screen.query_one(f"#{field_id}-error", Static).content)


def title(app: CsmApp) -> str:
    return str(app.screen.query_one("#account-title", Static).content)


def toasts(app: CsmApp) -> list[str]:
    return [str(toast.message) for toast in app._notifications]


async def book_ready(app: CsmApp, pilot: Pilot[None]) -> None:
    await settle(pilot, lambda: len(app.screen.query(AccountTable)) == 1)
    await settle(pilot, lambda: len(rows(app)) == 8)


async def open_form(app: CsmApp, pilot: Pilot[None], key: str, form: type) -> None:
    await pilot.press(key)
    await settle(pilot, lambda: isinstance(app.screen, form))


async def test_a_adds_an_account_read_as_the_cli_reads_it(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        await open_form(app, pilot, "a", AccountFormScreen)
        assert app.focused is app.screen.query_one("#acct-name")
        await pilot.press(*"Zeta")
        fill(app, acct_value="¥1,200,000", acct_renewal="令和9年3月31日", acct_health="８０")
        fill(app, acct_tags="重点; 新規", acct_external_id="ＣＲＭ－９")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen) and "Zeta" in rows(app))
        table = app.screen.query_one(AccountTable)
        await settle(pilot, lambda: table.current is not None and table.current.name == "Zeta")
        assert table.current is not None and table.current.name == "Zeta"  # shown where it is
        account = get_account(book_store, table.current.id)
        assert account is not None
        assert (account.contract_value, account.currency) == (Decimal("1200000.00"), "JPY")
        assert (account.renewal_date, account.health_score) == (date(2027, 3, 31), 80)
        assert (account.external_id, account.tags, account.stage) == (
            "CRM-9",
            ["重点", "新規"],
            Stage.ONBOARDING,
        )
        assert [o.user_email for o in owners_of(book_store, account.id)] == [ME]
        assert items_of(book_store, account.id)  # its stage's checklist, as the CLI gives
        assert "Added Zeta." in toasts(app)


async def test_bad_input_is_shown_beside_its_field_and_nothing_is_lost(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        await open_form(app, pilot, "a", AccountFormScreen)
        fill(app, acct_value="12,000円x", acct_renewal="令和9年2月30日", acct_health="120")
        await pilot.press("enter")
        await pilot.pause()
        assert error(app, "acct-name") == "Give the account a name."
        assert error(app, "acct-value").startswith("Type an amount like 12,000")
        assert error(app, "acct-renewal") != ""
        assert error(app, "acct-health") == "Type a whole number from 0 to 100."
        assert app.focused is app.screen.query_one("#acct-name")  # the first error
        assert app.screen.query_one("#acct-value", Input).value == "12,000円x"  # kept
        assert len(rows_in(book_store)) == 8
        await pilot.press(*"Umbrella 2")
        assert error(app, "acct-name") == ""  # a change clears its error
        fill(app, acct_value="€1,200.50", acct_renewal="2027/3/31", acct_health="")
        fill(app, acct_currency="JPY")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error(app, "acct-currency") == "The amount is in EUR but the currency is JPY."
        assert error(app, "acct-renewal") == ""
        fill(app, acct_currency="")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        assert len(rows_in(book_store)) == 9


def rows_in(store: Store) -> list[str]:
    return [row[0] for row in store.query("SELECT name FROM accounts WHERE archived_on IS NULL")]


async def test_escape_closes_an_unchanged_form_and_asks_about_a_changed_one(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        await open_form(app, pilot, "a", AccountFormScreen)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        await open_form(app, pilot, "a", AccountFormScreen)
        await pilot.press("x")
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # keep editing
        await settle(pilot, lambda: isinstance(app.screen, AccountFormScreen))
        assert app.screen.query_one("#acct-name", Input).value == "x"


async def test_x_archives_the_highlighted_account_and_u_brings_it_back(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await book_ready(app, pilot)
        first, second = rows(app)[:2]
        await pilot.press("x")
        await settle(pilot, lambda: first not in rows(app))
        assert rows(app)[0] == second  # the cursor moves to the next account
        current = app.screen.query_one(AccountTable).current
        assert current is not None and current.name == second
        found = book_store.query("SELECT id, name FROM accounts")
        archived = next(r for r in found if r[1] == first)
        assert archived_on(book_store, archived[0]) is not None
        assert f"Archived {first}. Press u to undo." in toasts(app)
        await pilot.press("u")
        await settle(pilot, lambda: first in rows(app))
        assert archived_on(book_store, archived[0]) is None
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing to undo." in toasts(app)


async def open_account(app: CsmApp, pilot: Pilot[None], account_id: str) -> None:
    await book_ready(app, pilot)
    app.open_account(account_id)
    await settle(pilot, lambda: isinstance(app.screen, AccountScreen))


async def test_E_edits_the_account_and_every_screen_follows(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(app, pilot, INITECH)
        bound = app.screen.active_bindings["E"]
        assert bound.binding.description == "Edit account"  # not the app's Effort
        from csm_tui.ui.screens.help import key_rows

        described = dict(key_rows(app.screen))
        assert described["E"] == "Edit account" and described["R"] == "Renewal outcome"
        assert "Effort" not in described.values()
        await open_form(app, pilot, "E", AccountFormScreen)
        assert app.screen.query_one("#acct-value", Input).value == "12,000"
        assert app.screen.query_one("#acct-currency", Input).value == "EUR"
        assert app.screen.query_one("#acct-stage", Select).value == "renewal"
        await pilot.press("escape")  # unchanged: closes at once
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await open_form(app, pilot, "E", AccountFormScreen)
        fill(app, acct_name="Initech Global", acct_segment="Enterprise")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await settle(pilot, lambda: "Initech Global" in title(app))
        assert "Enterprise" in title(app)
        assert app.screen.sub_title == "Initech Global"
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        await settle(pilot, lambda: "Initech Global" in rows(app))  # the book, with no reload


async def test_a_field_the_crm_owns_is_marked_and_its_change_said(
    book_store: Store, make_app: AppFactory
) -> None:
    LocalBook(book_store, "", "").set_state(
        {"vendor": "hubspot", "mapping": {"renewal_date": "renewal_date"}}
    )
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(app, pilot, INITECH)
        await open_form(app, pilot, "E", AccountFormScreen)
        labels = [str(label.content) for label in app.screen.query("Label").results(Label)]
        assert "Renewal date (Hubspot)" in labels and "Segment" in labels
        note = str(app.screen.query_one(".note", Static).content)
        assert note.startswith("Hubspot fills in the fields marked (Hubspot)")
        fill(app, acct_renewal="2027-01-31")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert any(
            "Note: Hubspot owns renewal_date of Initech; its next sync overwrites" in toast
            for toast in toasts(app)
        )


async def test_R_records_a_renewal_and_the_next_cycle_starts(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(app, pilot, INITECH)
        before = get_account(book_store, INITECH)
        assert before is not None and before.renewal_date is not None
        await open_form(app, pilot, "R", RenewalFormScreen)
        info = str(app.screen.query_one(".info", Static).content)
        assert "€12,000" in info and before.renewal_date.isoformat() in info
        proposed = before.renewal_date.replace(year=before.renewal_date.year + 1)
        assert app.screen.query_one("#renewal-date", Input).placeholder == proposed.isoformat()
        # expanded needs a higher value: refused beside the value, nothing typed lost
        app.screen.query_one("#renewal-outcome", Select).value = "expanded"
        fill(app, renewal_value="€10,000", renewal_note="Added 20 seats")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "raises the contract value" in error(app, "renewal-value")
        assert app.focused is app.screen.query_one("#renewal-value")
        fill(app, renewal_value="abc")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert error(app, "renewal-value").startswith("Type an amount like")
        fill(app, renewal_value="€15,000", renewal_date="令和10年1月31日")
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        after = get_account(book_store, INITECH)
        assert after is not None
        assert (after.contract_value, after.renewal_date, after.stage) == (
            Decimal("15000.00"),
            date(2028, 1, 31),
            Stage.ADOPTION,
        )
        await settle(pilot, lambda: "Adoption" in title(app))
        [row] = book_store.query(
            "SELECT outcome, note FROM renewals WHERE account_id = ?", (INITECH,)
        )
        assert tuple(row) == ("expanded", "Added 20 seats")


async def test_a_churned_renewal_says_it_archives_the_account(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(app, pilot, INITECH)
        await open_form(app, pilot, "R", RenewalFormScreen)
        app.screen.query_one("#renewal-outcome", Select).value = "churned"
        await pilot.pause()
        effect = str(app.screen.query_one("#renewal-effect", Static).content)
        assert effect.startswith("Initech will be archived")
        assert app.screen.query_one("#renewal-value", Input).disabled
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert archived_on(book_store, INITECH) is not None
        assert "Recorded: Initech churned; it is archived." in toasts(app)
        await settle(pilot, lambda: "archived 2026-11-27" in title(app))
        app.clear_notifications()
        await pilot.press("R")  # nothing left to renew
        await pilot.pause()
        assert isinstance(app.screen, AccountScreen)
        assert toasts(app) == ["Initech is archived; csm-tui account restore brings it back."]
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
        await settle(pilot, lambda: "Initech" not in rows(app))


async def test_today_follows_a_churn_recorded_on_an_account_opened_from_it(
    book_store: Store, make_app: AppFactory
) -> None:
    """Today → Enter → R churned → Esc: the account has left Today, with no reload."""
    from csm_tui.ui.screens.today import TodayScreen

    app = make_app(book_store, landing="today")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen) and app.screen.loaded)
        today = app.screen
        assert isinstance(today, TodayScreen) and today.view is not None
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert isinstance(app.screen, AccountScreen)
        account_id = app.screen.account_id
        assert account_id in {row.id for row in today.view.priorities}
        await open_form(app, pilot, "R", RenewalFormScreen)
        app.screen.query_one("#renewal-outcome", Select).value = "churned"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, TodayScreen))

        def gone() -> bool:
            view = today.view
            return view is not None and account_id not in {r.id for r in view.priorities}

        await settle(pilot, gone)
        assert gone()


async def test_an_account_gone_under_its_screen_is_said_not_crashed(
    book_store: Store, make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sync may take the account away while its screen is open: E and R say so."""
    from csm_tui.errors import NotFoundError
    from csm_tui.services.records import RecordsService

    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_account(app, pilot, INITECH)

        def gone(self: RecordsService, account_id: str) -> None:
            raise NotFoundError("This account is no longer in the book.")

        monkeypatch.setattr(RecordsService, "account", gone)
        for key in ("E", "R", "n"):
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, AccountScreen)
            assert toasts(app) == ["This account is no longer in the book."]
