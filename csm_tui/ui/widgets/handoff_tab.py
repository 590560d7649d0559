"""The Handoff tab: the coverage brief on top, the handoff notes below, newest first.

Enter reads a note (and marks it read for me), v shows its versions, u marks it unread, n writes
a note, e edits the one under the cursor; c copies the brief as Markdown, s saves it to a file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from csm_tui.errors import CsmError
from csm_tui.i18n import N_, _, pgettext
from csm_tui.paths import save_dir
from csm_tui.services import brief as words
from csm_tui.services.handoff import FIELD_LABELS
from csm_tui.ui.screens.handoff_editor import HandoffEditor, SavePrompt
from csm_tui.ui.widgets.overview import Panel

if TYPE_CHECKING:
    from csm_tui.services.brief import Brief
    from csm_tui.services.handoff import NoteView, Version
    from csm_tui.services.session import Session


class NoteTable(DataTable[Text]):
    """The notes, one row each, keyed by note id; Enter reads the note under the cursor."""

    def __init__(self) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id="note-table")

    def current_note(self) -> str | None:
        if self.row_count == 0:
            return None
        row_key, _column = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value


class HandoffTab(Vertical):
    BINDINGS = [
        Binding("n", "write", N_("New note"), id="handoff.new"),
        Binding("e", "edit", N_("Edit note"), id="handoff.edit"),
        # the line above the notes shows these keys, so the footer does not
        Binding("v", "versions", N_("Versions"), show=False, id="handoff.versions"),
        Binding("u", "unread", N_("Mark unread"), show=False, id="handoff.unread"),
        Binding("c", "copy", N_("Copy brief"), show=False, id="handoff.copy"),
        Binding("s", "save", N_("Save brief"), show=False, id="handoff.save"),
    ]

    DEFAULT_CSS = """
    HandoffTab { height: 1fr; }
    HandoffTab #brief { height: 1fr; }
    HandoffTab #brief-head { padding: 0 1; }
    HandoffTab Grid { grid-size: 2; grid-gutter: 0 1; height: auto; grid-rows: auto; }
    HandoffTab #notes-title { padding: 0 1; background: $panel; text-style: bold; }
    HandoffTab NoteTable { height: auto; max-height: 9; }
    """

    def __init__(self, session: Session, account_id: str, account_name: str) -> None:
        super().__init__()
        self.session = session
        self.account_id = account_id
        self.account_name = account_name
        self.brief: Brief | None = None

    def compose(self) -> ComposeResult:
        try:
            self.brief = self.session.handoff.brief(self.account_id)
        except CsmError as exc:
            yield Static(str(exc), id="brief-error")
            return
        brief = self.brief
        with VerticalScroll(id="brief"):
            yield Static(_summary(brief), id="brief-head")
            with Grid():
                health = Text(words.health_text(brief) + "\n" + words.months_text(brief))
                yield Panel(_("Health"), Static(health), id="brief-health")
                yield Panel(_("Contacts"), Static(_contacts(brief)), id="brief-contacts")
            title = _(FIELD_LABELS["commitments"])
            yield Panel(title, Static(_commitments(brief)), id="brief-commitments")
            yield Panel(words.stage_heading(brief), Static(_items(brief)), id="brief-stage")
            yield Panel(
                words.activities_heading(brief), Static(_activities(brief)), id="brief-activities"
            )
        yield Static(id="notes-title")
        yield NoteTable()

    def on_mount(self) -> None:
        if self.brief is None:
            return
        table = self.query_one(NoteTable)
        table.add_column(" ", key="unread")
        table.add_column(_("Changed"), key="changed")
        table.add_column(_("Author"), key="author")
        table.add_column(_("Version"), key="version")
        table.add_column(_("Situation"), key="summary")
        self.show_notes(self.brief.notes)

    def show_notes(self, notes: list[NoteView]) -> None:
        table = self.query_one(NoteTable)
        keep = table.cursor_row
        table.clear()
        for view in notes:
            note = view.note
            style = "bold" if view.unread else ""
            version = str(note.version)
            if view.conflict:
                version += " ⚠ " + _("conflict")
            summary = words.one_line(note.situation or note.goals or note.risks or note.body)
            table.add_row(
                Text("●" if view.unread else "", style="bold"),
                Text(words.local_time(note.created_at) if note.created_at else "", style=style),
                Text(view.author_name, style=style),
                Text(version, style="bold yellow" if view.conflict else style),
                Text(summary[:80], style=style),
                key=note.note_id,
            )
        if notes:
            table.move_cursor(row=min(keep, len(notes) - 1))
        unread = sum(view.unread for view in notes)
        title = _("Handoff notes: {n}, {unread} unread").format(n=len(notes), unread=unread)
        hint = _("Enter read · n new · e edit · v versions · u unread · c copy · s save")
        self.query_one("#notes-title", Static).update(Text(title + "   ").append(hint, "dim"))

    def reload_notes(self) -> None:
        try:
            self.show_notes(self.session.handoff.notes(self.account_id))
        except CsmError as exc:
            self.notify(str(exc), severity="error")

    # -- notes -------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "NoteTable")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.open_note(focus_versions=False)

    def open_note(self, focus_versions: bool) -> None:
        note_id = self.query_one(NoteTable).current_note()
        if note_id is None:
            return
        try:
            latest = self.session.handoff.open(note_id)  # opening marks it read for me
            versions = self.session.handoff.versions(note_id)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self.reload_notes()
        contacts = {c.id: c.name for c in self.session.handoff.contacts(self.account_id)}
        names = dict(self.session.handoff.known_people())
        screen = NoteScreen(versions, latest.note.id, contacts, names, focus_versions)

        def closed(edit_id: str | None) -> None:
            chosen = next((v for v in versions if v.note.id == edit_id), None)
            if chosen is not None:
                self._edit(chosen)

        self.app.push_screen(screen, closed)

    def action_versions(self) -> None:
        self.open_note(focus_versions=True)

    def action_unread(self) -> None:
        note_id = self.query_one(NoteTable).current_note()
        if note_id is None:
            return
        try:
            self.session.handoff.mark_unread(note_id)
        except CsmError as exc:
            self.notify(str(exc), severity="error")
            return
        self.reload_notes()

    def action_write(self) -> None:
        editor = HandoffEditor(self.session, self.account_id, self.account_name)
        self.app.push_screen(editor)  # a saved note reaches every screen: data_changed

    def action_edit(self) -> None:
        note_id = self.query_one(NoteTable).current_note()
        if note_id is None:
            self.notify(_("No note to edit yet: n writes one."), severity="warning")
            return
        versions = self.session.handoff.versions(note_id)
        latest = max(versions, key=lambda v: v.note.version)
        self._edit(latest)

    def _edit(self, version: Version) -> None:
        editor = HandoffEditor(self.session, self.account_id, self.account_name, base=version.note)
        self.app.push_screen(editor)  # a saved note reaches every screen: data_changed

    # -- the brief ---------------------------------------------------------------------------

    def _markdown(self) -> str | None:
        if self.brief is None:
            return None
        return words.brief_markdown(self.brief)

    def action_copy(self) -> None:
        text = self._markdown()
        if text is None:
            return
        self.app.copy_to_clipboard(text)
        self.notify(_("Brief copied to the clipboard as Markdown."))

    def action_save(self) -> None:
        text = self._markdown()
        if text is None:
            return
        today = self.session.clock.today().isoformat()
        safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.account_name)
        suggested = save_dir() / f"{safe}-brief-{today}.md"
        self.app.push_screen(SavePrompt(self.session, text, str(suggested)))


def _summary(brief: Brief) -> Table:
    account = brief.account
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    renewal = Text(account.renewal_date.isoformat() if account.renewal_date else "—")
    days = brief.days_to_renewal
    style = "bold red" if days is not None and days < 0 else "bold yellow"
    renewal.append(f"  ({words.renewal_text(days)})", style=style if days is not None else "")
    table.add_row(
        pgettext("panel", "Contract"), f"{words.money_text(account)}  ·  {account.segment or '—'}"
    )
    table.add_row(pgettext("date", "Renewal"), renewal)
    table.add_row(_("Owners"), "; ".join(words.owner_text(o) for o in brief.owners) or "—")
    return table


def _items(brief: Brief) -> Text:
    if not brief.items:
        return Text(_("No open items."), style="italic")
    text = Text()
    for item in brief.items:
        line = Text("☐ " + item.title + (" ★" if item.moment_of_truth else ""))
        if item.due_date:
            line.append("  " + item.due_date.isoformat(), style="red" if item.overdue else "dim")
        if item.overdue:
            line.append("  " + _("overdue"), style="bold red")
            line.append(f" · {item.stage_title}", style="red")
        text.append_text(line)
        text.append("\n")
    text.rstrip()
    return text


def _commitments(brief: Brief) -> Text:
    if not brief.commitments:
        return Text(_("No open commitments."), style="italic")
    text = Text()
    for item in brief.commitments:
        due = item.due.isoformat() if item.due else "—"
        text.append(due, style="bold red" if item.overdue else "bold")
        text.append(f"  {item.text}  ")
        text.append(item.author_name + "\n", style="dim")
    text.rstrip()
    return text


def _contacts(brief: Brief) -> Text:
    if not brief.contacts:
        return Text(_("No contacts yet."), style="italic")
    return Text("\n".join(words.contact_text(item) for item in brief.contacts))


def _activities(brief: Brief) -> Table | Text:
    if not brief.activities:
        return Text(_("No activities yet."), style="italic")
    table = Table.grid(padding=(0, 2), expand=True)
    for _column in range(5):
        table.add_column(no_wrap=True)
    table.add_column(overflow="ellipsis", no_wrap=True, ratio=1)  # the note takes what is left
    for item in brief.activities:
        table.add_row(
            words.local_time(item.occurred_at),
            _(words.TYPE_LABELS.get(item.type, item.type)),
            words.hours_text(item.minutes),
            _(words.OUTCOME_LABELS.get(item.outcome, item.outcome)),
            item.author_name,
            words.one_line(item.note),
        )
    return table


class NoteScreen(ModalScreen[str | None]):
    """A note's versions (oldest first) and the highlighted one in full; e edits it.

    Dismisses with the id of the version to edit, or None.
    """

    BINDINGS = [
        Binding("escape,q", "close", N_("Close")),
        Binding("e", "edit", N_("Edit this version")),
    ]

    DEFAULT_CSS = """
    NoteScreen { align: center middle; }
    NoteScreen > Vertical {
        width: 110; max-width: 100%; height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    NoteScreen #note-heading { text-style: bold; height: auto; }
    NoteScreen #note-conflict { color: $warning; height: auto; }
    NoteScreen Horizontal { height: 1fr; }
    NoteScreen OptionList { width: 28; height: 1fr; }
    NoteScreen #note-body { width: 1fr; height: 1fr; padding: 0 1; }
    NoteScreen #note-hint { color: $foreground-muted; height: 1; }
    """

    def __init__(
        self,
        versions: list[Version],
        shown_id: str,
        contacts: dict[str, str],
        names: dict[str, str],
        focus_versions: bool = False,
    ) -> None:
        super().__init__()
        self.versions = versions
        self.shown_id = shown_id
        self.contacts = contacts
        self.names = names
        self.markdown = ""  # the version shown, as Markdown
        self.focus_versions = focus_versions

    def compose(self) -> ComposeResult:
        options = [Option(self._label(v), id=v.note.id) for v in reversed(self.versions)]
        with Vertical():
            yield Static(id="note-heading")
            yield Static(id="note-conflict")
            with Horizontal():
                yield OptionList(*options, id="note-versions")
                with VerticalScroll(id="note-body"):
                    yield Static(id="note-text")
            yield Static(
                _("↑↓ versions · Tab scrolls the text · e edits the version shown · Escape closes"),
                id="note-hint",
            )

    def on_mount(self) -> None:
        versions = self.query_one(OptionList)
        ids = [v.note.id for v in reversed(self.versions)]
        versions.highlighted = ids.index(self.shown_id) if self.shown_id in ids else 0
        self.show(self.shown_id)
        if len(self.versions) > 1 or self.focus_versions:
            versions.focus()
        else:
            self.query_one("#note-body").focus()

    def _label(self, version: Version) -> str:
        note = version.note
        when = words.local_time(note.created_at) if note.created_at else ""
        text = _("v{n}").format(n=note.version) + f"  {when}"
        return text + ("  ⚠" if version.conflict else "")

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id:
            self.show(event.option.id)

    def show(self, version_id: str) -> None:
        version = next(v for v in self.versions if v.note.id == version_id)
        self.shown_id = version_id
        note = version.note
        when = words.local_time(note.created_at) if note.created_at else ""
        heading = _("Version {n} of {total} · {author} · {when}").format(
            n=note.version,
            total=len(self.versions),
            author=self.names.get(note.author_email, note.author_email),
            when=when,
        )
        self.query_one("#note-heading", Static).update(heading)
        conflict = ""
        if version.conflict:
            from csm_tui.services.handoff import competing_version

            parent = next((v for v in self.versions if v.note.id == note.parent_id), None)
            conflict = _(
                "⚠ Conflict: made from version {parent} while version {other} was the latest. "
                "Both are kept; edit the latest to merge them."
            ).format(
                parent=parent.note.version if parent else "?",
                other=competing_version(self.versions, version) or "?",
            )
        self.query_one("#note-conflict", Static).update(conflict)
        self.markdown = "\n".join(words.note_markdown(note, self.contacts))
        self.query_one("#note-text", Static).update(Markdown(self.markdown))

    def action_edit(self) -> None:
        self.dismiss(self.shown_id)

    def action_close(self) -> None:
        self.dismiss(None)
