"""Bytes -> text for Chinese corpora: BOM, strict UTF-8, then GB18030 vs Big5-HKSCS by Han frequency."""

from __future__ import annotations

import math
import re
import unicodedata

from . import _lexicon
from .records import Decoded


class DecodeError(ValueError):
    """The bytes are binary or in none of the supported encodings (one-line message)."""


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_CANDIDATES = ("gb18030", "big5hkscs")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f-\x9f]")
_SAMPLE = 4096  # characters scored per candidate: enough to decide, cheap on big files


def _check_controls(text: str) -> None:
    if not text:
        return
    bad = len(_CONTROL.findall(text))
    if bad > max(2, 0.05 * len(text)):
        raise DecodeError(f"binary file ({bad} control characters)")


def _implausible_share(text: str) -> float:
    """Share of characters real text hardly contains: unassigned, private use, surrogates
    and U+FFFD. A BOM promises an encoding; garbage behind it keeps none. (Zero-width
    U+FEFF is not counted: scraped text really carries it.)"""
    if not text:
        return 0.0
    bad = sum(1 for ch in text if ch == "\ufffd" or unicodedata.category(ch) in ("Cn", "Co", "Cs"))
    return bad / len(text)


def _score(text: str) -> float:
    """Mean per-character plausibility: common Han high, rare/private-use/control low."""
    if not text:
        return 0.0
    total = 0.0
    for ch in text:
        o = ord(ch)
        if ch.isascii():
            total += 1.0 if (ch.isprintable() or ch in "\n\r\t") else -5.0
        elif 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
            f = _lexicon.char_freq(ch)
            total += math.log10(f + 1) - 3.0  # ~ +3 for common, -3 for unknown
        elif 0xE000 <= o <= 0xF8FF or 0xF0000 <= o:
            total -= 8.0
        else:
            cat = unicodedata.category(ch)
            if cat.startswith("P") or cat.startswith("Z") or ch in "\u3000":
                total += 1.0 if 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x2010 <= o <= 0x2027 else -1.0
            elif cat in ("Cn", "Co", "Cs", "Cc"):
                total -= 8.0
            else:
                total -= 2.0
    return total / len(text)


def decode(data: bytes) -> Decoded:
    """Decode ``data``: a BOM wins, then strict UTF-8, then whichever of GB18030 and
    Big5-HKSCS decodes into more common Han characters (jieba dictionary frequencies;
    Big5 candidates are scored after OpenCC t2s). Right on snippets of a few characters.

    >>> decode("工会搭鹊桥".encode("gb18030"))
    Decoded(text='工会搭鹊桥', encoding='gb18030')
    >>> decode("廣告".encode("big5")).encoding
    'big5hkscs'
    >>> decode(b"")
    Decoded(text='', encoding='utf-8')
    >>> decode(b"\\x00\\x01PK\\x03\\x04")
    Traceback (most recent call last):
    ...
    cleaners.decoding.DecodeError: binary file (NUL bytes)
    """
    if not data:
        return Decoded("", "utf-8")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise DecodeError(f"undecodable: {enc} byte-order mark but invalid {enc} ({exc.reason})") from None
            _check_controls(text)
            probe = text[:_SAMPLE]
            if _implausible_share(probe) > 0.05 and len(probe) > 2:
                raise DecodeError(f"undecodable: {enc} byte-order mark but the bytes after it are not {enc} text")
            return Decoded(text, enc)
    if b"\x00" in data:
        raise DecodeError("binary file (NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        _check_controls(text)
        return Decoded(text, "utf-8")
    best = None
    for enc in _CANDIDATES:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        probe = text[:_SAMPLE]
        if enc == "big5hkscs":
            from .script import converter

            probe = converter("simplified").convert(probe)
        score = _score(probe)
        if best is None or score > best[0]:
            best = (score, text, enc)
    if best is None:
        raise DecodeError("undecodable: not UTF-8, GB18030 or Big5-HKSCS")
    _check_controls(best[1])
    return Decoded(best[1], best[2])
