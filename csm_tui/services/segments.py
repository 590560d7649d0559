"""Value segments from `[segments]` in config.toml: rules on contract value, size and industry,
each segment with its touch model and roadmap template.

How an account gets its segment:
- a segment already on the account (from the CRM import or set by hand) always wins: rules never
  overwrite it;
- an account without one gets the first rule, in file order, whose every condition holds; it is
  written to the account (journaled, like an edit) after `import accounts` (before the roadmaps
  are applied, so new accounts get their segment's roadmap) and after `import metrics` (the size
  may only be known then). A rule without conditions catches every account that reaches it.

Conditions: `min_value` / `max_value` on the contract value in `currency` (other currencies are
converted with `rates`, units per one `currency`; a currency without a rate never matches a value
condition), `min_users` / `max_users` on the size (the latest week's active users from the usage
metrics; accounts without metrics never match a size condition), and `industries`: any of the
account's tags, compared without case or width differences. A broken `[segments]` table is
reported in one sentence and the defaults are used.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from csm_tui.i18n import N_, _

if TYPE_CHECKING:
    from csm_tui.store.connection import Store

_RULE_KEYS = frozenset(
    {
        "name",
        "touch",
        "template",
        "min_value",
        "max_value",
        "min_users",
        "max_users",
        "industries",
    }
)
_TABLE_KEYS = frozenset({"currency", "rates", "rules"})


class Touch(StrEnum):
    HIGH = "high"
    LOW = "low"
    TECH = "tech"


TOUCH_LABELS = {
    Touch.HIGH: N_("high touch"),
    Touch.LOW: N_("low touch"),
    Touch.TECH: N_("tech touch"),
}


@dataclass(frozen=True)
class SegmentRule:
    """One segment and the conditions that put an account without a segment into it."""

    name: str
    touch: Touch = Touch.LOW
    template: str = "default"  # a roadmap template key (see roadmap_templates)
    min_value: float | None = None  # in the settings' currency
    max_value: float | None = None
    min_users: int | None = None
    max_users: int | None = None
    industries: tuple[str, ...] = ()  # folded tags

    def matches(self, value: float | None, users: int | None, tags: Sequence[str]) -> bool:
        """Whether an account with this value (in the base currency), size and tags fits."""
        if self.min_value is not None and (value is None or value < self.min_value):
            return False
        if self.max_value is not None and (value is None or value >= self.max_value):
            return False
        if self.min_users is not None and (users is None or users < self.min_users):
            return False
        if self.max_users is not None and (users is None or users >= self.max_users):
            return False
        return not self.industries or any(_fold(tag) in self.industries for tag in tags)


@dataclass(frozen=True)
class Segments:
    """The rules in order, the currency their values are in, and the exchange rates."""

    rules: tuple[SegmentRule, ...]
    currency: str = "USD"
    rates: Mapping[str, float] = field(default_factory=dict)  # units per one `currency`
    warnings: tuple[str, ...] = ()  # why the file's [segments] was not used

    def rule(self, name: str) -> SegmentRule | None:
        """The rule of a segment by name (any case), if the settings define it."""
        wanted = name.strip().casefold()
        return next((rule for rule in self.rules if rule.name.casefold() == wanted), None)

    def value_in_base(self, value: float | Decimal | None, currency: str) -> float | None:
        if value is None:
            return None
        if currency == self.currency:
            return float(value)
        rate = self.rates.get(currency)
        return None if not rate else float(value) / rate

    def assign(
        self, value: float | Decimal | None, currency: str, users: int | None, tags: Sequence[str]
    ) -> SegmentRule | None:
        """The first rule an account fits, or None."""
        base = self.value_in_base(value, currency)
        return next((rule for rule in self.rules if rule.matches(base, users, tags)), None)

    def template_key(self, segment: str) -> str | None:
        """The roadmap template the settings give this segment (None: not a known segment)."""
        rule = self.rule(segment)
        return rule.template if rule else None


DEFAULT_RATES = {"JPY": 150.0, "EUR": 0.92, "GBP": 0.79}
DEFAULT_RULES = (
    SegmentRule("Enterprise", Touch.HIGH, "default", min_value=150_000),
    SegmentRule("Mid-Market", Touch.LOW, "default", min_value=40_000),
    SegmentRule("SMB", Touch.LOW, "default", min_value=8_000),
    SegmentRule("Tech Touch", Touch.TECH, "tech-touch"),
)
DEFAULT_SEGMENTS = Segments(DEFAULT_RULES, "USD", DEFAULT_RATES)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


class _Bad(Exception):
    """A problem in [segments]; the message is one translated sentence."""


def _number(rule: Mapping[str, Any], key: str, where: str) -> float | None:
    value = rule.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise _Bad(_("{where}: {key} must be a number of 0 or more").format(where=where, key=key))
    return float(value)


def _rule(raw: object, number: int, seen: set[str]) -> SegmentRule:
    where = _("rule {n}").format(n=number)
    if not isinstance(raw, dict):
        raise _Bad(_("{where} must be a table").format(where=where))
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _Bad(_("{where} has no name").format(where=where))
    name = name.strip()
    where = f"{where} ({name})"
    if name.casefold() in seen:
        raise _Bad(_("{where}: the name is used by an earlier rule").format(where=where))
    seen.add(name.casefold())
    unknown = sorted(set(raw) - _RULE_KEYS)
    if unknown:
        raise _Bad(_("{where}: unknown key {key}").format(where=where, key=", ".join(unknown)))
    touch = raw.get("touch", Touch.LOW.value)
    if touch not in {t.value for t in Touch}:
        raise _Bad(_("{where}: touch must be high, low or tech").format(where=where))
    template = raw.get("template", "default")
    if not isinstance(template, str) or not template.strip():
        raise _Bad(_("{where}: template must be a template key").format(where=where))
    values = [
        _number(raw, key, where) for key in ("min_value", "max_value", "min_users", "max_users")
    ]
    for low, high in ((values[0], values[1]), (values[2], values[3])):
        if low is not None and high is not None and low >= high:
            raise _Bad(_("{where}: a minimum is not below its maximum").format(where=where))
    for key in ("min_users", "max_users"):
        if raw.get(key) is not None and not isinstance(raw[key], int):
            raise _Bad(_("{where}: {key} must be a whole number").format(where=where, key=key))
    industries = raw.get("industries", [])
    if not isinstance(industries, list) or not all(
        isinstance(item, str) and item.strip() for item in industries
    ):
        raise _Bad(_("{where}: industries must be a list of tags").format(where=where))
    return SegmentRule(
        name=name,
        touch=Touch(touch),
        template=template.strip(),
        min_value=values[0],
        max_value=values[1],
        min_users=None if values[2] is None else int(values[2]),
        max_users=None if values[3] is None else int(values[3]),
        industries=tuple(_fold(item) for item in industries),
    )


def segments_from_config(raw: Mapping[str, Any]) -> Segments:
    """The segments of a loaded config.toml (`Config.raw`); the defaults when it has none.

    Anything wrong gives the defaults and one warning naming the problem: half a set of rules
    would put accounts into segments nobody chose.
    """
    table = raw.get("segments")
    if table is None:
        return DEFAULT_SEGMENTS
    try:
        return _parse(table)
    except _Bad as problem:
        warning = _("[segments] in the settings is not used ({problem}); using the defaults.")
        return Segments(DEFAULT_RULES, "USD", DEFAULT_RATES, (warning.format(problem=problem),))


def _parse(table: object) -> Segments:
    if not isinstance(table, dict):
        raise _Bad(_("it must be a table"))
    unknown = sorted(set(table) - _TABLE_KEYS)
    if unknown:
        raise _Bad(_("unknown key {key}").format(key=", ".join(unknown)))
    currency = table.get("currency", "USD")
    if not isinstance(currency, str) or len(currency) != 3 or not currency.isupper():
        raise _Bad(_("currency must be a code like USD"))
    rates = table.get("rates", DEFAULT_RATES if currency == "USD" else {})
    if not isinstance(rates, dict):
        raise _Bad(_("rates must be a table like {{ JPY = 150 }}"))
    for code, rate in rates.items():
        if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
            raise _Bad(_("the rate of {code} must be a number above 0").format(code=code))
    rules = table.get("rules")
    if rules is None:
        return Segments(DEFAULT_RULES, currency, {k: float(v) for k, v in rates.items()})
    if not isinstance(rules, list) or not rules:
        raise _Bad(_("rules must be a list of [[segments.rules]] tables"))
    seen: set[str] = set()
    parsed = tuple(_rule(rule, number, seen) for number, rule in enumerate(rules, 1))
    return Segments(parsed, currency, {k: float(v) for k, v in rates.items()})


# -- assigning ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assigned:
    """Accounts that got a segment from the rules, by segment name."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def assign_segments(store: Store, segments: Segments, *, dry_run: bool = False) -> Assigned:
    """Give every account without a segment the first rule it fits (one transaction)."""
    from csm_tui.store.health import accounts_without_segment
    from csm_tui.store.metrics import latest_active_users

    accounts = accounts_without_segment(store)
    if not accounts:
        return Assigned({})
    users = latest_active_users(store)
    chosen: list[tuple[str, str]] = []
    for account_id, value, currency, tags in accounts:
        rule = segments.assign(value, currency, users.get(account_id), tags)
        if rule is not None:
            chosen.append((account_id, rule.name))
    counts: dict[str, int] = {}
    for _account, name in chosen:
        counts[name] = counts.get(name, 0) + 1
    if chosen and not dry_run:
        with store.transaction() as tx:
            for account_id, name in chosen:
                tx.update("accounts", account_id, {"segment": name, "updated_at": tx.now})
    return Assigned(counts)
