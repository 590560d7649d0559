"""Handoff notes: writing, editing into new versions, read receipts. Nothing is overwritten.

An edit adds a version whose parent is the version it was made from. If that was not the latest
version (someone else saved in between, here or on another device), the new version is kept as
a sibling flagged `conflict`: both texts stay until someone saves a version made from the latest.
Reading is recorded per reader and note (journaled, so every device of the reader agrees).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError as PydanticError

from csm_tui.errors import NotFoundError, ValidationError
from csm_tui.i18n import N_, _
from csm_tui.models.handoff import Commitment, HandoffNote
from csm_tui.services.coverage import check_period, parse_day
from csm_tui.store import handoff as queries
from csm_tui.store.accounts import contacts_of, get_account, user_names
from csm_tui.store.connection import Store
from csm_tui.store.handoff import Version as Version  # the UI's name for it
from csm_tui.store.journal import Transaction

if TYPE_CHECKING:
    from csm_tui.clock import Clock
    from csm_tui.models.contact import Contact
    from csm_tui.services.brief import Brief
    from csm_tui.services.coverage import CoveredAccount

TEXT_FIELDS = ("situation", "goals", "risks", "body")
FIELD_LABELS = {
    "situation": N_("Situation"),
    "goals": N_("Customer goals"),
    "risks": N_("Risks"),
    "commitments": N_("Open commitments"),
    "key_contacts": N_("Key contacts"),
    "coverage": N_("Coverage period"),
    "body": N_("Notes"),
}
_DONE = re.compile(r"^\[(?:x|X|✓)\]\s*")
_BULLET = re.compile(r"^[-*・•]\s*")


@dataclass(frozen=True)
class NoteFields:
    """What a writer puts in a note; the author and time come from the session and clock."""

    situation: str = ""
    goals: str = ""
    risks: str = ""
    commitments: list[Commitment] = field(default_factory=list)
    key_contact_ids: list[str] = field(default_factory=list)
    coverage_from: date | None = None
    coverage_to: date | None = None
    body: str = ""

    @classmethod
    def of(cls, note: HandoffNote) -> NoteFields:
        return cls(
            situation=note.situation,
            goals=note.goals,
            risks=note.risks,
            commitments=list(note.commitments),
            key_contact_ids=list(note.key_contact_ids),
            coverage_from=note.coverage_from,
            coverage_to=note.coverage_to,
            body=note.body,
        )


@dataclass(frozen=True)
class NoteView:
    """The latest version of a note as lists show it."""

    note: HandoffNote
    versions: int
    unread: bool
    conflict: bool
    author_name: str


def me_email(store: Store) -> str:
    from csm_tui.services.identity import me_identity

    me = me_identity(store)
    if me is None:
        raise ValidationError(
            _("Tell csm-tui who you are first (the app asks on its first start).")
        )
    return me[1]


# -- commitments as the editor shows them: one per line, "2026-12-05 what was promised" ----------


_DATE_LIKE = re.compile(r"\d{1,4}[-/.年]\d")  # meant as a date, even when it is not one


def parse_commitments(text: str, today: date) -> list[Commitment]:
    """One commitment per line: what was promised, after its due date if it has one.

    `[x]` first marks it done. A line that does not start with a date is a commitment without one.
    """
    result = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _BULLET.sub("", unicodedata.normalize("NFKC", raw).strip())
        if not line:
            continue
        done = bool(_DONE.match(line))
        line = _DONE.sub("", line)
        first, _sep, rest = line.partition(" ")
        try:
            due = parse_day(first, today)
        except ValidationError:
            if _DATE_LIKE.match(first):
                raise ValidationError(
                    _(
                        "Commitment line {n}: “{date}” is not a date; write it like 2026-12-05, "
                        "or leave the date out."
                    ).format(n=number, date=first)
                ) from None
            due = None
        if due is None:
            rest = line  # no date: the whole line is what was promised
        elif not rest.strip():
            raise ValidationError(
                _(
                    "Commitment line {n}: after the date, say what was promised, "
                    "like “2026-12-05 Send the plan”."
                ).format(n=number)
            )
        what = " ".join(rest.split())
        if len(what) > 200:
            raise ValidationError(
                _("Commitment line {n} is too long (at most 200 characters).").format(n=number)
            )
        result.append(Commitment(text=what, due=due, done=done))
    return result


def format_commitments(commitments: list[Commitment]) -> str:
    """The editor's text for commitments; `parse_commitments` reads it back unchanged."""
    lines = []
    for item in commitments:
        due = item.due.isoformat() if item.due else ""
        lines.append(("[x] " if item.done else "") + f"{due} {item.text}".strip())
    return "\n".join(lines)


