"""The handoff note left unsaved by a crash or a kill comes back at start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from csm_tui.errors import CsmError
from csm_tui.i18n import _
from csm_tui.ui.screens.handoff_editor import DRAFT, HandoffEditor

if TYPE_CHECKING:
    from csm_tui.services.session import Session
    from csm_tui.ui.app import CsmApp


def offer_draft(app: CsmApp, session: Session) -> None:
    """After a crash or a kill, the unsaved note comes back where it was left; once saved,
    every screen showing notes learns it from the change signal."""
    draft = session.load_draft(DRAFT)
    if not draft or not isinstance(draft.get("account_id"), str):
        return
    try:
        name = session.overview(draft["account_id"]).account.name
    except CsmError:
        session.clear_draft(DRAFT)  # its account is gone; nothing left to attach it to
        return
    app.notify(_("Your unsaved handoff note is back: Ctrl+S saves it, Escape discards it."))
    app.push_screen(HandoffEditor(session, draft["account_id"], name, draft=draft))
