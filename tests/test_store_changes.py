"""What a committed transaction tells its after-commit listeners (issue 13: the UI reloads what
changed, told by the store)."""

from __future__ import annotations

from datetime import datetime

from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.services.activities import delete_activity, edit_activity, log_activity
from csm_tui.store.connection import Store
from csm_tui.store.journal import Changes


def test_listeners_receive_the_tables_and_accounts_written(
    store: Store, me: tuple[str, str]
) -> None:
    seen: list[Changes] = []
    store.after_commit.append(seen.append)
    a = create_account(store, Account(name="Acme"))
    create_account(store, Account(name="Other"))
    assert seen[0].tables >= {"accounts"} and seen[0].account_ids == {a.id}
    seen.clear()

    logged = log_activity(store, a.id, 20, datetime(2026, 1, 5, 10, 0).astimezone())
    assert seen == [Changes(frozenset({"activities"}), frozenset({a.id}))]
    seen.clear()
    edit_activity(store, logged.id, minutes=30)  # an update: the account is looked up
    delete_activity(store, logged.id)  # a delete: looked up before the row goes
    assert [c.account_ids for c in seen] == [{a.id}, {a.id}]
    assert all(c.tables == {"activities"} for c in seen)


def test_a_transaction_that_wrote_nothing_tells_nobody(store: Store) -> None:
    seen: list[Changes] = []
    store.after_commit.append(seen.append)
    with store.transaction():
        pass
    assert seen == []
