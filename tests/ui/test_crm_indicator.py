"""The CRM's state in every title bar, after the team sync's, in English and Japanese. The
runner itself (a real pass against the stand-in) is tested in tests/crm/test_crm_background.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import AppFactory

from csm_tui.services.crm_background import CrmStatus
from csm_tui.store.connection import Store
from csm_tui.sync.engine import SyncState, SyncStatus
from csm_tui.ui.textual_ext.title_bar import TitleBar

SIZE = (140, 30)


def bar(app: object) -> str:
    return str(app.screen.query_one(TitleBar).render())  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("language", "state", "message", "shown"),
    [
        ("en", "synced", "", "CRM: synced 3 min ago"),
        ("ja", "synced", "", "CRM: 3 分前に同期"),
        ("en", "syncing", "", "CRM: syncing…"),
        ("en", "error", "HubSpot is down.", "CRM: error — HubSpot is down."),
        ("ja", "error", "HubSpot is down.", "CRM: エラー — HubSpot is down."),
    ],
)
async def test_the_crm_state_is_shown_beside_the_sync(
    book_store: Store, make_app: AppFactory, language: str, state: str, message: str, shown: str
) -> None:
    app = make_app(book_store, language=language)
    async with app.run_test(size=SIZE) as pilot:
        at = book_store.clock.now() - timedelta(minutes=3)
        app.sync_status = SyncStatus(SyncState.SYNCED, last_sync_at=book_store.clock.now())
        app.crm_status = CrmStatus(True, state, at=at, message=message)
        await pilot.pause()
        text = bar(app)
        assert shown in text, text
        assert text.index("CRM") > text.index("同期" if language == "ja" else "Synced")
        assert "csm-tui" in text


async def test_nothing_is_shown_for_a_book_without_a_crm(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        app.crm_status = CrmStatus(connected=False)
        await pilot.pause()
        assert "CRM" not in bar(app)
