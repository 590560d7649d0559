"""Communication rates as health components (issue 16): `[health] weights` may name
`answer_rate` and `attendance`; then they count in an account's components, its score and what
moved it, and otherwise not at all."""

from __future__ import annotations

from datetime import date
from typing import Any

from csm_tui.clock import FixedClock
from csm_tui.models.account import Account
from csm_tui.models.health import HealthSnapshot
from csm_tui.models.metrics import MEASURES
from csm_tui.services.accounts import create_account, record_health
from csm_tui.services.health import (
    component_changes,
    component_label,
    health_report,
    score_with_signals,
    weights_from_config,
)
from csm_tui.services.signals import AccountSignals, Rate
from csm_tui.store.connection import Store
from csm_tui.store.journal import insert_many

TODAY = date(2026, 11, 27)
SIGNALS = AccountSignals(Rate(date(2026, 11, 1), 30.0, -20.0), Rate(date(2026, 11, 1), 70.0, None))
HISTORY = [
    HealthSnapshot(account_id="a1", date=date(2026, 10, 20), score=70, components={"usage": 70}),
    HealthSnapshot(account_id="a1", date=date(2026, 11, 20), score=68, components={"usage": 68}),
]


def test_the_config_names_them_like_any_component() -> None:
    weights = weights_from_config({"health": {"weights": {"usage": 30, "answer_rate": 10}}})
    assert weights.warnings == ()
    assert weights.share("answer_rate") == 0.25
    assert component_label("answer_rate") == "answer rate"


def test_weighted_rates_join_the_components_and_the_score() -> None:
    weights = weights_from_config(
        {"health": {"weights": {"usage": 30, "answer_rate": 10, "attendance": 10}}}
    )
    changes = component_changes(HISTORY, TODAY, weights, SIGNALS)
    assert [(c.name, c.value, c.change, round(c.share, 2)) for c in changes] == [
        ("usage", 68, -2, 0.6),
        ("answer_rate", 30, -20, 0.2),
        ("attendance", 70, None, 0.2),
    ]
    assert score_with_signals({"usage": 68}, SIGNALS, weights) == round((30 * 68 + 300 + 700) / 50)


def test_unweighted_rates_change_nothing() -> None:
    weights = weights_from_config({})  # the defaults name neither
    assert [c.name for c in component_changes(HISTORY, TODAY, weights, SIGNALS)] == ["usage"]
    assert score_with_signals({"usage": 68}, SIGNALS, weights) == 68
    assert component_changes([], TODAY, weights, SIGNALS) == []


def test_a_falling_answer_rate_is_what_moved_an_account(store: Store, clock: FixedClock) -> None:
    create_account(store, Account(id="a1", name="Acme"))
    for snapshot in HISTORY:
        record_health(store, snapshot)
    rows: list[dict[str, Any]] = []
    for number, (week, answered) in enumerate((("2026-10-05", 10), ("2026-11-02", 2))):
        values = {"surveys_sent": 20, "surveys_answered": answered}
        rows.append(
            {
                "id": f"m{number}",
                "account_id": "a1",
                "period": "week",
                "period_start": week,
                **{name: values.get(name) for name in MEASURES},
                "created_at": "2026-11-27T09:00:00+00:00",
            }
        )
    with store.transaction() as tx:
        insert_many(tx, "usage_metrics", rows)
    plain = health_report(store, clock, weights_from_config({}))
    assert plain.drops[0].driver is not None and plain.drops[0].driver.name == "usage"
    weighted = weights_from_config({"health": {"weights": {"usage": 30, "answer_rate": 10}}})
    report = health_report(store, clock, weighted)
    driver = report.drops[0].driver
    assert driver is not None and (driver.name, driver.value, driver.change) == (
        "answer_rate",
        10,
        -40,
    )
