"""The account CSV columns: which headers mean which field, and how each cell is read.

Aliases cover the usual HubSpot and Salesforce account exports, but only where the CRM column
truly means the same thing: a wrong mapping silently corrupts a book, a skipped column only costs
a warning. So "Annual Revenue" (the customer's own revenue), "Industry", "Type" and
"Lifecycle Stage" (a sales funnel stage, not a roadmap stage) are deliberately left unmapped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from csm_tui.date_input import DateOrder
from csm_tui.i18n import N_, _
from csm_tui.models.account import Stage

FIELDS = (
    "name",
    "external_id",
    "segment",
    "contract_value",
    "currency",
    "renewal_date",
    "health_score",
    "stage",
    "tags",
)
OWNER_COLUMNS = ("primary_owner", "secondary_owners")
"""Written by the export for the sync server; the account import ignores them without a warning."""

# In priority order: when a file has two headers for one field, the earlier alias wins.
ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "company name",
        "account name",
        "company",
        "会社名",
        "取引先名",
        "企業名",
        "アカウント名",
        "顧客名",
    ),
    "external_id": (
        "external id",
        "record id",  # HubSpot
        "account id",  # Salesforce
        "account number",  # Salesforce
        "id",
        "外部ID",
        "レコードID",
        "取引先ID",
        "取引先番号",
        "顧客ID",
    ),
    "segment": ("segment", "customer segment", "account segment", "セグメント", "顧客セグメント"),
    "contract_value": (
        "contract value",
        "arr",
        "annual recurring revenue",
        "acv",
        "annual contract value",
        "amount",
        "契約金額",
        "年間契約金額",
        "ARR(円)",
    ),
    "currency": (
        "currency",
        "account currency",
        "currency iso code",
        "currency code",
        "通貨",
        "通貨コード",
    ),
    "renewal_date": (
        "renewal date",
        "next renewal date",
        "contract renewal date",
        "contract end date",
        "契約更新日",
        "更新日",
        "契約終了日",
    ),
    "health_score": ("health score", "customer health score", "ヘルススコア", "ヘルス"),
    "stage": ("stage", "roadmap stage", "ステージ", "ロードマップステージ", "フェーズ"),
    "tags": ("tags", "tag", "labels", "タグ", "ラベル"),
}

HINTS = {
    "annual revenue": "the customer's own revenue, not its contract value",
    "lifecycle stage": "a CRM lifecycle stage, not a roadmap stage",
}
"""Unmapped columns people expect to be read: the warning says why they are not."""


def normalize_header(text: str) -> str:
    """Compare headers ignoring case, width, spaces, `_` and `-` ("Record_ID" == "record id")."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text)).casefold()


_ALIAS_FIELD = {
    normalize_header(alias): field for field, names in ALIASES.items() for alias in names
}
_ALIAS_RANK = {
    normalize_header(alias): rank for names in ALIASES.values() for rank, alias in enumerate(names)
}
_IGNORED = frozenset(normalize_header(name) for name in OWNER_COLUMNS)
_HINTS = {normalize_header(name): hint for name, hint in HINTS.items()}


@dataclass(frozen=True)
class HeaderMap:
    """Which CSV column feeds which field, and what was left out and why."""

    columns: dict[str, int]  # field → column index
    unknown: list[str]  # header texts, with a reason for the ones people expect to be read
    shadowed: list[str]  # one sentence per column dropped for a better alias of the same field
    alternates: dict[str, list[int]] = dataclass_field(default_factory=dict)
    """field → every column of it, best alias first, for a field given by more than one."""


