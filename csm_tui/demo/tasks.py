"""The demo book's tasks: a few of my own (two overdue, one due today), then one run of the
built-in playbooks, so Today is full on the first start.

Deterministic like the rest of the demo: the tasks come from their own seeded generator, and the
playbooks' ids are derived from the rule, account and occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from random import Random

from csm_tui.clock import FixedClock
from csm_tui.demo.names import ME_EMAIL
from csm_tui.models.task import Task
from csm_tui.services.playbook_rules import built_in_rules
from csm_tui.services.playbooks import PlaybookRun, run_playbooks
from csm_tui.store.connection import Store
from csm_tui.store.journal import insert_many

# (English, Japanese) titles; a Japanese account gets the Japanese one, as its CSM would write it
MANUAL_TASKS = (
    ("Send the meeting notes and the next steps", "打ち合わせの議事録と次のアクションを送る"),
    ("Follow up on the open support inquiry", "対応中の問い合わせの状況を確認する"),
    (
        "Prepare the usage report for the business review",
        "ビジネスレビュー用の利用状況レポートを準備する",
    ),
    ("Ask for an introduction to the new IT manager", "新しいIT担当者の紹介を依頼する"),
    ("Confirm the training date with the customer", "トレーニングの日程を顧客と確定する"),
    ("Check the renewal quote with sales", "更新の見積もりを営業と確認する"),
)
DUE_IN_DAYS = (-3, -1, 0, 2, 5, None)


def add_demo_tasks(store: Store, today: date, seed: int) -> PlaybookRun:
    """Add the manual tasks to accounts I own, then run the built-in playbooks once."""
    rng = Random(f"tasks-{seed}")
    rows = store.query(
        "SELECT a.id, a.currency FROM accounts AS a JOIN owners AS o ON o.account_id = a.id "
        "WHERE o.user_email = ? AND o.role = 'primary' ORDER BY a.id",
        (ME_EMAIL,),
    )
    mine = [(row[0], row[1] == "JPY") for row in rows]
    picked = rng.sample(mine, min(len(mine), len(MANUAL_TASKS)))
    tasks = []
    for (account_id, japanese), (english, japanese_title), days in zip(
        picked, MANUAL_TASKS, DUE_IN_DAYS, strict=False
    ):
        task = Task(
            id=f"{rng.getrandbits(128):032x}",
            account_id=account_id,
            title=japanese_title if japanese else english,
            due_date=None if days is None else today + timedelta(days=days),
            assignee_email=ME_EMAIL,
        )
        tasks.append(task.model_dump())
    with store.transaction() as tx:
        for row in tasks:
            row["created_at"] = row["updated_at"] = tx.now
        insert_many(tx, "tasks", tasks)
    clock = FixedClock(datetime.combine(today, time(9), tzinfo=UTC))
    return run_playbooks(store, clock, rules=built_in_rules())
