"""`csm-tui handoff export|list`: the coverage brief as Markdown; the notes of accounts I cover."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from csm_tui.cli.options import db_option, lang_option, open_for_command, output_option
from csm_tui.cli.terminal import show

if TYPE_CHECKING:
    from csm_tui.services.coverage import CoveredAccount
    from csm_tui.services.handoff import NoteView


NAME_CELLS = 28  # `handoff list`: account names are cut to this many terminal cells
AUTHOR_CELLS = 20


@click.group("handoff")
def handoff_group() -> None:
    """Coverage briefs and handoff notes."""


def _language(lang: str | None) -> None:
    """The brief is written in --lang, else the app's language (config, then locale)."""
    from csm_tui.config import load_config
    from csm_tui.i18n import set_language

    set_language(lang or load_config().language)


@handoff_group.command("export")
@click.argument("account")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "json"]),
    default="md",
    show_default=True,
    help="Markdown to read or paste; JSON for other tools.",
)
@output_option
@lang_option("brief")
@db_option
@click.pass_context
def export(
    ctx: click.Context,
    account: str,
    fmt: str,
    output: Path | None,
    lang: str | None,
    db: Path | None,
) -> None:
    """Write ACCOUNT's coverage brief (its id, external id or the start of its name).

    The same brief as the Handoff tab: summary, health and trend, renewal countdown, current
    stage with open and overdue items, the last 10 activities, open commitments, contacts, and
    the handoff notes newest first.
    """
    from csm_tui.cli.export_cmd import deliver
    from csm_tui.services.brief import brief_markdown, build_brief
    from csm_tui.services.identity import me_identity
    from csm_tui.services.roadmap_view import resolve_account

    _language(lang)
    store = open_for_command(ctx, db)
    try:
        target = resolve_account(store, account)
        me = me_identity(store)
        brief = build_brief(store, target.id, store.clock, reader=me[1] if me else None)
    finally:
        store.close()
    text = _brief_json(brief) if fmt == "json" else brief_markdown(brief)
    deliver(text, output, f"Wrote the brief of {target.name} to {{output}}.")


@handoff_group.command("list")
@click.option("--unread", is_flag=True, help="Only the notes I have not read.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Plain text for reading, JSON for other tools.",
)
@db_option
@click.pass_context
def list_notes(ctx: click.Context, unread: bool, fmt: str, db: Path | None) -> None:
    """List the handoff notes of the accounts I cover (active coverage first), newest first.

    Listing does not mark anything read.
    """
    from csm_tui.services.coverage import covering
    from csm_tui.services.handoff import me_email, notes_of

    store = open_for_command(ctx, db)
    try:
        me = me_email(store)
        found: list[tuple[CoveredAccount, NoteView]] = []
        for covered in covering(store, me, store.clock.today()):
            for view in notes_of(store, covered.row.account_id, me):
                if view.unread or not unread:
                    found.append((covered, view))
    finally:
        store.close()
    text = _list_json(found) if fmt == "json" else _list_text(found, unread)
    show(text)


def _list_text(found: list[tuple[CoveredAccount, NoteView]], unread: bool) -> str:
    if not found:
        what = "unread handoff notes" if unread else "handoff notes"
        return f"No {what} for the accounts you cover.\n"
    from csm_tui.cli.cells import cut, fit, width
    from csm_tui.services.brief import local_time, one_line

    # names in columns that line up (Japanese ones take two cells a character), cut with …
    name_cells = min(NAME_CELLS, max(width(covered.row.name) for covered, _view in found))
    author_cells = min(AUTHOR_CELLS, max(width(view.author_name) for _c, view in found))
    lines = []
    for covered, view in found:
        note = view.note
        mark = "*" if view.unread else " "
        when = local_time(note.created_at) if note.created_at else ""
        summary = cut(one_line(note.situation or note.goals or note.risks or note.body), 60)
        flags = "  CONFLICT" if view.conflict else ""
        lines.append(
            f"{mark} {when}  {fit(covered.row.name, name_cells)}  "
            f"{fit(view.author_name, author_cells)}  v{note.version}  {summary}{flags}"
        )
    count = sum(view.unread for _c, view in found)
    noun = "note" if len(found) == 1 else "notes"
    lines.append(f"{len(found)} {noun}, {count} unread (* unread)")
    return "\n".join(lines) + "\n"


def _list_json(found: list[tuple[CoveredAccount, NoteView]]) -> str:
    data = [
        {
            "account_id": covered.row.account_id,
            "account_name": covered.row.name,
            "coverage": covered.status.name.lower(),
            "unread": view.unread,
            "conflict": view.conflict,
            "versions": view.versions,
            "author_name": view.author_name,
            **view.note.model_dump(mode="json", exclude={"account_id"}),
        }
        for covered, view in found
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _brief_json(brief: Any) -> str:
    """The structured brief: dataclasses and pydantic records as plain JSON."""
    import dataclasses

    from pydantic import BaseModel

    def plain(value: Any) -> Any:
        if isinstance(value, BaseModel):
            return value.model_dump(mode="json")
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if isinstance(value, list):
            return [plain(item) for item in value]
        if hasattr(value, "isoformat"):
            return value.isoformat()
        return value

    return json.dumps(plain(brief), ensure_ascii=False, indent=2) + "\n"
