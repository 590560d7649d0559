"""Running the playbooks: each rule's trigger is one SQL query over my accounts; each new
occurrence creates its tasks, once.

`run_playbooks(store, clock)` is what the app calls after the first frame, the import commands
call after an import, and the sync engine calls after each sync. An occurrence is a rule, an
account and a key that names this instance of the trigger (the renewal date, the week, the
overdue item, …); it is written to `playbook_firings` with its tasks in one transaction, and a
query never returns an occurrence that has fired. Ids are derived from the occurrence, so two
devices that fire the same one before they sync write the same rows.

Which accounts: those I own, and those I cover while the coverage period runs (today).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from csm_tui.clock import Clock
from csm_tui.errors import CsmError
from csm_tui.models.playbook import Rule, TriggerKind
from csm_tui.services.identity import me_identity
from csm_tui.store import tasks as queries
from csm_tui.store.connection import Store
from csm_tui.store.journal import Transaction, insert_many

# a fixed namespace: the same occurrence gives the same ids on every device
_IDS = uuid.UUID("0c5b8f61-3f0e-4a8e-b1d4-7f2a9c6e5d13")
# the first day of the windows that health drops are counted in (a Monday)
_EPOCH = date(2000, 1, 3)

_SCOPE = """
WITH scope AS (
    SELECT a.id, a.segment, a.stage, a.renewal_date, a.health_score, a.stage_started_on
    FROM owners AS o JOIN accounts AS a ON a.id = o.account_id
    WHERE o.user_email = :me AND (
        o.role = 'primary' OR (
            (o.coverage_from IS NOT NULL OR o.coverage_to IS NOT NULL)
            AND coalesce(o.coverage_from, '') <= :today
            AND coalesce(o.coverage_to, '9999-12-31') >= :today
        )
    ) AND a.archived_on IS NULL {filters}
)
"""


@dataclass
class PlaybookRun:
    """What one run did: rules run, occurrences fired, tasks created, and what went wrong."""

    rules: int = 0
    fired: int = 0
    tasks: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    by_rule: dict[str, int] = field(default_factory=dict)  # rule id → occurrences fired


@dataclass(frozen=True)
class _Occurrence:
    rule: Rule
    account_id: str
    key: str
    item_id: str | None  # the checklist item the trigger is about, if any


def run_playbooks(
    store: Store,
    clock: Clock,
    *,
    rules: list[Rule] | None = None,
    user_dir: Path | None = None,
) -> PlaybookRun:
    """Run every enabled rule over my accounts and create the tasks of new occurrences.

    `rules` defaults to the built-in rules with the user's `playbooks/*.toml` (from `user_dir`,
    else beside config.toml); a bad file or rule is reported in `problems`, the others run.
    """
    started = time.perf_counter()
    run = PlaybookRun()
    if rules is None:
        from csm_tui.services.playbook_rules import load_rules

        rules, run.problems = load_rules(user_dir)
    me = me_identity(store)
    if me is None:  # nobody's accounts yet: the app asks who the user is first
        return run
    today = clock.today()
    found: list[_Occurrence] = []
    for rule in rules:
        if not rule.enabled:
            continue
        run.rules += 1
        try:
            rows = _candidates(store, rule, me[1], today)
        except CsmError as exc:
            run.problems.append(f"{rule.source or 'playbook'}: rule {rule.id}: {exc}")
            continue
        unique = list({(row[0], row[1]): row for row in rows}.values())  # one per occurrence
        found.extend(_Occurrence(rule, row[0], row[1], row[2]) for row in unique)
        run.by_rule[rule.id] = len(unique)
    if found:
        run.fired, run.tasks = _fire(store, found, me[1], today)
    run.seconds = time.perf_counter() - started
    return run


_FIRE_BATCH = 2_000
"""Occurrences whose firings and tasks are built and written at a time."""


def occurrence_id(rule_id: str, account_id: str, key: str, action: str = "") -> str:
    """The id of a firing (no action) or of the task an action created for it."""
    name = f"{rule_id}\n{account_id}\n{key}" + (f"\n{action}" if action else "")
    return uuid.uuid5(_IDS, name).hex


# -- the triggers: one query each, (account id, occurrence key, checklist item id) ---------------


def _candidates(store: Store, rule: Rule, me: str, today: date) -> list[tuple[str, str, Any]]:
    params: dict[str, Any] = {"me": me, "today": today.isoformat(), "rule": rule.id}
    filters = []
    if rule.stages:
        filters.append(_in("a.stage", "stage", rule.stages, params))
    if rule.segments:
        filters.append(_in("a.segment COLLATE NOCASE", "segment", rule.segments, params))
    scope = _SCOPE.format(filters="".join(f" AND {f}" for f in filters))
    candidates = _TRIGGERS[rule.trigger.kind](rule, today, params)
    sql = (
        f"{scope} SELECT c.account_id, c.occurrence, c.item_id FROM ({candidates}) AS c "
        "WHERE NOT EXISTS (SELECT 1 FROM playbook_firings AS f WHERE f.rule_id = :rule "
        "AND f.account_id = c.account_id AND f.occurrence = c.occurrence) "
        "ORDER BY c.account_id, c.occurrence"
    )
    return [(row[0], row[1], row[2]) for row in store.query(sql, params)]


def _in(column: str, name: str, values: tuple[str, ...], params: dict[str, Any]) -> str:
    marks = []
    for index, value in enumerate(values):
        params[f"{name}{index}"] = value
        marks.append(f":{name}{index}")
    return f"{column} IN ({', '.join(marks)})"


def _iso(day: date) -> str:
    return day.isoformat()


def _renewal(rule: Rule, today: date, params: dict[str, Any]) -> str:
    trigger = rule.trigger
    params["horizon"] = _iso(today + timedelta(days=trigger.within_days))
    params["since"] = _iso(today - timedelta(days=trigger.since_days))
    types = _in("x.type", "type", trigger.activity_types, params)
    return (
        "SELECT s.id AS account_id, 'renewal ' || s.renewal_date AS occurrence, NULL AS item_id "
        "FROM scope AS s WHERE s.renewal_date BETWEEN :today AND :horizon "
        "AND NOT EXISTS (SELECT 1 FROM activities AS x WHERE x.account_id = s.id "
        f"AND x.occurred_at >= :since AND {types})"
    )


def _health_drop(rule: Rule, today: date, params: dict[str, Any]) -> str:
    """Against the last snapshot `days` or more ago; fires at most once per `days`-day window
    (windows counted from a fixed Monday, so every device agrees on them)."""
    days = rule.trigger.days
    window = _EPOCH + timedelta(days=(today - _EPOCH).days // days * days)
    params["past"] = _iso(today - timedelta(days=days))
    params["points"] = rule.trigger.points
    params["window"] = f"health-drop {window.isoformat()}"
    return (
        "SELECT s.id AS account_id, :window AS occurrence, NULL AS item_id FROM scope AS s "
        "WHERE s.health_score <= (SELECT h.score FROM health_snapshots AS h "
        "WHERE h.account_id = s.id AND h.date <= :past ORDER BY h.date DESC LIMIT 1) - :points"
    )


def _week_logins(start: str, end: str) -> str:
    """Logins of one week: the week's row, else the sum of its days."""
    return (
        "coalesce((SELECT sum(m.logins) FROM usage_metrics AS m WHERE m.account_id = s.id "
        f"AND m.period = 'week' AND m.period_start >= {start} AND m.period_start < {end}), "
        "(SELECT sum(m.logins) FROM usage_metrics AS m WHERE m.account_id = s.id "
        f"AND m.period = 'day' AND m.period_start >= {start} AND m.period_start < {end}))"
    )


