"""Importing accounts from a CRM's CSV export, safely: validate everything, then write at once.

A half-imported file is worse than none (the user cannot tell which rows made it), so rows are
checked first and written in one journaled transaction. Re-importing the same export must not
duplicate accounts: rows match existing accounts by external_id, else by an unambiguous name.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticError
from pydantic_core import ErrorDetails

from csm_tui.i18n import _, ngettext
from csm_tui.models.account import Account
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.services import csv_encoding
from csm_tui.services.accounts import ACCOUNT_FIELDS, account_row, apply_account_changes
from csm_tui.services.csv_files import MAX_BYTES as MAX_BYTES  # re-exported: metrics, tests
from csm_tui.services.csv_files import MAX_ROWS as MAX_ROWS
from csm_tui.services.csv_files import TooLarge as TooLarge
from csm_tui.services.csv_files import choose_encoding, open_binary
from csm_tui.services.csv_files import detect_delimiter as detect_delimiter
from csm_tui.services.csv_files import open_csv as open_csv
from csm_tui.services.csv_parse import AccountRow as AccountRow
from csm_tui.services.csv_parse import ParseResult as ParseResult
from csm_tui.services.csv_parse import RowProblem as RowProblem
from csm_tui.services.csv_parse import nfkc
from csm_tui.services.csv_parse import parse_accounts_csv as parse_accounts_csv
from csm_tui.services.identity import me_identity
from csm_tui.store.accounts import get_account
from csm_tui.store.connection import Store
from csm_tui.store.journal import insert_many


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, for a dry run or a blocked import, would have done)."""

    new: int
    updated: int
    unchanged: int
    problems: list[RowProblem]
    blocked: bool  # invalid rows stopped it (no skip_invalid), or no valid row was left
    dry_run: bool = False
    owner: str | None = None  # e-mail made primary owner of the new accounts

    @property
    def invalid_rows(self) -> int:
        return len({problem.line for problem in self.problems})

    @property
    def imported(self) -> int:
        return self.new + self.updated + self.unchanged

    def describe(self) -> str:
        """The one-line summary shown after an import."""
        if self.blocked:
            total = self.imported + self.invalid_rows
            if self.dry_run:
                text = ngettext(
                    "Nothing would be imported: {n} of {total} rows is invalid.",
                    "Nothing would be imported: {n} of {total} rows are invalid.",
                    self.invalid_rows,
                )
            else:
                text = ngettext(
                    "Nothing was imported: {n} of {total} rows is invalid.",
                    "Nothing was imported: {n} of {total} rows are invalid.",
                    self.invalid_rows,
                )
            return text.format(n=self.invalid_rows, total=total)
        if self.dry_run:
            counts = ngettext(
                "Dry run, nothing written: would import {n} account: {new} new, {updated} "
                "updated, {unchanged} unchanged",
                "Dry run, nothing written: would import {n} accounts: {new} new, {updated} "
                "updated, {unchanged} unchanged",
                self.imported,
            )
        else:
            counts = ngettext(
                "Imported {n} account: {new} new, {updated} updated, {unchanged} unchanged",
                "Imported {n} accounts: {new} new, {updated} updated, {unchanged} unchanged",
                self.imported,
            )
        text = counts.format(
            n=self.imported, new=self.new, updated=self.updated, unchanged=self.unchanged
        )
        if self.problems:
            text += ngettext(
                "; {n} invalid row skipped", "; {n} invalid rows skipped", self.invalid_rows
            ).format(n=self.invalid_rows)
        return _("{summary}.").format(summary=text)  # the sentence's end, 。 in Japanese


# -- reading the file ------------------------------------------------------------------------------


def read_csv_text(path: Path, encoding: str | None = None) -> str:
    """The file as text (for the server's import); every way it can fail becomes one sentence
    the user can act on. The encoding is `encoding`, else the one the file is in (csv_encoding).
    """
    with open_binary(path, large=True) as handle:
        chosen = choose_encoding(handle, path, encoding)
        data = handle.read()
    try:
        return data.decode(chosen)
    except UnicodeDecodeError:
        raise csv_encoding.undecodable(str(path), chosen, None) from None


# -- importing -------------------------------------------------------------------------------------


@dataclass
class _Plan:
    new: list[Account] = field(default_factory=list)
    changed: list[tuple[Account, Account]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True)
class _Index:
    """What matching needs of the book as it was before the import: ids by external_id and by
    name (with each one's external_id), not whole accounts, so it stays small on a big book."""

    by_external_id: dict[str, str]
    by_name: dict[str, list[tuple[str, str | None]]]


def _index(store: Store) -> _Index:
    by_external_id: dict[str, str] = {}
    by_name: dict[str, list[tuple[str, str | None]]] = {}
    rows = store.query(
        "SELECT id, external_id, name FROM accounts ORDER BY name COLLATE NOCASE, id"
    )
    for account_id, external_id, name in rows:
        if external_id:  # full-width and half-width forms are one id
            by_external_id[nfkc(external_id)] = account_id
        by_name.setdefault(name, []).append((account_id, external_id))
    return _Index(by_external_id, by_name)


