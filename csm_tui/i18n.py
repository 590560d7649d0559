"""Translations through stdlib gettext.

Strings are marked with `_()` where they are shown and with `N_()` where they are defined ahead of
time (binding descriptions, column titles); those are translated when rendered, so switching the
language at run time re-renders every string without re-importing anything.
"""

from __future__ import annotations

import gettext
import locale
import os
from pathlib import Path

DOMAIN = "csm_tui"
LOCALE_DIR = Path(__file__).parent / "locale"
SUPPORTED = ("en", "ja")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def _(message: str) -> str:
    """Translate a message into the current language."""
    return _translation.gettext(message)


def NC_(context: str, message: str) -> str:
    """Mark a string with a context for extraction; translate it later with `pgettext`."""
    return message


def pgettext(context: str, message: str) -> str:
    """Translate a word that means different things in different places ("Renewal")."""
    return _translation.pgettext(context, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def current_language() -> str:
    return _language


def detect_language() -> str:
    """The language of the user's locale, if we have it, else English."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if not value:
            continue
        # LANGUAGE may list several ("fr:ja"): the first one we have wins
        for entry in value.split(":"):
            code = entry.split("_")[0].split(".")[0].split("@")[0].lower()
            if code in SUPPORTED:
                return code
        return "en"
    try:
        code = (locale.getlocale()[0] or "en").split("_")[0].lower()
    except ValueError:
        code = "en"
    return code if code in SUPPORTED else "en"


def set_language(language: str | None) -> str:
    """Switch the language (None: from the locale); returns the language now in use."""
    global _translation, _language
    chosen = language if language in SUPPORTED else detect_language()
    if chosen == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[chosen], fallback=True
        )
    _language = chosen
    return chosen
