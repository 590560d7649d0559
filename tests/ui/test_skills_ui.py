"""Skills in the log form and on the Effort screen (issue 16)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import NOW, AppFactory, settle
from test_effort_screen import SAKURA, YAMATO, add_work, open_effort
from textual.pilot import Pilot
from textual.widgets import OptionList, Select

from csm_tui.models.activity import ActivityType, Audience
from csm_tui.services.activities import log_activity, log_for_many
from csm_tui.store.accounts import contacts_of
from csm_tui.store.activities import activities_of
from csm_tui.store.connection import Store
from csm_tui.ui.screens.account_picker import PickerScreen
from csm_tui.ui.screens.book import BookScreen
from csm_tui.ui.screens.log_activity import LogActivityScreen
from csm_tui.ui.screens.log_audience import ChoiceField

SMALL = (80, 24)


def add_skills(store: Store) -> None:
    """Skills on this week's work (besides `add_work`'s, which have none)."""
    log_activity(
        store,
        SAKURA,
        60,
        NOW - timedelta(days=1),
        type=ActivityType.MEETING,
        skills=["negotiation", "data"],
    )
    log_activity(store, YAMATO, 40, NOW - timedelta(days=1), skills=["technical"])
    log_for_many(
        store,
        Audience.NONE,
        90,
        NOW - timedelta(days=2),
        type=ActivityType.TRAINING,
        skills=["training", "facilitation"],
    )


async def _log_form(app: object, pilot: Pilot[None]) -> LogActivityScreen:
    await settle(pilot, lambda: len(app.screen.query("AccountTable")) == 1)  # type: ignore[attr-defined]
    await settle(pilot, lambda: len(app.screen.query_one("AccountTable").rows) >= 8)  # type: ignore[attr-defined]
    await pilot.press("l")
    await settle(pilot, lambda: isinstance(app.screen, LogActivityScreen))  # type: ignore[attr-defined]
    form = app.screen  # type: ignore[attr-defined]
    assert isinstance(form, LogActivityScreen)
    return form


async def test_the_form_offers_the_types_last_skills_and_saves_the_chosen(
    book_store: Store, make_app: AppFactory
) -> None:
    add_skills(book_store)
    app = make_app(book_store)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await _log_form(app, pilot)
        skills = form.query_one("#skills", ChoiceField)
        assert skills.values == ["technical"]  # my last call's
        form.query_one("#type", Select).value = ActivityType.MEETING.value
        await settle(pilot, lambda: skills.values == ["negotiation", "data"])
        skills.focus()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, PickerScreen))
        await pilot.press(*"data")  # Data analysis: out again
        await settle(pilot, lambda: app.screen.query_one(OptionList).option_count == 1)
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is form)
        assert skills.values == ["negotiation"] and skills.touched
        form.query_one("#type", Select).value = ActivityType.EMAIL.value  # chosen: stays
        await pilot.pause()
        assert skills.values == ["negotiation"]
        form.query_one("#minutes").focus()
        await pilot.press("2", "0", "enter")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
    assert form.account_id is not None
    newest = activities_of(book_store, form.account_id, 1)[0]
    assert (newest.minutes, newest.type.value, newest.skills) == (20, "email", ["negotiation"])


@pytest.mark.parametrize("language", ["en", "ja"])
def test_effort_by_skill_80x24(
    snap_compare, book_store: Store, make_app: AppFactory, language: str
) -> None:
    """Minutes by skill below the splits, at the smallest size (the charts stack)."""
    add_work(book_store)
    add_skills(book_store)
    app = make_app(book_store, language=language)

    async def run_before(pilot: Pilot[None]) -> None:
        screen = await open_effort(app, pilot)
        screen.query_one("#body").scroll_to_widget(screen.query_one("#skills"), animate=False)
        app.clear_notifications()
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=run_before, terminal_size=SMALL)


async def test_who_took_part_is_picked_from_the_accounts_contacts(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=(100, 40)) as pilot:
        form = await _log_form(app, pilot)
        people = form.query_one("#participants", ChoiceField)
        assert people.values == []
        people.focus()
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, PickerScreen))
        assert app.screen.query_one(OptionList).option_count == 2  # the account's two contacts
        await pilot.press(*"walter")
        await settle(pilot, lambda: app.screen.query_one(OptionList).option_count == 1)
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is form)
        assert "Walter Skinner" in str(people.render())
        form.query_one("#minutes").focus()
        await pilot.press("3", "0", "enter")
        await settle(pilot, lambda: isinstance(app.screen, BookScreen))
    assert form.account_id is not None
    [walter] = [c for c in contacts_of(book_store, form.account_id) if c.name == "Walter Skinner"]
    assert activities_of(book_store, form.account_id, 1)[0].participants == [walter.id]
