"""The demo book: a deterministic, realistic book of business to try the app on and to benchmark.

The same seed and day give the same rows (ids come from the seeded generator too), so screenshots,
docs and benchmarks stay stable. Rows are plain dicts written with `insert_many`, journaled like any
other write. Pydantic checks every account, owner and contact but only a sample of snapshots and
activities: validating 200,000 activities would cost more than writing them.
"""

from __future__ import annotations

import json
import time
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate
from operator import itemgetter
from pathlib import Path
from random import Random
from typing import Any

from pydantic import BaseModel

from csm_tui.demo import names as words
from csm_tui.demo.handoff import add_handoff_notes
from csm_tui.demo.metrics import add_usage_metrics
from csm_tui.demo.names import Segment
from csm_tui.demo.roadmaps import Roadmaps
from csm_tui.demo.tasks import add_demo_tasks
from csm_tui.errors import ValidationError
from csm_tui.models.account import Account
from csm_tui.models.activity import Activity
from csm_tui.models.checklist import ChecklistItem
from csm_tui.models.contact import Contact
from csm_tui.models.health import HealthSnapshot
from csm_tui.models.owner import OwnerAssignment
from csm_tui.services.identity import set_me, upsert_user
from csm_tui.store.accounts import count_accounts
from csm_tui.store.connection import Store, peek_setting
from csm_tui.store.journal import insert_many
from csm_tui.store.settings_keys import DEMO_SETTING

ACTIVITIES_PER_ACCOUNT = 8
ACTIVITY_DAYS = 120
HISTORY_MONTHS = 12
VALIDATE_SAMPLE = 400  # rows of each large batch checked with pydantic
_SAMPLED = ("health_snapshots", "activities", "checklist_items")
ACTIVITY_CHUNK = 50_000  # bounds memory: 2,000,000 activities are never all in memory at once
COMPONENTS = ("usage", "adoption", "relationship", "outcomes", "support")
RATES = {"JPY": 150.0, "EUR": 0.92, "USD": 1.0}  # per USD
Rows = list[dict[str, Any]]
# set by the store, or kept outside the models
_STAMPS = ("created_at", "updated_at", "stage_started_on")
_Period = tuple[date | None, date | None, str]  # a secondary owner's coverage: from, to, why


_MODELS: dict[str, type[BaseModel]] = {
    "accounts": Account,
    "owners": OwnerAssignment,
    "contacts": Contact,
    "health_snapshots": HealthSnapshot,
    "activities": Activity,
    "checklist_items": ChecklistItem,
}


@dataclass(frozen=True)
class DemoSummary:
    """What `build_demo` wrote, and how long it took."""

    accounts: int
    owners: int
    contacts: int
    snapshots: int
    activities: int
    seconds: float


@dataclass(frozen=True)
class _Plan:
    """What the activity generator needs to know about an account."""

    id: str
    japanese: bool
    stage: str
    workload: float
    authors: list[str]
    author_cum: list[float]
    at_risk: bool


def build_demo(
    store: Store,
    *,
    accounts: int = 60,
    activities: int | None = None,
    seed: int = 1,
    today: date,
) -> DemoSummary:
    """Fill an empty store with a demo book dated relative to `today`.

    People, accounts and health go in one transaction, activities in one per chunk (a single
    transaction of 2,000,000 activities would grow the WAL to gigabytes). A build that fails
    halfway leaves a partial book, so the CLI builds into a temporary file.
    """
    started = time.perf_counter()
    if accounts < 1:
        raise ValidationError("The demo needs at least one account.")
    if activities is not None and activities < 0:
        raise ValidationError("The number of activities cannot be negative.")
    if count_accounts(store) > 0:
        raise ValidationError(f"{store.path} already has accounts; a demo needs an empty book.")
    total = accounts * ACTIVITIES_PER_ACCOUNT if activities is None else activities
    rng = Random(seed)
    colleagues = rng.sample(words.COLLEAGUES, rng.randint(4, 6))
    set_me(store, words.ME_NAME, words.ME_EMAIL)
    written: dict[str, int] = {}
    with store.transaction() as tx:
        for name, email in colleagues:
            upsert_user(tx, email, name)
        maker = _Maker(rng, today, tx.now, [email for _, email in colleagues])
        # checklists draw from their own generator, so the rest of the book stays as it was
        maker.roadmaps = Roadmaps(Random(f"checklists-{seed}"), today, tx.now)
        tables, plans = maker.accounts(accounts)
        for table, rows in tables.items():
            _check(table, rows)
            insert_many(tx, table, rows)
            written[table] = len(rows)
    written["activities"] = 0
    for chunk in maker.activities(plans, total):  # a transaction per chunk keeps the WAL small
        _check("activities", chunk)
        with store.transaction() as tx:
            insert_many(tx, "activities", chunk)
        written["activities"] += len(chunk)
    add_handoff_notes(store, today, seed)  # on accounts I cover, in English and Japanese
    add_usage_metrics(store, today, seed)  # a year of weekly usage, with its stories
    add_demo_tasks(store, today, seed)  # a few tasks of mine, then the playbooks once
    params = {"accounts": accounts, "activities": total, "seed": seed, "today": str(today)}
    store.set_setting(DEMO_SETTING, json.dumps(params))
    return DemoSummary(
        accounts=written["accounts"],
        owners=written["owners"],
        contacts=written["contacts"],
        snapshots=written["health_snapshots"],
        activities=written["activities"],
        seconds=time.perf_counter() - started,
    )