def map_header(header: list[str]) -> HeaderMap:
    """Match header cells to fields; blank header cells (Excel's trailing columns) are skipped."""
    chosen: dict[str, tuple[int, int]] = {}  # field → (rank, index)
    unknown: list[str] = []
    losers: list[tuple[int, str]] = []
    for index, raw in enumerate(header):
        key = normalize_header(raw)
        if not key or key in _IGNORED:
            continue
        field = _ALIAS_FIELD.get(key)
        if field is None:
            hint = _HINTS.get(key)
            unknown.append(f"{raw.strip()} ({hint})" if hint else raw.strip())
            continue
        rank = _ALIAS_RANK[key]
        if field in chosen and chosen[field][0] <= rank:
            losers.append((index, field))
            continue
        if field in chosen:
            losers.append((chosen[field][1], field))
        chosen[field] = (rank, index)
    columns = {name: index for name, (_, index) in chosen.items()}
    alternates: dict[str, list[int]] = {}
    for index, name in losers:
        alternates.setdefault(name, [columns[name]]).append(index)
    for indexes in alternates.values():
        indexes.sort(key=lambda index: (_ALIAS_RANK[normalize_header(header[index])], index))
    shadowed = [
        f'Column "{header[index].strip()}" is ignored: '
        f'"{header[columns[field]].strip()}" already gives the {field}.'
        for index, field in sorted(losers)
    ]
    return HeaderMap(columns, unknown, shadowed, alternates)


# -- cell values ---------------------------------------------------------------------------------


class BadValue(ValueError):
    """A cell that cannot be read; the message names the field and the value."""


_FORMULA_ESCAPE = re.compile(r"^'(?=[=+\-@\t\r])")
_SYMBOL_CURRENCY: dict[str, str | None] = {
    "$": None,  # dollars of which country? the currency column (or the default) decides
    "¥": "JPY",
    "€": "EUR",
    "£": "GBP",
    "₩": "KRW",
    "₹": "INR",
}
_AMOUNT = re.compile(
    r"^(?P<code1>[A-Z]{3}\s*)?(?P<sign1>-)?\s*(?P<symbol>[$¥€£₩₹])?\s*(?P<sign2>-)?"
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?P<suffix>\s*[A-Z]{3}|円)?$"
)
_MAX_VALUE = Decimal(10) ** 13  # the model allows 15 digits, two of them decimals
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_LAST = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}$")
_STAGES = {
    **{stage.value: stage for stage in Stage},
    "導入期": Stage.ONBOARDING,
    "活用期": Stage.ADOPTION,
    "契約更新期": Stage.RENEWAL,
}


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_CONTROL_NAMES = {"\x00": N_("a NUL character"), "\n": N_("a line break"), "\r": N_("a line break")}


def _text(raw: str, field: str, max_length: int) -> str:
    """One line of plain text; undoes the `'=` escape the Excel export adds against formula
    injection. A control character (a NUL, which would cut the text short; a line break, often
    a quote closed rows later; an escape sequence) makes the row invalid, so nothing is lost or
    shortened without a word."""
    value = _FORMULA_ESCAPE.sub("", raw.strip())
    control = _CONTROL.search(value)
    if control:
        char = control[0]
        what = (
            _(_CONTROL_NAMES[char])
            if char in _CONTROL_NAMES
            else _("the control character U+{code:04X}").format(code=ord(char))
        )
        raise BadValue(
            _("{field} contains {what} (at character {n})").format(
                field=field, what=what, n=control.start() + 1
            )
        )
    if len(value) > max_length:
        raise BadValue(_("{field} is longer than {n} characters").format(field=field, n=max_length))
    return value


def read_name(raw: str) -> str:
    value = _text(raw, "name", 500)
    if not value:
        raise BadValue(_("name is missing"))
    return value


def read_external_id(raw: str) -> str | None:
    """Full-width and half-width forms are one id (`ＣＲＭ－０１` is `CRM-01`)."""
    return unicodedata.normalize("NFKC", _text(raw, "external_id", 200)) or None


def read_segment(raw: str) -> str:
    return _text(raw, "segment", 200)


