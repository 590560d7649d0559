"""Keep the message catalogs in step with the code.

    python scripts/i18n.py extract   # code -> csm_tui/locale/csm_tui.pot -> update every .po
    python scripts/i18n.py compile   # .po -> .mo (committed, so a wheel needs no build step)
    python scripts/i18n.py check     # exit 1 if anything is untranslated, fuzzy or not compiled

Output is deterministic: no source locations (moving code does not churn the catalogs), messages
sorted by msgid, and a file is only rewritten when its content changes. The template's
POT-Creation-Date only moves when the set of messages does (or comes from SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

import argparse
import io
import os
import string
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
MAPPING = ROOT / "babel.cfg"
DOMAIN = "csm_tui"
LOCALE_DIR = ROOT / "csm_tui" / "locale"
POT = LOCALE_DIR / f"{DOMAIN}.pot"
LANGUAGES = ("ja",)
PROJECT = "csm-tui"
TEAM = "csm-tui developers"
COMMENT_TAGS = ("Translators:", "TRANSLATORS:")
POT_COMMENT = """\
# Message template for csm-tui, made from the code by `python scripts/i18n.py extract`.
# Do not edit: change the strings in the code and extract again.
# This file is distributed under the same license as the csm-tui project."""
PO_COMMENT = """\
# {language} translations for csm-tui.
# Fill in the msgstr lines (remove any `#, fuzzy` once checked), then run
# `python scripts/i18n.py compile` and `python scripts/i18n.py check`.
# This file is distributed under the same license as the csm-tui project."""

# The key of a message in a catalog: (msgctxt, msgid); msgid is a tuple for plurals.
Key = tuple[str | None, str | tuple[str, ...]]


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _now() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC).replace(microsecond=0)
    return datetime.now(UTC).replace(microsecond=0)


def _version() -> str:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as fh:
        return str(tomllib.load(fh)["project"]["version"])


def key(message: Message) -> Key:
    msgid = message.id
    return (message.context, tuple(msgid) if isinstance(msgid, list | tuple) else msgid)


def messages(catalog: Catalog) -> dict[Key, Message]:
    """Every message of a catalog except the header, by (context, msgid)."""
    return {key(m): m for m in catalog if m.id}


def display(k: Key) -> str:
    context, msgid = k
    text = " / ".join(msgid) if isinstance(msgid, tuple) else msgid
    return f"[{context}] {text!r}" if context else repr(text)


# -- extraction ------------------------------------------------------------------------------