def _logins_drop(rule: Rule, today: date, params: dict[str, Any]) -> str:
    """The last full week (Monday to Sunday) against the one before it."""
    this_week = today - timedelta(days=today.weekday())
    params["this_week"] = _iso(this_week)
    params["last_week"] = _iso(this_week - timedelta(days=7))
    params["week_before"] = _iso(this_week - timedelta(days=14))
    params["percent"] = rule.trigger.percent
    params["min_logins"] = rule.trigger.min_logins
    params["week"] = f"logins {params['last_week']}"
    recent = _week_logins(":last_week", ":this_week")
    before = _week_logins(":week_before", ":last_week")
    return (
        "SELECT w.account_id, :week AS occurrence, NULL AS item_id FROM ("
        f"SELECT s.id AS account_id, {recent} AS recent, {before} AS before FROM scope AS s"
        ") AS w WHERE w.before >= max(:min_logins, 1) AND w.recent IS NOT NULL "
        "AND w.recent * 100 <= w.before * (100 - :percent)"
    )


def _new_user(rule: Rule, today: date, params: dict[str, Any]) -> str:
    """The latest period with new users in the last `within_days`; not again for a period
    within `within_days` after one that fired."""
    days = rule.trigger.within_days
    params["since"] = _iso(today - timedelta(days=days))
    params["cooldown"] = f"-{days} days"
    return (
        "SELECT n.account_id, 'new-user ' || n.latest AS occurrence, NULL AS item_id FROM ("
        "SELECT s.id AS account_id, (SELECT max(m.period_start) FROM usage_metrics AS m "
        "WHERE m.account_id = s.id AND m.period IN ('day', 'week') AND m.period_start >= :since "
        "AND m.new_users > 0) AS latest "
        "FROM scope AS s) AS n WHERE n.latest IS NOT NULL AND NOT EXISTS ("
        "SELECT 1 FROM playbook_firings AS f WHERE f.rule_id = :rule "
        "AND f.account_id = n.account_id "
        "AND f.occurrence BETWEEN 'new-user ' || date(n.latest, :cooldown) "
        "AND 'new-user ' || n.latest)"
    )


