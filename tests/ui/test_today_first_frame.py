"""Today's first frame has rows (issue 17): the top of the page the app last showed, drawn as
the screen mounts, then replaced by the page computed afresh."""

from __future__ import annotations

from datetime import timedelta

from conftest import ME, NOW, AppFactory, settle

from csm_tui.services import today_first
from csm_tui.services.session import Session
from csm_tui.store.connection import Store
from csm_tui.ui.screens.today import TodayScreen
from csm_tui.ui.screens.today_tables import PriorityTable

SIZE = (120, 34)
TODAY = NOW.date()


def test_remembered_rows_come_back_only_for_the_same_book_user_and_day(
    book_store: Store,
) -> None:
    from csm_tui.config import TODAY_WEIGHTS

    view = Session(book_store, book_store.clock).today(TODAY_WEIGHTS)
    assert view.priorities  # the small book has accounts that need attention
    path = book_store.path
    assert today_first.remembered(path, ME, TODAY) == []  # nothing yet
    today_first.remember(path, view)
    assert today_first.remembered(path, ME, TODAY) == view.priorities[: today_first.ROWS]
    assert today_first.remembered(path, "someone@example.com", TODAY) == []
    assert today_first.remembered(path, ME, TODAY + timedelta(days=1)) == []
    assert today_first.remembered(path, None, TODAY) == []
    saved = today_first._file(path)
    assert saved.stat().st_mode & 0o077 == 0  # account names: private like the book
    saved.write_text("{not json")
    assert today_first.remembered(path, ME, TODAY) == []  # damaged: as if none


def test_another_file_at_the_same_path_is_not_shown_its_rows(book_store: Store) -> None:
    from csm_tui.config import TODAY_WEIGHTS

    view = Session(book_store, book_store.clock).today(TODAY_WEIGHTS)
    path = book_store.path
    today_first.remember(path, view)
    page = today_first._file(path)  # as if written for a file that was replaced since
    page.write_text(page.read_text().replace('"inode": ', '"inode": 1'))
    assert today_first.remembered(path, ME, TODAY) == []


async def test_the_first_frame_shows_the_remembered_rows_then_the_computed_page(
    book_store: Store, make_app: AppFactory, monkeypatch: object
) -> None:
    from csm_tui.config import TODAY_WEIGHTS

    view = Session(book_store, book_store.clock).today(TODAY_WEIGHTS)
    first = view.priorities[0]
    # a remembered page whose first line names another account: what the first frame shows
    stale = [first._replace(name="Remembered Co."), *view.priorities[1:]]
    today_first.remember(book_store.path, view.__class__(**{**view.__dict__, "priorities": stale}))
    loads: list[bool] = []
    original = TodayScreen.first_load

    def first_load(self: TodayScreen) -> None:
        line = self.query_one(PriorityTable).render_line(1).text
        loads.append("Remembered Co." in line)
        original(self)

    TodayScreen.first_load = first_load  # type: ignore[method-assign]
    try:
        app = make_app(book_store, landing="today")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: isinstance(app.screen, TodayScreen) and app.screen.loaded)
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, TodayScreen)
            assert loads == [True]  # drawn before the page was computed
            line = screen.query_one(PriorityTable).render_line(1).text
            assert first.name in line and "Remembered Co." not in line  # then replaced
    finally:
        TodayScreen.first_load = original  # type: ignore[method-assign]
    # and the computed page is remembered for the next start
    assert today_first.remembered(book_store.path, ME, TODAY)[0].name == first.name
