"""Today's first frame with rows in it (issue 17): the rows remembered when the app last
closed (services/today_first.py) are drawn as the screen mounts; `first_load` replaces them
with the page computed afresh right after the first frame. Until then the summary line says
it is loading and the lines open nothing (the screen has no page yet)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csm_tui.ui.screens.today_tables import PriorityLines, PriorityTable, priority_columns

if TYPE_CHECKING:
    from csm_tui.ui.screens.today import TodayScreen


def show_remembered(screen: TodayScreen) -> None:
    from csm_tui.services.today_first import remembered

    session = screen.session
    me = session.me
    rows = remembered(session.path, me[1] if me else None, session.clock.today())
    if screen.limit:
        rows = rows[: screen.limit]
    if rows:
        table = screen.query_one(PriorityTable)
        table.styles.max_height = len(rows) + 1
        table.set_rows(PriorityLines(rows), columns=priority_columns(), cursor=0)


def remember(screen: TodayScreen) -> None:
    """After the page is drawn: its top, for the next start (a small file write)."""
    from csm_tui.services.today_first import remember as keep

    if screen.view is not None:
        keep(screen.session.path, screen.view)
