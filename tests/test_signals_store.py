"""Communication signals (issue 16) as stored and synced: columns of usage_metrics, the app's
model and the wire row agreeing on every bound, a row stored before the columns arriving whole."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from csm_tui.models.limits import MAX_COUNT, NPS_HIGH, NPS_LOW
from csm_tui.models.metrics import SIGNALS, UsageMetric
from csm_tui.store.connection import Store
from csm_tui.sync.rows import ADDED_LATER, ROW_MODELS, wire_tuples

T = "2026-11-23T09:00:00+00:00"
BASE: dict[str, Any] = {
    "id": "m1",
    "account_id": "a1",
    "period": "week",
    "period_start": "2026-11-23",
}


def _both(**values: Any) -> tuple[bool, bool]:
    """(the model takes it, the wire row takes it)."""
    results = []
    for check in (
        lambda: UsageMetric.model_validate({**BASE, **values}),
        lambda: ROW_MODELS["usage_metrics"].model_validate({**BASE, "created_at": T, **values}),
    ):
        try:
            check()
            results.append(True)
        except ValidationError:
            results.append(False)
    return results[0], results[1]


def test_the_columns_are_in_the_book_and_null_by_default(store: Store) -> None:
    columns = {row[1]: row for row in store.query("PRAGMA table_info(usage_metrics)")}
    for name in SIGNALS:
        assert name in columns
        assert columns[name][2] == "INTEGER" and columns[name][4] is None  # no default: unknown


@pytest.mark.parametrize(
    ("values", "ok"),
    [
        ({"nps": NPS_HIGH, "csat": 100}, True),
        ({"nps": NPS_LOW, "csat": 0}, True),
        ({"nps": NPS_HIGH + 1}, False),
        ({"nps": NPS_LOW - 1}, False),
        ({"csat": 101}, False),
        ({"csat": -1}, False),
        ({"surveys_sent": MAX_COUNT, "feedback_items": MAX_COUNT}, True),
        ({"surveys_sent": MAX_COUNT + 1}, False),
        ({"feedback_items": -1}, False),
        ({"surveys_sent": 10, "surveys_answered": 10}, True),
        ({"surveys_sent": 10, "surveys_answered": 11}, False),
        ({"surveys_answered": 11}, True),  # the sent count not reported: nothing to contradict
        ({"events_invited": 5, "events_attended": 6}, False),
        ({"events_invited": 5, "events_attended": 0}, True),
    ],
)
def test_the_model_and_the_wire_row_take_and_refuse_the_same(
    values: dict[str, Any], ok: bool
) -> None:
    assert _both(**values) == (ok, ok)


def test_a_row_stored_before_the_columns_is_sent_with_them_unknown() -> None:
    defaults = ADDED_LATER["usage_metrics"]
    assert set(defaults) == set(SIGNALS)
    model = ROW_MODELS["usage_metrics"]
    for name, value in defaults.items():
        assert model.model_fields[name].default == value is None
    old = {**BASE, "created_at": T, "logins": 3}
    row = model.model_validate({**old, **defaults})
    assert row.model_dump()["nps"] is None
    columns = tuple(model.model_fields)
    wire_tuples("usage_metrics", columns).validate_python(
        [tuple({**old, **defaults}.get(name) for name in columns)]
    )


def test_a_row_with_signals_is_journaled_and_its_wire_row_is_valid(store: Store) -> None:
    from csm_tui.models.account import Account
    from csm_tui.services.accounts import create_account
    from csm_tui.store.journal import insert_many

    create_account(store, Account(id="a1", name="Acme"))
    row = {**BASE, **dict.fromkeys(SIGNALS, 3), "nps": -20, "created_at": T}
    with store.transaction() as tx:
        insert_many(tx, "usage_metrics", [row])
    entry = store.query_one(
        "SELECT operation FROM journal WHERE table_name = 'usage_metrics' AND row_id = 'm1'"
    )
    assert entry is not None and entry[0] == "insert"
    stored = dict(store.query_one("SELECT * FROM usage_metrics WHERE id = 'm1'") or {})
    assert ROW_MODELS["usage_metrics"].model_validate(stored).nps == -20  # type: ignore[attr-defined]
