"""An account set aside on Today (issue 14) syncs to the CSM's other device, never to a
colleague who shares the account; a champion change reaches everyone who sees the account."""

from __future__ import annotations

from sync_kit import AOI, KEN, Team, rows_of

from csm_tui.services import contacts, snoozes
from csm_tui.store.accounts import get_account


def test_a_snooze_reaches_my_other_device_and_stays_mine(team: Team) -> None:
    laptop, desktop, ken = team.book("laptop"), team.book("desktop"), team.book("ken")
    for book, who in ((laptop, AOI), (desktop, AOI), (ken, KEN)):
        team.sync(book, who)
    acme = team.accounts["Acme Analytics"]  # Aoi owns it, Ken is its secondary owner
    snoozes.snooze(laptop, AOI, acme, 5, "waiting for their budget")
    assert team.sync(laptop, AOI).refused == 0
    team.sync(desktop, AOI)
    [aside] = snoozes.snoozed(desktop, AOI, team.clock.today())
    assert (aside.account_id, aside.reason) == (acme, "waiting for their budget")
    back = snoozes.unsnooze(desktop, AOI, acme)  # back from the other device: one row still
    assert back.row is not None
    assert team.sync(desktop, AOI).refused == 0
    team.sync(laptop, AOI)
    assert not snoozes.snoozed(laptop, AOI, team.clock.today())
    assert len(rows_of(laptop, "account_snoozes")) == 1
    team.sync(ken, KEN)
    assert not rows_of(ken, "account_snoozes")


def test_a_champion_change_reaches_the_co_owner(team: Team) -> None:
    laptop, ken = team.book("laptop"), team.book("ken")
    team.sync(laptop, AOI)
    team.sync(ken, KEN)
    account = get_account(laptop, team.accounts["Acme Analytics"])
    assert account is not None
    contacts.add(laptop, account, name="Mori", roles=("champion",))
    contacts.add(laptop, account, name="Sato", roles=("champion",))
    assert team.sync(laptop, AOI).refused == 0
    team.sync(ken, KEN)
    [change] = rows_of(ken, "champion_changes")
    assert (change["previous_name"], change["contact_name"]) == ("Mori", "Sato")