def _champion_change(rule: Rule, today: date, params: dict[str, Any]) -> str:
    """Each change of the account's champion in the last `within_days` (services/contacts.py
    records them), once: the occurrence is the change."""
    params["since"] = _iso(today - timedelta(days=rule.trigger.within_days))
    return (
        "SELECT s.id AS account_id, 'champion ' || c.id AS occurrence, NULL AS item_id "
        "FROM scope AS s JOIN champion_changes AS c ON c.account_id = s.id "
        "WHERE c.changed_on >= :since AND NOT EXISTS ("
        "SELECT 1 FROM playbook_firings AS f WHERE f.rule_id = :rule "
        "AND f.account_id = s.id AND f.occurrence = 'champion ' || c.id)"
    )


def _key_feature(rule: Rule, today: date, params: dict[str, Any]) -> str:
    """Go-live is the day its roadmap item was ticked; unused: usage was reported since then,
    and none of it counts a key-feature use. (A join, not a scalar subquery: SQLite would
    evaluate that again for every usage row it is compared with.)"""
    params["go_live_item"] = rule.trigger.go_live_item
    params["cutoff"] = _iso(today - timedelta(days=rule.trigger.days))
    go_live = "substr(c.done_at, 1, 10)"
    since = f"m.account_id = s.id AND m.period IN ('day', 'week') AND m.period_start >= {go_live}"
    return (
        f"SELECT s.id AS account_id, 'go-live ' || {go_live} AS occurrence, NULL AS item_id "
        "FROM scope AS s JOIN checklist_items AS c ON c.account_id = s.id "
        "AND c.item_key = :go_live_item AND c.done = 1 "
        f"WHERE {go_live} <= :cutoff "
        f"AND EXISTS (SELECT 1 FROM usage_metrics AS m WHERE {since}) "
        f"AND NOT EXISTS (SELECT 1 FROM usage_metrics AS m WHERE {since} "
        "AND m.key_feature_uses > 0)"
    )


