"""Rates over time (issue 16): month by month for the last N months, the proactive share of
minutes, the one-to-many share, tasks done on time / late / still open, the share of activities
with each outcome and the minutes per account in each segment, each with its change against the
month before. Something a CSM can bring to a one-to-one.

Months are calendar months in the user's local time; their bounds are turned into UTC for the
activity queries (store/trends.py: the whole UTC days from the per-day rollup and a month-first
index, the hours a local midnight moves from the activities). Every rate is kept as its two
counts (`Point`), so nothing is rounded before it is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from csm_tui.clock import Clock
from csm_tui.i18n import N_
from csm_tui.models.activity import Outcome
from csm_tui.services.effort import local_midnight, local_today
from csm_tui.services.identity import me_identity
from csm_tui.store import trends as queries
from csm_tui.store.connection import Store

MONTHS = 12
MAX_MONTHS = 60
# the outcomes whose share is tracked, in this order (no outcome is the rest)
OUTCOMES = (Outcome.RESOLVED, Outcome.FOLLOW_UP, Outcome.RISK_FOUND, Outcome.EXPANSION)
MANUAL = ""  # the rule id of the tasks made by hand


class Unit(StrEnum):
    SHARE = "share"  # part of whole
    MINUTES = "minutes"  # minutes (part) per account (whole)


@dataclass(frozen=True)
class Point:
    """One month's `part` of `whole`; no rate when the whole is nothing."""

    part: int = 0
    whole: int = 0

    @property
    def rate(self) -> float | None:
        return None if self.whole <= 0 else self.part / self.whole


@dataclass(frozen=True)
class Series:
    """One rate month by month, oldest first. `label` is untranslated (N_) unless `literal`
    (a segment's or a rule's own name)."""

    key: str
    label: str
    unit: Unit
    points: tuple[Point, ...]
    literal: bool = False

    @property
    def rates(self) -> list[float | None]:
        return [point.rate for point in self.points]

    @property
    def last(self) -> float | None:
        return self.points[-1].rate if self.points else None

    @property
    def change(self) -> float | None:
        """The last month against the one before: percentage points for a share (0.05 is five),
        minutes per account otherwise; None when either month has nothing to measure."""
        if len(self.points) < 2:
            return None
        now, before = self.points[-1].rate, self.points[-2].rate
        return None if now is None or before is None else now - before


@dataclass(frozen=True)
class RuleTasks:
    """The tasks of one playbook rule (or by hand), due month by month."""

    rule_id: str
    name: str  # the rule's name in the current language; '' for the tasks made by hand
    on_time: tuple[Point, ...]  # of the tasks due that month
    late: tuple[Point, ...]
    open: tuple[Point, ...]


@dataclass(frozen=True)
class TrendsReport:
    months: tuple[date, ...]  # the first day of each month, oldest first
    mine_only: bool
    activities: tuple[int, ...]  # activities logged each month
    minutes: tuple[int, ...]
    work: tuple[Series, ...]  # proactive share, one-to-many share
    tasks: tuple[Series, ...]  # on time, late, open (all rules)
    outcomes: tuple[Series, ...]  # one per tracked outcome
    segments: tuple[Series, ...]  # minutes per account, one per segment with accounts
    rules: tuple[RuleTasks, ...]  # the tasks by rule, most tasks first

    @property
    def series(self) -> tuple[Series, ...]:
        return self.work + self.tasks + self.outcomes + self.segments

    @property
    def empty(self) -> bool:
        return not any(self.activities) and not any(p.whole for p in self.tasks[0].points)


