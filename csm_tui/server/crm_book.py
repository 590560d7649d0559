"""The CRM connector's `Book` on the team server's tables.

Accounts and their owners are written by the server import's upsert (`importer.upsert_accounts`,
the code behind `csm-tui server import-accounts`), contacts by `changes.write_record`: every
change goes into the feeds of the users who may see it, so it reaches their devices at their
next sync. In scope are the companies owned by a CRM user whose e-mail is a server user's; one
already in the book whose owner is now someone else moves to that person, as the import does.
Activities, checklists, handoff notes and tasks are never written by a pull. Each page and its
cursor commit in one write transaction, after checking the pass still holds the lease (a fence
that moved on means another process took over: this one stops without writing).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy import Connection, delete, insert, select, update

from csm_tui.crm.book import Applied
from csm_tui.crm.records import CrmContact, Page
from csm_tui.crm.secondary import covered, secondary_emails
from csm_tui.server import changes
from csm_tui.server import records as rec
from csm_tui.server.crm_links import ServerLinks
from csm_tui.server.db import reading, writing
from csm_tui.server.importer import upsert_accounts
from csm_tui.server.schema import crm_records, crm_state, users
from csm_tui.server.sql import Sql
from csm_tui.sync.rows import ContactRow

Guard = Callable[[Connection], None]
_RECORD = Sql(
    "SELECT local_id, state FROM crm_records WHERE crm = :crm AND object = :object "
    "AND crm_id = :crm_id"
)
_DROP_RECORD = Sql(
    "DELETE FROM crm_records WHERE crm = :crm AND object = :object AND crm_id = :crm_id"
)
_PUT_RECORD = Sql(
    "INSERT INTO crm_records (crm, object, crm_id, local_id, parent_id, state, extra) "
    "VALUES (:crm, :object, :crm_id, :local_id, :parent_id, :state, :extra)"
)


def read_state(conn: Connection) -> dict[str, Any]:
    rows = conn.execute(select(crm_state.c.key, crm_state.c.value))
    return {row[0]: json.loads(row[1]) for row in rows}


def write_state(conn: Connection, values: Mapping[str, Any]) -> None:
    for key, value in values.items():
        conn.execute(delete(crm_state).where(crm_state.c.key == key))
        if value is not None:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
            conn.execute(insert(crm_state).values(key=key, value=text))


class ServerBook(ServerLinks):
    """The server's book, as the connector core sees it (see `csm_tui.crm.book.Book`)."""

    def __init__(
        self,
        engine: Any,
        crm: str,
        *,
        now: Callable[[], str],
        today: Callable[[], date],
        guard: Guard | None = None,
        language: str = "en",
    ) -> None:
        self.engine = engine
        self.crm = crm
        self.now = now
        self.today = today
        self.guard = guard
        self.language = language

    def _checked(self, conn: Connection) -> None:
        if self.guard is not None:
            self.guard(conn)

    # -- state -------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        with reading(self.engine) as conn:
            return read_state(conn)

    def set_state(self, values: Mapping[str, Any]) -> None:
        with writing(self.engine) as conn:
            self._checked(conn)
            write_state(conn, values)

    def known_companies(self) -> set[str]:
        return set(self._known("company"))

    def known_contacts(self) -> set[str]:
        return {key.partition("@")[0] for key in self._known("contact")}

    def _known(self, obj: str) -> dict[str, str]:
        with reading(self.engine) as conn:
            rows = conn.execute(
                select(crm_records.c.crm_id, crm_records.c.local_id).where(
                    crm_records.c.crm == self.crm,
                    crm_records.c.object == obj,
                    crm_records.c.state == "live",
                )
            )
            return {row[0]: row[1] for row in rows}

    # -- pull --------------------------------------------------------------------------------

    def apply_page(
        self, page: Page, converted: Mapping[str, dict[str, Any]], owner_emails: Mapping[str, str]
    ) -> Applied:
        applied = Applied()
        with writing(self.engine) as conn:
            self._checked(conn)
            now = self.now()
            changes.set_now(conn, now)
            if page.companies:
                self._companies(conn, page, converted, owner_emails, applied, now)
            if page.contacts_of is not None:
                self._replace_contacts(conn, page.contacts_of, page.contacts, applied, now)
            elif page.contacts:
                self._update_contacts(conn, page.contacts, applied, now)
            for crm_id in page.removed:
                self._remove(conn, crm_id, applied, now)
            write_state(conn, page.state or {f"cursor.{page.object}": page.cursor})
        return applied

    def _record(self, conn: Connection, obj: str, crm_id: str) -> tuple[str, str] | None:
        key = {"crm": self.crm, "object": obj, "crm_id": crm_id}
        row = _RECORD.run(conn, key).first()
        return (row[0], row[1]) if row else None

    def _put_record(
        self,
        conn: Connection,
        obj: str,
        crm_id: str,
        *,
        local_id: str,
        state: str,
        parent_id: str | None = None,
        extra: str = "{}",
    ) -> None:
        key = {"crm": self.crm, "object": obj, "crm_id": crm_id}
        _DROP_RECORD.run(conn, key)
        values = {"local_id": local_id, "parent_id": parent_id, "state": state, "extra": extra}
        _PUT_RECORD.run(conn, {**key, **values})

    def _companies(
        self,
        conn: Connection,
        page: Page,
        converted: Mapping[str, dict[str, Any]],
        owner_emails: Mapping[str, str],
        applied: Applied,
        now: str,
    ) -> None:
        from csm_tui.models.account import Account

        team = {str(email).lower() for email in conn.execute(select(users.c.email)).scalars()}
        rows: list[tuple[Any, list[tuple[str, str]]]] = []
        crm_ids: list[str] = []
        states: list[str] = []
        for company in page.companies:
            email = owner_emails.get(company.owner_id or "") or company.owner_email
            email = email.lower() if email else None
            second = secondary_emails(company, email)
            ours = email in team or bool(team & set(second or ()))
            found = self._record(conn, "company", company.crm_id)
            if not ours and found is None:
                continue  # not the team's, and never in the book
            values = {**converted[company.crm_id], "external_id": company.crm_id}
            try:
                account = Account.model_validate(values)
            except PydanticError as exc:
                applied.skipped.append(f"{company.name}: {exc.errors()[0]['msg']}")
                continue
            wanted = [(email, "primary")] if email else []
            wanted += self._secondaries(conn, found, second, email)
            rows.append((account, wanted))
            crm_ids.append(company.crm_id)
            states.append("live" if ours else "moved")
        if not rows:
            return
        result = upsert_accounts(conn, rows, now=now, today=self.today(), language=self.language)
        applied.new += result.new
        applied.updated += result.updated
        applied.unchanged += result.unchanged
        for crm_id, account_id, state in zip(crm_ids, result.account_ids, states, strict=True):
            before = self._record(conn, "company", crm_id)
            if state == "moved" and (before is None or before[1] != "moved"):
                applied.moved += 1
            self._put_record(conn, "company", crm_id, local_id=account_id, state=state)
        members = {c.crm_id: c for c in page.companies if c.secondary_ids is not None}
        for crm_id, account_id in zip(crm_ids, result.account_ids, strict=True):
            if crm_id in members:
                self._put_members(conn, crm_id, account_id, members[crm_id].secondary_member_ids)

    def _put_members(
        self, conn: Connection, crm_id: str, account_id: str, member_ids: tuple[str, ...]
    ) -> None:
        """Which account each Salesforce team member id is on (a removal names only the id)."""
        conn.execute(
            delete(crm_records).where(
                crm_records.c.crm == self.crm,
                crm_records.c.object == "member",
                crm_records.c.parent_id == crm_id,
            )
        )
        for member in filter(None, member_ids):
            self._put_record(
                conn, "member", member, local_id=account_id, state="live", parent_id=crm_id
            )

    def companies_of_members(self, member_ids: list[str]) -> set[str]:
        found: set[str] = set()
        with reading(self.engine) as conn:
            for start in range(0, len(member_ids), 500):
                rows = conn.execute(
                    select(crm_records.c.parent_id).where(
                        crm_records.c.crm == self.crm,
                        crm_records.c.object == "member",
                        crm_records.c.crm_id.in_(member_ids[start : start + 500]),
                    )
                )
                found |= {str(row[0]) for row in rows if row[0]}
        return found

    def _secondaries(
        self,
        conn: Connection,
        found: tuple[str, str] | None,
        crm: list[str] | None,
        primary: str | None,
    ) -> list[tuple[str, str]]:
        """The secondary owners an account keeps: the CRM's list (when a source is configured),
        plus those with a coverage period set in csm-tui; every one when no source is."""
        kept: list[str] = []
        if found is not None:
            for owner in rec.live_rows(conn, "owners", found[0]):
                if owner["role"] == "secondary" and (crm is None or covered(owner)):
                    kept.append(str(owner["user_email"]))
        emails = dict.fromkeys([*kept, *(crm or ())])
        return [(e, "secondary") for e in emails if e != primary]

    def _remove(self, conn: Connection, crm_id: str, applied: Applied, now: str) -> None:
        """Archived or deleted in the CRM: nobody owns it any more; its history stays."""
        from csm_tui.server.importer import _set_owners

        found = self._record(conn, "company", crm_id)
        if found is None or found[1] == "archived":
            return
        _set_owners(conn, found[0], [], now)
        conn.execute(
            update(crm_records)
            .where(
                crm_records.c.crm == self.crm,
                crm_records.c.object == "company",
                crm_records.c.crm_id == crm_id,
            )
            .values(state="archived")
        )
        applied.removed += 1

    def _replace_contacts(
        self,
        conn: Connection,
        companies: list[str],
        contacts: list[CrmContact],
        applied: Applied,
        now: str,
    ) -> None:
        by_company: dict[str, list[CrmContact]] = {crm_id: [] for crm_id in companies}
        for contact in contacts:
            if contact.company_id in by_company:
                by_company[contact.company_id].append(contact)
        for company, wanted in by_company.items():
            found = self._record(conn, "company", company)
            if found is None:
                continue
            keep: set[str] = set()
            for contact in wanted:
                local = self._write_contact(conn, contact, found[0], now, applied)
                if local is not None:
                    keep.add(local)
                    self._record_contact(conn, contact, local, company)
            old = conn.execute(
                select(crm_records.c.local_id).where(
                    crm_records.c.crm == self.crm,
                    crm_records.c.object == "contact",
                    crm_records.c.parent_id == company,
                )
            ).scalars()
            for local_id in [item for item in old if item not in keep]:
                self._drop_contact(conn, local_id)
                applied.contacts_removed += 1

    def _update_contacts(
        self, conn: Connection, contacts: list[CrmContact], applied: Applied, now: str
    ) -> None:
        """Contacts changed alone: with a company (Salesforce) the contact is written there and
        leaves any other account; without one (HubSpot) every copy is rewritten."""
        for contact in contacts:
            copies = conn.execute(
                select(crm_records.c.local_id, crm_records.c.parent_id).where(
                    crm_records.c.crm == self.crm,
                    crm_records.c.object == "contact",
                    crm_records.c.crm_id.like(f"{contact.crm_id}@%"),
                )
            ).all()
            if contact.company_id is not None:
                found = self._record(conn, "company", contact.company_id)
                keep = None
                if found is not None and found[1] == "live":
                    keep = self._write_contact(conn, contact, found[0], now, applied)
                    if keep is not None:
                        self._record_contact(conn, contact, keep, contact.company_id)
                for local_id, _parent in copies:
                    if local_id != keep:
                        self._drop_contact(conn, local_id)
                        applied.contacts_removed += 1
                continue
            for local_id, _parent in copies:
                record = rec.get_record(conn, "contacts", local_id)
                if record is not None and record.data is not None and not record.deleted:
                    self._write_contact(conn, contact, record.data["account_id"], now, applied)

    def _write_contact(
        self, conn: Connection, contact: CrmContact, account_id: str, now: str, applied: Applied
    ) -> str | None:
        """Insert or update one contact (the CSMs' champion/decision-maker marks are kept)."""
        from csm_tui.services.crm_book import contact_id

        local_id = contact_id(self.crm, contact.crm_id, account_id)
        record = rec.get_record(conn, "contacts", local_id)
        current = record.data if record is not None and not record.deleted else None
        values = {
            "name": (contact.name or contact.email or contact.crm_id)[:500],
            "role": contact.title[:200],
            "email": contact.email.lower() if contact.email else None,
            "phone": contact.phone[:200],
        }
        base = current or {"id": local_id, "account_id": account_id, "created_at": now}
        data = _valid_contact({**base, **values})
        if data is None:
            return None
        if current is not None and all(current.get(key) == data[key] for key in values):
            return local_id
        changes.write_record(conn, "contacts", data, user_id=None, current=record)
        applied.contacts += 1
        return local_id

    def _drop_contact(self, conn: Connection, local_id: str) -> None:
        record = rec.get_record(conn, "contacts", local_id)
        if record is not None and not record.deleted:
            changes.delete_record(conn, record, user_id=None)
        conn.execute(
            delete(crm_records).where(
                crm_records.c.crm == self.crm,
                crm_records.c.object == "contact",
                crm_records.c.local_id == local_id,
            )
        )

    def _record_contact(
        self, conn: Connection, contact: CrmContact, local_id: str, company: str
    ) -> None:
        self._put_record(
            conn,
            "contact",
            f"{contact.crm_id}@{company}",
            local_id=local_id,
            parent_id=company,
            state="live",
            extra=json.dumps({"phone": contact.phone}),
        )


def _valid_contact(data: dict[str, Any]) -> dict[str, Any] | None:
    """The contact as the server stores it; an e-mail the row model refuses is left out."""
    for attempt in (data, {**data, "email": None}):
        try:
            return ContactRow.model_validate(attempt).model_dump(mode="json")
        except PydanticError:
            continue
    return None
