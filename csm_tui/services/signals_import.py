"""The communication signals' columns of `csm-tui import metrics` (issue 16): how a file names
them and how a cell becomes a stored value. The rest of the import (the account, the period,
all or nothing) is services/metrics_import.py's.

Columns (header names ignore case, spaces, `_` and `-`):

- `surveys_sent` (アンケート送付数), `surveys_answered` (アンケート回答数), `feedback_items`
  (フィードバック件数), `events_invited` (イベント招待数), `events_attended` (イベント参加数):
  whole numbers from 0;
- `nps` (NPS): the period's Net Promoter Score, a whole number from -100 to 100;
- `nps_answers` (NPS回答): the period's answers to "how likely are you to recommend us", each
  0-10, in one cell separated by spaces, `,`, `;` or `/` (`10 9 7 6 10`). They are stored as
  their NPS: % promoters (9-10) minus % detractors (0-6), rounded (`10 9 7 6 10`: 60 - 20 = 40).
  A row gives `nps` or `nps_answers`, not both;
- `csat` (CSAT, 顧客満足度): the share of satisfied answers in percent, 0-100 (`87` or `87%`;
  a decimal is rounded). A value like `4.2` is refused: it looks like an average on a 1-5 scale,
  which is not what is stored.

A row may not say more surveys answered than sent, or more events attended than invited; nor
may it, together with what is stored for its period, make a stored row say so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from csm_tui.i18n import _
from csm_tui.models.limits import MAX_COUNT, NPS_HIGH, NPS_LOW, SIGNAL_PAIRS
from csm_tui.models.metrics import SIGNAL_COUNTS

ALIASES: dict[str, tuple[str, ...]] = {
    "surveys_sent": (
        "surveys_sent",
        "surveys",
        "survey sent",
        "アンケート送付数",
        "アンケート送信数",
        "アンケート配信数",
    ),
    "surveys_answered": (
        "surveys_answered",
        "survey responses",
        "responses",
        "アンケート回答数",
        "回答数",
    ),
    "nps": ("nps", "nps score", "ネットプロモータースコア"),
    "nps_answers": ("nps_answers", "nps responses", "NPS回答", "推奨度"),
    "csat": ("csat", "csat %", "satisfaction", "顧客満足度", "満足度"),
    "feedback_items": ("feedback_items", "feedback", "フィードバック件数", "フィードバック数"),
    "events_invited": ("events_invited", "event invitations", "イベント招待数", "招待数"),
    "events_attended": ("events_attended", "event attendance", "イベント参加数", "参加数"),
}
READ = (*SIGNAL_COUNTS, "nps", "nps_answers", "csat")
"""The columns this module reads (nps_answers is stored as nps)."""

_COUNT = re.compile(r"^\d{1,3}(,\d{3})+$|^\d+$")
_SIGNED = re.compile(r"^[+-]?\d+$")
_PERCENT = re.compile(r"^(\d+(?:\.\d+)?)\s*%?$")
_SEPARATORS = re.compile(r"[\s,;/、]+")


def nps_of(answers: list[int]) -> int:
    """The NPS of 0-10 answers: % promoters (9-10) minus % detractors (0-6), rounded half up."""
    promoters = sum(1 for answer in answers if answer >= 9)
    detractors = sum(1 for answer in answers if answer <= 6)
    return int((200 * (promoters - detractors) + len(answers)) // (2 * len(answers)))


def read_signals(cell: Callable[[str], str], errors: list[str]) -> dict[str, int]:
    """The signals a row gives (`cell(name)`: its text, "" when blank or absent); what is wrong
    with them is added to `errors`, in the current language."""
    values: dict[str, int] = {}
    for name in SIGNAL_COUNTS:
        text = cell(name)
        if text:
            _count(name, text, values, errors)
    nps, answers = cell("nps"), cell("nps_answers")
    if nps and answers:
        errors.append(_("give nps or nps_answers, not both"))
    elif nps:
        _nps(nps, values, errors)
    elif answers:
        _answers(answers, values, errors)
    csat = cell("csat")
    if csat:
        _csat(csat, values, errors)
    problem = pair_message(values)
    if problem:
        errors.append(problem)
    return values


def pair_message(values: Mapping[str, Any]) -> str | None:
    """Why a row's counts contradict each other, in the current language, or None."""
    for part, whole in SIGNAL_PAIRS:
        low, high = values.get(part), values.get(whole)
        if low is None or high is None or low <= high:
            continue
        if part == "surveys_answered":
            return _("{answered} surveys answered but only {sent} sent").format(
                answered=f"{low:,}", sent=f"{high:,}"
            )
        return _("{attended} attended events but only {invited} invited").format(
            attended=f"{low:,}", invited=f"{high:,}"
        )
    return None


def with_stored(values: Mapping[str, int], stored: Mapping[str, Any]) -> str | None:
    """Why a row, written over a stored one (its blanks keep what is stored), would contradict
    itself; the message says it is the stored count."""
    merged = {**{k: stored.get(k) for k in SIGNAL_COUNTS}, **values}
    problem = pair_message(merged)
    if problem is None or pair_message(values) is not None:
        return None
    return _("{problem} (with the count already stored for this period)").format(problem=problem)


def _count(name: str, text: str, values: dict[str, int], errors: list[str]) -> None:
    if text.startswith(("-", "\u2212")) and _COUNT.match(text[1:]):
        errors.append(
            _("{column} {value} is negative; a count is 0 or more").format(column=name, value=text)
        )
        return
    if not _COUNT.match(text):
        errors.append(
            _('{column} "{value}" is not a whole number of 0 or more').format(
                column=name, value=text
            )
        )
        return
    value = int(text.replace(",", ""))
    if value > MAX_COUNT:
        errors.append(_("{column} {value} is too large").format(column=name, value=f"{value:,}"))
        return
    values[name] = value


def _nps(text: str, values: dict[str, int], errors: list[str]) -> None:
    text = text.replace("\u2212", "-")
    if not _SIGNED.match(text):
        errors.append(_('nps "{value}" is not a whole number from -100 to 100').format(value=text))
        return
    value = int(text)
    if not NPS_LOW <= value <= NPS_HIGH:
        errors.append(
            _("nps {value} is out of range: an NPS is from -100 to 100").format(value=value)
        )
        return
    values["nps"] = value


def _answers(text: str, values: dict[str, int], errors: list[str]) -> None:
    parts = [part for part in _SEPARATORS.split(text) if part]
    if not parts or not all(part.isdigit() and int(part) <= 10 for part in parts):
        errors.append(
            _('nps_answers "{value}" are not answers from 0 to 10 (like 10 9 7 6)').format(
                value=text
            )
        )
        return
    values["nps"] = nps_of([int(part) for part in parts])


def _csat(text: str, values: dict[str, int], errors: list[str]) -> None:
    match = _PERCENT.match(text.replace("％", "%"))
    if match is None:
        errors.append(_('csat "{value}" is not a percentage from 0 to 100').format(value=text))
        return
    number = float(match[1])
    if "." in match[1] and number <= 5 and "%" not in text:
        errors.append(
            _(
                "csat {value} looks like an average on a 1-5 scale; give the percentage of "
                "satisfied answers (0-100)"
            ).format(value=text)
        )
        return
    if number > 100:
        errors.append(_("csat {value} is more than 100%").format(value=text))
        return
    values["csat"] = int(number + 0.5)