def month_starts(today: date, months: int) -> list[date]:
    """The first days of the last `months` months up to today's, and of the month after."""
    index = today.year * 12 + today.month - 1
    return [date((index + n) // 12, (index + n) % 12 + 1, 1) for n in range(1 - months, 2)]


def utc_offset(zone: tzinfo | None, when: datetime) -> str:
    """The zone's offset from UTC at `when`, as SQLite's date() takes it: '+09:00'."""
    delta = when.astimezone(zone).utcoffset() or timedelta()
    minutes = int(delta.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def trends_report(
    store: Store,
    clock: Clock,
    *,
    months: int = MONTHS,
    mine_only: bool = True,
    zone: tzinfo | None = None,
    rule_name: Callable[[str], str] | None = None,
) -> TrendsReport:
    """Every rate, month by month for the last `months` months (this one included).

    `rule_name` names a playbook rule by its id (default: the id itself)."""
    months = max(1, min(months, MAX_MONTHS))
    me = me_identity(store)
    author = me[1] if mine_only and me else None
    starts = month_starts(local_today(clock, zone), months)
    bounds = [local_midnight(day, zone) for day in starts]
    days = [day.isoformat() for day in starts]
    offset = utc_offset(zone, clock.now())
    tracked = tuple(o.value for o in OUTCOMES)
    with store.reader() as other:
        # the older half of the months on a second connection meanwhile (SQLite lets go of
        # the GIL); the rest here
        per_month, by_segment = queries.month_figures(store, bounds, days, author, tracked, other)
        accounts = queries.accounts_per_segment(store)
        tasks = queries.task_states(store, days, author, offset)

    def zeros() -> list[int]:
        return [0] * months

    count, minutes, proactive, many = zeros(), zeros(), zeros(), zeros()
    outcome = {value: zeros() for value in tracked}
    for row in per_month:
        count[row.month] = row.count
        minutes[row.month] = row.minutes
        proactive[row.month] = row.proactive_minutes
        many[row.month] = row.one_to_many_minutes
        for value, n in row.outcomes.items():
            outcome[value][row.month] = n

    def shares(parts: list[int], wholes: list[int]) -> tuple[Point, ...]:
        return tuple(Point(p, w) for p, w in zip(parts, wholes, strict=True))

    work = (
        Series(
            "proactive", N_("Proactive share of minutes"), Unit.SHARE, shares(proactive, minutes)
        ),
        Series(
            "one_to_many", N_("One-to-many share of minutes"), Unit.SHARE, shares(many, minutes)
        ),
    )
    outcomes = tuple(
        Series(
            f"outcome.{o.value}", _OUTCOME_LABELS[o], Unit.SHARE, shares(outcome[o.value], count)
        )
        for o in OUTCOMES
    )
    segment_minutes: dict[str, list[int]] = {}
    for seg in by_segment:
        segment_minutes.setdefault(seg.segment, zeros())[seg.month] += seg.minutes
    segments = tuple(
        Series(
            f"segment.{name}",
            name or N_("No segment"),
            Unit.MINUTES,
            shares(segment_minutes.get(name, zeros()), [accounts[name]] * months),
            literal=bool(name),
        )
        for name in sorted(accounts, key=lambda name: (name == "", name.casefold()))
    )
    rules = _rules(tasks, months, rule_name or (lambda rule_id: rule_id))
    on_time, late, still_open = zeros(), zeros(), zeros()
    for task in tasks:
        on_time[task.month] += task.on_time
        late[task.month] += task.late
        still_open[task.month] += task.open
    due = [a + b + c for a, b, c in zip(on_time, late, still_open, strict=True)]
    return TrendsReport(
        months=tuple(starts[:-1]),
        mine_only=author is not None,
        activities=tuple(count),
        minutes=tuple(minutes),
        work=work,
        tasks=(
            Series("tasks.on_time", N_("Tasks done on time"), Unit.SHARE, shares(on_time, due)),
            Series("tasks.late", N_("Tasks done late"), Unit.SHARE, shares(late, due)),
            Series("tasks.open", N_("Tasks still open"), Unit.SHARE, shares(still_open, due)),
        ),
        outcomes=outcomes,
        segments=segments,
        rules=rules,
    )


_OUTCOME_LABELS = {
    Outcome.RESOLVED: N_("Outcome: resolved"),
    Outcome.FOLLOW_UP: N_("Outcome: follow-up needed"),
    Outcome.RISK_FOUND: N_("Outcome: risk found"),
    Outcome.EXPANSION: N_("Outcome: expansion"),
}


def _rules(
    tasks: list[queries.TaskStates], months: int, rule_name: Callable[[str], str]
) -> tuple[RuleTasks, ...]:
    per_rule: dict[str, list[list[int]]] = {}
    for task in tasks:
        rule_id = task.rule_id if task.source == "playbook" else MANUAL
        states = per_rule.setdefault(rule_id, [[0] * months for _ in range(3)])
        states[0][task.month] += task.on_time
        states[1][task.month] += task.late
        states[2][task.month] += task.open
    found = []
    for rule_id, (on_time, late, still_open) in per_rule.items():
        due = [a + b + c for a, b, c in zip(on_time, late, still_open, strict=True)]
        found.append(
            RuleTasks(
                rule_id,
                rule_name(rule_id) if rule_id else "",
                tuple(Point(p, w) for p, w in zip(on_time, due, strict=True)),
                tuple(Point(p, w) for p, w in zip(late, due, strict=True)),
                tuple(Point(p, w) for p, w in zip(still_open, due, strict=True)),
            )
        )
    found.sort(key=lambda r: (-sum(p.whole for p in r.on_time), r.rule_id == MANUAL, r.rule_id))
    return tuple(found)


def playbook_rule_names(language: str) -> Callable[[str], str]:
    """Names of the built-in and the user's rules in `language`; an unknown rule: its id."""
    from csm_tui.services.playbook_rules import load_rules

    rules, _problems = load_rules()
    names = {rule.id: rule.name(language) for rule in rules}
    return lambda rule_id: names.get(rule_id, rule_id)
