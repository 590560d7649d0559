"""Opening the Textual app on a database (shared by `csm-tui` and `csm-tui demo`)."""

from __future__ import annotations

from pathlib import Path


def run_app(db_path: Path) -> None:
    """Open the store first, so a bad database is one sentence on stderr, not a broken screen."""
    from csm_tui.config import load_config
    from csm_tui.i18n import set_language
    from csm_tui.services.session import Session
    from csm_tui.store.connection import open_store

    config = load_config()
    set_language(config.language)
    store = open_store(db_path)
    from csm_tui.ui.app import CsmApp

    try:
        CsmApp(Session(store), config).run()
    finally:
        store.close()
