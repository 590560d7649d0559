"""The Handoff tab and the note editor, driven with keys: write, edit, read, versions, the brief."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from conftest import ME, NOW, AppFactory, settle
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, SelectionList, Static, TabbedContent, TextArea

from csm_tui.clock import FixedClock
from csm_tui.models.handoff import Commitment
from csm_tui.services.brief import brief_markdown, build_brief
from csm_tui.services.handoff import NoteFields, edit_note, notes_of, unread_counts, write_note
from csm_tui.services.identity import set_me
from csm_tui.store import handoff as queries
from csm_tui.store.connection import Store
from csm_tui.ui.app import CsmApp
from csm_tui.ui.screens.account import AccountScreen
from csm_tui.ui.screens.confirm import ConfirmScreen
from csm_tui.ui.screens.handoff_editor import HandoffEditor, SavePrompt
from csm_tui.ui.widgets.handoff_tab import NoteScreen, NoteTable

YAMATO = "acct03"  # ヤマト食品ホールディングス: Ken Sato primary, I cover it
KEN = "ken.sato@example.com"
SIZE = (120, 40)


def add_notes(store: Store, clock: FixedClock) -> dict[str, str]:
    """Ken's notes on ヤマト食品: one in Japanese with two versions, one short in English.

    Returns name → note id. The clock is moved for the writes and put back.
    """
    start = clock.at
    set_me(store, "Ken Sato", KEN)
    contact = store.query(
        "SELECT id FROM contacts WHERE account_id = ? AND is_champion = 1", (YAMATO,)
    )
    clock.at = NOW - timedelta(days=6)
    older = write_note(
        store, YAMATO, NoteFields(situation="Quiet month: two tickets, both closed.")
    )
    clock.at = NOW - timedelta(days=2, hours=3)
    main = write_note(
        store,
        YAMATO,
        NoteFields(
            situation="新工場への展開が遅れています。情報システム部の承認待ち。",
            goals="来期までに全拠点で利用開始",
            risks="山田さんが1月に異動予定",
            commitments=[
                Commitment(
                    text="承認状況を情報システム部に確認", due=NOW.date() - timedelta(days=2)
                ),
                Commitment(text="新工場の導入計画を再提出", due=NOW.date() + timedelta(days=5)),
            ],
            key_contact_ids=[contact[0][0]],
            coverage_from=NOW.date(),
            coverage_to=NOW.date() + timedelta(days=14),
        ),
    )
    clock.at = NOW - timedelta(days=1)
    fields = NoteFields.of(main.note)
    edit_note(
        store,
        main.note.id,
        NoteFields(**{**fields.__dict__, "body": "定例は毎週火曜10時。資料は前日までにメールで。"}),
    )
    set_me(store, "Aoi Tanaka", ME)
    clock.at = start
    return {"older": older.note.note_id, "main": main.note.note_id}


async def open_handoff(pilot: Pilot[None], app: CsmApp, account_id: str = YAMATO) -> NoteTable:
    await settle(pilot, lambda: type(app.screen.focused).__name__ == "AccountTable")
    await app.push_screen(AccountScreen(app.session, account_id))
    await settle(pilot, lambda: bool(app.screen.query(NoteTable)))
    await pilot.press("4")
    await settle(pilot, lambda: isinstance(app.screen.focused, NoteTable))
    table = app.screen.query_one(NoteTable)
    assert app.screen.query_one(TabbedContent).active == "handoff"
    return table


def error(app: CsmApp, widget_id: str) -> str:
    return str(app.screen.query_one(widget_id, Static).render())


async def test_write_a_note_with_commitments_contacts_and_a_period(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_handoff(pilot, app)
        assert table.row_count == 0
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, HandoffEditor))
        editor = app.screen
        assert app.screen.focused is editor.query_one("#situation", TextArea)
        await pilot.press(*"Go-live slipped")
        editor.query_one("#goals", TextArea).text = "全拠点で利用開始\n来期まで"
        editor.query_one("#commitments", TextArea).text = "12/40 送付"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, HandoffEditor)
        assert "line 1: “12/40” is not a date" in error(app, "#commitments-error")
        editor.query_one(
            "#commitments", TextArea
        ).text = "12/5 SSO手順を送付\n[x] 2026-11-20 議事録を共有"
        editor.query_one("#from", Input).value = "12/14"
        editor.query_one("#to", Input).value = "12/1"
        await pilot.press("ctrl+s")
        assert "ends (2026-12-01) before it starts (2026-12-14)" in error(app, "#form-error")
        editor.query_one("#from", Input).value = "2026-12-01"
        editor.query_one("#to", Input).value = "2026-12-14"
        contacts = editor.query_one(SelectionList)
        contacts.focus()
        await pilot.press("space")  # the first contact: the champion
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        [view] = notes_of(book_store, YAMATO, ME)
        note = view.note
        assert (note.situation, note.goals) == ("Go-live slipped", "全拠点で利用開始\n来期まで")
        assert [
            (c.text, c.due.isoformat() if c.due else None, c.done) for c in note.commitments
        ] == [
            ("議事録を共有", "2026-11-20", True),
            ("SSO手順を送付", "2026-12-05", False),
        ]
        assert len(note.key_contact_ids) == 1 and not view.unread  # I wrote it: read
        assert str(note.coverage_from) == "2026-12-01"
        await settle(pilot, lambda: app.screen.query_one(NoteTable).row_count == 1)
    assert book_store.get_setting("draft:handoff") is None


async def test_edit_makes_a_new_version_and_keeps_the_old_one(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    ids = add_notes(book_store, clock)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_handoff(pilot, app)
        assert table.current_note() == ids["main"]  # the most recently changed first
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, HandoffEditor))
        editor = app.screen
        assert editor.query_one("#situation", TextArea).text.startswith("新工場への展開")
        assert editor.query_one("#to", Input).value == "2026-12-11"
        editor.query_one("#risks", TextArea).text = "山田さんが1月に異動予定。後任は未定。"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        versions = queries.versions_of(book_store, ids["main"])
        assert [v.note.version for v in versions] == [1, 2, 3]
        assert versions[1].note.risks == "山田さんが1月に異動予定"  # kept as it was
        assert versions[2].note.risks == "山田さんが1月に異動予定。後任は未定。"
        assert versions[2].note.author_email == ME and not versions[2].conflict


async def test_reading_marks_read_and_u_marks_unread(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    ids = add_notes(book_store, clock)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        table = await open_handoff(pilot, app)
        assert unread_counts(book_store, ME) == {YAMATO: 2}
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, NoteScreen))
        text = app.screen.markdown
        assert "定例は毎週火曜10時" in text and "山田 花子" in text  # the body, the key contact
        assert unread_counts(book_store, ME) == {YAMATO: 1}
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        assert str(table.get_cell_at((0, 0))) == ""  # no unread mark any more
        await pilot.press("u")
        assert unread_counts(book_store, ME) == {YAMATO: 2}
        assert str(table.get_cell_at((0, 0))) == "●"
        assert queries.receipt(book_store, ME, ids["main"]) is not None


def conflict_shown(app: CsmApp) -> bool:
    tables = app.screen.query(NoteTable)
    if not tables or not tables.first().row_count:
        return False
    return "conflict" in str(tables.first().get_cell_at((0, 3)))


async def test_an_edit_of_an_older_version_is_kept_beside_the_latest(
    book_store: Store, make_app: AppFactory, clock: FixedClock
) -> None:
    ids = add_notes(book_store, clock)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_handoff(pilot, app)
        await pilot.press("v")
        await settle(pilot, lambda: isinstance(app.screen, NoteScreen))
        versions = app.screen.query_one(OptionList)
        assert app.screen.focused is versions and versions.option_count == 2
        await pilot.press("down")  # version 1
        heading = str(app.screen.query_one("#note-heading", Static).render())
        assert heading.startswith("Version 1 of 2 · Ken Sato")
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, HandoffEditor))
        assert "from version 1" in str(app.screen.query_one("#editor-title", Static).render())
        app.screen.query_one("#body", TextArea).text = "月次報告は第1営業日。"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
        latest = queries.latest_version(book_store, ids["main"])
        assert latest is not None and latest.conflict and latest.note.version == 3
        await settle(pilot, lambda: conflict_shown(app))  # the tab is rebuilt after the save
        assert conflict_shown(app)
        await pilot.press("enter")
        await settle(pilot, lambda: bool(app.screen.query("#note-conflict")))
        assert isinstance(app.screen, NoteScreen)
        warning = str(app.screen.query_one("#note-conflict", Static).render())
        assert "made from version 1 while version 2 was the latest" in warning


async def test_escape_asks_and_the_draft_survives_a_kill(
    book_store: Store, make_app: AppFactory
) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_handoff(pilot, app)
        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, HandoffEditor))
        await pilot.press(*"SSO")
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")  # keep editing
        await settle(pilot, lambda: isinstance(app.screen, HandoffEditor))
        app.screen.query_one("#risks", TextArea).text = "担当者の異動\n予算未確定"
        await pilot.pause()
        # the app goes away without saving (as if killed): the draft is already stored
    assert book_store.get_setting("draft:handoff") is not None

    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await settle(
            pilot,
            lambda: isinstance(app.screen, HandoffEditor) and bool(app.screen.query("#risks")),
        )
        assert app.screen.query_one("#situation", TextArea).text == "SSO"
        assert app.screen.query_one("#risks", TextArea).text == "担当者の異動\n予算未確定"
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: not isinstance(app.screen, HandoffEditor))
    [view] = notes_of(book_store, YAMATO, ME)
    assert view.note.risks == "担当者の異動\n予算未確定"
    assert book_store.get_setting("draft:handoff") is None


async def test_copy_and_save_the_brief(
    book_store: Store,
    make_app: AppFactory,
    clock: FixedClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CSM_TUI_SAVE_DIR", str(tmp_path / "Documents"))
    add_notes(book_store, clock)
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_handoff(pilot, app)
        await pilot.press("c")
        expected = brief_markdown(build_brief(book_store, YAMATO, clock, reader=ME))
        assert app.clipboard == expected
        assert app.clipboard.startswith("# Coverage brief: ヤマト食品ホールディングス\n")
        await pilot.press("s")
        await settle(pilot, lambda: isinstance(app.screen, SavePrompt))
        path = app.screen.query_one("#save-path", Input)
        # the whole path, in the documents folder (not the folder the app was started in)
        expected_path = tmp_path / "Documents" / "ヤマト食品ホールディングス-brief-2026-11-27.md"
        assert path.value == str(expected_path)
        path.value = str(tmp_path / "missing" / "brief.md")
        await pilot.press("enter")
        assert isinstance(app.screen, SavePrompt)  # still open, with the reason
        assert "does not exist" in error(app, "#save-error")
        path.value = str(tmp_path)
        await pilot.press("enter")
        assert "is a folder" in error(app, "#save-error")
        path.value = str(tmp_path / "brief.md")
        await pilot.press("enter")
        await settle(pilot, lambda: isinstance(app.screen, AccountScreen))
    assert (tmp_path / "brief.md").read_text(encoding="utf-8") == expected


async def test_edit_with_no_note_says_so(book_store: Store, make_app: AppFactory) -> None:
    app = make_app(book_store)
    async with app.run_test(size=SIZE) as pilot:
        await open_handoff(pilot, app)
        await pilot.press("e", "v", "u")  # nothing to act on: nothing breaks
        assert isinstance(app.screen, AccountScreen)
        await pilot.press("4")
        assert isinstance(app.screen.focused, NoteTable)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_handoff_tab_snapshot(
    snap_compare, book_store: Store, make_app: AppFactory, clock: FixedClock, language: str
) -> None:
    add_notes(book_store, clock)
    app = make_app(book_store, language=language)

    async def open_tab(pilot: Pilot[None]) -> None:
        await open_handoff(pilot, app)
        await pilot.pause(0.1)

    assert snap_compare(app, run_before=open_tab, terminal_size=SIZE)
