"""Health over time: month-over-month and year-over-year per account and segment against
hand-computed values, component weights from config.toml, and what moved a score."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from csm_tui.clock import FixedClock
from csm_tui.models.account import Account
from csm_tui.models.health import HealthSnapshot
from csm_tui.services.accounts import create_account
from csm_tui.services.health import (
    DEFAULT_WEIGHTS,
    HealthWeights,
    component_changes,
    driver,
    health_report,
    weights_from_config,
)
from csm_tui.store.connection import Store
from csm_tui.store.health import health_rows, month_starts, monthly_scores

# today is 2026-11-27: a month ago is 2026-10-28, a year ago 2025-11-27, and a history that
# starts by 2025-12-28 (31 days later) still gives a year-ago score
SNAPSHOTS: dict[str, list[tuple[str, int, dict[str, int]]]] = {
    "A": [
        ("2025-11-20", 60, {"usage": 60, "support": 90}),
        ("2025-12-01", 62, {}),
        ("2026-10-20", 80, {"usage": 80, "support": 90}),
        ("2026-10-29", 75, {}),
        ("2026-11-27", 70, {"usage": 60, "support": 95, "outcomes": 70}),
    ],
    "B": [("2025-12-10", 40, {}), ("2026-10-28", 58, {}), ("2026-11-20", 50, {})],
    "C": [("2026-01-05", 30, {"usage": 30}), ("2026-11-02", 33, {"usage": 40})],
    "E": [("2026-11-01", 85, {})],
}
SCORES = {"A": 70, "B": 50, "C": 33, "D": None, "E": 90}
SEGMENTS = {"A": "Enterprise", "B": "Enterprise", "C": "Enterprise", "D": "SMB", "E": "SMB"}


@pytest.fixture
def book(store: Store) -> Store:
    for name, score in SCORES.items():
        create_account(
            store,
            Account(id=name, name=f"Account {name}", segment=SEGMENTS[name], health_score=score),
        )
    with store.transaction() as tx:
        for name, snapshots in SNAPSHOTS.items():
            for day, score, components in snapshots:
                tx.insert(
                    "health_snapshots",
                    {
                        "id": f"{name}{day}",
                        "account_id": name,
                        "date": day,
                        "score": score,
                        "components": components,
                    },
                )
    return store


def test_month_and_year_over_year_per_account(book: Store) -> None:
    rows = {row.id: row for row in health_rows(book, date(2026, 11, 27))}
    # A: 70 now; 80 on 2026-10-20 (latest on or before 10-28); 60 on 2025-11-20
    assert (rows["A"].month_ago, rows["A"].mom, rows["A"].year_ago, rows["A"].yoy) == (
        80,
        -10,
        60,
        10,
    )
    # B: the month boundary is included (10-28); history starts 2025-12-10, within the slack
    assert (rows["B"].month_ago, rows["B"].mom, rows["B"].year_ago, rows["B"].yoy) == (
        58,
        -8,
        40,
        10,
    )
    # C: history starts 2026-01-05, too late for a year-ago score
    assert (rows["C"].month_ago, rows["C"].mom, rows["C"].year_ago, rows["C"].yoy) == (
        30,
        3,
        None,
        None,
    )
    assert (rows["D"].score, rows["D"].mom, rows["D"].yoy) == (None, None, None)
    # E: its only snapshot is newer than a month
    assert (rows["E"].month_ago, rows["E"].mom, rows["E"].yoy) == (None, None, None)


def test_segment_averages(book: Store) -> None:
    rows = {row.id: row for row in health_rows(book, date(2026, 11, 27))}
    enterprise, smb = rows["A"], rows["D"]
    # (70 + 50 + 33) / 3; (-10 - 8 + 3) / 3; (10 + 10) / 2 (C has no year-ago score)
    assert enterprise.segment_accounts == 3
    assert enterprise.segment_score == pytest.approx(51.0)
    assert enterprise.segment_mom == pytest.approx(-5.0)
    assert enterprise.segment_yoy == pytest.approx(10.0)
    assert (smb.segment_accounts, smb.segment_score, smb.segment_mom, smb.segment_yoy) == (
        2,
        90.0,
        None,
        None,
    )


def test_monthly_trends_take_each_months_last_snapshot(book: Store) -> None:
    today = date(2026, 11, 27)
    assert month_starts(today, 3) == [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]
    assert month_starts(date(2026, 2, 10), 3) == [
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    trends = monthly_scores(book, today, 13)
    assert trends["A"] == [60, 62, *[None] * 9, 75, 70]
    assert trends["C"] == [None, None, 30, *[None] * 9, 33]
    assert "D" not in trends


def test_the_report(book: Store) -> None:
    report = health_report(book, FixedClock(book.clock.now()), HealthWeights())
    assert [s.segment for s in report.segments] == ["SMB", "Enterprise"]  # by average score
    enterprise = report.segments[1]
    assert (enterprise.accounts, enterprise.mom, enterprise.yoy) == (3, -5.0, 10.0)
    assert enterprise.trend[-2] == pytest.approx((75 + 58) / 2)  # October: A 75, B 58
    assert [m.row.id for m in report.drops] == ["A", "B"]
    assert [m.row.id for m in report.rises] == ["C"]
    a = report.drops[0].driver
    assert a is not None and (a.name, a.change) == ("usage", -20)
    assert report.drops[1].driver is None  # B has no components
    c = report.rises[0].driver
    assert c is not None and (c.name, c.change) == ("usage", 10)
    assert len(report.months) == 12 and report.months[0] == date(2025, 12, 1)


# -- weights and components --------------------------------------------------------------------


def _snapshot(day: str, components: dict[str, int]) -> HealthSnapshot:
    return HealthSnapshot(
        account_id="A", date=date.fromisoformat(day), score=50, components=components
    )


def test_component_changes_against_a_month_ago() -> None:
    history = [
        _snapshot("2026-10-01", {"usage": 80, "support": 90, "legacy": 10}),
        _snapshot("2026-10-28", {"usage": 70, "support": 90}),
        _snapshot("2026-11-27", {"support": 95, "usage": 60, "outcomes": 70, "nps": 40}),
    ]
    changes = component_changes(history, date(2026, 11, 27), HealthWeights())
    assert [(c.name, c.value, c.change) for c in changes] == [
        ("usage", 60, -10),
        ("outcomes", 70, None),  # not measured a month ago
        ("support", 95, 5),
        ("nps", 40, None),  # a component of the user's own, after the known ones
    ]
    assert [round(c.share, 2) for c in changes] == [0.3, 0.15, 0.1, 0.0]
    assert changes[0].effect == pytest.approx(-3.0)
    assert driver(changes, -1) is changes[0]
    assert driver(changes, 1) is changes[2]
    assert component_changes([], date(2026, 11, 27), HealthWeights()) == []
    only = component_changes(history[-1:], date(2026, 11, 27), HealthWeights())
    assert all(c.change is None for c in only)


def test_weighted_score() -> None:
    weights = HealthWeights()
    # (30 * 60 + 10 * 95) / (30 + 10) = 68.75
    assert weights.score({"usage": 60, "support": 95}) == 69
    assert weights.score({"nps": 40}) is None  # nothing weighted
    assert weights.score({}) is None
    assert sum(DEFAULT_WEIGHTS.values()) == 100


def test_weights_from_config() -> None:
    custom = weights_from_config(
        tomllib.loads("[health]\nweights = { usage = 2, nps = 1, support = 0 }")
    )
    assert not custom.warnings
    assert custom.weights == {"usage": 2.0, "nps": 1.0, "support": 0.0}
    assert custom.share("usage") == pytest.approx(2 / 3)
    assert custom.score({"usage": 90, "nps": 60, "support": 0}) == 80
    assert weights_from_config({}).weights == DEFAULT_WEIGHTS
    assert weights_from_config(tomllib.loads("[health]")).weights == DEFAULT_WEIGHTS


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("health = 1", "it must be a table"),
        ("[health]\nweight = 1", "unknown key weight"),
        ("[health]\nweights = 3", "weights must be a table"),
        ("[health]\nweights = {}", "weights must be a table"),
        ("[health]\nweights = { Usage = 3 }", "Usage is not a component name"),
        ("[health]\nweights = { usage = -1 }", "the weight of usage must be a number of 0 or more"),
        ("[health]\nweights = { usage = 'high' }", "the weight of usage must be a number"),
        ("[health]\nweights = { usage = true }", "the weight of usage must be a number"),
        ("[health]\nweights = { usage = 0 }", "at least one weight must be above 0"),
    ],
)
def test_bad_weights_warn_and_use_the_defaults(toml: str, problem: str) -> None:
    weights = weights_from_config(tomllib.loads(toml))
    assert weights.weights == DEFAULT_WEIGHTS
    assert len(weights.warnings) == 1 and problem in weights.warnings[0]
    assert weights.warnings[0].startswith("[health] in the settings is not used (")
    assert weights.warnings[0].endswith("; using the default weights.")
