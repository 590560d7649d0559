"""The log form off an account (issue 16): `l` with nothing selected asks who the work was for:
one account (the picker, as before), a segment, several accounts or nobody in particular."""

from __future__ import annotations

import json

import pytest
from conftest import AppFactory, settle
from textual.pilot import Pilot
from textual.widgets import OptionList, Select

from csm_tui.models.activity import Audience
from csm_tui.models.book import BookQuery, SortKey
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account_picker import AccountPickerScreen, PickerScreen
from csm_tui.ui.screens.book import BookScreen
from csm_tui.ui.screens.log_activity import LogActivityScreen
from csm_tui.ui.widgets.account_table import AccountTable

SMALL = (80, 24)


async def form_off_an_account(app: CsmApp, pilot: Pilot[None]) -> LogActivityScreen:
    await settle(pilot, lambda: len(app.screen.query_one(AccountTable).rows) == 8)
    await pilot.press("slash", *"zzzz", "enter")  # the filter matches nothing: no row
    await settle(pilot, lambda: not app.screen.query_one(AccountTable).rows)
    await pilot.press("l")
    await settle(pilot, lambda: isinstance(app.screen, AccountPickerScreen))
    await pilot.press("escape")  # not one account: back in the form
    await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))
    form = app.screen
    assert isinstance(form, LogActivityScreen) and form.for_many
    return form


def _activities(store: Store) -> list[tuple[object, ...]]:
    rows = store.query(
        "SELECT account_id, audience, audience_segment, audience_accounts, minutes "
        "FROM activities ORDER BY created_at, rowid",
        (),
    )
    return [tuple(row) for row in rows]


async def test_a_webinar_for_nobody_in_particular(book_store: Store, make_app: AppFactory) -> None:
    before = len(_activities(book_store))
    app = make_app(book_store)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await form_off_an_account(app, pilot)
        form.query_one("#audience", Select).value = Audience.NONE.value
        await pilot.pause()
        assert form.query_one("#for-account").has_class("hidden")
        form.query_one("#minutes").focus()
        await pilot.press("6", "0", "enter")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
    assert _activities(book_store)[before:] == [(None, "none", "", "[]", 60)]
    assert book_store.get_setting("draft:activity") is None


async def test_a_segment_is_picked_and_missing_choices_are_said(
    book_store: Store, make_app: AppFactory
) -> None:
    before = len(_activities(book_store))
    app = make_app(book_store)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await form_off_an_account(app, pilot)
        form.query_one("#audience", Select).value = Audience.SEGMENT.value
        await pilot.pause()
        form.query_one("#minutes").focus()
        await pilot.press("3", "0", "enter")  # no segment chosen yet: said, nothing saved
        await settle(
            pilot, lambda: "Choose the segment" in str(form.query_one("#audience-error").render())
        )
        assert app.screen is form
        form.query_one("#for-segment").focus()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, PickerScreen))
        picker = app.screen
        await pilot.press(*"smb")
        await settle(pilot, lambda: picker.query_one(OptionList).option_count == 1)
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is form)
        form.query_one("#minutes").focus()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
    assert _activities(book_store)[before:] == [(None, "segment", "SMB", "[]", 30)]


async def test_several_accounts_are_added_one_by_one(
    book_store: Store, make_app: AppFactory
) -> None:
    before = len(_activities(book_store))
    app = make_app(book_store)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await form_off_an_account(app, pilot)
        form.query_one("#audience", Select).value = Audience.ACCOUNTS.value
        await pilot.pause()
        for letters in ("initech", "acme", "globex", "globex"):  # the second Globex: out again
            form.query_one("#for-accounts").focus()
            await pilot.press("enter")
            await settle(pilot, lambda: isinstance(app.screen, AccountPickerScreen))
            await pilot.press(*letters)
            await settle(pilot, lambda: app.screen.query_one(OptionList).option_count == 1)
            await pilot.press("enter")
            await settle(pilot, lambda: app.screen is form)
        assert "Initech, Acme Analytics" in str(form.query_one("#for-accounts").render())
        form.query_one("#minutes").focus()
        await pilot.press("4", "5", "enter")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
    [(account, audience, segment, ids, minutes)] = _activities(book_store)[before:]
    assert (account, audience, segment, minutes) == (None, "accounts", "", 45)
    assert len(json.loads(str(ids))) == 2


async def test_the_draft_comes_back_with_its_audience(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await form_off_an_account(app, pilot)
        form.query_one("#audience", Select).value = Audience.NONE.value
        form.query_one("#minutes").focus()
        await pilot.press("2", "5")
        await settle(pilot, lambda: bool(book_store.get_setting("draft:activity")))
    again = make_app(book_store)
    async with again.run_test(size=(100, 40)) as pilot:
        await settle(pilot, lambda: isinstance(again.screen, LogActivityScreen))
        form = again.screen
        assert isinstance(form, LogActivityScreen)
        await settle(pilot, lambda: form.query_one("#audience", Select).value == "none")


@pytest.mark.parametrize("language", ["en", "ja"])
def test_log_for_many_80x24(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    """For: several accounts, two chosen (Japanese names), at the smallest size."""
    app = make_app(book_store, language=language)

    async def run_before(pilot: Pilot[None]) -> None:
        form = await form_off_an_account(app, pilot)
        form.query_one("#audience", Select).value = Audience.ACCOUNTS.value
        rows = app.session.book.query(BookQuery(sort=SortKey.NAME))
        ids = [row.id for row in rows if row.name[0] in "株ヤ"]
        form.query_one("#for-accounts").values = ids  # type: ignore[attr-defined]
        form.query_one("#minutes").focus()
        await pilot.press("4", "5")
        app.clear_notifications()
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=run_before, terminal_size=SMALL)
