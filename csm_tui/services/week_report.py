"""The weekly review: the page a CSM brings to a one-to-one, for one ISO week (Monday–Sunday).

My effort (minutes by account and by type, the proactive share, activities logged: the Effort
analytics of services/effort.py), the checklist items I ticked, my tasks done and overdue, the
health movers among my accounts and their renewals in the next 120 days, overdue ones first.
"My accounts" are the ones I own or cover (every account when the book does not know who I am
yet). Figures that move with time (overdue, movers, renewals) are taken on the week's last day,
or today while the week is running.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from csm_tui import formatting as fmt
from csm_tui.errors import ValidationError
from csm_tui.i18n import N_, _, current_language, ngettext
from csm_tui.models.book import RENEWAL_SOON_DAYS
from csm_tui.services.effort import (
    EffortReport,
    Period,
    PeriodKind,
    effort_report,
    local_midnight,
    local_today,
)
from csm_tui.services.identity import me_identity
from csm_tui.services.renewal_outcome import LastOutcome, outcomes_between

if TYPE_CHECKING:
    from csm_tui.clock import Clock
    from csm_tui.store.connection import Store

MOVERS = 5
MOVE_POINTS = 5  # a change of this many points in 30 days makes a mover (the book's filter)
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
WEEK_HELP = N_("Give a week like 2026-W48, or a date in it like 2026-11-25.")


def parse_week(text: str, today: date | None = None) -> date:
    """The Monday of an ISO week written `2026-W48`, or of the week holding a date (read as
    every form reads one, csm_tui/date_input.py: `2026-11-25`, `11/25`, `last friday`…; without
    `today`, only a date with its year)."""
    from csm_tui.date_input import DateInputError, parse_date

    value = unicodedata.normalize("NFKC", text).strip()
    week = _WEEK.match(value)
    no_week = _("There is no week {text}.").format(text=text.strip()) + " " + _(WEEK_HELP)
    try:
        if week:
            return date.fromisocalendar(int(week[1]), int(week[2]), 1)
    except ValueError:
        raise ValidationError(no_week) from None
    try:
        if today is None:
            day = _DATE.match(value)
            found = parse_date(value, date(int(day[1]), 1, 1), relative=False) if day else None
        else:
            found = parse_date(value, today, prefer="nearest")
    except DateInputError as error:
        if error.reason == "unreadable":
            raise ValidationError(_(WEEK_HELP)) from None
        if error.reason == "no_such_date":
            raise ValidationError(no_week) from None
        raise ValidationError(str(error) + " " + _(WEEK_HELP)) from None
    if found is None:
        raise ValidationError(_(WEEK_HELP))
    return found - timedelta(days=found.weekday())


def week_label(monday: date) -> str:
    year, number, _weekday = monday.isocalendar()
    return f"{year}-W{number:02d}"


@dataclass(frozen=True)
class DoneItem:
    account_id: str
    account: str
    title: str
    done_on: date


@dataclass(frozen=True)
class TaskLine:
    account_id: str
    account: str
    title: str
    due: date | None
    done_on: date | None


@dataclass(frozen=True)
class Move:
    account_id: str
    account: str
    score: int
    change: int


@dataclass(frozen=True)
class Renewal:
    account_id: str
    account: str
    renewal: date
    days: int
    value: float | None
    currency: str
    health: int | None
    last_contact: date | None  # my last activity for the account, up to the reference day


@dataclass(frozen=True)
class WeekReport:
    start: date  # the Monday
    end: date  # the Sunday
    today: date
    on: date  # the reference day: the Sunday, or today while the week runs
    me: tuple[str, str] | None
    effort: EffortReport
    items_done: list[DoneItem]
    tasks_done: list[TaskLine]  # mine, done in the week
    tasks_overdue: list[TaskLine]  # mine, still open and due before the reference day
    drops: list[Move]
    rises: list[Move]
    renewals: list[Renewal]
    # outcomes recorded in the week (issue 14), churned ones included
    outcomes: list[LastOutcome] = field(default_factory=list)

    @property
    def label(self) -> str:
        return week_label(self.start)

    @property
    def proactive_share(self) -> float | None:
        total = self.effort.total.minutes
        return None if not total else self.effort.proactive.minutes / total


def week_report(
    store: Store, monday: date, clock: Clock, settings: Mapping[str, Any] | None = None
) -> WeekReport:
    """Everything on the page, each part one query (the effort part: services/effort.py)."""
    del settings  # the page has no settings of its own yet; the signature matches the others
    if monday.weekday() != 0:
        raise ValidationError(_("A week starts on a Monday."))
    today = local_today(clock)
    end = monday + timedelta(days=6)
    on = min(max(today, monday), end)
    me = me_identity(store)
    email = me[1] if me else None
    effort = effort_report(store, Period.around(PeriodKind.WEEK, monday), clock, mine_only=True)
    lo, hi = local_midnight(monday), local_midnight(end + timedelta(days=1))
    mine = _my_accounts(email)
    drops, rises = _movers(store, on, mine, email)
    return WeekReport(
        start=monday,
        end=end,
        today=today,
        on=on,
        me=me,
        effort=effort,
        items_done=_items_done(store, lo, hi, email),
        tasks_done=_tasks_done(store, lo, hi, email),
        tasks_overdue=_tasks_overdue(store, on, email),
        drops=drops,
        rises=rises,
        renewals=_renewals(store, on, mine, email),
        outcomes=outcomes_between(store, monday, end, email),
    )


def _my_accounts(email: str | None) -> str:
    """A condition on `a.id` keeping the accounts I own or cover (all, without a "me"); never
    an archived one (issue 14)."""
    if email is None:
        return "a.archived_on IS NULL"
    return (
        "a.archived_on IS NULL AND a.id IN (SELECT account_id FROM owners WHERE user_email = :me)"
    )


def _day(value: str | None) -> date | None:
    return None if not value else date.fromisoformat(value[:10])


def _items_done(store: Store, lo: str, hi: str, email: str | None) -> list[DoneItem]:
    rows = store.query(
        "SELECT c.account_id, a.name, c.title, c.item_key, c.done_at FROM checklist_items AS c "
        "JOIN accounts AS a ON a.id = c.account_id "
        "WHERE c.done = 1 AND c.done_at >= :lo AND c.done_at < :hi "
        "AND (:me IS NULL OR c.done_by = :me) ORDER BY c.done_at, a.name",
        {"lo": lo, "hi": hi, "me": email},
    )
    titles = _template_titles()
    return [
        DoneItem(r[0], r[1], titles.get((r[3], r[2]), r[2]), _day(r[4]) or date.min) for r in rows
    ]


def _template_titles() -> dict[tuple[str, str], str]:
    """(item key, stored title) → the title in the current language, for unedited template
    items (a title is stored in the language of the day the roadmap was applied)."""
    from csm_tui.services.roadmap_templates import built_in_templates

    language = current_language()
    titles: dict[tuple[str, str], str] = {}
    for template in built_in_templates().values():
        for item in template.items:
            for stored in (item.title_en, item.title_ja):
                titles[(item.key, stored)] = item.title(language)
    return titles


def _task_title(title: str, title_ja: str) -> str:
    return title_ja if current_language() == "ja" and title_ja else title


def _tasks_done(store: Store, lo: str, hi: str, email: str | None) -> list[TaskLine]:
    rows = store.query(
        "SELECT t.account_id, a.name, t.title, t.title_ja, t.due_date, t.done_at FROM tasks AS t "
        "JOIN accounts AS a ON a.id = t.account_id "
        "WHERE t.done = 1 AND t.done_at >= :lo AND t.done_at < :hi "
        "AND (:me IS NULL OR t.done_by = :me OR t.assignee_email = :me) "
        "ORDER BY t.done_at, a.name",
        {"lo": lo, "hi": hi, "me": email},
    )
    return [TaskLine(r[0], r[1], _task_title(r[2], r[3]), _day(r[4]), _day(r[5])) for r in rows]


def _tasks_overdue(store: Store, on: date, email: str | None) -> list[TaskLine]:
    rows = store.query(
        "SELECT t.account_id, a.name, t.title, t.title_ja, t.due_date FROM tasks AS t "
        "JOIN accounts AS a ON a.id = t.account_id "
        "WHERE t.done = 0 AND t.due_date < :on AND (:me IS NULL OR t.assignee_email = :me) "
        "AND a.archived_on IS NULL ORDER BY t.due_date, a.name",
        {"on": on.isoformat(), "me": email},
    )
    return [TaskLine(r[0], r[1], _task_title(r[2], r[3]), _day(r[4]), None) for r in rows]


def _movers(store: Store, on: date, mine: str, email: str | None) -> tuple[list[Move], list[Move]]:
    """My accounts whose health moved `MOVE_POINTS` or more in the 30 days up to `on`."""
    rows = store.query(
        "SELECT id, name, score, score - past AS change FROM ("
        "  SELECT a.id, a.name, coalesce((SELECT h.score FROM health_snapshots AS h "
        "    WHERE h.account_id = a.id AND h.date <= :on ORDER BY h.date DESC LIMIT 1), "
        "    a.health_score) AS score, "
        "  (SELECT h.score FROM health_snapshots AS h WHERE h.account_id = a.id "
        "    AND h.date <= :past ORDER BY h.date DESC LIMIT 1) AS past "
        f"  FROM accounts AS a WHERE {mine}"
        ") WHERE abs(score - past) >= :points ORDER BY change, name",
        {
            "on": on.isoformat(),
            "past": (on - timedelta(days=30)).isoformat(),
            "points": MOVE_POINTS,
            "me": email,
        },
    )
    moves = [Move(r[0], r[1], int(r[2]), int(r[3])) for r in rows]
    drops = [m for m in moves if m.change < 0][:MOVERS]
    rises = sorted((m for m in moves if m.change > 0), key=lambda m: (-m.change, m.account))
    return drops, rises[:MOVERS]


def _renewals(store: Store, on: date, mine: str, email: str | None) -> list[Renewal]:
    rows = store.query(
        "SELECT a.id, a.name, a.renewal_date, a.contract_value, a.currency, a.health_score, "
        "  (SELECT max(x.occurred_at) FROM activities AS x WHERE x.account_id = a.id "
        "   AND x.occurred_at < :hi AND (:me IS NULL OR x.author_email = :me)) "
        # an overdue renewal (date passed, not renewed) is the most urgent: it comes first
        f"FROM accounts AS a WHERE {mine} AND a.renewal_date <= :last "
        "ORDER BY a.renewal_date, a.name",
        {
            "on": on.isoformat(),
            "last": (on + timedelta(days=RENEWAL_SOON_DAYS)).isoformat(),
            "hi": local_midnight(on + timedelta(days=1)),
            "me": email,
        },
    )
    return [
        Renewal(
            r[0],
            r[1],
            date.fromisoformat(r[2]),
            (date.fromisoformat(r[2]) - on).days,
            r[3],
            r[4],
            r[5],
            _day(r[6]),
        )
        for r in rows
    ]


# -- words and figures the Week screen and `csm-tui report week` share -------------------------


def type_label(value: str) -> str:
    from csm_tui.services.brief import TYPE_LABELS

    return _(TYPE_LABELS.get(value, value))


def summary_line(report: WeekReport) -> str:
    """ "12 h 30 min in 34 activities on 15 accounts · 58% proactive" (or that nothing was
    logged)."""
    effort = report.effort
    if effort.empty:
        return _("No work logged this week.")
    activities = ngettext("{n} activity", "{n} activities", effort.total.count)
    accounts = ngettext("{n} account", "{n} accounts", effort.account_count)
    line = _("{time} in {activities} on {accounts}").format(
        time=fmt.duration(effort.total.minutes),
        activities=activities.format(n=fmt.count(effort.total.count)),
        accounts=accounts.format(n=fmt.count(effort.account_count)),
    )
    share = report.proactive_share or 0.0
    line += " · " + _("{share} proactive").format(share=fmt.share(share, 1))
    if effort.one_to_many.minutes:  # work for many customers (issue 16): both parts
        line += " · " + _("{one} one-to-one, {many} one-to-many").format(
            one=fmt.duration(effort.one_to_one.minutes),
            many=fmt.duration(effort.one_to_many.minutes),
        )
    return line