def read_contract_value(raw: str) -> tuple[Decimal | None, str | None]:
    """ "¥1,200,000" → (1200000, "JPY"): the amount, and the currency its symbol or code implies."""
    text = unicodedata.normalize("NFKC", raw).strip()  # full-width digits, ￥ → ¥
    if not text:
        return None, None
    match = _AMOUNT.match(text)
    if match is None:
        raise BadValue(
            _('contract_value "{value}" is not an amount like 12,000.50').format(value=raw.strip())
        )
    if match["sign1"] or match["sign2"]:
        raise BadValue(_('contract_value "{value}" is negative').format(value=raw.strip()))
    try:
        amount = Decimal(match["number"].replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern only lets numbers through
        raise BadValue(
            _('contract_value "{value}" is not a number').format(value=raw.strip())
        ) from exc
    if amount != amount.quantize(Decimal("0.01")):
        raise BadValue(
            _('contract_value "{value}" has more than 2 decimal places').format(value=raw.strip())
        )
    if amount >= _MAX_VALUE:
        raise BadValue(_('contract_value "{value}" is too large').format(value=raw.strip()))
    codes = {
        code
        for code in (
            (match["code1"] or "").strip() or None,
            _SYMBOL_CURRENCY.get(match["symbol"] or ""),
            "JPY" if match["suffix"] == "円" else (match["suffix"] or "").strip() or None,
        )
        if code
    }
    if len(codes) > 1:
        raise BadValue(_('contract_value "{value}" names two currencies').format(value=raw.strip()))
    return amount.quantize(Decimal("0.01")), codes.pop() if codes else None


def read_currency(raw: str) -> str | None:
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None
    code = _SYMBOL_CURRENCY.get(text) or ("JPY" if text == "円" else text.upper())
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise BadValue(
            _('currency "{value}" is not a 3-letter code like USD or JPY').format(value=raw.strip())
        )
    return code


def read_renewal_date(
    raw: str, *, order: DateOrder = DateOrder.YMD, today: date | None = None
) -> date | None:
    """The app's one date reader (2027-03-31, 2027/3/31, 2027年3月31日, 令和9年3月31日, R9.3.31;
    3/31/27 with `order` MDY, 31/3/27 with DMY), without the relative forms."""
    from csm_tui.date_input import DateInputError, parse_date

    text = raw.strip()
    if not text:
        return None
    if _ISO.match(text):  # as an export writes it: read as it is, however far away
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise BadValue(
                _('renewal_date "{value}" is not a real date').format(value=text)
            ) from None
    try:
        return parse_date(text, today or date.today(), relative=False, order=order)
    except DateInputError as exc:
        if exc.reason == "no_such_date":
            raise BadValue(
                _('renewal_date "{value}" is not a real date').format(value=text)
            ) from None
        if exc.reason == "out_of_range":
            raise BadValue(f"renewal_date: {exc}") from None
        if _YEAR_LAST.match(text):
            message = _(
                'renewal_date "{value}" is not a date like 2025-03-31 '
                "(give --date-format MDY or DMY)"
            )
        else:
            message = _('renewal_date "{value}" is not a date like 2025-03-31')
        raise BadValue(message.format(value=text)) from None


def read_health_score(raw: str) -> int | None:
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        return None
    if not re.fullmatch(r"-?\d+(\.0*)?", text):
        raise BadValue(_('health_score "{value}" is not a whole number').format(value=raw.strip()))
    score = int(Decimal(text))
    if not 0 <= score <= 100:
        raise BadValue(_("health_score {score} is not between 0 and 100").format(score=score))
    return score


def read_stage(raw: str) -> Stage | None:
    text = unicodedata.normalize("NFKC", raw).strip().casefold()
    if not text:
        return None
    stage = _STAGES.get(text)
    if stage is None:
        raise BadValue(
            _(
                'stage "{value}" is not one of onboarding, adoption, renewal '
                "(導入期, 活用期, 契約更新期)"
            ).format(value=raw.strip())
        )
    return stage


def read_tags(raw: str) -> list[str]:
    from csm_tui.models.limits import MAX_TAG, MAX_TAGS  # the server's limits (issue 19.5)

    tags: list[str] = []
    for part in raw.split(";"):
        tag = _text(part, "a tag", 10_000)
        if len(tag) > MAX_TAG:
            raise BadValue(
                _('tag "{tag}…" is longer than {n} characters').format(tag=tag[:20], n=MAX_TAG)
            )
        if tag and tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise BadValue(
            _("has {n} tags; an account has at most {max}").format(n=len(tags), max=MAX_TAGS)
        )
    return tags


READERS: dict[str, Callable[[str], Any]] = {
    "name": read_name,
    "external_id": read_external_id,
    "segment": read_segment,
    "contract_value": read_contract_value,
    "currency": read_currency,
    "renewal_date": read_renewal_date,
    "health_score": read_health_score,
    "stage": read_stage,
    "tags": read_tags,
}
"""field → reader of one cell; contract_value returns (amount, implied currency)."""
