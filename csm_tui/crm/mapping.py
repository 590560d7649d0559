"""The fields CRMs do not standardise: which CRM field fills which account field, checked.

A mapping names CRM fields by their API name (HubSpot property `name`, Salesforce field API
name), never by label. `check_mapping` refuses a missing field or one of the wrong type with its
name; `convert` turns raw CRM values into account values, dropping what cannot be read (one bad
value never blocks a page).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from csm_tui.crm.errors import MappingError
from csm_tui.crm.records import FieldInfo
from csm_tui.i18n import _

SLOTS = ("renewal_date", "contract_value", "currency", "health_score", "segment", "stage")

# the CRM field types each slot accepts (HubSpot property types; Salesforce describe types)
ACCEPTED: dict[str, dict[str, frozenset[str]]] = {
    "hubspot": {
        "renewal_date": frozenset({"date", "datetime"}),
        "contract_value": frozenset({"number"}),
        "currency": frozenset({"string", "enumeration"}),
        "health_score": frozenset({"number"}),
        "segment": frozenset({"string", "enumeration"}),
        "stage": frozenset({"string", "enumeration"}),
    },
    "salesforce": {
        "renewal_date": frozenset({"date", "datetime"}),
        "contract_value": frozenset({"currency", "double", "int"}),
        "currency": frozenset({"string", "picklist"}),
        "health_score": frozenset({"double", "int", "percent"}),
        "segment": frozenset({"string", "picklist"}),
        "stage": frozenset({"string", "picklist"}),
    },
}

STAGE_WORDS = {
    "onboarding": "onboarding",
    "導入": "onboarding",
    "導入期": "onboarding",
    "adoption": "adoption",
    "活用": "adoption",
    "活用期": "adoption",
    "renewal": "renewal",
    "契約更新": "renewal",
    "契約更新期": "renewal",
}


def parse_map_options(options: tuple[str, ...] | list[str]) -> dict[str, str]:
    """`--map renewal_date=Renewal_Date__c` options as a dict; unknown slots are refused."""
    mapping: dict[str, str] = {}
    for option in options:
        slot, sep, field = option.partition("=")
        slot, field = slot.strip(), field.strip()
        if not sep or not slot or not field:
            raise MappingError(
                _(
                    "--map takes FIELD=CRM_FIELD, like renewal_date=Renewal_Date__c (got {given})."
                ).format(given=option)
            )
        if slot not in SLOTS:
            raise MappingError(
                _("csm-tui has no field {slot}; map one of {slots}.").format(
                    slot=slot, slots=", ".join(SLOTS)
                )
            )
        mapping[slot] = field
    return mapping


def check_mapping(vendor: str, mapping: Mapping[str, str], fields: list[FieldInfo]) -> None:
    """Refuse a mapping to a field the CRM does not have, or of a type the slot cannot read."""
    by_name = {info.name: info for info in fields}
    for slot, name in mapping.items():
        if slot not in SLOTS:
            raise MappingError(
                _("csm-tui has no field {slot}; map one of {slots}.").format(
                    slot=slot, slots=", ".join(SLOTS)
                )
            )
        info = by_name.get(name)
        if info is None:
            raise MappingError(
                _(
                    "{vendor} has no field {field} (for {slot}); `csm-tui crm connect` lists them."
                ).format(vendor=vendor, field=name, slot=slot)
            )
        accepted = ACCEPTED[vendor][slot]
        if info.type not in accepted:
            raise MappingError(
                _("{field} is a {type} field; {slot} needs one of: {accepted}.").format(
                    field=name, type=info.type, slot=slot, accepted=", ".join(sorted(accepted))
                )
            )


def convert(mapping: Mapping[str, str], values: Mapping[str, Any]) -> dict[str, Any]:
    """Account values from a record's raw values; a slot whose value cannot be read is left out
    (the stored value stays), an empty one clears the field where the account allows it."""
    out: dict[str, Any] = {}
    for slot, name in mapping.items():
        if name not in values:
            continue
        raw = values[name]
        if raw is None or raw == "":
            if slot in ("renewal_date", "contract_value", "health_score"):
                out[slot] = None
            elif slot == "segment":
                out[slot] = ""
            continue
        reader = _READERS[slot]
        value = reader(raw)
        if value is not None:
            out[slot] = value
    return out


def _date(raw: Any) -> date | None:
    text = str(raw).strip()
    if text.isdigit():  # HubSpot datetime values can be epoch milliseconds
        return datetime.fromtimestamp(int(text) / 1000, UTC).date()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _money(raw: Any) -> Decimal | None:
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except InvalidOperation:
        return None
    if not value.is_finite() or value < 0:
        return None
    return value.quantize(Decimal("0.01"))


def _currency(raw: Any) -> str | None:
    text = str(raw).strip().upper()
    return text if len(text) == 3 and text.isalpha() and text.isascii() else None


def _health(raw: Any) -> int | None:
    try:
        value = round(float(str(raw).strip()))
    except ValueError:
        return None
    return value if 0 <= value <= 100 else None


def _segment(raw: Any) -> str | None:
    return str(raw).strip()[:200]


def _stage(raw: Any) -> str | None:
    return STAGE_WORDS.get(str(raw).strip().lower())


_READERS = {
    "renewal_date": _date,
    "contract_value": _money,
    "currency": _currency,
    "health_score": _health,
    "segment": _segment,
    "stage": _stage,
}
