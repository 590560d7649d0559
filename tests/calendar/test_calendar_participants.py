"""A meeting logged from the calendar names the account's contacts among its attendees as
the people who took part (issue 16)."""

from __future__ import annotations

from pathlib import Path

from calendar_ics import Ev, google
from calendar_kit import ACME, Book, import_ics

from csm_tui.models.contact import Contact
from csm_tui.services import calendar
from csm_tui.services.accounts import add_contact
from csm_tui.store.accounts import contacts_of
from csm_tui.store.connection import Store


def test_attendees_who_are_contacts_took_part(store: Store, book: Book, tmp_path: Path) -> None:
    with store.transaction() as tx:  # a second contact at Acme, who does not attend
        add_contact(tx, Contact(account_id=book.acme, name="Mio", email="mio@acme.co.jp"))
    attendees = [
        ("KEN@acme.co.jp", "ACCEPTED"),  # a contact (any case)
        ("new.person@acme.co.jp", "ACCEPTED"),  # Acme's domain, not a contact
        ("aoi.tanaka@example.com", "ACCEPTED"),  # me
    ]
    text = google(
        [
            Ev(
                "qbr@google.com",
                "Acme QBR",
                "20261120T010000Z",
                "20261120T014500Z",
                attendees=attendees,
            )
        ]
    )
    [proposal] = import_ics(store, tmp_path, text)
    assert ACME in proposal.attendees and "new.person@acme.co.jp" in proposal.attendees
    activity = calendar.log(store, proposal)
    [ken] = [c for c in contacts_of(store, book.acme) if c.email == ACME]
    assert activity.participants == [ken.id]


def test_a_meeting_without_attendees_names_nobody(store: Store, book: Book, tmp_path: Path) -> None:
    text = google([Ev("t@google.com", "Acme Corp sync", "20261120T010000Z", "20261120T014500Z")])
    [proposal] = import_ics(store, tmp_path, text)
    assert proposal.attendees == ()
    assert calendar.log(store, proposal).participants == []
