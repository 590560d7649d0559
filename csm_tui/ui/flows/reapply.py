"""Re-apply the roadmap templates from the palette: plan on a thread, ask, add on a thread.

After a CSM adds an item to a template, the accounts that use it lack that item. The plan is one
query over the book; the question says how many items and accounts; the items are added in
chunks on a worker, so the app stays usable on a 5,000-account book.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from csm_tui.errors import CsmError
from csm_tui.i18n import _, ngettext
from csm_tui.ui.screens.confirm import ConfirmScreen

if TYPE_CHECKING:
    from csm_tui.services.roadmap_reapply import ReapplyPlan
    from csm_tui.ui.app import CsmApp


def start(app: CsmApp) -> None:
    app.run_worker(
        partial(_plan, app), thread=True, exit_on_error=False, group="reapply", exclusive=True
    )


def _plan(app: CsmApp) -> None:
    try:
        plan = app.session.roadmap.plan_reapply()
    except CsmError as exc:
        app.call_from_thread(app.notify, str(exc), severity="error")
        return
    app.call_from_thread(_ask, app, plan)


def _ask(app: CsmApp, plan: ReapplyPlan) -> None:
    if not plan.accounts:
        app.notify(_("Every account already has every item of its roadmap template."))
        return
    items = ngettext("{n} new roadmap item", "{n} new roadmap items", plan.items)
    accounts = ngettext("{n} account", "{n} accounts", plan.accounts)
    question = _(
        "Add {items} to {accounts}, as their templates now have them? Ticks, notes and your "
        "own items stay as they are."
    ).format(
        items=items.format(n=f"{plan.items:,}"), accounts=accounts.format(n=f"{plan.accounts:,}")
    )
    screen = ConfirmScreen(question, yes=_("Add them"), no=_("Not now"))
    app.push_screen(screen, partial(_answered, app, plan))


def _answered(app: CsmApp, plan: ReapplyPlan, yes: bool | None) -> None:
    if not yes:
        return
    app.run_worker(
        partial(_add, app, plan), thread=True, exit_on_error=False, group="reapply", exclusive=True
    )


def _add(app: CsmApp, plan: ReapplyPlan) -> None:
    try:
        added = app.session.roadmap.reapply(plan)
    except CsmError as exc:
        app.call_from_thread(app.notify, str(exc), severity="error")
        return
    app.call_from_thread(_done, app, added, plan.accounts)


def _done(app: CsmApp, added: int, accounts: int) -> None:
    items = ngettext("{n} roadmap item", "{n} roadmap items", added).format(n=f"{added:,}")
    where = ngettext("{n} account", "{n} accounts", accounts).format(n=f"{accounts:,}")
    app.notify(_("Added {items} to {accounts}.").format(items=items, accounts=where))
    # the screens showing roadmaps learn it from the change signal (the commits)
