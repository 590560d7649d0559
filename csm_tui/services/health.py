"""Health components and their weights (`[health]` in config.toml), what moved an account's
health, and the Health screen's report: month-over-month and year-over-year change per account
and per segment, monthly trends, the biggest movers.

```toml
[health]
weights = { usage = 30, adoption = 25, relationship = 20, outcomes = 15, support = 10 }
```

Weights are relative (they need not add up to 100). A component's weight says how much one point
of it moves the score, so a change is explained by weight × the component's change.

`answer_rate` and `attendance` are components fed by the communication signals (issue 16,
services/signals.py) when the weights name them: `weights = { usage = 30, answer_rate = 10 }`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from csm_tui.i18n import N_, _
from csm_tui.store.health import HealthRow as HealthRow  # the rows the screen shows

if TYPE_CHECKING:
    from csm_tui.clock import Clock
    from csm_tui.models.health import HealthSnapshot
    from csm_tui.services.signals import AccountSignals
    from csm_tui.store.connection import Store

COMPONENTS = ("usage", "adoption", "relationship", "outcomes", "support")
COMPONENT_LABELS = {
    "usage": N_("usage"),
    "adoption": N_("adoption"),
    "relationship": N_("relationship"),
    "outcomes": N_("outcomes"),
    "support": N_("support"),
    "answer_rate": N_("answer rate"),
    "attendance": N_("attendance"),
}
SIGNAL_COMPONENTS = ("answer_rate", "attendance")
"""Components read from the communication signals (issue 16), not from the health snapshots:
they count only when `[health] weights` names them (`answer_rate = 10, attendance = 5`); their
value is the latest month's rate (0-100) and their change the one on the month before."""
DEFAULT_WEIGHTS = {
    "usage": 30.0,
    "adoption": 25.0,
    "relationship": 20.0,
    "outcomes": 15.0,
    "support": 10.0,
}
TREND_MONTHS = 12  # this month and the eleven before it, as the Overview shows them
MOVERS = 5
MONTH_DAYS = 30
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


def component_label(name: str) -> str:
    """A component's name in the current language (a user's own component as written)."""
    label = COMPONENT_LABELS.get(name)
    return _(label) if label else name


@dataclass(frozen=True)
class HealthWeights:
    """How much each component counts; `warnings` say why the file's [health] was not used."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    warnings: tuple[str, ...] = ()

    def share(self, name: str) -> float:
        """The component's part of the score (0–1); a component without a weight counts 0."""
        total = sum(self.weights.values())
        return self.weights.get(name, 0.0) / total if total else 0.0

    def score(self, components: Mapping[str, int]) -> int | None:
        """The weighted average of the components that are present and weighted."""
        present = {k: v for k, v in components.items() if self.weights.get(k)}
        total = sum(self.weights[k] for k in present)
        if not total:
            return None
        return round(sum(self.weights[k] * v for k, v in present.items()) / total)


def weights_from_config(raw: Mapping[str, Any]) -> HealthWeights:
    """The weights of a loaded config.toml (`Config.raw`); the defaults, with a warning, when
    anything in [health] is wrong."""
    table = raw.get("health")
    if table is None:
        return HealthWeights()
    problem = _weights_problem(table)
    if problem is not None:
        warning = _("[health] in the settings is not used ({problem}); using the default weights.")
        return HealthWeights(warnings=(warning.format(problem=problem),))
    weights = table.get("weights")
    if weights is None:
        return HealthWeights()
    return HealthWeights({name: float(value) for name, value in weights.items()})