def extract(root: Path = ROOT, mapping: Path = MAPPING) -> Catalog:
    """The template as the code has it now, with source locations (not written out)."""
    with mapping.open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(  # type: ignore[no-untyped-call]
            fh, filename=str(mapping)
        )
    template = Catalog(
        project=PROJECT,
        version=_version(),
        copyright_holder=TEAM,
        msgid_bugs_address=TEAM,
        header_comment=POT_COMMENT,
        charset="utf-8",
        fuzzy=False,
    )
    found = extract_from_dir(
        str(root),
        method_map,
        options_map,
        keywords={},  # only the keywords babel.cfg names
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
    )
    for filename, lineno, msgid, comments, context in found:
        template.add(
            msgid,
            None,
            [(Path(filename).as_posix(), lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def _signature(catalog: Catalog) -> dict[Key, tuple[list[str], list[str]]]:
    """What the template says about each message (locations aside)."""
    return {
        k: (sorted(m.flags), list(dict.fromkeys(m.auto_comments)))
        for k, m in messages(catalog).items()
    }


def render_po(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=100,
        no_location=True,
        sort_output=True,
        ignore_obsolete=True,
        include_previous=False,
    )
    return buffer.getvalue()


def render_mo(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def _write_if_changed(path: Path, content: bytes) -> bool:
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def _read_po(path: Path, language: str | None = None) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=language, domain=DOMAIN)


def _settle_creation_date(template: Catalog) -> None:
    """Keep the committed template's date while the set of messages is unchanged."""
    if POT.exists():
        old = _read_po(POT)
        if _signature(old) == _signature(template):
            template.creation_date = old.creation_date
            return
    template.creation_date = _now()


def _new_po(template: Catalog, language: str) -> Catalog:
    catalog = Catalog(
        locale=language,
        domain=DOMAIN,
        project=PROJECT,
        version=template.version,
        copyright_holder=TEAM,
        msgid_bugs_address=TEAM,
        header_comment=PO_COMMENT.format(language=Locale.parse(language).english_name),
        last_translator=TEAM,
        language_team=f"Japanese <{TEAM}>" if language == "ja" else TEAM,
        creation_date=template.creation_date,
        revision_date=_now(),
        charset="utf-8",
        fuzzy=False,
    )
    catalog.update(template)
    return catalog


def cmd_extract() -> int:
    template = extract()
    _settle_creation_date(template)
    changed = _write_if_changed(POT, render_po(template))
    print(f"{POT.relative_to(ROOT)}: {len(messages(template))} messages{' (updated)' * changed}")
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            catalog = _read_po(path, language)
            catalog.update(template, update_header_comment=False)
        else:
            catalog = _new_po(template, language)
        changed = _write_if_changed(path, render_po(catalog))
        todo = sorted(display(k) for k in untranslated(template, catalog))
        print(f"{path.relative_to(ROOT)}: {len(todo)} to translate{' (updated)' * changed}")
        for line in todo:
            print(f"    {line}")
    return 0


# -- compiling -------------------------------------------------------------------------------


def cmd_compile() -> int:
    status = 0
    for language in LANGUAGES:
        catalog = _read_po(po_path(language), language)
        for message, errors in catalog.check():
            status = 1
            for error in errors:
                print(f"{po_path(language).relative_to(ROOT)}: {display(key(message))}: {error}")
        changed = _write_if_changed(mo_path(language), render_mo(catalog))
        print(f"{mo_path(language).relative_to(ROOT)}{' (updated)' if changed else ': up to date'}")
    return status


# -- checking --------------------------------------------------------------------------------


def texts(value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    """A msgid or msgstr as a list: one item, or one per plural form."""
    if isinstance(value, list | tuple):
        return [str(v or "") for v in value]
    return [value or ""]


def _is_translated(message: Message) -> bool:
    strings = texts(message.string)
    return bool(strings) and all(s.strip() for s in strings) and not message.fuzzy


def untranslated(template: Catalog, catalog: Catalog) -> list[Key]:
    """Messages of the template that the catalog lacks, leaves empty or marks fuzzy."""
    have = messages(catalog)
    return [k for k in messages(template) if k not in have or not _is_translated(have[k])]


def fields(text: str) -> list[str]:
    """The replacement fields of a str.format() string, e.g. ['days'] for 'Renewal ≤ {days} d'."""
    return sorted(
        name if spec == "" else f"{name}:{spec}"
        for _, name, spec, _ in string.Formatter().parse(text)
        if name is not None
    )


def placeholder_problems(catalog: Catalog) -> list[str]:
    """Translations whose {fields} differ from their msgid's (a .format() would raise)."""
    problems = []
    for k, message in messages(catalog).items():
        if not _is_translated(message):
            continue
        expected = set().union(*(fields(i) for i in texts(message.id)))
        for translation in texts(message.string):
            try:
                got = set(fields(translation))
            except ValueError as exc:
                problems.append(f"{display(k)}: broken braces in {translation!r} ({exc})")
                continue
            if got != expected:
                problems.append(
                    f"{display(k)}: fields {sorted(got)} in {translation!r}, "
                    f"expected {sorted(expected)}"
                )
    return problems


def catalog_table(catalog: Catalog) -> dict[Key, str | tuple[str, ...]]:
    """What a .mo compiled from this catalog holds, header included."""
    table: dict[Key, str | tuple[str, ...]] = {}
    for message in catalog:
        if message.id and not _is_translated(message):
            continue  # write_mo leaves out empty and fuzzy messages
        value = texts(message.string)
        plural = isinstance(message.string, list | tuple)
        table[key(message)] = tuple(value) if plural else value[0]
    return table


def mo_table(path: Path) -> dict[Key, str | tuple[str, ...]]:
    with path.open("rb") as fh:
        return catalog_table(read_mo(fh))


def _where(template: Catalog, k: Key) -> str:
    message = messages(template)[k]
    return ", ".join(f"{f}:{n}" for f, n in message.locations)


def cmd_check() -> int:
    problems: list[str] = []
    template = extract()
    if not POT.exists() or _signature(_read_po(POT)) != _signature(template):
        problems.append(f"{POT.relative_to(ROOT)} is out of date with the code: run extract")
    for language in LANGUAGES:
        po, mo = po_path(language), mo_path(language)
        if not po.exists():
            problems.append(f"{po.relative_to(ROOT)} is missing: run extract")
            continue
        catalog = _read_po(po, language)
        have = messages(catalog)
        for k in sorted(untranslated(template, catalog), key=display):
            state = "fuzzy" if k in have and have[k].fuzzy else "no translation"
            problems.append(f"{language}: {state}: {display(k)} ({_where(template, k)})")
        for k, message in sorted(have.items(), key=lambda item: display(item[0])):
            if message.fuzzy and k not in messages(template):
                problems.append(f"{language}: fuzzy: {display(k)} (not in the code)")
        problems.extend(f"{language}: {p}" for p in placeholder_problems(catalog))
        if not mo.exists():
            problems.append(f"{mo.relative_to(ROOT)} is missing: run compile")
        else:
            # Compare what the files mean, not their bytes.
            expected = catalog_table(_read_po(po, language))
            if mo_table(mo) != expected:
                problems.append(f"{mo.relative_to(ROOT)} is out of date with the .po: run compile")
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} problem(s). Translate in the .po, then run compile.")
        return 1
    print("Catalogs are complete and compiled.")
    return 0


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="code -> .pot -> update the .po files")
    commands.add_parser("compile", help=".po -> .mo")
    commands.add_parser("check", help="exit 1 on untranslated, fuzzy or uncompiled messages")
    args = parser.parse_args(list(argv) if argv is not None else None)
    run = {"extract": cmd_extract, "compile": cmd_compile, "check": cmd_check}[args.command]
    return run()


if __name__ == "__main__":
    sys.exit(main())
