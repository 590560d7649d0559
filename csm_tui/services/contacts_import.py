"""`csm-tui import contacts FILE`: the people at the customers, from a CSV file or a HubSpot or
Salesforce contacts export. All or nothing unless `skip_invalid`; a re-import updates a contact
found by its e-mail address on that account (by its name when it has none)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticError

from csm_tui.errors import ValidationError
from csm_tui.i18n import _
from csm_tui.models.contact import Contact
from csm_tui.services.accounts import add_contact
from csm_tui.services.csv_columns import normalize_header
from csm_tui.services.csv_files import open_csv, rows, source_name
from csm_tui.services.csv_parse import RowProblem
from csm_tui.store.connection import Store

ALIASES: dict[str, tuple[str, ...]] = {
    "account": ("account", "associated company", "company name", "company", "account name",
                "取引先名", "会社名"),
    "account_external_id": ("account external id", "account_external_id", "account id",
                            "accountid", "associated company id", "company id", "取引先ID"),
    "name": ("name", "full name", "contact name", "氏名", "名前"),
    "first_name": ("first name", "firstname", "名"),
    "last_name": ("last name", "lastname", "姓"),
    "email": ("email", "e-mail", "email address", "メール", "メールアドレス"),
    "title": ("title", "job title", "役職"),
    "phone": ("phone", "phone number", "mobile phone number", "電話番号", "電話"),
    "role": ("role", "contact role", "ロール", "役割"),
}  # fmt: skip
_FIELD = {normalize_header(alias): name for name, aliases in ALIASES.items() for alias in aliases}
_ROLES = {
    "champion": "champion",
    "チャンピオン": "champion",
    "decision_maker": "decision_maker",
    "decision maker": "decision_maker",
    "decisionmaker": "decision_maker",
    "意思決定者": "decision_maker",
    "決裁者": "decision_maker",
    "key": "key",
    "key contact": "key",
    "キーパーソン": "key",
}


@dataclass
class ContactsSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    blocked: bool = False
    dry_run: bool = False
    unknown_columns: list[str] = field(default_factory=list)

    def describe(self) -> str:
        invalid = len({problem.line for problem in self.problems})
        if self.blocked:
            return _("Nothing was imported: {bad} of {total} rows are invalid.").format(
                bad=invalid, total=invalid + self.new + self.updated + self.unchanged
            )
        sentence = (
            _(
                "Dry run, nothing written: would import {n} contacts: {new} new, {updated} "
                "updated, {unchanged} unchanged"
            )
            if self.dry_run
            else _("Imported {n} contacts: {new} new, {updated} updated, {unchanged} unchanged")
        )
        text = sentence.format(
            n=self.new + self.updated + self.unchanged,
            new=self.new,
            updated=self.updated,
            unchanged=self.unchanged,
        )
        skipped = _("; {n} invalid rows skipped").format(n=invalid) if self.problems else ""
        return text + skipped + "."


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


class _Accounts:
    """The book's accounts by id, external id (NFKC) and name (folded)."""

    def __init__(self, store: Store) -> None:
        self.ids: set[str] = set()
        self.external: dict[str, str] = {}
        self.names: dict[str, list[str]] = {}
        for account_id, external_id, name in store.query(
            "SELECT id, external_id, name FROM accounts"
        ):
            self.ids.add(account_id)
            if external_id:
                self.external[unicodedata.normalize("NFKC", external_id)] = account_id
            self.names.setdefault(_fold(name), []).append(account_id)

    def find(self, text: str, *, external_only: bool = False) -> str:
        wanted = text.strip()
        if not wanted:
            raise ValueError(_("the account is missing"))
        found = self.external.get(unicodedata.normalize("NFKC", wanted))
        if found or external_only:
            if not found:
                raise ValueError(_("no account has the external id {id}").format(id=wanted))
            return found
        if wanted in self.ids:
            return wanted
        named = self.names.get(_fold(wanted), [])
        if len(named) == 1:
            return named[0]
        if named:
            raise ValueError(_("{n} accounts are named {name}").format(n=len(named), name=wanted))
        raise ValueError(_("no account has the id, external id or name {name}").format(name=wanted))


