"""Which encoding a CSV file is in, as files really come.

Japanese Excel's "CSV (コンマ区切り)" is CP932 (Shift_JIS), its "Unicode Text" UTF-16 with a BOM,
its "CSV UTF-8" UTF-8 with a BOM; CRMs write UTF-8 without one; Salesforce's Data Loader writes
Latin-1. A BOM decides; else text that is valid UTF-8 is UTF-8; else charset-normalizer guesses
from a sample. A Japanese guess is read as CP932 (Excel's superset of Shift_JIS); any other guess
is refused with a sentence naming it and the `--encoding` that reads it, since a wrong guess
would import garbled names without a word.
"""

from __future__ import annotations

import codecs
import re
from typing import BinaryIO

from csm_tui.errors import ValidationError
from csm_tui.i18n import _

SAMPLE_BYTES = 1 << 16
"""How much of the file the guess looks at (from the first byte that is not ASCII)."""

_SCAN_CHUNK = 1 << 20
_JAPANESE = frozenset({"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "ms932"})
_CANDIDATES = (
    "cp932",
    "euc_jp",
    "iso2022_jp",
    "latin_1",
    "cp1252",
    "gb18030",
    "big5",
    "cp949",
)
"""The encodings a CSV file reaching a CSM is in: guessing among all of them would call a Latin-1
file CP1250 or Mac Roman."""
_WESTERN = frozenset({"iso8859-1", "cp1252"})
_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "iso8859-1": "Latin-1 (ISO-8859-1)",
    "cp1252": "Windows-1252 (Latin-1)",
    "euc_jp": "EUC-JP",
    "iso2022_jp": "ISO-2022-JP",
    "gb18030": "GB18030",
    "big5": "Big5",
    "cp949": "CP949 (Korean)",
    "euc_kr": "EUC-KR",
}


def codec_name(encoding: str) -> str:
    """Python's own name of an encoding (`latin-1` → `iso8859-1`); unknown → ValidationError."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ValidationError(
            _(
                "{encoding} is not an encoding csm-tui knows; try utf-8, cp932, utf-16 or latin-1."
            ).format(encoding=encoding)
        ) from None


def forced(encoding: str) -> str:
    """The codec for `--encoding`: UTF-8 drops a BOM if there is one."""
    name = codec_name(encoding)
    return "utf-8-sig" if name == "utf-8" else name


def label(encoding: str) -> str:
    """A name people know an encoding by (CP932 (Shift_JIS), Latin-1 (ISO-8859-1))."""
    name = codec_name(encoding)
    if name in _JAPANESE:
        return "CP932 (Shift_JIS)"
    return _LABELS.get(name, name.upper())


def peek(handle: BinaryIO, size: int) -> bytes:
    """Up to `size` bytes from where `handle` is, without consuming them (a pipe included)."""
    if hasattr(handle, "peek"):
        return bytes(handle.peek(size)[:size])
    if handle.seekable():
        start = handle.tell()
        try:
            return handle.read(size)
        finally:
            handle.seek(start)
    return b""  # pragma: no cover - stdin and files are buffered or seekable


def sample(handle: BinaryIO) -> bytes:
    """Up to `SAMPLE_BYTES` from the line of the first byte that is not ASCII (a file whose
    first rows are English may be CP932 further down), without moving the file; of a pipe,
    what its buffer holds."""
    head = peek(handle, SAMPLE_BYTES)
    if not handle.seekable():
        return head
    start = offset = handle.tell()
    try:
        while chunk := handle.read(_SCAN_CHUNK):
            high = next((i for i, byte in enumerate(chunk) if byte >= 0x80), -1)
            if high >= 0:
                handle.seek(offset + chunk.rfind(b"\n", 0, high) + 1)
                return handle.read(SAMPLE_BYTES)
            offset += len(chunk)
        return head
    finally:
        handle.seek(start)


def detect(head: bytes, data: bytes, source: str) -> str:
    """The codec to read a file with: `head` is its first bytes (a BOM), `data` a `sample`."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's "Unicode Text"
        return "utf-16"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8-sig"
    whole_lines = data[: data.rfind(b"\n") + 1] or data  # a sample may end mid-character
    if _japanese(whole_lines):
        return "cp932"
    from charset_normalizer import from_bytes

    results = from_bytes(whole_lines, cp_isolation=list(_CANDIDATES))
    best = results.best()
    guess = codec_name(best.encoding) if best is not None else None
    plausible = {codec_name(m.encoding) for m in results if best is None or m.chaos <= best.chaos}
    if "cp932" in plausible and _japanese(whole_lines, kanji=True):
        return "cp932"  # 花子,山田,部長: kanji alone, which a Western guess also reads cleanly
    if guess in _WESTERN:  # Latin-1 unless it uses Windows-1252's letters in 0x80-0x9F
        guess = "cp1252" if any(0x80 <= byte <= 0x9F for byte in whole_lines) else "iso8859-1"
    if guess in _JAPANESE or (guess in _EAST_ASIAN and _decodes(whole_lines, "cp932")):
        return "cp932"  # kanji alone look as Chinese as Japanese: a CSM's file is Japanese
    if guess is None:
        raise ValidationError(
            _(
                "{source} is not text in an encoding csm-tui recognises; save it from Excel as "
                '"CSV UTF-8", or name its encoding with --encoding.'
            ).format(source=source)
        )
    raise ValidationError(
        _(
            "{source} is not UTF-8: it looks like {label} text. If it is, import it with "
            '--encoding {encoding}; or save it as "CSV UTF-8" and import that file.'
        ).format(source=source, label=label(guess), encoding=_option_value(guess))
    )


_KANA = re.compile("[\u3041-\u30ff\uff66-\uff9f]")
_KANJI = re.compile("[\u3041-\u30ff\u4e00-\u9fff]")


_EAST_ASIAN = frozenset({"gb18030", "big5", "cp949", "euc_kr"})


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _japanese(data: bytes, *, kanji: bool = False) -> bool:
    """CP932 text with kana (or, `kanji`, kanji) in it: Japanese for certain with kana (a short
    CP932 file may otherwise look like GB18030 to a statistical guess, and GB18030 decodes
    nearly any bytes); with kanji only when the guess found CP932 as clean as its best."""
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError:
        return False
    return bool((_KANJI if kanji else _KANA).search(text))


def _option_value(name: str) -> str:
    return {"iso8859-1": "latin-1"}.get(name, name)


def undecodable(source: str, encoding: str, line: int | None) -> ValidationError:
    """A byte further down that the chosen encoding cannot read."""
    where = _(" on line {line}").format(line=line) if line else ""
    return ValidationError(
        _(
            "{source} is not {label} text{where}; name its encoding with --encoding (utf-8, "
            'cp932, utf-16, latin-1), or save it as "CSV UTF-8" and import that file.'
        ).format(source=source, label=label(encoding), where=where)
    )