def _weights_problem(table: object) -> str | None:
    if not isinstance(table, dict):
        return _("it must be a table")
    unknown = sorted(set(table) - {"weights"})
    if unknown:
        return _("unknown key {key}").format(key=", ".join(unknown))
    weights = table.get("weights")
    if weights is None:
        return None
    if not isinstance(weights, dict) or not weights:
        return _("weights must be a table like {{ usage = 30, support = 10 }}")
    for name, value in weights.items():
        if not _NAME.match(name):
            return _("{name} is not a component name (lower-case letters, digits, _ and -)").format(
                name=name
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            return _("the weight of {name} must be a number of 0 or more").format(name=name)
    if not any(weights.values()):
        return _("at least one weight must be above 0")
    return None


# -- one account: its components and how they moved --------------------------------------------


@dataclass(frozen=True)
class ComponentChange:
    """A component now, its change since about a month ago, and its weight's share."""

    name: str
    value: int
    change: int | None  # None: no value a month ago
    share: float  # 0–1

    @property
    def effect(self) -> float:
        """Points of the score this change accounts for (share × change)."""
        return self.share * (self.change or 0)


def component_changes(
    history: Sequence[HealthSnapshot],
    today: date,
    weights: HealthWeights,
    signals: AccountSignals | None = None,
) -> list[ComponentChange]:
    """The latest snapshot's components, against the latest snapshot on or before 30 days ago
    (the rule of the score's own change); known components first, in their usual order; then
    the communication signals that the weights name (`signal_changes`)."""
    if not history:
        return signal_changes(signals, weights, set())
    latest = history[-1]
    past_day = today - timedelta(days=MONTH_DAYS)
    past = next((s for s in reversed(history) if s.date <= past_day), None)
    before = past.components if past is not None and past is not latest else {}
    order = [name for name in COMPONENTS if name in latest.components]
    order += sorted(name for name in latest.components if name not in COMPONENTS)
    return [
        ComponentChange(
            name,
            latest.components[name],
            latest.components[name] - before[name] if name in before else None,
            weights.share(name),
        )
        for name in order
    ] + signal_changes(signals, weights, set(order))


def signal_changes(
    signals: AccountSignals | None, weights: HealthWeights, given: set[str]
) -> list[ComponentChange]:
    """The answer and attendance rates as components, when weighted and not already among the
    snapshot's components (`given`): a rate in percent, its change on the month before."""
    if signals is None:
        return []
    rates = {"answer_rate": signals.answer, "attendance": signals.attendance}
    changes = []
    for name in SIGNAL_COMPONENTS:
        rate = rates[name]
        if rate is None or name in given or not weights.weights.get(name):
            continue
        change = None if rate.change is None else round(rate.change)
        changes.append(ComponentChange(name, round(rate.value), change, weights.share(name)))
    return changes


def score_with_signals(
    components: Mapping[str, int], signals: AccountSignals | None, weights: HealthWeights
) -> int | None:
    """A score from the snapshot's components and the weighted communication rates."""
    merged = {**(signals.components() if signals else {}), **components}
    return weights.score(merged)


def driver(changes: Sequence[ComponentChange], direction: int) -> ComponentChange | None:
    """The component whose weighted change did most to move the score in `direction` (±1)."""
    moved = [c for c in changes if c.change and c.change * direction > 0]
    return max(moved, key=lambda c: (abs(c.effect), abs(c.change or 0)), default=None)


# -- the Health screen -------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentHealth:
    """A segment's averages: score, month-over-month and year-over-year change; monthly trend."""

    segment: str
    accounts: int
    score: float | None
    mom: float | None
    yoy: float | None
    trend: list[float | None]


@dataclass(frozen=True)
class Mover:
    """An account whose health moved most in the last month, and the component that moved it."""

    row: HealthRow
    driver: ComponentChange | None


@dataclass(frozen=True)
class HealthReport:
    today: date
    months: list[date]  # the first day of each trend month, oldest first
    accounts: list[HealthRow]  # by name
    trends: dict[str, list[int | None]]  # account id → month-end scores
    segments: list[SegmentHealth]  # by average score, highest first
    drops: list[Mover]  # the biggest falls first
    rises: list[Mover]
    signals: dict[str, AccountSignals] = field(default_factory=dict)  # answer/attendance rates


def health_report(store: Store, clock: Clock, weights: HealthWeights) -> HealthReport:
    """Everything the Health screen shows: one query for the scores and segment averages, one
    scan for the monthly trends, two lookups per mover (see store/health.py)."""
    from csm_tui.services.signals import signals_by_account
    from csm_tui.store import health as queries

    today = clock.today()
    signals = signals_by_account(store, today)
    rows = queries.health_rows(store, today)
    trends = queries.monthly_scores(store, today, TREND_MONTHS)
    by_segment = queries.segment_trends(rows, trends, TREND_MONTHS)
    segments: dict[str, SegmentHealth] = {}
    for row in rows:
        if row.segment not in segments:
            segments[row.segment] = SegmentHealth(
                row.segment,
                row.segment_accounts,
                row.segment_score,
                row.segment_mom,
                row.segment_yoy,
                by_segment.get(row.segment, [None] * TREND_MONTHS),
            )
    moved = [row for row in rows if row.mom]
    drops = sorted((r for r in moved if (r.mom or 0) < 0), key=lambda r: (r.mom or 0, r.name))
    rises = sorted((r for r in moved if (r.mom or 0) > 0), key=lambda r: (-(r.mom or 0), r.name))
    return HealthReport(
        today=today,
        months=queries.month_starts(today, TREND_MONTHS),
        accounts=rows,
        trends=trends,
        segments=sorted(segments.values(), key=lambda s: (-(s.score or 0), s.segment)),
        drops=[_mover(store, row, today, weights, -1, signals) for row in drops[:MOVERS]],
        rises=[_mover(store, row, today, weights, 1, signals) for row in rises[:MOVERS]],
        signals=signals,
    )


def _mover(
    store: Store,
    row: HealthRow,
    today: date,
    weights: HealthWeights,
    sign: int,
    signals: Mapping[str, AccountSignals],
) -> Mover:
    from csm_tui.models.health import HealthSnapshot
    from csm_tui.store.health import snapshot_on_or_before

    snapshots = [
        HealthSnapshot(account_id=row.id, date=s.date, score=s.score, components=s.components)
        for s in (
            snapshot_on_or_before(store, row.id, today - timedelta(days=MONTH_DAYS)),
            snapshot_on_or_before(store, row.id, today),
        )
        if s is not None
    ]
    changes = component_changes(snapshots, today, weights, signals.get(row.id))
    return Mover(row, driver(changes, sign))