def _read_row(cells: list[str], columns: dict[str, int], accounts: _Accounts) -> dict[str, Any]:
    def cell(name: str) -> str:
        index = columns.get(name)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    if "account_external_id" in columns and cell("account_external_id"):
        account_id = accounts.find(cell("account_external_id"), external_only=True)
    else:
        account_id = accounts.find(cell("account"))
    name = cell("name") or " ".join(
        part for part in (cell("first_name"), cell("last_name")) if part
    )
    if not name:
        raise ValueError(_("the name is missing"))
    roles = set()
    for part in cell("role").replace(",", ";").split(";"):
        if part.strip():
            role = _ROLES.get(_fold(part))
            if role is None:
                raise ValueError(
                    _("role {role} is not champion, decision_maker or key").format(
                        role=part.strip()
                    )
                )
            roles.add(role)
    values = {
        "account_id": account_id,
        "name": name,
        "email": cell("email").lower() or None,
        "role": cell("title"),
        "phone": cell("phone"),
        "is_champion": "champion" in roles,
        "is_decision_maker": "decision_maker" in roles,
        "is_key": "key" in roles,
    }
    try:
        Contact.model_validate(values)
    except PydanticError as exc:
        fields = ", ".join(sorted({str(error["loc"][0]) for error in exc.errors() if error["loc"]}))
        raise ValueError(_("{fields} is not valid").format(fields=fields)) from None
    return values


def parse_contacts(
    store: Store, path: Path, *, encoding: str | None = None, large: bool = False
) -> tuple[list[tuple[int, dict[str, Any]]], list[RowProblem], list[str]]:
    """(line, values) of the valid rows, the problems, and the columns not read."""
    accounts = _Accounts(store)
    with open_csv(path, large=large, encoding=encoding) as (reader, offset):
        lines = rows(path, reader, offset)
        _line, header = next(lines, (0, None))
        if header is None:
            raise ValidationError(_("{path} is empty.").format(path=source_name(path)))
        columns: dict[str, int] = {}
        unknown: list[str] = []
        for index, raw in enumerate(header):
            key = _FIELD.get(normalize_header(raw))
            if key is None:
                if raw.strip():
                    unknown.append(raw.strip())
            else:
                columns.setdefault(key, index)
        if not {"account", "account_external_id"} & set(columns) or not {
            "name",
            "first_name",
            "last_name",
        } & set(columns):
            raise ValidationError(
                _(
                    "{path} needs an account column (account or account_external_id) and a name "
                    "column (name, or first and last name)."
                ).format(path=source_name(path))
            )
        good: list[tuple[int, dict[str, Any]]] = []
        problems: list[RowProblem] = []
        seen: dict[tuple[str, str], int] = {}
        for line, cells in lines:
            if not any(cell.strip() for cell in cells):
                continue
            try:
                values = _read_row(cells, columns, accounts)
            except ValueError as exc:
                problems.append(RowProblem(line, str(exc)))
                continue
            same = (values["account_id"], values["email"] or "name:" + values["name"])
            if same in seen:
                problems.append(
                    RowProblem(line, _("the same contact as line {n}").format(n=seen[same]))
                )
                continue
            seen[same] = line
            good.append((line, values))
    return good, problems, unknown


def import_contacts(
    store: Store,
    path: Path | str,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    encoding: str | None = None,
    large: bool = False,
) -> ContactsSummary:
    good, problems, unknown = parse_contacts(store, Path(path), encoding=encoding, large=large)
    summary = ContactsSummary(problems=problems, dry_run=dry_run, unknown_columns=unknown)
    if problems and (not skip_invalid or not good):
        summary.blocked = True
        summary.unchanged = len(good)  # counted as valid rows in the sentence
        return summary
    existing: dict[tuple[str, str], Contact] = {}
    for row in store.query(
        "SELECT id, account_id, name, role, email, is_champion, is_decision_maker, phone, is_key "
        "FROM contacts"
    ):
        contact = Contact.model_validate(dict(row))
        existing[(contact.account_id, contact.email or "name:" + contact.name)] = contact
    plan: list[tuple[Contact | None, Contact]] = []
    for _line, values in good:
        current = existing.get((values["account_id"], values["email"] or "name:" + values["name"]))
        if current is None:
            plan.append((None, Contact.model_validate(values)))
            summary.new += 1
            continue
        updated = current.model_copy(update=values)
        if updated == current:
            summary.unchanged += 1
        else:
            plan.append((current, updated))
            summary.updated += 1
    if dry_run or not plan:
        return summary
    from csm_tui.services.contacts import _take_champion

    with store.transaction() as tx:
        for current, contact in plan:
            if contact.is_champion and not (current and current.is_champion):
                _take_champion(tx, contact)
            if current is None:
                add_contact(tx, contact)
            else:
                before, after = current.model_dump(), contact.model_dump()
                tx.update(
                    "contacts", current.id, {k: v for k, v in after.items() if before[k] != v}
                )
    return summary
