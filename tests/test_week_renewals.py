"""The Week view's renewals: an overdue renewal (date passed, not renewed) is listed, first."""

from __future__ import annotations

from datetime import date, timedelta

from csm_tui.clock import FixedClock
from csm_tui.models.account import Account
from csm_tui.models.owner import OwnerAssignment, Role
from csm_tui.services.accounts import add_account, add_owner
from csm_tui.services.week_report import week_report
from csm_tui.store.connection import Store
from tests.conftest import ME_EMAIL, NOW

TODAY = NOW.date()


def test_overdue_renewals_come_first(store: Store, me: tuple[str, str]) -> None:
    with store.transaction() as tx:
        for account_id, days in (("soon", 30), ("late", -17), ("far", 200), ("later", -3)):
            add_account(
                tx,
                Account(id=account_id, name=account_id, renewal_date=TODAY + timedelta(days=days)),
            )
            add_owner(
                tx, OwnerAssignment(account_id=account_id, user_email=ME_EMAIL, role=Role.PRIMARY)
            )
    monday = TODAY - timedelta(days=TODAY.weekday())
    report = week_report(store, monday, FixedClock(NOW))
    assert [(r.account, r.days) for r in report.renewals] == [
        ("late", -17),
        ("later", -3),
        ("soon", 30),
    ]
    assert report.renewals[0].renewal == date(2026, 11, 10)