# -- writing -----------------------------------------------------------------------------------


def _validated(store: Store, account_id: str, fields: NoteFields, **ids: Any) -> HandoffNote:
    if not any(getattr(fields, name).strip() for name in TEXT_FIELDS) and not fields.commitments:
        raise ValidationError(
            _("Write at least the situation, the goals, the risks, a commitment or a note.")
        )
    check_period(fields.coverage_from, fields.coverage_to)
    known = {contact.id for contact in contacts_of(store, account_id)}
    strangers = [contact for contact in fields.key_contact_ids if contact not in known]
    if strangers:
        raise ValidationError(_("Key contacts must be contacts of this account."))
    try:
        return HandoffNote(
            account_id=account_id,
            author_email=me_email(store),
            situation=fields.situation.strip(),
            goals=fields.goals.strip(),
            risks=fields.risks.strip(),
            commitments=sorted(fields.commitments, key=_due_order),
            key_contact_ids=list(dict.fromkeys(fields.key_contact_ids)),
            coverage_from=fields.coverage_from,
            coverage_to=fields.coverage_to,
            body=fields.body.strip(),
            **ids,
        )
    except PydanticError as exc:
        raise ValidationError(_too_long(exc)) from exc


def _normal(fields: NoteFields) -> NoteFields:
    """Fields as a saved note holds them (as `_validated` writes them), for comparing."""
    return replace(
        fields,
        **{name: getattr(fields, name).strip() for name in TEXT_FIELDS},
        commitments=sorted(fields.commitments, key=_due_order),
        key_contact_ids=list(dict.fromkeys(fields.key_contact_ids)),
    )


def _due_order(item: Commitment) -> tuple[date, str]:
    return (item.due or date.max, item.text)


def _too_long(exc: PydanticError) -> str:
    error = exc.errors()[0]
    where = str(error["loc"][0]) if error["loc"] else "body"
    label = _(FIELD_LABELS.get(where, FIELD_LABELS["body"]))
    if error["type"] == "string_too_long":
        return _("{field}: too long.").format(field=label)
    return f"{label}: {error['msg']}"


def _row(note: HandoffNote, now: str, conflict: bool) -> dict[str, Any]:
    row = note.model_dump(mode="python")
    row["created_at"] = now
    row["conflict"] = conflict
    return row


def write_note(store: Store, account_id: str, fields: NoteFields) -> Version:
    """A new note (version 1) by me; I have read what I wrote."""
    if get_account(store, account_id) is None:
        raise NotFoundError(_("No account with id {id}.").format(id=account_id))
    note = _validated(store, account_id, fields)
    with store.transaction() as tx:
        tx.insert("handoff_notes", _row(note, tx.now, conflict=False))
        _set_read(tx, note, note.author_email, note.version)
    return _stored(store, note.id)


def edit_note(store: Store, base_id: str, fields: NoteFields) -> Version | None:
    """Save an edit of version `base_id` as a new version; None if nothing changed.

    Made from an older version than the latest, it is kept beside the latest as a conflict.
    """
    base = queries.get_version(store, base_id)
    if base is None:
        raise NotFoundError(_("That version of the note no longer exists."))
    if fields == NoteFields.of(base.note):
        return None
    with store.lock:  # the latest version cannot change between the look and the write
        latest = queries.latest_version(store, base.note.note_id)
        assert latest is not None
        note = _validated(
            store,
            base.note.account_id,
            fields,
            note_id=base.note.note_id,
            version=latest.note.version + 1,
            parent_id=base.note.id,
        )
        if NoteFields.of(note) == _normal(NoteFields.of(base.note)):
            return None  # only spaces or the order of commitments differed
        with store.transaction() as tx:
            tx.insert("handoff_notes", _row(note, tx.now, conflict=latest.note.id != base_id))
            _set_read(tx, note, note.author_email, note.version)
    return _stored(store, note.id)


def _stored(store: Store, version_id: str) -> Version:
    version = queries.get_version(store, version_id)
    assert version is not None
    return version


# -- reading -----------------------------------------------------------------------------------


def notes_of(store: Store, account_id: str, reader: str | None = None) -> list[NoteView]:
    """The account's notes (latest versions), most recently changed first."""
    names = user_names(store)
    return [
        NoteView(
            note=item.version.note,
            versions=item.versions,
            unread=item.unread,
            conflict=item.version.conflict,
            author_name=names.get(item.version.note.author_email, item.version.note.author_email),
        )
        for item in queries.latest_notes(store, account_id, reader)
    ]


