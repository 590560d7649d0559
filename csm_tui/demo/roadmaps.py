"""The demo book's roadmap checklists: each account's template applied, in varied states.

Part of the demo builder (see `demo.py`); its own seeded generator keeps the rest of the demo book
the same as before checklists existed.
"""

from __future__ import annotations

from datetime import date, timedelta
from random import Random
from typing import Any

from csm_tui.services.checklist_plan import STAGES, computed_due_dates, template_item_rows
from csm_tui.services.roadmap_templates import Template, built_in_templates, template_for_segment

Rows = list[dict[str, Any]]


class Roadmaps:
    """Checklists in varied states: earlier stages mostly done, the current one partly, some
    accounts with overdue items and some with the whole stage complete."""

    def __init__(self, rng: Random, today: date, now: str) -> None:
        self.rng = rng
        self.today = today
        self.now = now
        self.templates = built_in_templates()
        self.order = {stage.value: index for index, stage in enumerate(STAGES)}

    def template(self, segment: str) -> Template:
        return template_for_segment(self.templates, segment)

    def add(self, account: dict[str, Any], segment: str, japanese: bool, by: str, out: Rows) -> str:
        """Append the account's items to `out`; returns the day its current stage started."""
        rng, today = self.rng, self.today
        stage = account["stage"]
        since = {"onboarding": (0, 80), "adoption": (20, 330), "renewal": (0, 90)}[stage]
        started = today - timedelta(days=rng.randint(*since))
        bits = rng.getrandbits
        rows = template_item_rows(
            self.template(segment),
            account["id"],
            now=self.now,
            language="ja" if japanese else "en",
            new_id=lambda: f"{bits(128):032x}",
        )
        renewal = date.fromisoformat(account["renewal_date"])
        dues = computed_due_dates(rows, stage=stage, stage_start=started, renewal=renewal)
        current = self.order[stage]
        diligence = rng.choice((0.6, 0.85, 0.95, 1.0))  # 1.0: nothing overdue
        complete = rng.random() < 0.12  # the whole current stage ticked
        for row in rows:
            due = dues.get(row["id"])
            row["due_date"] = due
            place = self.order[row["stage"]]
            if place < current:
                done = rng.random() < 0.96
            elif place > current:
                done = False
            elif complete:
                done = True
            elif due is None:
                done = rng.random() < 0.3
            else:
                done = rng.random() < (diligence if due < today else 0.1)
            if done:
                day = min(due or started, today - timedelta(days=1)) - timedelta(
                    days=rng.randint(0, 3)
                )
                row["done"] = True
                row["done_by"] = by
                row["done_at"] = (
                    f"{day.isoformat()}T{rng.randint(0, 8):02d}:{rng.randint(0, 59):02d}:00+00:00"
                )
        out.extend(rows)
        return started.isoformat()
