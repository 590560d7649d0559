"""The CRM connector's `Book` on the local SQLite book of a CSM without a team server.

Accounts are written by the CSV import's upsert (`csv_import._plan`: match by external_id, else
link an unlinked account of the same name, validate, then `apply_account_changes` /
`insert_many`), inside the page's one journaled transaction, with the page's cursor. Only what
the CRM owns is written (name, mapped fields, primary owner, contacts); activities, checklists,
notes and tasks are never touched. An edit the CSM made to a CRM-owned field is overwritten by
the CRM's value, and stays in the journal as the CSM's own entry.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError as PydanticError

from csm_tui.crm.book import Applied
from csm_tui.crm.records import CrmContact, Page
from csm_tui.crm.secondary import covered, secondary_emails
from csm_tui.models.contact import Contact
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.services.accounts import account_row, apply_account_changes
from csm_tui.services.crm_links import LocalLinks
from csm_tui.services.csv_import import AccountRow, _plan
from csm_tui.services.identity import upsert_user
from csm_tui.store.connection import Store
from csm_tui.store.journal import Transaction, insert_many

_CONTACT_IDS = uuid.UUID("5b0d8f4e-3a4c-4c55-9f3e-6a1c2c8e0c12")


def contact_id(crm: str, crm_id: str, account_id: str) -> str:
    """The same local id for a CRM contact on an account on every pass (and every device)."""
    return uuid.uuid5(_CONTACT_IDS, f"{crm}:{crm_id}:{account_id}").hex


class LocalBook(LocalLinks):
    """The local book, as the connector core sees it (see `csm_tui.crm.book.Book`)."""

    def __init__(self, store: Store, crm: str, me_email: str) -> None:
        self.store = store
        self.crm = crm
        self.me = me_email.lower()

    # -- state -------------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        return {
            row[0]: json.loads(row[1])
            for row in self.store.query("SELECT key, value FROM crm_state")
        }

    def set_state(self, values: Mapping[str, Any]) -> None:
        with self.store.transaction():
            self._write_state(values)

    def _write_state(self, values: Mapping[str, Any]) -> None:
        for key, value in values.items():
            if value is None:
                self.store.conn.execute("DELETE FROM crm_state WHERE key = ?", (key,))
            else:
                self.store.conn.execute(
                    "INSERT OR REPLACE INTO crm_state (key, value) VALUES (?, ?)",
                    (key, json.dumps(value, ensure_ascii=False, sort_keys=True)),
                )

    def known_companies(self) -> set[str]:
        return self._known("company")

    def known_contacts(self) -> set[str]:
        # a contact's record is keyed `contact id@company id`: one per account it is on
        return {key.partition("@")[0] for key in self._known("contact")}

    def _known(self, obj: str) -> set[str]:
        rows = self.store.query(
            "SELECT crm_id FROM crm_records WHERE crm = ? AND object = ? AND state = 'live'",
            (self.crm, obj),
        )
        return {row[0] for row in rows}

    # -- pull --------------------------------------------------------------------------------

    def apply_page(
        self, page: Page, converted: Mapping[str, dict[str, Any]], owner_emails: Mapping[str, str]
    ) -> Applied:
        applied = Applied()
        with self.store.transaction() as tx:
            if page.companies:
                self._companies(tx, page, converted, owner_emails, applied)
            if page.contacts_of is not None:
                self._replace_contacts(tx, page.contacts_of, page.contacts, applied)
            elif page.contacts:
                self._update_contacts(tx, page.contacts, applied)
            for crm_id in page.removed:
                self._remove(tx, crm_id, applied)
            self._write_state(page.state or {f"cursor.{page.object}": page.cursor})
        return applied

    def _records(self, obj: str, crm_ids: list[str] | None = None) -> dict[str, tuple[str, str]]:
        """CRM id -> (local id, state); of `crm_ids` only when given (a page, not the book)."""
        sql = "SELECT crm_id, local_id, state FROM crm_records WHERE crm = ? AND object = ?"
        if crm_ids is None:
            rows = self.store.query(sql, (self.crm, obj))
        else:
            rows = []
            for start in range(0, len(crm_ids), 500):
                chunk = crm_ids[start : start + 500]
                marks = ", ".join("?" * len(chunk))
                rows += self.store.query(f"{sql} AND crm_id IN ({marks})", (self.crm, obj, *chunk))
        return {row[0]: (row[1], row[2]) for row in rows}

    def _companies(
        self,
        tx: Transaction,
        page: Page,
        converted: Mapping[str, dict[str, Any]],
        owner_emails: Mapping[str, str],
        applied: Applied,
    ) -> None:
        records = self._records("company", [company.crm_id for company in page.companies])
        rows: list[AccountRow] = []
        owners: dict[str, str | None] = {}
        seconds: dict[str, list[str] | None] = {}
        for line, company in enumerate(page.companies, start=1):
            email = owner_emails.get(company.owner_id or "") or company.owner_email
            email = email.lower() if email else None
            second = secondary_emails(company, email)
            theirs = email != self.me and self.me not in (second or ())
            if theirs and company.crm_id not in records:
                continue  # someone else's company that was never in this book
            owners[company.crm_id] = email
            seconds[company.crm_id] = second
            rows.append(
                AccountRow(line, {**converted[company.crm_id], "external_id": company.crm_id})
            )
        if not rows:
            return
        plan = _plan(self.store, rows)
        applied.skipped.extend(str(problem) for problem in plan.problems)
        insert_many(tx, "accounts", [account_row(account, tx.now) for account in plan.new])
        for current, updated in plan.changed:
            apply_account_changes(tx, current, updated)
        applied.new += len(plan.new)
        applied.updated += len(plan.changed)
        applied.unchanged += plan.unchanged
        wanted = list(owners)
        local: dict[str, str] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self.store.query(
                f"SELECT external_id, id FROM accounts WHERE external_id IN ({marks})", tuple(chunk)
            ):
                local[row[0]] = row[1]
        for crm_id, email in owners.items():
            account_id = local.get(crm_id)
            if account_id is None:
                continue  # refused by the plan (reported in `skipped`)
            second = seconds[crm_id]
            mine = email == self.me or self.me in (second or ())
            if self._set_primary(tx, account_id, email) and not mine:
                applied.moved += 1
            if second is not None:
                set_secondaries(tx, self.store, account_id, second, self.me)
            self.store.conn.execute(
                "INSERT OR REPLACE INTO crm_records (crm, object, crm_id, local_id, state) "
                "VALUES (?, 'company', ?, ?, ?)",
                (self.crm, crm_id, account_id, "live" if mine else "moved"),
            )
        members = {c.crm_id: c for c in page.companies if c.secondary_ids is not None}
        for crm_id, company in members.items():
            if local.get(crm_id) is not None:
                self._put_members(crm_id, local[crm_id], company.secondary_member_ids)

    def _put_members(self, crm_id: str, account_id: str, member_ids: tuple[str, ...]) -> None:
        """Which account each Salesforce team member id is on (a removal names only the id)."""
        self.store.conn.execute(
            "DELETE FROM crm_records WHERE crm = ? AND object = 'member' AND parent_id = ?",
            (self.crm, crm_id),
        )
        self.store.conn.executemany(
            "INSERT OR REPLACE INTO crm_records (crm, object, crm_id, local_id, parent_id, state) "
            "VALUES (?, 'member', ?, ?, ?, 'live')",
            [(self.crm, member, account_id, crm_id) for member in member_ids if member],
        )

    def companies_of_members(self, member_ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(member_ids), 500):
            chunk = member_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.store.query(
                "SELECT parent_id FROM crm_records WHERE crm = ? AND object = 'member' "
                f"AND crm_id IN ({marks})",
                (self.crm, *chunk),
            )
            found |= {str(row[0]) for row in rows if row[0]}
        return found

    def _set_primary(self, tx: Transaction, account_id: str, email: str | None) -> bool:
        """Make `email` the account's primary owner, as the CRM says; True if it changed."""
        row = self.store.query_one(
            "SELECT id, user_email FROM owners WHERE account_id = ? AND role = 'primary'",
            (account_id,),
        )
        if row is not None and row[1] == email:
            return False
        if row is not None:
            tx.delete("owners", row[0])
        if email is None:
            return row is not None
        if email != self.me:
            upsert_user(tx, email, email.split("@")[0])
        other = self.store.query_one(
            "SELECT id FROM owners WHERE account_id = ? AND user_email = ?", (account_id, email)
        )
        if other is not None:  # a secondary owner becomes the primary one
            tx.update("owners", other[0], {"role": Role.PRIMARY.value})
        else:
            owner = OwnerAssignment(account_id=account_id, user_email=email, role=Role.PRIMARY)
            tx.insert("owners", {**owner.model_dump(mode="python"), "created_at": tx.now})
        return True

    def _remove(self, tx: Transaction, crm_id: str, applied: Applied) -> None:
        """Archived in the CRM: out of the user's book (no owner), kept with its history."""
        found = self.store.query_one(
            "SELECT local_id, state FROM crm_records WHERE crm = ? AND object = 'company' "
            "AND crm_id = ?",
            (self.crm, crm_id),
        )
        if found is None or found[1] == "archived":
            return
        for owner in self.store.query(
            "SELECT id FROM owners WHERE account_id = ? AND user_email = ?", (found[0], self.me)
        ):
            tx.delete("owners", owner[0])
        self.store.conn.execute(
            "UPDATE crm_records SET state = 'archived' WHERE crm = ? AND object = 'company' "
            "AND crm_id = ?",
            (self.crm, crm_id),
        )
        applied.removed += 1

    def _replace_contacts(
        self, tx: Transaction, companies: list[str], contacts: list[CrmContact], applied: Applied
    ) -> None:
        accounts = {
            crm_id: local for crm_id, (local, _state) in self._records("company", companies).items()
        }
        by_company: dict[str, list[CrmContact]] = {crm_id: [] for crm_id in companies}
        for contact in contacts:
            if contact.company_id in by_company:
                by_company[contact.company_id].append(contact)
        new_rows: list[dict[str, Any]] = []
        for company, wanted in by_company.items():
            account_id = accounts.get(company)
            if account_id is None:
                continue
            keep: set[str] = set()
            for contact in wanted:
                row = self._contact_row(contact, account_id, tx.now)
                if row is None:
                    continue
                keep.add(row["id"])
                if self._write_contact(tx, row, new_rows):
                    applied.contacts += 1
                self._record_contact(contact, row["id"], company)
            for old in self.store.query(
                "SELECT local_id, crm_id FROM crm_records WHERE crm = ? AND object = 'contact' "
                "AND parent_id = ?",
                (self.crm, company),
            ):
                if old[0] not in keep:
                    self._drop_contact(tx, old[0])
                    applied.contacts_removed += 1
        insert_many(tx, "contacts", new_rows)

    def _update_contacts(
        self, tx: Transaction, contacts: list[CrmContact], applied: Applied
    ) -> None:
        """Contacts changed in the CRM. With a company in the book (Salesforce's AccountId):
        the contact is written there and leaves any other account; without one (HubSpot),
        every copy in the book is rewritten."""
        accounts = {
            crm_id: local
            for crm_id, (local, state) in self._records("company").items()
            if state == "live"
        }
        for contact in contacts:
            copies = self.store.query(
                "SELECT r.local_id, r.parent_id, c.account_id FROM crm_records AS r "
                "LEFT JOIN contacts AS c ON c.id = r.local_id "
                "WHERE r.crm = ? AND r.object = 'contact' AND r.crm_id LIKE ?",
                (self.crm, f"{contact.crm_id}@%"),
            )
            if contact.company_id is not None:
                account_id = accounts.get(contact.company_id)
                keep = None
                if account_id is not None:
                    new_rows: list[dict[str, Any]] = []
                    row = self._contact_row(contact, account_id, tx.now)
                    if row is not None:
                        keep = row["id"]
                        if self._write_contact(tx, row, new_rows):
                            applied.contacts += 1
                        insert_many(tx, "contacts", new_rows)
                        self._record_contact(contact, keep, contact.company_id)
                for copy in copies:
                    if copy[0] != keep:
                        self._drop_contact(tx, copy[0])
                        applied.contacts_removed += 1
                continue
            for copy in copies:
                if copy[2] is None:
                    continue
                values = self._contact_row(contact, copy[2], tx.now)
                if values is not None and self._write_contact(tx, values, None):
                    applied.contacts += 1

    def _drop_contact(self, tx: Transaction, local_id: str) -> None:
        if self.store.query_one("SELECT 1 FROM contacts WHERE id = ?", (local_id,)):
            tx.delete("contacts", local_id)
        self.store.conn.execute(
            "DELETE FROM crm_records WHERE crm = ? AND object = 'contact' AND local_id = ?",
            (self.crm, local_id),
        )

    def _contact_row(self, contact: CrmContact, account_id: str, now: str) -> dict[str, Any] | None:
        data: dict[str, Any] = {
            "id": contact_id(self.crm, contact.crm_id, account_id),
            "account_id": account_id,
            "name": contact.name or contact.email or contact.crm_id,
            "role": contact.title[:200],
            "email": contact.email,
            "phone": contact.phone[:200],
        }
        try:
            model = Contact.model_validate(data)
        except PydanticError:
            try:
                model = Contact.model_validate({**data, "email": None})
            except PydanticError:
                return None
        return {**model.model_dump(mode="python"), "created_at": now}

    def _write_contact(
        self, tx: Transaction, row: dict[str, Any], new_rows: list[dict[str, Any]] | None
    ) -> bool:
        """Insert or update one contact; the CSM's champion/decision-maker marks are kept."""
        current = self.store.query_one(
            "SELECT name, role, email, phone FROM contacts WHERE id = ?", (row["id"],)
        )
        if current is None:
            if new_rows is None:
                return False
            new_rows.append(row)
            return True
        changes = {
            key: row[key] for key in ("name", "role", "email", "phone") if current[key] != row[key]
        }
        if changes:
            tx.update("contacts", row["id"], changes)
        return bool(changes)

    def _record_contact(self, contact: CrmContact, local_id: str, company: str) -> None:
        self.store.conn.execute(
            "INSERT OR REPLACE INTO crm_records (crm, object, crm_id, local_id, parent_id, extra) "
            "VALUES (?, 'contact', ?, ?, ?, ?)",
            (
                self.crm,
                f"{contact.crm_id}@{company}",
                local_id,
                company,
                json.dumps({"phone": contact.phone}),
            ),
        )


def set_secondaries(
    tx: Transaction, store: Store, account_id: str, wanted: list[str], me: str
) -> None:
    """Make the account's secondary owners without a coverage period equal to the CRM's list
    (journaled); one with a coverage period is csm-tui's own arrangement and stays."""
    current = store.query(
        "SELECT id, user_email, role, coverage_from, coverage_to, coverage_reason FROM owners "
        "WHERE account_id = ?",
        (account_id,),
    )
    present = {row[1] for row in current}
    for row in current:
        if row[2] == Role.SECONDARY.value and not covered(dict(row)) and row[1] not in wanted:
            tx.delete("owners", row[0])
    for email in wanted:
        if email in present:
            continue
        if email != me:
            upsert_user(tx, email, email.split("@")[0])
        owner = OwnerAssignment(account_id=account_id, user_email=email, role=Role.SECONDARY)
        tx.insert("owners", {**owner.model_dump(mode="python"), "created_at": tx.now})


__all__ = ["LocalBook", "contact_id", "set_secondaries"]
