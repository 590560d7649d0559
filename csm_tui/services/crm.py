"""Connecting the book to HubSpot or Salesforce, one sync pass, and its status: what the CLI
(and later the app) calls. The connector itself is `csm_tui.crm`; this module only chooses the
vendor, reads the mapping from config.toml and `--map`, and keeps what a pass did."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from csm_tui.clock import iso_now
from csm_tui.crm.core import Vendor, find_owner, pull, push
from csm_tui.crm.errors import CrmError
from csm_tui.crm.mapping import SLOTS, check_mapping, parse_map_options
from csm_tui.crm.records import FieldInfo, Owner
from csm_tui.crm.secondary import check_source
from csm_tui.crm.sf_oauth import OAuthLogin
from csm_tui.crm.token import keep_rotated
from csm_tui.errors import ValidationError
from csm_tui.i18n import _
from csm_tui.services.crm_book import LocalBook
from csm_tui.services.identity import me_identity
from csm_tui.store.connection import Store

if TYPE_CHECKING:
    import httpx

    from csm_tui.crm.http import Policy

VENDORS = ("hubspot", "salesforce")
NAMES = {"hubspot": "HubSpot", "salesforce": "Salesforce"}


@dataclass(frozen=True)
class Connected:
    vendor: str
    url: str
    owner: Owner
    mapping: dict[str, str]
    fields: list[FieldInfo]
    secondary: str = ""  # where secondary owners come from ("" none)
    # a Salesforce app that rotates refresh tokens gave this login a new one: keep it instead
    rotated: OAuthLogin | None = None


@dataclass
class PassReport:
    """What one `crm sync` did; kept as `last_pass` for `crm status`."""

    at: str
    pulled: dict[str, Any] = field(default_factory=dict)
    pushed: dict[str, Any] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)
    error: str = ""


Credential = str | OAuthLogin
"""A bare access token, or a Salesforce OAuth login (refresh token or client credentials)."""


def auth_state(token: Credential) -> dict[str, str] | None:
    """What the connection keeps of an OAuth login: its grant and client id, no secret."""
    if isinstance(token, OAuthLogin):
        return {"grant": token.grant, "client_id": token.client_id}
    return None


def make_vendor(
    vendor: str,
    token: Credential,
    url: str | None,
    *,
    policy: Policy | None = None,
    transport: httpx.BaseTransport | None = None,
    on_rotate: Callable[[OAuthLogin], None] | None = None,
) -> Vendor:
    """The adapter for `vendor`, pointed at `url` (the vendor's own address by default);
    `on_rotate` keeps a Salesforce refresh token that rotation replaced."""
    if vendor == "hubspot":
        from csm_tui.crm.hubspot import API_URL, HubSpot

        if isinstance(token, OAuthLogin):
            raise ValidationError(_("--client-id is for Salesforce only."))
        return HubSpot(token, url or API_URL, policy=policy, transport=transport)
    if vendor == "salesforce":
        from csm_tui.crm.salesforce import Salesforce

        if not url:
            raise ValidationError(
                _("Salesforce needs --instance-url, like https://yourcompany.my.salesforce.com.")
            )
        return Salesforce(token, url, policy=policy, transport=transport, on_rotate=on_rotate)
    raise ValidationError(
        _("Unknown CRM {name}: use one of {names}.").format(name=vendor, names=", ".join(VENDORS))
    )


def default_url(vendor: str, url: str | None) -> str:
    if url:
        return url.rstrip("/")
    if vendor == "hubspot":
        from csm_tui.crm.hubspot import API_URL

        return API_URL
    raise ValidationError(
        _("Salesforce needs --instance-url, like https://yourcompany.my.salesforce.com.")
    )


def config_mapping(raw_config: Mapping[str, Any], vendor: str) -> dict[str, str]:
    """`[crm.<vendor>.fields]` of config.toml."""
    section = raw_config.get("crm", {})
    fields = section.get(vendor, {}).get("fields", {}) if isinstance(section, dict) else {}
    if not isinstance(fields, dict):
        raise ValidationError(_("[crm.{vendor}.fields] must be a table.").format(vendor=vendor))
    return {str(key): str(value) for key, value in fields.items()}


SECONDARY_KEYS = {"hubspot": "secondary_owners", "salesforce": "team_role"}


def config_secondary(raw_config: Mapping[str, Any], vendor: str) -> str:
    """`[crm.hubspot] secondary_owners` (a user property) or `[crm.salesforce] team_role`."""
    section = raw_config.get("crm", {})
    table = section.get(vendor, {}) if isinstance(section, dict) else {}
    value = table.get(SECONDARY_KEYS[vendor], "") if isinstance(table, dict) else ""
    if not isinstance(value, str):
        raise ValidationError(
            _("[crm.{vendor}] {key} must be a string.").format(
                vendor=vendor, key=SECONDARY_KEYS[vendor]
            )
        )
    return value.strip()


def _me(store: Store) -> str:
    me = me_identity(store)
    if me is None:
        raise ValidationError(
            _("Tell csm-tui who you are first (the app asks on its first start).")
        )
    return me[1]


def connect(
    store: Store,
    vendor_name: str,
    token: Credential,
    *,
    url: str | None = None,
    map_options: tuple[str, ...] = (),
    raw_config: Mapping[str, Any] | None = None,
    policy: Policy | None = None,
    secondary: str | None = None,
) -> Connected:
    """Check the credential, the mapping, the secondary owners' source and the user's CRM
    owner, then remember them. `secondary` (the option) wins over config.toml."""
    me = _me(store)
    url = default_url(vendor_name, url)
    mapping = {**config_mapping(raw_config or {}, vendor_name), **parse_map_options(map_options)}
    if vendor_name in SECONDARY_KEYS and secondary is None:
        secondary = config_secondary(raw_config or {}, vendor_name)
    secondary = (secondary or "").strip()
    rotated: list[OAuthLogin] = []
    vendor = make_vendor(vendor_name, token, url, policy=policy, on_rotate=rotated.append)
    try:
        fields = vendor.fields()
        check_mapping(vendor_name, mapping, fields)
        check_source(vendor_name, secondary, fields)
        owners = vendor.owners()
    finally:
        vendor.api.close()
    owner = find_owner(owners, me)
    if owner is None:
        raise CrmError(
            _("No {vendor} user has the e-mail {email}, so no record there is yours.").format(
                vendor=NAMES[vendor_name], email=me
            )
        )
    book = LocalBook(store, vendor_name, me)
    state = book.state()
    fresh = state.get("vendor") not in (None, vendor_name) or state.get("url") not in (None, url)
    values: dict[str, Any] = {
        "vendor": vendor_name,
        "url": url,
        "owner": asdict(owner),
        "owners": {item.id: item.email.lower() for item in owners},
        "mapping": mapping,
        "secondary": secondary,
        "auth": auth_state(token),
        "connected_at": state.get("connected_at") if not fresh else None,
    }
    if not values["connected_at"]:
        values["connected_at"] = iso_now(store.clock)
    if fresh:  # another CRM: its cursors and records mean nothing here
        values |= {key: None for key in state if key.startswith("cursor.")}
    book.set_state(values)
    return Connected(
        vendor_name, url, owner, mapping, fields, secondary, rotated[-1] if rotated else None
    )


def connection(store: Store) -> dict[str, Any]:
    """The stored connection (vendor, url, owner, mapping…), {} when not connected."""
    state = LocalBook(store, "", "").state()
    return state if state.get("vendor") else {}


def sync(
    store: Store,
    token: Credential,
    *,
    backfill_since: str | None = None,
    policy: Policy | None = None,
    transport: httpx.BaseTransport | None = None,
) -> PassReport:
    """One pass: pull, then push. An error ends it, is kept for `crm status` and raised."""
    state = connection(store)
    if not state:
        raise CrmError(_("This book is not connected to a CRM: run `csm-tui crm connect`."))
    vendor_name = str(state["vendor"])
    me = _me(store)
    book = LocalBook(store, vendor_name, me)
    owner = Owner(**state["owner"])
    mapping = {k: v for k, v in state.get("mapping", {}).items() if k in SLOTS}
    vendor = make_vendor(
        vendor_name,
        token,
        state["url"],
        policy=policy,
        transport=transport,
        on_rotate=lambda login: keep_rotated(vendor_name, str(state["url"]), login),
    )
    report = PassReport(at=iso_now(store.clock))
    try:
        applied = pull(vendor, book, mapping, owner, secondary=str(state.get("secondary") or ""))
        report.pulled = asdict(applied)
        owner_ids = {email: crm_id for crm_id, email in book.state().get("owners", {}).items()}
        pushed = push(vendor, book, owner_ids, str(state["connected_at"]), backfill_since)
        report.pushed = asdict(pushed)
    except CrmError as exc:
        report.error = str(exc)
        raise
    finally:
        report.requests = dict(vendor.api.requests)
        vendor.api.close()
        book.set_state({"last_pass": asdict(report)})
    return report


def status(store: Store) -> dict[str, Any]:
    """The connection and the last pass, for `crm status`."""
    state = connection(store)
    if not state:
        return {}
    links = store.query("SELECT state, count(*) FROM crm_links GROUP BY state")
    return {
        "vendor": state["vendor"],
        "url": state["url"],
        "owner": state.get("owner", {}),
        "mapping": state.get("mapping", {}),
        "secondary": state.get("secondary", ""),
        "auth": state.get("auth") or None,
        "last_pass": state.get("last_pass"),
        "links": {row[0]: row[1] for row in links},
    }
