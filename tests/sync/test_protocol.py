"""The wire rows match the client's tables: same columns, same defaults, every journaled table.

When a migration adds a column to a synced table, this fails until protocol.py knows it too.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from csm_tui.store.connection import Store
from csm_tui.store.journal import JOURNALED_TABLES
from csm_tui.sync.protocol import Mutation, PushRequest
from csm_tui.sync.rows import ROW_MODELS, AccountRow, HandoffRow

LOCAL_ONLY = {"accounts": {"search"}}


def test_every_journaled_table_is_synced() -> None:
    assert set(ROW_MODELS) == set(JOURNALED_TABLES)


@pytest.mark.parametrize("table", sorted(ROW_MODELS))
def test_rows_have_the_tables_columns_and_defaults(store: Store, table: str) -> None:
    columns = {row[1]: row for row in store.query(f'PRAGMA table_info("{table}")')}
    for name in LOCAL_ONLY.get(table, set()):
        columns.pop(name)
    fields = ROW_MODELS[table].model_fields
    assert set(fields) == set(columns)
    for name, info in columns.items():
        field = fields[name]
        not_null, default = bool(info[3]), info[4]
        if default is None and not_null and not info[5]:  # required in SQLite: required here
            assert field.is_required(), name
        if default is not None:
            assert not field.is_required(), name
            expected: Any = default.strip("'") if default.startswith("'") else int(default)
            assert field.default == expected, name


def test_text_is_kept_exactly() -> None:
    row = AccountRow(
        id="a1",
        name="  株式会社サクラ  ",
        tags='["a","b"]',
        created_at="2026-11-27T09:00:00+00:00",
        updated_at="2026-11-27T09:00:00Z",
    ).model_dump()
    assert row["name"] == "  株式会社サクラ  "
    assert row["tags"] == '["a","b"]'
    assert row["updated_at"] == "2026-11-27T09:00:00Z"


@pytest.mark.parametrize(
    "change",
    [
        {"tags": '["' + "x" * 51 + '"]'},
        {"tags": "not json"},
        {"created_at": "yesterday"},
        {"renewal_date": "2026-02-30"},
        {"health_score": 101},
        {"currency": "yen"},
        {"name": ""},
        {"unknown": 1},
    ],
)
def test_bad_rows_are_refused(change: dict[str, Any]) -> None:
    base = {"id": "a1", "name": "Acme", "created_at": "2026-11-27T09:00:00+00:00"}
    with pytest.raises(ValidationError):
        AccountRow.model_validate({**base, "updated_at": base["created_at"], **change})


def test_note_commitments_are_checked() -> None:
    base = {
        "id": "v1",
        "note_id": "n1",
        "version": 1,
        "account_id": "a1",
        "author_email": "aoi@example.com",
        "created_at": "2026-11-27T09:00:00+00:00",
    }
    HandoffRow.model_validate({**base, "commitments": '[{"text": "Call", "due": "2026-12-01"}]'})
    with pytest.raises(ValidationError):
        HandoffRow.model_validate({**base, "commitments": '[{"text": "x", "due": "soon"}]'})


def test_a_push_is_limited_in_size() -> None:
    mutation = {
        "seq": 1,
        "mutation_id": "0" * 32,
        "table": "activities",
        "row_id": "x",
        "op": "delete",
        "payload": {},
    }
    with pytest.raises(ValidationError):
        PushRequest(client_id="0" * 32, mutations=[])
    with pytest.raises(ValidationError):
        PushRequest.model_validate({"client_id": "0" * 32, "mutations": [mutation] * 501})
    with pytest.raises(ValidationError):
        Mutation.model_validate({**mutation, "payload": {f"c{i}": 1 for i in range(65)}})
