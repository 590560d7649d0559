"""Where the time goes: effort by account, type and week for a period, and the recurring
reactive work worth turning proactive.

Periods are calendar days in the user's local time (weeks start on Monday); their bounds are
turned into UTC for the queries, day by day, so a daylight-saving change moves them correctly.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from typing import Protocol

from csm_tui.clock import Clock
from csm_tui.errors import ValidationError
from csm_tui.i18n import N_
from csm_tui.services.effort_input import parse_when
from csm_tui.services.identity import me_identity
from csm_tui.store import effort as queries
from csm_tui.store.connection import Store

TOP_ACCOUNTS = 10
CANDIDATES = 15
TREND_WEEKS = 12
# unflagged reactive work of one type for one account this often in a period is recurring too
REPEATS = 3

DAY_HELP = N_("A date like 2026-11-01, 11/1, today or yesterday.")


class PeriodKind(StrEnum):
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    """Whole local days from `start` to `end`, both included."""

    kind: PeriodKind
    start: date
    end: date

    @classmethod
    def around(cls, kind: PeriodKind, day: date) -> Period:
        """The calendar week, month or quarter that holds `day` (a custom period: that day)."""
        if kind is PeriodKind.WEEK:
            monday = day - timedelta(days=day.weekday())
            return cls(kind, monday, monday + timedelta(days=6))
        if kind is PeriodKind.MONTH:
            return cls(kind, day.replace(day=1), _month_start(day, 1) - timedelta(days=1))
        if kind is PeriodKind.QUARTER:
            first = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
            return cls(kind, first, _month_start(first, 3) - timedelta(days=1))
        return cls(kind, day, day)

    @classmethod
    def custom(cls, start: date, end: date) -> Period:
        if end < start:
            raise ValidationError(N_("The end date is before the start date."))
        return cls(PeriodKind.CUSTOM, start, end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def shifted(self, steps: int) -> Period:
        """The period `steps` before (negative) or after this one, of the same kind."""
        if self.kind is PeriodKind.WEEK:
            return Period.around(self.kind, self.start + timedelta(weeks=steps))
        if self.kind is PeriodKind.MONTH:
            return Period.around(self.kind, _month_start(self.start, steps))
        if self.kind is PeriodKind.QUARTER:
            return Period.around(self.kind, _month_start(self.start, 3 * steps))
        offset = timedelta(days=self.days * steps)
        return Period(self.kind, self.start + offset, self.end + offset)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_start(day: date, months: int) -> date:
    """The first of the month `months` after (or before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Effort:
    count: int = 0  # activities
    minutes: int = 0

    def __add__(self, other: Effort) -> Effort:
        return Effort(self.count + other.count, self.minutes + other.minutes)


@dataclass(frozen=True)
class AccountEffort:
    account_id: str
    name: str
    effort: Effort


@dataclass(frozen=True)
class TypeEffort:
    type: str  # an ActivityType value
    effort: Effort


@dataclass(frozen=True)
class SkillEffort:
    skill: str  # a key or word of `[activities] skills` (services/skills.py labels it)
    effort: Effort


@dataclass(frozen=True)
class WeekEffort:
    start: date  # the Monday
    effort: Effort


@dataclass(frozen=True)
class Candidate:
    """Recurring reactive work: one type of work for one account that keeps coming back."""

    account_id: str
    name: str
    type: str
    effort: Effort
    flagged: int  # how many of them were logged as recurring
    per_week: float  # how often, over the period


@dataclass(frozen=True)
class EffortReport:
    period: Period
    mine_only: bool  # False: everyone's work on the book
    total: Effort
    accounts: tuple[AccountEffort, ...]  # the most minutes first, at most TOP_ACCOUNTS
    rest: Effort  # every other account together
    rest_accounts: int
    types: tuple[TypeEffort, ...]  # the most minutes first; only types with work
    reactive: Effort
    proactive: Effort
    one_off: Effort
    recurring: Effort
    one_to_one: Effort  # work for one account
    one_to_many: Effort  # work for a segment, several accounts or none (issue 16)
    skills: tuple[SkillEffort, ...]  # minutes by skill, most first (an activity in each of its)
    weeks: tuple[WeekEffort, ...]  # TREND_WEEKS, oldest first, ending with the period
    candidates: tuple[Candidate, ...]
    more_candidates: int  # found but not listed

    @property
    def empty(self) -> bool:
        return self.total.count == 0

    @property
    def account_count(self) -> int:
        return len(self.accounts) + self.rest_accounts


def local_today(clock: Clock, zone: tzinfo | None = None) -> date:
    """Today in the user's time zone (`zone`; None: the system's)."""
    return clock.now().astimezone(zone).date()


def local_midnight(day: date, zone: tzinfo | None = None) -> str:
    """The start of a local day as UTC ISO text, comparable with `activities.occurred_at`."""
    if zone is None:  # a naive time is read in the system zone, with that day's DST offset
        moment = datetime.combine(day, time()).astimezone()
    else:
        moment = datetime.combine(day, time(), tzinfo=zone)
    return moment.astimezone(UTC).isoformat()


def trend_mondays(period: Period, today: date) -> list[date]:
    """The Mondays bounding the trend's weeks: the last week holds the period's last day,
    or today while the period is still running.
    """
    last = min(period.end, today) if period.start <= today else period.end
    monday = last - timedelta(days=last.weekday())
    return [monday - timedelta(weeks=TREND_WEEKS - 1 - n) for n in range(TREND_WEEKS + 1)]


def effort_report(
    store: Store,
    period: Period,
    clock: Clock,
    *,
    mine_only: bool = True,
    zone: tzinfo | None = None,
) -> EffortReport:
    """Everything the Effort screen shows for a period, each part one GROUP BY in SQLite."""
    me = me_identity(store)
    author = me[1] if mine_only and me else None
    scope = queries.Scope(
        local_midnight(period.start, zone),
        local_midnight(period.end + timedelta(days=1), zone),
        author,
    )
    mondays = trend_mondays(period, local_today(clock, zone))
    bounds = [local_midnight(day, zone) for day in mondays]
    with store.reader() as other, ThreadPoolExecutor(1) as pool:
        # two scans at a time on two connections: a quarter's four scans took 360 ms in a row
        second = other or store
        trend = pool.submit(queries.per_bucket, second, bounds, author)
        top_query = pool.submit(queries.top_accounts, second, scope, TOP_ACCOUNTS)
        skill_query = pool.submit(queries.skill_minutes, second, scope)
        mix = queries.mix(store, scope)
        total = _sum(mix)
        if total.count:
            repeats, repeat_count = queries.repeated_reactive(
                store, scope, repeats=REPEATS, limit=CANDIDATES
            )
            top, account_count = top_query.result()
        else:  # nothing to group
            top, account_count, repeats, repeat_count = [], 0, [], 0
        buckets = trend.result()
        by_skill = skill_query.result()
    accounts = tuple(AccountEffort(a.account_id, a.name, Effort(a.count, a.minutes)) for a in top)
    listed = _sum([a.effort for a in accounts])
    one_to_one = _sum([row for row in mix if not row.many])
    by_type: dict[str, Effort] = {}
    for row in mix:
        by_type[row.type] = by_type.get(row.type, Effort()) + Effort(row.count, row.minutes)
    weeks = period.days / 7
    return EffortReport(
        period=period,
        mine_only=author is not None,
        total=total,
        accounts=accounts,
        # the parts are separate reads: a save between them must not make the rest negative;
        # one-to-many work is on no account, so it is not the other accounts' either
        rest=Effort(
            max(one_to_one.count - listed.count, 0), max(one_to_one.minutes - listed.minutes, 0)
        ),
        rest_accounts=account_count - len(accounts),
        types=tuple(
            TypeEffort(kind, effort)
            for kind, effort in sorted(
                by_type.items(), key=lambda item: (-item[1].minutes, item[0])
            )
        ),
        reactive=_sum([row for row in mix if not row.proactive]),
        proactive=_sum([row for row in mix if row.proactive]),
        one_off=_sum([row for row in mix if not row.recurring]),
        recurring=_sum([row for row in mix if row.recurring]),
        one_to_one=one_to_one,
        one_to_many=_sum([row for row in mix if row.many]),
        skills=tuple(SkillEffort(skill, Effort(n, m)) for skill, n, m in by_skill),
        weeks=tuple(
            WeekEffort(monday, Effort(*bucket))
            for monday, bucket in zip(mondays[:-1], buckets, strict=True)
        ),
        candidates=tuple(
            Candidate(
                r.account_id, r.name, r.type, Effort(r.count, r.minutes), r.flagged, r.count / weeks
            )
            for r in repeats
        ),
        more_candidates=repeat_count - len(repeats),
    )


class _Counted(Protocol):
    @property
    def count(self) -> int: ...
    @property
    def minutes(self) -> int: ...


def _sum(items: Sequence[_Counted]) -> Effort:
    return Effort(sum(item.count for item in items), sum(item.minutes for item in items))


def parse_day(text: str, clock: Clock, zone: tzinfo | None = None) -> date:
    """A calendar day, as every form reads one (csm_tui/date_input.py): 2026-11-01, 11/1,
    2026年11月1日, today, yesterday, last friday… A day without its year is the last such day."""
    from csm_tui.date_input import DateInputError, parse_date

    today = clock.now().astimezone(zone).date()
    try:
        found = parse_date(text, today, prefer="past")
    except DateInputError as error:
        if error.reason != "unreadable":
            raise
        try:  # a moment, as the log form takes one: "2026-11-20 09:30", "yesterday 9:00"
            moment = parse_when(text, clock, zone)
        except ValidationError:
            raise ValidationError(DAY_HELP) from None
        return moment.astimezone(zone).date()
    if found is None:
        raise ValidationError(N_("Enter a date."))
    return found
