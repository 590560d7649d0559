"""services/records.py: what the app's account, contact and renewal forms call (issue 14)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from csm_tui.clock import FixedClock
from csm_tui.errors import ValidationError
from csm_tui.models.account import Stage
from csm_tui.services.crm_book import LocalBook
from csm_tui.services.records import RecordsService, read_account_input
from csm_tui.store.accounts import contacts_of, owners_of
from csm_tui.store.checklist import items_of
from csm_tui.store.connection import Store

TODAY = date(2026, 11, 27)


@pytest.fixture
def records(store: Store, clock: FixedClock, me: tuple[str, str]) -> RecordsService:
    return RecordsService(store, clock)


def test_typed_fields_are_read_as_the_cli_reads_them() -> None:
    values, errors = read_account_input(
        {
            "name": " 株式会社サクラ ",
            "external_id": "ＣＲＭ－１",
            "contract_value": "¥1,200,000",
            "renewal_date": "令和9年3月31日",
            "health": "８０",
            "stage": "活用期",
            "tags": "重点;新規",
        },
        TODAY,
    )
    assert errors == {}
    assert values == {
        "name": "株式会社サクラ",
        "external_id": "CRM-1",
        "contract_value": Decimal("1200000.00"),
        "currency": "JPY",
        "renewal_date": date(2027, 3, 31),
        "health_score": 80,
        "stage": Stage.ADOPTION,
        "tags": ["重点", "新規"],
    }


def test_every_bad_field_has_its_error() -> None:
    _values, errors = read_account_input(
        {
            "name": "",
            "contract_value": "twelve",
            "renewal_date": "2027-02-30",
            "health": "120",
            "currency": "USD",
        },
        TODAY,
    )
    assert set(errors) == {"name", "contract_value", "renewal_date", "health"}
    assert "twelve" in errors["contract_value"]
    _, errors = read_account_input({"contract_value": "¥100", "currency": "USD"}, TODAY)
    assert errors == {"currency": "The amount is in JPY but the currency is USD."}


def test_a_new_account_is_mine_with_its_stage_checklist(records: RecordsService) -> None:
    values, errors = records.read_account({"name": "Acme", "currency": "", "stage": "adoption"})
    assert errors == {}
    account = records.add_account(values)
    assert account.currency == "USD"
    [owner] = owners_of(records.store, account.id)
    assert (owner.user_email, owner.role.value) == ("aoi.tanaka@example.com", "primary")
    assert items_of(records.store, account.id)
    records.add_account({"name": "Acme 2", "external_id": "X1"})
    with pytest.raises(ValidationError, match="already has the external id"):
        records.add_account({"name": "Acme 3", "external_id": "Ｘ１"})


def test_an_edit_says_which_fields_the_crm_overwrites(records: RecordsService) -> None:
    account = records.add_account({"name": "Acme", "external_id": "1001"})
    LocalBook(records.store, "", "").set_state(
        {"vendor": "hubspot", "mapping": {"renewal_date": "renewal_date"}}
    )
    assert records.crm_owned(account, {"name", "segment", "renewal_date"}) == [
        "name",
        "renewal_date",
    ]
    edited = records.edit_account(account.id, {"renewal_date": date(2027, 3, 31), "segment": "SMB"})
    assert edited.changed == ["renewal_date", "segment"]
    assert edited.crm_note is not None and "Hubspot owns renewal_date of Acme" in edited.crm_note
    assert records.edit_account(account.id, {"segment": "Enterprise"}).crm_note is None


def test_a_removed_contact_comes_back_and_one_champion_stays(records: RecordsService) -> None:
    account = records.add_account({"name": "Acme"})
    dana = records.add_contact(account.id, name="Dana", roles=("champion",))
    records.remove_contact(dana)
    assert contacts_of(records.store, account.id) == []
    assert records.restore_contact(dana) == dana
    records.remove_contact(dana)
    records.add_contact(account.id, name="Ken", roles=("champion",))
    back = records.restore_contact(dana)
    assert not back.is_champion  # Ken was named since
    assert [c.name for c in records.contacts(account.id) if c.is_champion] == ["Ken"]


def test_the_renewal_preview_proposes_a_year_on(records: RecordsService) -> None:
    account = records.add_account(
        {"name": "Acme", "renewal_date": date(2026, 12, 31), "contract_value": Decimal(100)}
    )
    preview = records.renewal_preview(account.id)
    assert (preview.previous_value, preview.proposed_date) == (Decimal(100), date(2027, 12, 31))
    done = records.record_renewal(
        account.id, "churned", new_renewal_date=None, contract_value=None, note=""
    )
    assert done.archived