def _checklist_overdue(rule: Rule, today: date, params: dict[str, Any]) -> str:
    trigger = rule.trigger
    params["cutoff"] = _iso(today - timedelta(days=trigger.days_overdue))
    where = ""
    if trigger.items:
        where += " AND " + _in("c.item_key", "item", trigger.items, params)
    if trigger.moments_of_truth_only:
        where += " AND c.moment_of_truth = 1"
    return (
        "SELECT s.id AS account_id, 'item ' || c.id || ' ' || c.due_date AS occurrence, "
        "c.id AS item_id FROM scope AS s "
        "JOIN checklist_items AS c INDEXED BY checklist_open_account ON c.account_id = s.id "
        f"AND c.done = 0 AND c.due_date <= :cutoff{where}"
    )


def _segment_stage(rule: Rule, today: date, params: dict[str, Any]) -> str:
    """Once each time the account enters the stage (its segment and stage are the filters)."""
    params["started_by"] = _iso(today - timedelta(days=rule.trigger.days_in_stage))
    params["days_in_stage"] = rule.trigger.days_in_stage
    return (
        "SELECT s.id AS account_id, "
        "'stage ' || s.stage || ' ' || coalesce(s.stage_started_on, '') AS occurrence, "
        "NULL AS item_id FROM scope AS s WHERE :days_in_stage = 0 "
        "OR s.stage_started_on <= :started_by"
    )


def _no_decision_maker(rule: Rule, today: date, params: dict[str, Any]) -> str:
    """An account with a decision maker among its contacts, none met (a meeting or call naming
    them, issue 16) in the last `days`; fires at most once per `days`-day window. Only accounts
    whose work names who took part: a user who does not name them is not told about all."""
    days = rule.trigger.days
    params["met_since"] = _iso(today - timedelta(days=days))  # a prefix of the UTC times
    params["window"] = days
    return (
        "SELECT s.id AS account_id, 'no-decision-maker ' || "
        "CAST(julianday(:today) / :window AS INTEGER) AS occurrence, NULL AS item_id "
        "FROM scope AS s WHERE EXISTS (SELECT 1 FROM contacts AS c "
        "WHERE c.account_id = s.id AND c.is_decision_maker = 1) "
        "AND EXISTS (SELECT 1 FROM activities AS n INDEXED BY activities_met "
        "WHERE n.account_id = s.id AND n.participants <> '[]') "
        "AND NOT EXISTS (SELECT 1 FROM activities AS x INDEXED BY activities_met, "
        "json_each(x.participants) AS p JOIN contacts AS c ON c.id = p.value "
        "AND c.account_id = x.account_id AND c.is_decision_maker = 1 "
        "WHERE x.account_id = s.id AND x.participants <> '[]' "
        "AND x.type IN ('meeting', 'call') AND x.occurred_at >= :met_since)"
    )


_TRIGGERS: dict[TriggerKind, Callable[[Rule, date, dict[str, Any]], str]] = {
    TriggerKind.RENEWAL_WITHOUT_ACTIVITY: _renewal,
    TriggerKind.HEALTH_DROP: _health_drop,
    TriggerKind.LOGINS_DROP: _logins_drop,
    TriggerKind.NEW_USER: _new_user,
    TriggerKind.KEY_FEATURE_UNUSED: _key_feature,
    TriggerKind.CHECKLIST_OVERDUE: _checklist_overdue,
    TriggerKind.SEGMENT_STAGE: _segment_stage,
    TriggerKind.CHAMPION_CHANGE: _champion_change,
    TriggerKind.NO_DECISION_MAKER_CONTACT: _no_decision_maker,
}


# -- firing --------------------------------------------------------------------------------------


