"""Exporting the activity log (CSV or JSON) for a period: the raw material of effort analysis."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

from csm_tui.errors import ValidationError
from csm_tui.services.export import defuse
from csm_tui.store.connection import Store

COLUMNS = (
    "id",
    "occurred_at",
    "account_id",
    "account_external_id",
    "account_name",
    "type",
    "minutes",
    "proactive",
    "recurring",
    "outcome",
    "note",
    "author_email",
    # issue 16: who it was for (account, segment, accounts, none), the segment, the accounts
    "audience",
    "audience_segment",
    "audience_accounts",
    "skills",
    "participants",
)
_TEXT = frozenset(
    {"account_name", "account_external_id", "note", "author_email", "audience_segment", "skills"}
)
LISTS = frozenset({"audience_accounts", "skills", "participants"})
"""Columns holding a list: JSON lists in JSON, joined with `;` in CSV."""


def _bound(day: date | None) -> str | None:
    """Midnight UTC of `day` as stored text, or None for an open end."""
    return None if day is None else datetime.combine(day, time(0), tzinfo=UTC).isoformat()


def activity_records(
    store: Store, since: date | None, until: date | None
) -> Iterator[dict[str, Any]]:
    """Activities from `since` (inclusive) to `until` (inclusive), oldest first, in UTC days."""
    if since and until and until < since:
        raise ValidationError("The period ends before it starts.")
    end = None if until is None else date.fromordinal(until.toordinal() + 1)
    rows = store.query(
        "SELECT x.id, x.occurred_at, x.account_id, a.external_id, a.name, x.type, x.minutes, "
        "x.proactive, x.recurring, x.outcome, x.note, x.author_email, "
        "x.audience, x.audience_segment, x.audience_accounts, x.skills, x.participants "
        # work for many customers has no account (issue 16): exported too
        "FROM activities AS x LEFT JOIN accounts AS a ON a.id = x.account_id "
        "WHERE (? IS NULL OR x.occurred_at >= ?) AND (? IS NULL OR x.occurred_at < ?) "
        "ORDER BY x.occurred_at, x.id",
        (_bound(since), _bound(since), _bound(end), _bound(end)),
    )
    for row in rows:
        record = dict(zip(COLUMNS, row, strict=True))
        record["proactive"] = bool(record["proactive"])
        record["recurring"] = bool(record["recurring"])
        for column in LISTS:
            record[column] = json.loads(record[column])
        yield record


def render_activities_csv(
    records: Iterator[dict[str, Any]], *, excel: bool = False, raw: bool = False
) -> str:
    """CSV, formula-like text cells (a note from a colleague) defused unless `raw`; `excel` adds a
    BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for record in records:
        cells = []
        for column in COLUMNS:
            value = record[column]
            if column in LISTS:
                value = ";".join(value)
            text = (
                ""
                if value is None
                else str(value).lower()
                if isinstance(value, bool)
                else str(value)
            )
            cells.append(text if raw or column not in _TEXT else defuse(text))
        writer.writerow(cells)
    return ("\ufeff" if excel else "") + buffer.getvalue()


def render_activities_json(records: Iterator[dict[str, Any]]) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"
