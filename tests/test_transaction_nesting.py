"""Listeners hear of a transaction's changes once, after the real commit, nested ones included."""

from __future__ import annotations

import pytest

from csm_tui.models.account import Account
from csm_tui.services.accounts import create_account
from csm_tui.store.connection import Store
from csm_tui.store.journal import Changes


def test_nested_transactions_tell_the_listeners_once_after_the_commit(store: Store) -> None:
    heard: list[tuple[Changes, bool]] = []
    store.after_commit.append(lambda changes: heard.append((changes, store.conn.in_transaction)))
    with store.transaction():
        create_account(store, Account(id="a1", name="Acme"))
        with pytest.raises(RuntimeError), store.transaction():  # a savepoint rolled back
            create_account(store, Account(id="a2", name="Dropped"))
            raise RuntimeError
        create_account(store, Account(id="a3", name="Globex"))
        assert heard == [], "nothing is committed yet"
    [(changes, open_after)] = heard
    assert not open_after
    assert changes.tables == {"accounts"}
    assert changes.account_ids == {"a1", "a3"}
    assert store.query_one("SELECT 1 FROM accounts WHERE id = 'a2'") is None


def test_a_rolled_back_outer_transaction_tells_nobody(store: Store) -> None:
    heard: list[Changes] = []
    store.after_commit.append(heard.append)
    with pytest.raises(RuntimeError), store.transaction():
        create_account(store, Account(id="a1", name="Acme"))
        raise RuntimeError
    assert heard == []
    assert store.query_one("SELECT 1 FROM accounts") is None
