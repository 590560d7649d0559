"""The message catalogs: complete, compiled, safe to format, and switchable at run time.

When a test here fails after you added or changed a string, run
    .venv/bin/python scripts/i18n.py extract
then translate the new entries in csm_tui/locale/ja/LC_MESSAGES/csm_tui.po, and run
    .venv/bin/python scripts/i18n.py compile
"""

from __future__ import annotations

import gettext
import importlib.util
import string
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from csm_tui import i18n
from csm_tui.i18n import _, detect_language, ngettext, pgettext, set_language

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "csm_tui" / "locale"
PO = LOCALE_DIR / "ja" / "LC_MESSAGES" / "csm_tui.po"
MO = LOCALE_DIR / "ja" / "LC_MESSAGES" / "csm_tui.mo"
FIX = "run `python scripts/i18n.py extract`, translate in the .po, then `... compile`"


def _load_script() -> ModuleType:
    """scripts/i18n.py is not a package module; load it by path under its own name."""
    spec = importlib.util.spec_from_file_location("csm_tui_i18n_script", ROOT / "scripts/i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


script = _load_script()


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    yield
    set_language("en")


@pytest.fixture(scope="module")
def po() -> Catalog:
    with PO.open("rb") as fh:
        return read_po(fh, locale="ja", domain="csm_tui")


def _strings(value: object) -> list[str]:
    return list(value) if isinstance(value, list | tuple) else [str(value or "")]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _samples(text: str) -> dict[str, object]:
    """A value for each field: a number where the field has a format spec (`{n:g}`, `{c:+d}`)."""
    return {
        name: 1 if spec else "x"
        for _, name, spec, _ in string.Formatter().parse(text)
        if name is not None
    }


# -- (1) every string in the code is translated ----------------------------------------------


def test_extraction_finds_the_code_strings(tmp_path: Path) -> None:
    template = _extract_to(tmp_path)
    ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in template if m.id}
    # One of each kind: _(), N_() ahead of time, ngettext() with a plural.
    assert "Open account: {name}" in ids
    assert "Filter" in ids
    assert ("{shown} of {total} account", "{shown} of {total} accounts") in ids
    assert len(ids) > 50


def test_every_code_string_has_a_japanese_translation(tmp_path: Path, po: Catalog) -> None:
    template = _extract_to(tmp_path)
    have = script.messages(po)
    problems = []
    for key, message in script.messages(template).items():
        translated = have.get(key)
        where = ", ".join(f"{f}:{n}" for f, n in message.locations) or "?"
        if translated is None:
            problems.append(f"not in the .po: {script.display(key)} ({where})")
        elif translated.fuzzy:
            problems.append(f"fuzzy (check it, remove the flag): {script.display(key)}")
        elif not all(s.strip() for s in _strings(translated.string)):
            problems.append(f"no translation: {script.display(key)} ({where})")
    assert not problems, "\n".join([*problems, FIX])


def test_a_new_untranslated_string_is_caught(tmp_path: Path, po: Catalog) -> None:
    package = tmp_path / "csm_tui"
    package.mkdir()
    (package / "new.py").write_text(
        'from csm_tui.i18n import _\n\nOLD = _("Filter")\nNEW = _("A string nobody translated")\n',
        encoding="utf-8",
    )
    template = script.extract(root=tmp_path)
    missing = script.untranslated(template, po)
    assert missing == [(None, "A string nobody translated")]


def test_template_is_current(tmp_path: Path) -> None:
    with script.POT.open("rb") as fh:
        committed = read_po(fh)
    assert script._signature(committed) == script._signature(_extract_to(tmp_path)), FIX


def _extract_to(tmp_path: Path) -> Catalog:
    """Extract with babel's API into a .pot in tmp_path and read it back."""
    pot = tmp_path / "csm_tui.pot"
    template = script.extract()
    pot.write_bytes(script.render_po(template))
    with pot.open("rb") as fh:
        written = read_po(fh)
    # Keep the source locations (left out of the file) for the failure messages.
    for message in written:
        if message.id:
            message.locations = template.get(message.id, message.context).locations
    return written


# -- (2) the committed .mo is the compiled .po -----------------------------------------------


