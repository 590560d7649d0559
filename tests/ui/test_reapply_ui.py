"""Re-applying changed roadmap templates from the palette: asked first, then added and shown."""

from __future__ import annotations

from pathlib import Path

from conftest import AppFactory, settle
from test_ui_roadmap import ACME, SIZE, book_ready
from textual.command import CommandList

from csm_tui.services.roadmap_reapply import plan_reapply
from csm_tui.services.roadmap_templates import load_templates
from csm_tui.store import checklist as queries
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.confirm import ConfirmScreen

EXTRA = """
[[items]]
key = "nps"
stage = "adoption"
title_en = "Ask for an NPS"
title_ja = "NPSを聞く"
"""


def my_default_template(tmp_path: Path) -> Path:
    """The built-in default template with one more item, as the user's own file."""
    folder = tmp_path / "templates"
    folder.mkdir()
    source = Path("csm_tui/templates/default.toml").read_text(encoding="utf-8")
    (folder / "default.toml").write_text(source + EXTRA, encoding="utf-8")
    return folder


def nps_items(store: Store) -> int:
    row = store.query_one("SELECT count(*) FROM checklist_items WHERE item_key = 'nps'")
    assert row is not None
    return int(row[0])


def found(app: CsmApp) -> bool:
    commands = app.screen.query_one(CommandList)
    if commands.highlighted is None:
        return False
    return "ロードマップテンプレートを再適用" in str(commands.options[commands.highlighted].prompt)


async def test_the_palette_adds_what_the_templates_gained_after_asking(
    book_store: Store, make_app: AppFactory, tmp_path: Path
) -> None:
    folder = my_default_template(tmp_path)
    plan = plan_reapply(book_store, load_templates(folder)[0])
    assert plan.items >= 1
    app = make_app(book_store, language="ja")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await book_ready(pilot, app)
        roadmap = app.session.roadmap
        await settle(pilot, lambda: roadmap._templates is not None and not roadmap.problems)
        await pilot.press("ctrl+p", *"ロードマップテンプレート")
        await settle(pilot, lambda: bool(app.screen.query(CommandList)) and found(app))
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        question = str(app.screen.question)
        assert f"新しい項目{plan.items:,}件" in question and f"{plan.accounts:,} 社" in question
        await pilot.press("n")  # not now: nothing written
        await settle(pilot, lambda: not isinstance(app.screen, ConfirmScreen))
        assert nps_items(book_store) == 0
        await app.run_action("reapply_templates")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await settle(pilot, lambda: nps_items(book_store) == plan.items)
        await settle(pilot, lambda: any("追加しました" in n.message for n in app._notifications))
        assert any(item.item_key == "nps" for item in queries.items_of(book_store, ACME))
        await app.run_action("reapply_templates")  # a second time: nothing left to add
        await settle(pilot, lambda: any("そろっています" in n.message for n in app._notifications))
        assert not isinstance(app.screen, ConfirmScreen)
    assert nps_items(book_store) == plan.items