def is_demo_book(path: Path) -> bool:
    """Whether `build_demo` made the book at `path` (read without changing the file)."""
    return peek_setting(path, DEMO_SETTING) is not None


def _check(table: str, rows: Rows) -> None:
    """Check rows against the model the app reads them with; a failure is a bug, so it raises.

    Every account, owner and contact is checked; snapshots and activities only by sample.
    """
    model = _MODELS[table]
    step = max(1, len(rows) // VALIDATE_SAMPLE) if table in _SAMPLED else 1
    for row in rows[::step]:
        model.model_validate({k: v for k, v in row.items() if k not in _STAMPS})


def _clamp(value: float, low: int = 0, high: int = 100) -> int:
    return max(low, min(high, round(value)))


def _month_firsts(today: date, months: int) -> list[date]:
    """The first day of each of the last `months` months, oldest first, ending with this month."""
    firsts: list[date] = []
    year, month = today.year, today.month
    for _ in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return firsts[::-1]


class _Maker:
    """Makes the rows; every random choice goes through one seeded generator, in a fixed order.

    Rows come out in account order and ids are handed out in ascending order, so inserts append to
    the primary-key and per-account indexes instead of scattering over them: that alone nearly
    halves the SQLite time of the large demo.
    """

    def __init__(self, rng: Random, today: date, now: str, colleagues: list[str]) -> None:
        self.rng = rng
        self.today = today
        self.now = now
        self.colleagues = colleagues
        self.companies = words.CompanyNames(rng)
        self.external = rng.randint(1_000, 9_000)
        firsts = _month_firsts(today, HISTORY_MONTHS)
        self.dates = firsts if firsts[-1] == today else [*firsts, today]
        past = today - timedelta(days=30)
        self.pivot = max(i for i, day in enumerate(self.dates) if day <= past)
        self.roadmaps: Roadmaps | None = None

    def ids(self, n: int) -> list[str]:
        """`n` random hex ids in ascending order (uuid4() would differ on each run)."""
        bits = self.rng.getrandbits
        return sorted([f"{bits(128):032x}" for _ in range(n)])

    def accounts(self, accounts: int) -> tuple[dict[str, Rows], list[_Plan]]:
        """The accounts and what hangs off them, in account order; and a plan per account."""
        names = ("owners", "contacts", "health_snapshots", "checklist_items")
        tables: dict[str, Rows] = {name: [] for name in names}
        ids = self.ids(accounts)
        rows, plans = [], []
        for index, account_id in enumerate(ids):
            row, plan = self.account(index, account_id, tables)
            rows.append(row)
            plans.append(plan)
        for name, table_rows in tables.items():
            if name != "checklist_items":  # numbered by their own generator
                self.number(table_rows)
        return {"accounts": rows, **tables}, plans

    def number(self, rows: Rows) -> Rows:
        for row, row_id in zip(rows, self.ids(len(rows)), strict=True):
            row["id"] = row_id
        return rows

    # -- accounts ----------------------------------------------------------------------------

    def account(
        self, index: int, account_id: str, tables: dict[str, Rows]
    ) -> tuple[dict[str, Any], _Plan]:
        rng = self.rng
        japanese = index % 2 == 1  # exactly half, whatever the seed
        segment = rng.choices(words.SEGMENTS, weights=[s.weight for s in words.SEGMENTS])[0]
        currency = "JPY" if japanese else ("EUR" if rng.random() < 0.3 else "USD")
        name, industry_tag, domain = self.companies.make(japanese, currency)
        days = -rng.randint(1, 20) if rng.random() < 0.03 else rng.randint(1, 365)
        trend = rng.choices(("drop", "rise", "steady"), weights=(15, 15, 70))[0]
        score = self.health(account_id, trend, tables["health_snapshots"])
        self.external += rng.randint(1, 9)
        row = {
            "id": account_id,
            "external_id": f"CRM-{self.external:06d}",
            "name": name,
            "segment": segment.name,
            "contract_value": round(
                rng.uniform(*segment.usd) * RATES[currency], -4 if japanese else -2
            ),
            "currency": currency,
            "renewal_date": (self.today + timedelta(days=days)).isoformat(),
            "health_score": score,
            "stage": (stage := self.stage(days)),
            "tags": self.tags(segment, trend, score, industry_tag, japanese),
            "created_at": self.now,
            "updated_at": self.now,
        }
        authors, weights = self.owners(account_id, tables["owners"])
        if self.roadmaps is not None:
            row["stage_started_on"] = self.roadmaps.add(
                row, segment.name, japanese, authors[0], tables["checklist_items"]
            )
        size = rng.randint(*segment.contacts)
        tables["contacts"].extend(words.contacts(rng, account_id, japanese, size, domain, self.now))
        at_risk = trend == "drop" or score < 45
        cum = list(accumulate(weights))
        return row, _Plan(account_id, japanese, stage, segment.workload, authors, cum, at_risk)

    def stage(self, days_to_renewal: int) -> str:
        """Renewals near, new contracts far away: the stage follows the renewal date, mostly."""
        pick = self.rng.random()
        if days_to_renewal <= 120:
            return "renewal" if pick < 0.85 else "adoption"
        if days_to_renewal > 270:
            return "onboarding" if pick < 0.5 else "adoption"
        return "adoption" if pick < 0.9 else "onboarding"

    def tags(
        self, segment: Segment, trend: str, score: int, industry_tag: str, japanese: bool
    ) -> list[str]:
        rng = self.rng
        tags = ["vip"] if segment.name == "Enterprise" and rng.random() < 0.6 else []
        tags.append(industry_tag)
        if trend == "drop" or score < 45:
            tags.append("at-risk")
        elif (trend == "rise" and score >= 70) or rng.random() < 0.08:
            tags.append("expansion")
        tags.extend(rng.sample(words.PRODUCT_TAGS, rng.randint(0, 2)))
        if japanese and rng.random() < 0.3:
            tags.append(rng.choice(words.JA_EXTRA_TAGS))
        return list(dict.fromkeys(tags))

    def health(self, account_id: str, trend: str, out: Rows) -> int:
        """Monthly snapshots ending today; `trend` sets the change against 30 days ago."""
        rng = self.rng
        if trend == "drop":
            current, delta = rng.randint(20, 70), rng.randint(10, 25)
        elif trend == "rise":
            current, delta = rng.randint(45, 95), -rng.randint(6, 20)
        else:
            current, delta = _clamp(rng.gauss(72, 12), 25, 98), rng.randint(-4, 4)
        last, pivot = len(self.dates) - 1, self.pivot
        scores = [0] * len(self.dates)
        scores[last] = current
        scores[pivot] = _clamp(current + delta)
        for i in range(pivot + 1, last):  # between 30 days ago and today: on the way
            scores[i] = _clamp(current + delta * (self.today - self.dates[i]).days / 30)
        for i in range(pivot - 1, -1, -1):  # further back: a random walk
            scores[i] = _clamp(scores[i + 1] + rng.randint(-5, 5), 5)
        bias = [rng.randint(-10, 10) for _ in COMPONENTS]
        culprit = rng.randrange(len(COMPONENTS))  # the component that explains a drop
        random = rng.random
        for i, (day, score) in enumerate(zip(self.dates, scores, strict=True)):
            hit = 12 if trend == "drop" and i > pivot else 0
            values = [
                max(0, min(100, score + b + int(random() * 9) - 4 - hit * (c == culprit)))
                for c, b in enumerate(bias)
            ]
            out.append(
                {
                    "id": "",
                    "account_id": account_id,
                    "date": day.isoformat(),
                    "score": score,
                    "components": dict(zip(COMPONENTS, values, strict=True)),
                }
            )
        return current

    # -- people ------------------------------------------------------------------------------

    def owners(self, account_id: str, out: Rows) -> tuple[list[str], list[float]]:
        """Add the owner rows; returns who logs the account's activities, with what weights."""
        rng = self.rng
        me = words.ME_EMAIL
        colleague, other = rng.sample(self.colleagues, 2)
        pick = rng.random()
        period: _Period = (None, None, "")
        none = period
        if pick < 0.8:  # mine, sometimes with a colleague as backup
            second = colleague if rng.random() < 0.25 else None
            primary, authors, weights = me, [me, colleague], [0.9, 0.1 if second else 0.0]
        elif pick < 0.93:  # I cover a colleague's account, some while they are away
            primary, second = colleague, me
            authors, weights = [me, colleague], [0.3, 0.7]
            if rng.random() < 0.5:
                start = self.today + timedelta(days=rng.randint(-60, 21))
                end = start + timedelta(days=rng.randint(30, 180))
                period = (start, end, rng.choice(words.COVERAGE_REASONS))
                weights = [0.8, 0.2] if start <= self.today else weights
        else:  # a colleague's account, I am not on it
            primary, second = colleague, other if rng.random() < 0.4 else None
            authors, weights = [colleague, other], [0.85, 0.15 if second else 0.0]
        for email, role, (begins, ends, reason) in (
            (primary, "primary", none),
            (second, "secondary", period),
        ):
            if email:
                out.append(
                    {
                        "id": "",
                        "account_id": account_id,
                        "user_email": email,
                        "role": role,
                        "coverage_from": begins,
                        "coverage_to": ends,
                        "coverage_reason": reason,
                        "created_at": self.now,
                    }
                )
        return authors, weights

    # -- activities --------------------------------------------------------------------------

    def activities(self, plans: list[_Plan], total: int) -> Iterator[Rows]:
        """Chunks of activity rows, built as dicts with cheap `random()` draws (200,000 of them)."""
        rng, random, kinds, now = self.rng, self.rng.random, words.ACTIVITY_KINDS, self.now
        per_account = [0] * len(plans)
        weights = [plan.workload for plan in plans]
        for index in rng.choices(range(len(plans)), weights=weights, k=total):
            per_account[index] += 1
        days = [self.today - timedelta(days=n) for n in range(ACTIVITY_DAYS + 3)]
        workdays = [days[n + max(0, d.weekday() - 4)].isoformat() for n, d in enumerate(days[:-2])]
        ja_times = [f"T{h:02d}:{m:02d}:00+00:00" for h in range(9) for m in range(0, 60, 5)]
        en_times = [f"T{h:02d}:{m:02d}:00+00:00" for h in range(13, 23) for m in range(0, 60, 5)]
        chunk: Rows = []
        for plan, n in zip(plans, per_account, strict=True):
            times = ja_times if plan.japanese else en_times  # office hours, in UTC
            cum, authors, author_cum = words.KIND_CUM[plan.stage], plan.authors, plan.author_cum
            outcomes = words.OUTCOME_CUM_AT_RISK if plan.at_risk else words.OUTCOME_CUM
            mine: Rows = []
            for _ in range(n):
                index = bisect(cum, random() * cum[-1])
                kind = kinds[index]
                span = kind.max_minutes - kind.min_minutes
                step = 5 if random() < 0.9 else 1
                at = workdays[int(random() * len(workdays))] + times[int(random() * len(times))]
                if at > now:  # today, but later than now: make it yesterday's
                    at = (date.fromisoformat(at[:10]) - timedelta(days=1)).isoformat() + at[10:]
                odds = outcomes[index]
                notes = kind.notes_ja if plan.japanese else kind.notes_en
                mine.append(
                    {
                        "id": "",
                        "account_id": plan.id,
                        "author_email": authors[bisect(author_cum, random() * author_cum[-1])],
                        "type": kind.type,
                        "minutes": kind.min_minutes + step * int(random() * (span // step + 1)),
                        "occurred_at": at,
                        "proactive": random() < kind.proactive,
                        "recurring": random() < kind.recurring,
                        "outcome": words.OUTCOMES[bisect(odds, random() * odds[-1])],
                        "note": notes[int(random() * len(notes))],
                        "checklist_item_id": None,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            mine.sort(key=itemgetter("occurred_at"))
            chunk.extend(mine)
            if len(chunk) >= ACTIVITY_CHUNK:
                yield self.number(chunk)
                chunk = []
        if chunk:
            yield self.number(chunk)
