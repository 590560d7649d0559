"""Which accounts a meeting is with, from its attendees' e-mail addresses (or its title).

An address that is a contact's names that contact's account; otherwise its domain names the
accounts with a contact at that domain. Free-mail domains never match by domain: half the world
is at gmail.com. A meeting with only colleagues (the CSM's own domain) is with an account only
when its title names one ("Acme QBR prep").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from csm_tui.calendar.events import Occurrence

FREE_MAIL = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.jp",
        "live.com", "live.jp", "msn.com", "yahoo.com", "yahoo.co.jp", "ymail.com",
        "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com",
        "gmx.com", "gmx.net", "gmx.de", "web.de", "mail.com", "zoho.com", "yandex.com",
        "yandex.ru", "mail.ru", "qq.com", "163.com", "126.com", "naver.com", "fastmail.com",
        "hey.com", "docomo.ne.jp", "ezweb.ne.jp", "au.com", "softbank.ne.jp", "i.softbank.jp",
        "nifty.com", "biglobe.ne.jp", "ocn.ne.jp", "so-net.ne.jp",
    }
)  # fmt: skip

#: Account names shorter than this never match a title: "AB" is in too many words.
_MIN_NAME = 3
_MAX_WORDS = 6
_WORD = re.compile(r"[^\W_]+(?:['&.-][^\W_]+)*")


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


_LEGAL = frozenset(
    {"inc", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "plc", "gmbh",
     "ag", "sa", "bv", "kk", "k.k", "group", "holdings"}
)  # fmt: skip
_LEGAL_JA = ("株式会社", "有限会社", "合同会社", "(株)", "(株)")


def _name_forms(name: str) -> set[str]:
    """The ways a title names an account: "Acme Corp" as "acme corp" or "acme";
    "株式会社サンプル" as "サンプル"."""
    folded = _fold(name).strip()
    forms = set()
    if folded.isascii():
        words = _WORD.findall(folded)
        forms.add(" ".join(words))
        while len(words) > 1 and words[-1] in _LEGAL:
            words = words[:-1]
            forms.add(" ".join(words))
    else:
        forms.add(folded)
        for mark in _LEGAL_JA:
            folded = folded.replace(_fold(mark), "")
        forms.add(folded.strip())
    return {form for form in forms if len(form) >= (_MIN_NAME if form.isascii() else 2)}


@dataclass(frozen=True, slots=True)
class Match:
    """The accounts of one meeting; `internal` when only colleagues attend (title match)."""

    account_ids: tuple[str, ...]
    internal: bool


@dataclass
class AccountIndex:
    """The book's contacts and account names, indexed once per sync."""

    me: frozenset[str]
    by_email: dict[str, set[str]] = field(default_factory=dict)
    by_domain: dict[str, set[str]] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)
    _wide: list[str] | None = None

    @classmethod
    def build(
        cls,
        me: Iterable[str],
        contacts: Iterable[tuple[str, str]],
        accounts: Iterable[tuple[str, str]],
    ) -> AccountIndex:
        """`contacts`: (account id, e-mail); `accounts`: (account id, name)."""
        index = cls(me=frozenset(email.lower() for email in me if email))
        own = index.own_domains
        for account_id, email in contacts:
            email = email.strip().lower()
            if "@" not in email:
                continue
            index.by_email.setdefault(email, set()).add(account_id)
            domain = domain_of(email)
            if domain not in FREE_MAIL and domain not in own:
                index.by_domain.setdefault(domain, set()).add(account_id)
        for account_id, name in accounts:
            for form in _name_forms(name):
                index.names.setdefault(form, set()).add(account_id)
        return index

    @property
    def own_domains(self) -> frozenset[str]:
        """My colleagues' domains: those of my addresses, but never a free-mail one (a private
        gmail.com address of mine does not make every gmail.com attendee a colleague)."""
        return frozenset(domain_of(email) for email in self.me) - FREE_MAIL

    def match(self, occurrence: Occurrence) -> Match:
        """The accounts the meeting is with; empty when none."""
        own = self.own_domains
        people = {email for email, _ in occurrence.attendees}
        if occurrence.organizer:
            people.add(occurrence.organizer)
        outsiders = [
            email for email in people if email not in self.me and domain_of(email) not in own
        ]
        found: set[str] = set()
        for email in outsiders:
            exact = self.by_email.get(email)
            if exact:
                found |= exact
            else:
                found |= self.by_domain.get(domain_of(email), set())
        if found:
            return Match(tuple(sorted(found)), internal=False)
        if outsiders:
            return Match((), internal=False)
        # only colleagues: internal work about the account the title names; nobody at all (a
        # published Outlook calendar leaves attendees out): a meeting, if the title names one
        colleagues = any(email not in self.me for email in people)
        return Match(tuple(sorted(self.in_title(occurrence.title))), internal=colleagues)

    def in_title(self, title: str) -> set[str]:
        """The accounts whose name appears in the title: as whole words for a name in Latin
        letters (runs of up to six words are looked up), anywhere for one in Japanese, which
        has no spaces to find words by."""
        if not title or not self.names:
            return set()
        if self._wide is None:
            self._wide = [name for name in self.names if not name.isascii()]
        folded = _fold(title)
        words = _WORD.findall(folded)
        found: set[str] = set()
        for first in range(len(words)):
            for last in range(first + 1, min(first + _MAX_WORDS, len(words)) + 1):
                found |= self.names.get(" ".join(words[first:last]), set())
        for name in self._wide:
            if name in folded:
                found |= self.names[name]
        return found


def proposable(occurrence: Occurrence, me: frozenset[str]) -> bool:
    """Whether a meeting can be proposed at all: never a declined, cancelled, all-day or
    free (transparent) one, nor one of no length."""
    if occurrence.cancelled or occurrence.all_day or occurrence.transparent:
        return False
    if occurrence.minutes <= 0:
        return False
    return all(not (email in me and status == "DECLINED") for email, status in occurrence.attendees)


def organised_by_me(occurrence: Occurrence, me: frozenset[str]) -> bool:
    """An event the CSM organised is proactive; one they were invited to, reactive. No
    organiser at all (a personal entry) counts as theirs."""
    return not occurrence.organizer or occurrence.organizer in me
