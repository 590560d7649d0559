"""Who took part in the work (issue 16): when each account's champion and decision makers were
last met, and how often, from the activities that name their contacts (the partial index
`activities_met` holds only those)."""

from __future__ import annotations

from dataclasses import dataclass

from csm_tui.store.connection import Store

MET_TYPES = ("meeting", "call")
"""The work in which someone is met: spoken to, not written to."""

_MET = (
    "FROM activities AS x INDEXED BY activities_met, json_each(x.participants) AS p "
    "JOIN contacts AS c ON c.id = p.value AND c.account_id = x.account_id "
    "WHERE x.participants <> '[]' AND x.type IN ('meeting', 'call')"
)


@dataclass(frozen=True)
class Met:
    """One account: the last time its champion and a decision maker were met (UTC ISO text,
    None: never), and the meetings with a decision maker since `since`."""

    account_id: str
    champion: str | None
    decision_maker: str | None
    decision_maker_meetings: int


def met(store: Store, account_id: str, since: str) -> Met:
    row = store.query_one(
        "SELECT max(CASE WHEN c.is_champion THEN x.occurred_at END), "
        "max(CASE WHEN c.is_decision_maker THEN x.occurred_at END), "
        "count(DISTINCT CASE WHEN c.is_decision_maker AND x.occurred_at >= :since "
        f"THEN x.id END) {_MET} AND x.account_id = :account",
        {"account": account_id, "since": since},
    )
    assert row is not None  # an aggregate always answers
    return Met(account_id, row[0], row[1], int(row[2]))


def met_in_book(store: Store, since: str) -> dict[str, Met]:
    """Every account whose contacts were ever met, by account id."""
    rows = store.query(
        "SELECT x.account_id, max(CASE WHEN c.is_champion THEN x.occurred_at END), "
        "max(CASE WHEN c.is_decision_maker THEN x.occurred_at END), "
        "count(DISTINCT CASE WHEN c.is_decision_maker AND x.occurred_at >= :since "
        f"THEN x.id END) {_MET} GROUP BY x.account_id",
        {"since": since},
    )
    return {str(r[0]): Met(str(r[0]), r[1], r[2], int(r[3])) for r in rows}


def names_anyone(store: Store, account_id: str) -> bool:
    """Whether any work on the account names who took part (until then, nothing is said)."""
    row = store.query_one(
        "SELECT EXISTS (SELECT 1 FROM activities INDEXED BY activities_met "
        "WHERE account_id = ? AND participants <> '[]')",
        (account_id,),
    )
    return bool(row and row[0])


def naming_accounts(store: Store) -> set[str]:
    """The accounts on whose work someone is named."""
    rows = store.query(
        "SELECT DISTINCT account_id FROM activities INDEXED BY activities_met "
        "WHERE participants <> '[]'"
    )
    return {str(row[0]) for row in rows}


def marked(store: Store, account_id: str) -> tuple[bool, bool]:
    """Whether the account has a champion, a decision maker among its contacts."""
    row = store.query_one(
        "SELECT coalesce(max(is_champion), 0), coalesce(max(is_decision_maker), 0) "
        "FROM contacts WHERE account_id = ?",
        (account_id,),
    )
    return (False, False) if row is None else (bool(row[0]), bool(row[1]))
