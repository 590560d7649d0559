"""The demo book's usage metrics: a year of weekly logins, active users, key-feature use,
inquiries and new users for every account, with the stories a CSM should spot:

- accounts whose health fell in the last month also lose logins and active users over the last
  five weeks, and send more inquiries;
- a champion change: a burst of new users in one of the last three weeks, after a dip;
- a key feature never adopted: no key-feature use all year.

Communication signals (issue 16) for the Enterprise and Mid-Market accounts and some SMB ones: a
survey in the first week of each month (sent, answered, NPS, CSAT), an event in its third week
(invited, attended), feedback now and then. Accounts whose health fell answer fewer surveys and
come to fewer events the last time (their rates drop month over month). They come from a
generator of their own too, so the usage numbers are the same with or without them.

Drawn from a generator of its own (seeded from the demo's seed), so the rest of the demo book is
the same with or without it. Written like the activities: `insert_many` in chunks, journaled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random
from typing import Any

from csm_tui.models.metrics import SIGNALS, UsageMetric
from csm_tui.store.connection import Store
from csm_tui.store.journal import insert_many

WEEKS = 52
CHUNK = 50_000  # rows per transaction: keeps the WAL small on the 5,000-account book
SAMPLE = 400  # rows checked against the model
DROP_POINTS = 10  # health down this much in 30 days: the logins fall too
DROP_WEEKS = 5
SEATS = {
    "Enterprise": (150, 600),
    "Mid-Market": (40, 150),
    "SMB": (8, 40),
    "Tech Touch": (2, 12),
}
INQUIRIES = {"Enterprise": 3.0, "Mid-Market": 1.5, "SMB": 0.8, "Tech Touch": 0.3}
CHAMPION_SHARE = 0.04
UNADOPTED_SHARE = 0.06
SIGNAL_SEGMENTS = {"Enterprise": 1.0, "Mid-Market": 1.0, "SMB": 0.3}  # share that reports them


@dataclass(frozen=True)
class _Account:
    id: str
    segment: str
    stage: str
    score: int
    change: int  # health against 30 days ago


def demo_weeks(today: date) -> list[date]:
    """The Mondays of the last `WEEKS` full weeks, oldest first (the current week is not over)."""
    this_monday = today - timedelta(days=today.weekday())
    return [this_monday - timedelta(weeks=WEEKS - n) for n in range(WEEKS)]


def add_usage_metrics(store: Store, today: date, seed: int) -> int:
    """Write the weekly metrics of every account in the book; returns how many rows."""
    rng = Random(f"metrics-{seed}")
    signals_rng = Random(f"signals-{seed}")
    accounts = _accounts(store, today)
    if not accounts:
        return 0
    weeks = [day.isoformat() for day in demo_weeks(today)]
    holidays = {i for i, day in enumerate(demo_weeks(today)) if _holiday(day)}
    champions = _pick(rng, accounts, CHAMPION_SHARE, lambda a: True)
    unadopted = _pick(rng, accounts, UNADOPTED_SHARE, lambda a: a.stage != "renewal")
    rows: list[dict[str, Any]] = []
    written = 0
    for account in accounts:
        weekly = _weeks(
            rng, account, weeks, holidays, account.id in champions, account.id in unadopted
        )
        if signals_rng.random() < SIGNAL_SEGMENTS.get(account.segment, 0.0):
            _signals(signals_rng, account, weekly)
        rows.extend(weekly)
        if len(rows) >= CHUNK:
            written += _write(store, rng, rows, written)
            rows = []
    if rows:
        written += _write(store, rng, rows, written)
    return written


def _accounts(store: Store, today: date) -> list[_Account]:
    past = (today - timedelta(days=30)).isoformat()
    rows = store.query(
        "SELECT a.id, a.segment, a.stage, coalesce(a.health_score, 60), "
        "coalesce(a.health_score - (SELECT h.score FROM health_snapshots AS h "
        " WHERE h.account_id = a.id AND h.date <= ? ORDER BY h.date DESC LIMIT 1), 0) "
        "FROM accounts AS a ORDER BY a.id",
        (past,),
    )
    return [_Account(*row) for row in rows]


def _pick(rng: Random, accounts: list[_Account], share: float, fits: Any) -> set[str]:
    """At least one account of a story, even in a small book."""
    pool = [a.id for a in accounts if fits(a)]
    return set(rng.sample(pool, min(len(pool), max(1, round(len(accounts) * share)))))


def _holiday(monday: date) -> bool:
    """The weeks around New Year and mid-August: fewer logins everywhere."""
    sunday = monday + timedelta(days=6)
    new_year = (monday.month == 12 and monday.day >= 24) or (sunday.month == 1 and sunday.day <= 7)
    return new_year or (monday.month == 8 and 10 <= monday.day <= 17)


def _weeks(
    rng: Random,
    account: _Account,
    weeks: list[str],
    holidays: set[int],
    champion: bool,
    unadopted: bool,
) -> list[dict[str, Any]]:
    random = rng.random
    low, high = SEATS.get(account.segment, (5, 50))
    seats = rng.randint(low, high)
    active_share = 0.35 + account.score / 200 + random() * 0.1  # healthier: more of them log in
    per_user = 2.5 + random() * 2.5  # logins per active user per week
    adoption = 0.0 if unadopted else 0.15 + random() * 0.6
    inquiries = INQUIRIES.get(account.segment, 1.0)
    ramp = account.stage == "onboarding"  # new customers grow into their seats over the year
    falling = account.change <= -DROP_POINTS
    change_week = len(weeks) - 1 - rng.randrange(3) if champion else -1
    rows = []
    last = len(weeks) - 1
    for index, start in enumerate(weeks):
        level = 0.3 + 0.7 * index / last if ramp else 1.0
        if index in holidays:
            level *= 0.6
        asks = inquiries
        if falling and index > last - DROP_WEEKS:  # the drop behind the falling health score
            level *= 1 - (0.5 + random() * 0.1) * (index - (last - DROP_WEEKS)) / DROP_WEEKS
            asks *= 2.5
        if champion and change_week - 2 <= index < change_week:
            level *= 0.75  # the old champion has left; the new one has not started yet
        active = max(1, round(seats * active_share * level * (0.9 + random() * 0.2)))
        new_users = int(random() * seats * 0.02 + random() * 0.8)
        if index == change_week:
            new_users += 3 + int(random() * 6)
        rows.append(
            {
                "id": "",
                "account_id": account.id,
                "period": "week",
                "period_start": start,
                "logins": round(active * per_user * (0.85 + random() * 0.3)),
                "active_users": active,
                "key_feature_uses": round(active * adoption * (0.7 + random() * 0.6)),
                "inquiries": int(asks * (0.3 + random() * 1.4) + random() * 0.5),
                "new_users": new_users,
                **dict.fromkeys(SIGNALS),
                "created_at": "",
            }
        )
    return rows


def _signals(rng: Random, account: _Account, rows: list[dict[str, Any]]) -> None:
    """Add an account's communication signals to its weekly rows (in place)."""
    random = rng.random
    answering = 0.2 + account.score / 250 + random() * 0.15  # healthier: more answers
    attending = 0.15 + account.score / 300 + random() * 0.15
    promoters = account.score - 50 + rng.randint(-15, 15)  # the NPS around which it varies
    falling = account.change <= -DROP_POINTS
    mondays = [date.fromisoformat(row["period_start"]) for row in rows]
    surveys = [i for i, monday in enumerate(mondays) if monday.day <= 7]
    events = [i for i, monday in enumerate(mondays) if 15 <= monday.day <= 21]
    # a falling account's latest survey and event: fewer answers, fewer people
    late = {surveys[-1], events[-1]} if falling and surveys and events else set()
    for index, row in enumerate(rows):
        monday = mondays[index]
        size = max(3, round(row["active_users"] * 0.12))
        if monday.day <= 7:  # the monthly survey
            sent = size + rng.randint(0, 4)
            share = answering * (0.5 if index in late else 1.0) * (0.8 + random() * 0.4)
            answered = min(sent, round(sent * share))
            nps = promoters - (25 if index in late else 0) + rng.randint(-10, 10)
            row.update(
                surveys_sent=sent,
                surveys_answered=answered,
                nps=max(-100, min(100, nps)) if answered else None,
                csat=min(100, max(0, round(55 + account.score / 3 + rng.randint(-8, 8))))
                if answered
                else None,
            )
        if 15 <= monday.day <= 21:  # the monthly webinar or user group
            invited = size + rng.randint(1, 6)
            share = attending * (0.5 if index in late else 1.0) * (0.7 + random() * 0.6)
            row.update(events_invited=invited, events_attended=min(invited, round(invited * share)))
        if random() < 0.15:
            row["feedback_items"] = 1 + int(random() * 3)


def _write(store: Store, rng: Random, rows: list[dict[str, Any]], before: int) -> int:
    """Number the rows in ascending id order, across chunks too (inserts append to the index
    instead of scattering), check a sample against the model, write them in one transaction."""
    bits = rng.getrandbits
    for number, row in enumerate(rows, before):  # a running number first: ascending ids
        row["id"] = f"{number:07x}{bits(100):025x}"
    for row in rows[:: max(1, len(rows) // SAMPLE)]:
        UsageMetric.model_validate({k: v for k, v in row.items() if k != "created_at"})
    with store.transaction() as tx:
        for row in rows:
            row["created_at"] = tx.now
        insert_many(tx, "usage_metrics", rows)
    return len(rows)
