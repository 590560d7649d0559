"""`csm-tui import metrics FILE.csv`: usage per account and day or ISO week, all or nothing.

Columns (header names ignore case, spaces, `_` and `-`; Japanese names work too):

- the account, by one of: `account` (its csm-tui id, external id or exact name), `external_id`,
  `name`. A row is matched by the first of these columns (in that order) that is not blank;
- `period_start` (or `week`, `date`, `day`): `2026-11-23`, `2026/11/23`, `2026年11月23日`, or an
  ISO week `2026-W48`. A week starts on a Monday: another day is an error, not a guess (a week
  from Sunday would otherwise land in the wrong week). Dates after today are refused;
- `period`: `week` (the default when the column is missing or blank) or `day` (also 週, 日);
- one or more of `logins`, `active_users`, `key_feature_uses`, `inquiries`, `new_users`: whole
  numbers from 0 (`1,234` is fine). A blank cell means "not reported" and keeps what is stored;
- and/or the communication signals (surveys, NPS, CSAT, feedback, events): see
  services/signals_import.py.

Every row is checked before anything is written, in one journaled transaction; any problem, and
nothing is imported. A row for an (account, period, start) already stored updates it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from csm_tui.errors import ValidationError
from csm_tui.i18n import _, ngettext
from csm_tui.models._base import new_id
from csm_tui.models.metrics import MEASURES, USAGE
from csm_tui.services.csv_columns import normalize_header
from csm_tui.services.csv_import import RowProblem, open_csv
from csm_tui.services.metrics_rows import ACCOUNT_COLUMNS, MetricRow, check_row
from csm_tui.services.signals_import import ALIASES as SIGNAL_ALIASES
from csm_tui.services.signals_import import READ as SIGNAL_COLUMNS
from csm_tui.services.signals_import import with_stored
from csm_tui.store.connection import Store
from csm_tui.store.journal import insert_many
from csm_tui.store.metrics import AccountKeys, account_keys, stored_rows

ALIASES: dict[str, tuple[str, ...]] = {
    "account": ("account", "account_id", "アカウント", "顧客"),
    "external_id": ("external_id", "record id", "crm id", "外部ID"),
    "name": ("name", "account name", "company", "company name", "会社名", "取引先名", "顧客名"),
    "period": ("period", "granularity", "期間"),
    "period_start": (
        "period_start",
        "week",
        "week_start",
        "date",
        "day",
        "週",
        "週の開始日",
        "日付",
        "開始日",
    ),
    "logins": ("logins", "login count", "logins count", "ログイン数"),
    "active_users": ("active_users", "active user count", "アクティブユーザー数"),
    "key_feature_uses": (
        "key_feature_uses",
        "key feature use",
        "feature uses",
        "主要機能利用数",
        "主要機能の利用回数",
    ),
    "inquiries": ("inquiries", "inquiry count", "tickets", "support tickets", "問い合わせ数"),
    "new_users": ("new_users", "new user count", "新規ユーザー数"),
    **SIGNAL_ALIASES,
}
_FIELD = {normalize_header(alias): name for name, aliases in ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class MetricsFile:
    rows: list[MetricRow]
    problems: list[RowProblem]
    unknown_columns: list[str]


@dataclass(frozen=True)
class MetricsSummary:
    """What an import did (or, for a dry run or a blocked file, would have done)."""

    new: int
    updated: int
    unchanged: int
    accounts: int
    first: date | None
    last: date | None
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def blocked(self) -> bool:
        return bool(self.problems)

    @property
    def written(self) -> bool:
        return not self.blocked and not self.dry_run and bool(self.new or self.updated)

    def describe(self) -> str:
        if self.blocked:
            lines = len({problem.line for problem in self.problems})
            total = self.new + self.updated + self.unchanged + lines
            if self.dry_run:
                text = ngettext(
                    "Nothing would be imported: {n} of {total} rows is invalid.",
                    "Nothing would be imported: {n} of {total} rows are invalid.",
                    lines,
                )
            else:
                text = ngettext(
                    "Nothing was imported: {n} of {total} rows is invalid.",
                    "Nothing was imported: {n} of {total} rows are invalid.",
                    lines,
                )
            return text.format(n=lines, total=total)
        rows = self.new + self.updated + self.unchanged
        if not rows:
            return _("The file has no rows of metrics; nothing to import.")
        if self.dry_run:
            counts = ngettext(
                "Dry run, nothing written: would import {n} metric row for {accounts}: {new} "
                "new, {updated} updated, {unchanged} unchanged",
                "Dry run, nothing written: would import {n} metric rows for {accounts}: {new} "
                "new, {updated} updated, {unchanged} unchanged",
                rows,
            )
        else:
            counts = ngettext(
                "Imported {n} metric row for {accounts}: {new} new, {updated} updated, "
                "{unchanged} unchanged",
                "Imported {n} metric rows for {accounts}: {new} new, {updated} updated, "
                "{unchanged} unchanged",
                rows,
            )
        text = counts.format(
            n=rows,
            accounts=ngettext("{n} account", "{n} accounts", self.accounts).format(n=self.accounts),
            new=self.new,
            updated=self.updated,
            unchanged=self.unchanged,
        )
        if self.first and self.last:
            text += _(", {first} to {last}").format(first=self.first, last=self.last)
        return _("{summary}.").format(summary=text)  # the sentence's end, 。 in Japanese


# -- reading ---------------------------------------------------------------------------------------


def parse_metrics_csv(path: Path | str, *, large: bool = False) -> MetricsFile:
    """Read and check every row without touching a database; the file is read row by row, and
    one beyond `csv_import.MAX_BYTES` is refused unless `large`."""
    path = Path(path)

    def detect(first: str) -> str:
        return max((",", ";", "\t"), key=lambda d: len(_header(first.split(d))[0]))

    # strict: an unclosed quote is an error, not a cell that swallows the rest of the file
    with open_csv(path, large=large, detect=detect) as (reader, offset):
        try:
            return _parse(path, reader, offset)
        except csv.Error as exc:
            raise ValidationError(
                _("{path} is not valid CSV near line {line}: {error}.").format(
                    path=path, line=reader.line_num + offset, error=exc
                )
            ) from None


def _header(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    """field → column index (the first column of a field wins), and the unknown headers."""
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw in enumerate(cells):
        key = normalize_header(raw)
        if not key:
            continue
        name = _FIELD.get(key)
        if name is None:
            unknown.append(raw.strip())
        else:
            columns.setdefault(name, index)
    return columns, unknown


def _parse(path: Path, reader: Any, offset: int) -> MetricsFile:
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise ValidationError(
            _(
                "{path} is empty; it needs a header line like account,week,logins,active_users."
            ).format(path=path)
        )
    columns, unknown = _header(header)
    if not any(name in columns for name in ACCOUNT_COLUMNS):
        raise ValidationError(
            _(
                "{path} has no account column; name the account in a column called account "
                "(id, external id or name), external_id or name."
            ).format(path=path)
        )
    if "period_start" not in columns:
        raise ValidationError(
            _(
                "{path} has no period_start column (or week, date); it says which week or day "
                "each row is for."
            ).format(path=path)
        )
    if not any(name in columns for name in (*USAGE, *SIGNAL_COLUMNS)):
        raise ValidationError(
            _("{path} has no metrics; add at least one of the columns {columns}.").format(
                path=path, columns=", ".join(MEASURES)
            )
        )
    rows: list[MetricRow] = []
    problems: list[RowProblem] = []
    previous = reader.line_num
    for cells in reader:
        line, previous = previous + 1 + offset, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        row, errors = check_row(line, cells, columns, len(header))
        problems.extend(RowProblem(line, error) for error in errors)
        if row is not None:
            rows.append(row)
    return MetricsFile(rows, problems, unknown)


# -- importing -------------------------------------------------------------------------------------


def _resolve(keys: AccountKeys, column: str, text: str) -> tuple[str | None, str | None]:
    """(account id, None) or (None, why not)."""
    if column == "external_id":
        found = keys.by_external_id.get(text)
        why = _('no account has the external_id "{value}"').format(value=text)
        return (found, None) if found else (None, why)
    if column == "account":
        if text in keys.ids:
            return text, None
        if text in keys.by_external_id:
            return keys.by_external_id[text], None
    named = keys.by_name.get(text, [])
    if len(named) == 1:
        return named[0], None
    if named:
        return None, _('{n} accounts are named "{value}"; use the external_id instead').format(
            n=len(named), value=text
        )
    if column == "account":
        return None, _('no account has the id, external_id or name "{value}"').format(value=text)
    return None, _('no account has the name "{value}"').format(value=text)


def import_metrics(store: Store, parsed: MetricsFile, *, dry_run: bool = False) -> MetricsSummary:
    """Match the rows to accounts and stored rows, then write them all at once (or nothing)."""
    keys = account_keys(store)
    today = store.clock.today()
    problems = list(parsed.problems)
    ready: list[tuple[MetricRow, str]] = []
    seen: dict[tuple[str, str, date], int] = {}
    for row in parsed.rows:
        account_id, why = _resolve(keys, *row.account)
        if account_id is None:
            problems.append(RowProblem(row.line, why or _("unknown account")))
            continue
        if row.start > today:
            future = _("period_start {day} is in the future").format(day=row.start)
            problems.append(RowProblem(row.line, future))
            continue
        key = (account_id, row.period.value, row.start)
        if key in seen:
            same = (
                _("the same account and week as line {line} ({day})")
                if row.period.value == "week"
                else _("the same account and day as line {line} ({day})")
            )
            problems.append(RowProblem(row.line, same.format(line=seen[key], day=row.start)))
            continue
        seen[key] = row.line
        ready.append((row, account_id))
    new, changed, unchanged = _plan(store, ready, problems)
    starts = [row.start for row, _account in ready]
    summary = MetricsSummary(
        new=len(new),
        updated=len(changed),
        unchanged=unchanged,
        accounts=len({account_id for _row, account_id in ready}),
        first=min(starts, default=None),
        last=max(starts, default=None),
        problems=sorted(problems, key=lambda problem: problem.line),
        dry_run=dry_run,
    )
    if summary.written:
        with store.transaction() as tx:
            insert_many(tx, "usage_metrics", [{**fresh, "created_at": tx.now} for fresh in new])
            for row_id, changes in changed:
                tx.update("usage_metrics", row_id, changes)
    return summary


def _plan(
    store: Store, ready: list[tuple[MetricRow, str]], problems: list[RowProblem]
) -> tuple[list[dict[str, Any]], list[tuple[str, dict[str, int]]], int]:
    """New rows (complete dicts), changes to stored rows (only the differing measures), and how
    many rows change nothing; a change that would contradict a stored count goes to `problems`."""
    stored: dict[str, dict[tuple[str, str], dict[str, Any]]] = {}
    for period in {row.period.value for row, _account in ready}:
        starts = {row.start.isoformat() for row, _account in ready if row.period.value == period}
        stored[period] = stored_rows(store, period, starts)
    new: list[dict[str, Any]] = []
    changed: list[tuple[str, dict[str, int]]] = []
    unchanged = 0
    for row, account_id in ready:
        current = stored[row.period.value].get((account_id, row.start.isoformat()))
        if current is None:
            new.append(
                {
                    "id": new_id(),
                    "account_id": account_id,
                    "period": row.period.value,
                    "period_start": row.start.isoformat(),
                    **{name: row.values.get(name) for name in MEASURES},
                    "created_at": "",
                }
            )
            continue
        contradiction = with_stored(row.values, current)
        if contradiction:
            problems.append(RowProblem(row.line, contradiction))
            continue
        diff = {name: value for name, value in row.values.items() if current[name] != value}
        if diff:
            changed.append((current["id"], diff))
        else:
            unchanged += 1
    return new, changed, unchanged