def test_committed_mo_matches_the_po(tmp_path: Path, po: Catalog) -> None:
    fresh = tmp_path / "csm_tui.mo"
    with fresh.open("wb") as fh:
        write_mo(fh, po, use_fuzzy=False)
    with fresh.open("rb") as fh:
        expected = script.catalog_table(read_mo(fh))
    with MO.open("rb") as fh:
        committed = script.catalog_table(read_mo(fh))
    assert committed == expected, "the .mo is out of date: run `python scripts/i18n.py compile`"


def test_stdlib_gettext_reads_the_committed_mo(po: Catalog) -> None:
    with MO.open("rb") as fh:
        translations = gettext.GNUTranslations(fh)
    for message in po:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, list | tuple):
            singular, plural = message.id[0], message.id[1]
            assert translations.ngettext(singular, plural, 2) == _strings(message.string)[0]
        elif message.context:
            assert translations.pgettext(message.context, message.id) == message.string
        else:
            assert translations.gettext(message.id) == message.string
    assert translations.info()["plural-forms"] == "nplurals=1; plural=0;"


# -- (3) switching the language at run time ---------------------------------------------------


def test_set_language_switches_both_ways(po: Catalog) -> None:
    assert set_language("ja") == "ja"
    assert i18n.current_language() == "ja"
    assert _("Filter") == po["Filter"].string != "Filter"
    assert pgettext("column", "Account") == "顧客"
    assert pgettext("stage", "Renewal") == "契約更新期"
    assert pgettext("column", "Renewal") != pgettext("stage", "Renewal")
    count = ngettext("{shown} of {total} account", "{shown} of {total} accounts", 1)
    assert count.format(shown=1, total=1) == "1 件中 1 件"

    assert set_language("en") == "en"
    assert _("Filter") == "Filter"
    assert ngettext("{shown} of {total} account", "{shown} of {total} accounts", 2) == (
        "{shown} of {total} accounts"
    )


def test_unknown_language_falls_back_to_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    _clear_locale_env(monkeypatch)
    monkeypatch.setenv("LANG", "ja_JP.UTF-8")
    assert set_language(None) == "ja"
    assert set_language("xx") == "ja"
    assert _("Quit") == "終了"


# -- (4) translations keep the {fields} of their msgid ---------------------------------------


def test_translations_keep_the_format_fields(po: Catalog) -> None:
    problems = []
    for message in po:
        if not message.id:
            continue
        expected = set().union(*(_fields(i) for i in _strings(message.id)))
        for translation in _strings(message.string):
            if not translation:
                continue
            try:
                got = _fields(translation)
                samples = dict.fromkeys(got | expected, "x") | _samples(translation)
                translation.format(**samples)
            except (ValueError, IndexError, KeyError) as exc:
                problems.append(f"{message.id!r} -> {translation!r}: {exc}")
                continue
            if got != expected:
                problems.append(f"{message.id!r} -> {translation!r}: {sorted(got)} ≠ {expected}")
    assert not problems, "\n".join(problems)


def test_field_check_catches_a_renamed_field() -> None:
    catalog = Catalog(locale="ja")
    catalog.add("{n} d", "{m} 日")
    catalog.add("in {n} days", "あと {n} 日")
    catalog.add("Covers {start} → {end}", "{start")
    problems = script.placeholder_problems(catalog)
    assert len(problems) == 2
    assert "{n} d" in problems[0] or "{n} d" in problems[1]


# -- (5) the language of the environment --------------------------------------------------------


def _clear_locale_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "ja_JP.UTF-8"}, "ja"),
        ({"LANG": "fr_FR"}, "en"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANGUAGE": "ja", "LANG": "en_US.UTF-8"}, "ja"),
        ({"LANGUAGE": "en:ja", "LANG": "ja_JP.UTF-8"}, "en"),
        ({"LANGUAGE": "ja_JP:en", "LC_ALL": "en_US.UTF-8"}, "ja"),
        ({"LC_ALL": "ja_JP.eucJP", "LANG": "en_US.UTF-8"}, "ja"),
    ],
)
def test_detect_language(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: str
) -> None:
    _clear_locale_env(monkeypatch)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert detect_language() == expected
