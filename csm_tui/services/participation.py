"""Who took part in the work (issue 16): the account's contacts named on an activity, and what
follows from them per account: meetings with a decision maker in the last `WINDOW` days, and the
days since the champion was last met (a meeting or a call naming them). The Overview, the brief
and Today's reasons say it in one line each; the playbook trigger `no_decision_maker_contact`
fires on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from csm_tui.errors import ValidationError
from csm_tui.i18n import _, ngettext
from csm_tui.store import participation as queries
from csm_tui.store.connection import Store
from csm_tui.store.search import fold
from csm_tui.store.today import PriorityRow

WINDOW = 90  # days in which meetings with a decision maker are counted
CHAMPION_QUIET = 60  # days without meeting the champion before Today names it


@dataclass(frozen=True)
class Relationship:
    """One account's contact with its people, as of `today`."""

    has_champion: bool
    has_decision_maker: bool
    champion_days: int | None  # since the champion was last met; None: never
    decision_maker_meetings: int  # in the last WINDOW days
    decision_maker_days: int | None  # since a decision maker was last met; None: never
    names_anyone: bool = True  # some work on the account names who took part


def _since(today: date, days: int) -> str:
    return datetime.combine(today - timedelta(days=days), time(), tzinfo=UTC).isoformat()


def _days(today: date, moment: str | None) -> int | None:
    return None if moment is None else (today - date.fromisoformat(moment[:10])).days


def relationship(store: Store, account_id: str, today: date) -> Relationship:
    found = queries.met(store, account_id, _since(today, WINDOW))
    champion, decision_maker = queries.marked(store, account_id)
    return Relationship(
        champion,
        decision_maker,
        _days(today, found.champion),
        found.decision_maker_meetings,
        _days(today, found.decision_maker),
        queries.names_anyone(store, account_id),
    )


def relationship_line(rel: Relationship) -> str:
    """ "Decision maker met 2 times in 90 days · champion last met 12 days ago" ("" when the
    account marks neither, or no work on it names who took part: a user who does not name
    participants is not told "never met" about every account)."""
    if not rel.names_anyone:
        return ""
    parts = []
    if rel.has_decision_maker:
        times = ngettext(
            "Decision maker met {n} time in {days} days",
            "Decision maker met {n} times in {days} days",
            rel.decision_maker_meetings,
        )
        parts.append(times.format(n=rel.decision_maker_meetings, days=WINDOW))
    if rel.has_champion:
        if rel.champion_days is None:
            parts.append(_("champion never met"))
        else:
            ago = ngettext(
                "champion last met {n} day ago", "champion last met {n} days ago", rel.champion_days
            )
            parts.append(ago.format(n=rel.champion_days))
    if not parts:
        return ""
    line = " · ".join(parts)
    return line[0].upper() + line[1:]


def relationship_text(store: Store, account_id: str, today: date) -> str:
    """The line the Overview and the brief show ("" when the account marks nobody)."""
    return relationship_line(relationship(store, account_id, today))


def quiet_champions(store: Store, today: date, account_ids: Sequence[str]) -> dict[str, int | None]:
    """Of `account_ids`, those with a champion not met in `CHAMPION_QUIET` days: account id →
    days since (None: never met). Today names them as a reason."""
    if not account_ids:
        return {}
    found = queries.met_in_book(store, _since(today, WINDOW))
    # only where work names who took part: else "never met" would be said of every account
    with_champion = _champion_accounts(store) & queries.naming_accounts(store)
    quiet: dict[str, int | None] = {}
    for account_id in account_ids:
        if account_id not in with_champion:
            continue
        days = _days(today, found[account_id].champion) if account_id in found else None
        if days is None or days >= CHAMPION_QUIET:
            quiet[account_id] = days
    return quiet


def with_quiet_champions(store: Store, today: date, rows: list[PriorityRow]) -> list[PriorityRow]:
    """Today's rows, those whose champion has not been met for long marked (a reason)."""
    quiet = quiet_champions(store, today, [row.id for row in rows])
    return [row._replace(champion_quiet=quiet[row.id]) if row.id in quiet else row for row in rows]


def quiet_reason(days: int | None) -> str:
    """Today's reason for an account whose champion has not been met."""
    if days is None:
        return _("champion never met")
    return _("champion not met for {n} days").format(n=days)


def _champion_accounts(store: Store) -> set[str]:
    rows = store.query("SELECT DISTINCT account_id FROM contacts WHERE is_champion = 1")
    return {str(row[0]) for row in rows}


def contacts_by_email(store: Store, account_id: str, emails: Sequence[str]) -> list[str]:
    """The ids of the account's contacts whose e-mail is one of `emails` (any case), in the
    order of its contacts: who of the customer attended a calendar meeting."""
    from csm_tui.store.accounts import contacts_of

    wanted = {email.casefold() for email in emails}
    return [
        c.id for c in contacts_of(store, account_id) if c.email and c.email.casefold() in wanted
    ]


def resolve_contacts(
    store: Store, account_id: str, account_name: str, names: Sequence[str]
) -> list[str]:
    """Contact ids for what a user typed: each an e-mail or a name (or the start of one) of one
    of the account's contacts; else one sentence naming its contacts."""
    from csm_tui.store.accounts import contacts_of

    contacts = contacts_of(store, account_id)
    chosen: list[str] = []
    for typed in names:
        wanted = fold(typed.strip())
        exact = [c for c in contacts if wanted and wanted in (fold(c.email or ""), fold(c.name))]
        starts = [c for c in contacts if wanted and fold(c.name).startswith(wanted)]
        matches = exact or starts
        if len(matches) != 1:
            listed = ", ".join(c.name for c in contacts) or "-"
            if matches:
                message = _("{typed!r} matches several contacts of {account} ({names}).")
                listed = ", ".join(c.name for c in matches)
            else:
                message = _("{typed!r} is not a contact of {account} (its contacts: {names}).")
            raise ValidationError(message.format(typed=typed, account=account_name, names=listed))
        if matches[0].id not in chosen:
            chosen.append(matches[0].id)
    return chosen