def _item_names(store: Store, item_ids: list[str]) -> dict[str, tuple[str, str]]:
    """item id → its title in English and Japanese: a template item the user has not
    reworded in both (as the Roadmap tab shows it), any other item in its own words."""
    if not item_ids:
        return {}
    from csm_tui.services.roadmap_templates import load_templates, template_for_segment

    templates, _problems = load_templates()  # a broken user file is reported elsewhere
    names: dict[str, tuple[str, str]] = {}
    for item_id, (key, title, custom, segment) in queries.items_for_titles(store, item_ids).items():
        source = None if custom or not key else template_for_segment(templates, segment).item(key)
        if source is not None and title in (source.title_en, source.title_ja):
            names[item_id] = (source.title_en, source.title_ja)
        else:
            names[item_id] = (title, title)
    return names


def _fire(store: Store, found: list[_Occurrence], me: str, today: date) -> tuple[int, int]:
    """Write the firings and their tasks in one transaction, built a batch at a time so that
    memory stays flat on a big import; returns (fired, tasks)."""
    fired = tasks = 0
    with store.transaction() as tx:
        for start in range(0, len(found), _FIRE_BATCH):
            more = _fire_batch(tx, found[start : start + _FIRE_BATCH], me, today)
            fired, tasks = fired + more[0], tasks + more[1]
    return fired, tasks


def _fire_batch(tx: Transaction, found: list[_Occurrence], me: str, today: date) -> tuple[int, int]:
    store = tx.store
    item_keys = {a.checklist_item for o in found for a in o.rule.actions if a.checklist_item}
    accounts = sorted({occurrence.account_id for occurrence in found})
    items = {key: queries.checklist_item_ids(store, key, accounts) for key in sorted(item_keys)}
    named = _item_names(store, sorted({o.item_id for o in found if o.item_id}))
    firings: list[dict[str, Any]] = []
    tasks: list[dict[str, Any]] = []
    for occurrence in found:
        rule = occurrence.rule
        firings.append(
            {
                "id": occurrence_id(rule.id, occurrence.account_id, occurrence.key),
                "rule_id": rule.id,
                "account_id": occurrence.account_id,
                "occurrence": occurrence.key,
                "fired_at": "",
                "tasks": len(rule.actions),
            }
        )
        for action in rule.actions:
            due = None if action.due_in_days is None else today + timedelta(action.due_in_days)
            item = occurrence.item_id
            if action.checklist_item:
                item = items[action.checklist_item].get(occurrence.account_id)
            title_en, title_ja = action.title_en, action.title_ja
            about = named.get(occurrence.item_id or "")
            if about is not None:  # two overdue items: two tasks that say which is which
                title_en, title_ja = f"{about[0]} — {title_en}", f"{about[1]} — {title_ja}"
            tasks.append(
                {
                    "id": occurrence_id(rule.id, occurrence.account_id, occurrence.key, action.key),
                    "account_id": occurrence.account_id,
                    "title": title_en,
                    "title_ja": title_ja,
                    "due_date": due,
                    "remind_on": due if action.reminder else None,
                    "checklist_item_id": item,
                    "source": "playbook",
                    "rule_id": rule.id,
                    "occurrence": occurrence.key,
                    "assignee_email": me,
                    "done": False,
                    "done_at": None,
                    "done_by": None,
                    "created_at": "",
                    "updated_at": "",
                }
            )
    # rows that arrived by sync since the queries ran are left as they are
    known = queries.existing_ids(store, "playbook_firings", [row["id"] for row in firings])
    firings = [row for row in firings if row["id"] not in known]
    made = queries.existing_ids(store, "tasks", [row["id"] for row in tasks])
    tasks = [row for row in tasks if row["id"] not in made]
    for row in firings:
        row["fired_at"] = tx.now
    for row in tasks:
        row["created_at"] = row["updated_at"] = tx.now
    insert_many(tx, "playbook_firings", firings)
    insert_many(tx, "tasks", tasks)
    return len(firings), len(tasks)