def versions(store: Store, note_id: str) -> list[Version]:
    """Every version of a note, oldest first."""
    found = queries.versions_of(store, note_id)
    if not found:
        raise NotFoundError(_("No handoff note with id {id}.").format(id=note_id))
    return found


def competing_version(all_versions: list[Version], version: Version) -> int | None:
    """For a conflict version: the number of the version that was latest when it was saved."""
    if not version.conflict:
        return None
    earlier = [v.note.version for v in all_versions if v.note.version < version.note.version]
    return max(earlier, default=None)


def open_note(store: Store, note_id: str, reader: str) -> Version:
    """The latest version of a note, marked read for `reader`."""
    latest = queries.latest_version(store, note_id)
    if latest is None:
        raise NotFoundError(_("No handoff note with id {id}.").format(id=note_id))
    with store.transaction() as tx:
        _set_read(tx, latest.note, reader, latest.note.version)
    return latest


def mark_unread(store: Store, note_id: str, reader: str) -> None:
    latest = queries.latest_version(store, note_id)
    if latest is None:
        raise NotFoundError(_("No handoff note with id {id}.").format(id=note_id))
    with store.transaction() as tx:
        _set_read(tx, latest.note, reader, 0)


def unread_counts(store: Store, reader: str) -> dict[str, int]:
    """account id → notes `reader` has not read (accounts with none left out)."""
    return queries.unread_counts(store, reader)


def _set_read(tx: Transaction, note: HandoffNote, reader: str, version: int) -> None:
    """Record that `reader` has read the note up to `version` (0: unread); no-op if so already."""
    current = queries.receipt(tx.store, reader, note.note_id)
    if current is None:
        if version == 0:
            return  # no receipt is unread already
        tx.insert(
            "handoff_reads",
            {
                "id": queries.receipt_id(reader, note.note_id),
                "note_id": note.note_id,
                "account_id": note.account_id,
                "reader_email": reader,
                "read_version": version,
                "read_at": tx.now,
            },
        )
    elif current[1] != version:
        tx.update("handoff_reads", current[0], {"read_version": version, "read_at": tx.now})


class HandoffService:
    """What the UI asks about handoff notes, owners and coverage, for the current user."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    @property
    def me(self) -> str:
        return me_email(self.store)

    # notes
    def notes(self, account_id: str) -> list[NoteView]:
        return notes_of(self.store, account_id, self.me)

    def versions(self, note_id: str) -> list[Version]:
        return versions(self.store, note_id)

    def open(self, note_id: str) -> Version:
        return open_note(self.store, note_id, self.me)

    def mark_unread(self, note_id: str) -> None:
        mark_unread(self.store, note_id, self.me)

    def write(self, account_id: str, fields: NoteFields) -> Version:
        return write_note(self.store, account_id, fields)

    def edit(self, base_id: str, fields: NoteFields) -> Version | None:
        return edit_note(self.store, base_id, fields)

    def contacts(self, account_id: str) -> list[Contact]:
        return contacts_of(self.store, account_id)

    # the brief
    def brief(self, account_id: str) -> Brief:
        from csm_tui.services.brief import build_brief

        return build_brief(self.store, account_id, self.clock, reader=self.me)

    def save_text(self, path: Path, text: str) -> None:
        """Write `text` to `path` in one step (the brief saved from the app)."""
        from csm_tui.services.export import write_atomically

        if path.is_dir():
            raise ValidationError(_("{path} is a folder; give a file name.").format(path=path))
        try:
            write_atomically(path, text.encode("utf-8"))
        except OSError as exc:
            raise ValidationError(
                _("Cannot write {path}: {error}.").format(path=path, error=exc.strerror or exc)
            ) from exc

    # owners and coverage
    def known_people(self) -> list[tuple[str, str]]:
        from csm_tui.services.coverage import known_people

        return known_people(self.store)

    def assign_secondary(
        self, account_id: str, email: str, start: date | None, end: date | None, reason: str
    ) -> None:
        from csm_tui.services.coverage import assign_secondary

        assign_secondary(
            self.store, account_id, email, coverage_from=start, coverage_to=end, reason=reason
        )

    def set_coverage(
        self, account_id: str, email: str, start: date | None, end: date | None, reason: str
    ) -> None:
        from csm_tui.services.coverage import set_coverage

        set_coverage(self.store, account_id, email, start, end, reason)

    def remove_secondary(self, account_id: str, email: str) -> None:
        from csm_tui.services.coverage import remove_secondary

        remove_secondary(self.store, account_id, email)

    def covering(self) -> list[CoveredAccount]:
        from csm_tui.services.coverage import covering

        return covering(self.store, self.me, self.clock.today())