def _plan(
    store: Store,
    rows: list[AccountRow],
    *,
    index: _Index | None = None,
    claimed: dict[str, int] | None = None,
) -> _Plan:
    """Decide per row: new account, update, unchanged, or a problem (ambiguous match).

    A big file is planned a batch at a time against one `index` of the book before the import,
    with `claimed` (account id → the line that changes it) kept from batch to batch: the
    decisions are then those of one plan over the whole file.
    """
    index = index or _index(store)
    claimed = {} if claimed is None else claimed
    plan = _Plan()
    for row in rows:
        external_id = row.values.get("external_id")
        target_id = index.by_external_id.get(external_id) if external_id else None
        if target_id is None:
            same_name = index.by_name.get(row.values["name"], [])
            if external_id:  # an unlinked account of that name gets linked to the CRM record
                same_name = [known for known in same_name if known[1] is None]
            if len(same_name) == 1:
                target_id = same_name[0][0]
            elif same_name and not external_id:
                plan.problems.append(
                    RowProblem(
                        row.line,
                        f'{len(same_name)} accounts are named "{row.values["name"]}"; '
                        "add an external_id column to say which one this row is",
                    )
                )
                continue
        target = None if target_id is None else get_account(store, target_id)
        if target is not None and target.id in claimed:
            plan.problems.append(
                RowProblem(
                    row.line,
                    _("changes the same account as line {line}").format(line=claimed[target.id]),
                )
            )
            continue
        try:
            updated = Account.model_validate(
                {**(target.model_dump() if target else {}), **row.values}
            )
        except PydanticError as exc:
            plan.problems.extend(RowProblem(row.line, _pydantic_message(e)) for e in exc.errors())
            continue
        if target is None:
            plan.new.append(updated)
            continue
        claimed[target.id] = row.line
        if _same(target, updated):
            plan.unchanged += 1
        else:
            plan.changed.append((target, updated))
    return plan


def _pydantic_message(error: ErrorDetails) -> str:
    location = ".".join(str(part) for part in error["loc"])
    return f"{location}: {error['msg']}" if location else str(error["msg"])


def _same(current: Account, updated: Account) -> bool:
    before, after = current.model_dump(), updated.model_dump()
    return all(before[key] == after[key] for key in ACCOUNT_FIELDS)


def _primary_row(account: Account, email: str, now: str) -> dict[str, Any]:
    """The row `services.accounts.add_owner` writes, for a bulk insert: one `tx.insert` per
    account costs about 0.1 ms each through sqlite-utils, a third of a 5,000-row import."""
    owner = OwnerAssignment(account_id=account.id, user_email=email, role=Role.PRIMARY)
    return {**owner.model_dump(mode="python"), "created_at": now}


def import_accounts(
    store: Store,
    path: Path | str,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    encoding: str | None = None,
    date_order: str = "YMD",
) -> ImportSummary:
    """Parse `path` and import it (see `import_parsed`)."""
    parsed = parse_accounts_csv(
        path, encoding=encoding, date_order=date_order, today=store.clock.now().date()
    )
    return import_parsed(store, parsed, skip_invalid=skip_invalid, dry_run=dry_run)


def import_parsed(
    store: Store, parsed: ParseResult, *, skip_invalid: bool = False, dry_run: bool = False
) -> ImportSummary:
    """Write the valid rows in one journaled transaction, unless any row is invalid and
    `skip_invalid` is off; new accounts get "me" (if known) as primary owner.

    Rows are planned twice, a batch at a time, so that no more than a batch of accounts is held
    at once: first to count and find the problems (nothing is written if the import is
    blocked), then again to write, against the same view of the book before the import.
    """
    index = _index(store)
    claimed: dict[str, int] = {}
    new = updated = unchanged = 0
    problems = list(parsed.problems)
    for start in range(0, len(parsed.rows), _BATCH):
        plan = _plan(store, parsed.rows[start : start + _BATCH], index=index, claimed=claimed)
        new, updated = new + len(plan.new), updated + len(plan.changed)
        unchanged += plan.unchanged
        problems.extend(plan.problems)
    problems.sort(key=lambda problem: problem.line)
    blocked = bool(problems) and (not skip_invalid or new + updated + unchanged == 0)
    me = me_identity(store)
    owner = me[1] if me and new else None
    summary = ImportSummary(
        new=new,
        updated=updated,
        unchanged=unchanged,
        problems=problems,
        blocked=blocked,
        dry_run=dry_run,
    )
    if dry_run or blocked or not (new or updated):
        return summary
    claimed = {}
    with store.transaction() as tx:
        for start in range(0, len(parsed.rows), _BATCH):
            plan = _plan(store, parsed.rows[start : start + _BATCH], index=index, claimed=claimed)
            insert_many(tx, "accounts", [account_row(account, tx.now) for account in plan.new])
            if owner:  # new accounts have no owners yet, so there is no primary to respect
                rows = [_primary_row(account, owner, tx.now) for account in plan.new]
                insert_many(tx, "owners", rows)
            for current, changed in plan.changed:
                apply_account_changes(tx, current, changed)
    return replace(summary, owner=owner)


_BATCH = 2_000
