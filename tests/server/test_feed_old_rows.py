"""Rows a server stored before a column was added reach devices with the column's default.

A contact stored before `phone` and `is_key` existed (and an account before `archived_on`) must
not break a device's download: both ways of reading the feed (SQLite's json_extract and
PostgreSQL's rows rearranged in Python) fill in `ADDED_LATER`.
"""

from __future__ import annotations

from server_kit import ALICE, T0, Team, account_row, new_id, owner_row

from csm_tui.server.changes import write_record
from csm_tui.server.db import writing
from csm_tui.sync.http import checked_page
from csm_tui.sync.rows import ADDED_LATER, ROW_MODELS


def test_the_defaults_of_added_columns_are_the_models_own() -> None:
    for table, defaults in ADDED_LATER.items():
        fields = ROW_MODELS[table].model_fields
        for name, value in defaults.items():
            assert fields[name].default == value, (table, name)


def test_rows_stored_before_a_column_existed_reach_a_device_with_its_default(
    team: Team,
) -> None:
    old_account = account_row("Old Account Inc.")
    del old_account["archived_on"]
    old_contact = {
        "id": new_id(),
        "account_id": old_account["id"],
        "name": "山田 花子",
        "role": "",
        "email": "hanako@old.example",
        "is_champion": 1,
        "is_decision_maker": 0,
        "created_at": T0,
    }  # no phone, no is_key: as stored before they existed
    with writing(team.engine) as conn:
        write_record(conn, "accounts", old_account, user_id=None, current=None)
        write_record(
            conn,
            "owners",
            owner_row(old_account["id"], ALICE, "primary"),
            user_id=None,
            current=None,
        )
        write_record(conn, "contacts", old_contact, user_id=None, current=None)
    response = team.alice.get("/v1/sync/rows", cursor=0, limit=5000)
    assert response.status_code == 200, response.text
    page = checked_page(response.content)  # as the device checks it: nothing refused
    found = {
        table: [dict(zip(columns, row, strict=True)) for row in rows]
        for table, columns, rows in page.tables
    }
    [contact] = [row for row in found["contacts"] if row["id"] == old_contact["id"]]
    assert (contact["phone"], contact["is_key"], contact["is_champion"]) == ("", 0, 1)
    [account] = [row for row in found["accounts"] if row["id"] == old_account["id"]]
    assert account["archived_on"] is None and account["name"] == "Old Account Inc."
