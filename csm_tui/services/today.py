"""Today: my accounts ranked by what needs attention, with the reasons in words; my open tasks
by due date; the accounts I cover this week with unread handoff notes.

The score (0 to 100 with the default weights, which add up to 100) is the sum of six parts, each
between 0 and 1 times its weight from `[today.weights]` in config.toml:

- health:  the 30-day health drop, 30 points or more counting fully (a rise counts 0);
- renewal: how close the renewal is, from 0 at 180 days to 1 on the day (and after it); halved
           unless the renewal is within 120 days and nobody has made the renewal contact yet
           (its roadmap item ticked, or a call, meeting or e-mail since 120 days before it);
- overdue: open checklist items past their due date, five or more counting fully;
- contact: days since the last logged contact (any activity but internal work), 90 or more
           counting fully; an account without any counts fully;
- tasks:   my open tasks on the account, overdue ones twice, five counting fully;
- value:   where the contract value stands among my accounts of the same currency (0 the
           smallest, 1 the largest).

An account is listed when something needs attention: renewal within 180 days, health down 5 or
more in 30 days, no contact for 30 days, an overdue item or an open task; unless I set it aside
(`z`, services/snoozes.py): then it is under "Snoozed" until the day it comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from csm_tui import formatting as fmt
from csm_tui.clock import Clock
from csm_tui.i18n import _, current_language, ngettext
from csm_tui.services.identity import me_identity
from csm_tui.services.participation import quiet_reason, with_quiet_champions
from csm_tui.store import today as queries
from csm_tui.store.connection import Store
from csm_tui.store.snoozes import SnoozeRow, snoozed
from csm_tui.store.tasks import TaskRow, open_tasks
from csm_tui.store.today import AccountFacts, CoverageRow, PriorityRow

__all__ = [
    "CoverageRow",
    "PriorityRow",
    "SnoozeRow",
    "TaskRow",
    "TodayView",
    "rank",
    "reasons",
    "today_view",
]

TOP_VALUE = 0.9  # "top 10% by contract value"


class Thresholds(NamedTuple):
    """Where a fact starts to count (and to show as a reason), and where it counts fully."""

    renewal_window: int = 180  # days to renewal from which it counts
    contact_days: int = 120  # the renewal contact is due from here
    drop_points: int = 5  # a 30-day health change at or below -5 is a reason
    health_full: int = 30  # a drop of 30 points counts fully
    quiet_days: int = 30  # no contact for this long is a reason
    quiet_full: int = 90  # and counts fully from here
    count_full: int = 5  # overdue items or tasks: five count fully


THRESHOLDS = Thresholds()


@dataclass(frozen=True)
class TodayView:
    """Everything the Today screen and `csm-tui today` show."""

    today: date
    me: str | None
    priorities: list[PriorityRow] = field(default_factory=list)
    mine: int = 0  # how many accounts are mine (owned, or covered now)
    tasks: list[TaskRow] = field(default_factory=list)
    coverage: list[CoverageRow] = field(default_factory=list)
    rule_names: dict[str, str] = field(default_factory=dict)  # playbook rule id → its name
    snoozed: list[SnoozeRow] = field(default_factory=list)  # set aside, the soonest back first

    @property
    def overdue_tasks(self) -> int:
        return sum(task.overdue(self.today) for task in self.tasks)


def today_view(store: Store, clock: Clock, weights: dict[str, float]) -> TodayView:
    """The Today page for the current user (empty before the app knows who that is)."""
    today = clock.today()
    me = me_identity(store)
    if me is None:
        return TodayView(today, None)
    email = me[1]
    facts = queries.account_facts(store, email, today, THRESHOLDS.contact_days)
    aside = snoozed(store, email, today)
    skip = {row.account_id for row in aside}
    return TodayView(
        today=today,
        me=email,
        priorities=with_quiet_champions(
            store, today, rank([row for row in facts if row.id not in skip], weights)
        ),
        mine=len(facts),
        tasks=open_tasks(store, email, today),
        coverage=queries.coverage_reminders(store, email, today),
        rule_names=rule_names(),
        snoozed=aside,
    )


def rule_names(user_dir: Path | None = None) -> dict[str, str]:
    """Playbook rule id → its name in the current language (for "where this task came from");
    a rule file with mistakes is reported where rules run, not here."""
    from csm_tui.services.playbook_rules import load_rules

    language = current_language()
    return {rule.id: rule.name(language) for rule in load_rules(user_dir)[0]}


def value_ranks(facts: list[AccountFacts]) -> dict[str, float]:
    """account id → percent rank of its contract value among the accounts of its currency
    (0 the smallest, 1 the largest, ties share the lower rank, no value counts as 0)."""
    by_currency: dict[str, list[tuple[float, str]]] = {}
    for row in facts:
        by_currency.setdefault(row.currency, []).append((row.contract_value or 0.0, row.id))
    ranks: dict[str, float] = {}
    for values in by_currency.values():
        values.sort()
        top = max(len(values) - 1, 1)
        first = 0
        for index, (value, account_id) in enumerate(values):
            if index and value != values[index - 1][0]:
                first = index
            ranks[account_id] = first / top
    return ranks


def rank(
    facts: list[AccountFacts], weights: dict[str, float], thresholds: Thresholds | None = None
) -> list[PriorityRow]:
    """The accounts that need attention, highest score first (then the nearest renewal, then
    the name): one pass over the facts, then one sort."""
    t = thresholds or THRESHOLDS
    values = value_ranks(facts)
    w_health, w_renewal = weights["health"], weights["renewal"]
    w_overdue, w_contact = weights["overdue"], weights["contact"]
    w_tasks, w_value = weights["tasks"], weights["value"]
    out: list[PriorityRow] = []
    for row in facts:
        change, days, quiet = row.health_change, row.days_to_renewal, row.days_since_contact
        renewal_near = days is not None and days <= t.renewal_window
        if not (
            renewal_near
            or (change is not None and change <= -t.drop_points)
            or quiet is None
            or quiet >= t.quiet_days
            or row.overdue_items
            or row.open_tasks
        ):
            continue  # nothing needs attention (value alone does not)
        renewal = 0.0
        if days is not None and renewal_near:
            renewal = 1.0 if days <= 0 else (t.renewal_window - days) / t.renewal_window
            if days > t.contact_days or row.renewal_contacted:
                renewal /= 2
        value = values[row.id]
        score = (
            w_health * min(max(-(change or 0), 0), t.health_full) / t.health_full
            + w_renewal * renewal
            + w_overdue * min(row.overdue_items, t.count_full) / t.count_full
            + w_contact
            * (1.0 if quiet is None else min(max(quiet, 0), t.quiet_full) / t.quiet_full)
            + w_tasks * min(row.open_tasks + row.overdue_tasks, t.count_full) / t.count_full
            + w_value * value
        )
        out.append(PriorityRow(*row, value_rank=value, score=score))
    big = 1 << 30
    out.sort(
        key=lambda r: (
            -r.score,
            big if r.days_to_renewal is None else r.days_to_renewal,
            r.name.casefold(),
            r.id,
        )
    )
    return out


def reasons(row: PriorityRow, thresholds: Thresholds | None = None) -> list[str]:
    """Why the account is on the list, most pressing kind first, in the current language."""
    thresholds = thresholds or THRESHOLDS
    out: list[str] = []
    days = row.days_to_renewal
    if days is not None and days <= thresholds.renewal_window:
        if days > 0:
            renewal = ngettext("renewal in {n} day", "renewal in {n} days", days).format(n=days)
        elif days == 0:
            renewal = _("renewal today")
        else:
            renewal = ngettext("renewal {n} day overdue", "renewal {n} days overdue", -days).format(
                n=-days
            )
        if days <= thresholds.contact_days and not row.renewal_contacted:
            renewal = _("{renewal}, no renewal contact yet").format(renewal=renewal)
        out.append(renewal)
    if row.health_change is not None and row.health_change <= -thresholds.drop_points:
        change = fmt.signed(row.health_change)
        out.append(_("health {change} in 30 days").format(change=change))
    if row.days_since_contact is None:
        out.append(_("no contact logged"))
    elif row.days_since_contact >= thresholds.quiet_days:
        n = row.days_since_contact
        out.append(ngettext("no contact for {n} day", "no contact for {n} days", n).format(n=n))
    if row.overdue_items:
        n = row.overdue_items
        out.append(
            ngettext("{n} overdue checklist item", "{n} overdue checklist items", n).format(n=n)
        )
    if row.open_tasks:
        n, late = row.open_tasks, row.overdue_tasks
        if late:
            text = ngettext("{n} open task, {late} overdue", "{n} open tasks, {late} overdue", n)
        else:
            text = ngettext("{n} open task", "{n} open tasks", n)
        out.append(text.format(n=n, late=late))
    if row.champion_quiet != -1:  # issue 16: who took part in the work
        out.append(quiet_reason(row.champion_quiet))
    if row.value_rank >= TOP_VALUE:
        out.append(_("top 10% by contract value"))
    return out


def reason_text(row: PriorityRow) -> str:
    return " · ".join(reasons(row))


def best_tab(row: PriorityRow) -> str:
    """The account tab that Enter opens for a line of the list: the roadmap when overdue items
    are among the reasons, else the overview."""
    return "roadmap" if row.overdue_items else "overview"


DEFAULT_LIMIT = 10
"""How many accounts Today shows before "N more" (`[today] limit` in config.toml; 0: all)."""


def today_limit(raw: dict[str, object]) -> tuple[int, str | None]:
    """`[today] limit` from the raw config, and a message when it cannot be used (then the
    default is)."""
    today = raw.get("today", {})
    value = today.get("limit", DEFAULT_LIMIT) if isinstance(today, dict) else DEFAULT_LIMIT
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10_000:
        return DEFAULT_LIMIT, (
            f"[today] limit = {value!r} is not a whole number from 0 to 10000; "
            f"{DEFAULT_LIMIT} is used"
        )
    return value, None
