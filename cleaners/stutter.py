"""Reduplication vs stutter, decided with the jieba lexicon (research §5.5, policy P1)."""

from __future__ import annotations

import re
from typing import NamedTuple

from . import _lexicon
from ._edits import Edit, Flag, splice

HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_DOUBLE = re.compile(f"([{HAN}]{{1,3}})\\1")
_PARTICLES = set("的了们")
#: classifiers reduplicate (件件有着落, 台台运转): a suffix echo on one of them may be AA
_CLASSIFIERS = set("个件条张次天年月日位名台只头本把根枝朵片块颗粒座栋间家户场项门辆艘架匹封首篇句声步层段节排行双对批群种样")
#: function characters that do not reduplicate (的的, 在在); content characters do (说说, 年年)
_FUNCTION = set("的了在是和与及或把被将从向给为于以之其并而但跟同让由按据经这那也都就还又所")


class Verdict(NamedTuple):
    """``action`` is ``keep`` (legitimate), ``drop`` (a stutter: drop one copy) or ``flag``."""

    action: str
    reason: str


def _tokens_with_offsets(window: str):
    out, pos = [], 0
    for tok in _lexicon.cut(window):
        out.append((pos, pos + len(tok), tok))
        pos += len(tok)
    return out


def classify_double(text: str, i: int, size: int) -> Verdict:
    """Classify the doubled unit ``text[i:i+size] == text[i+size:i+2*size]``.

    >>> classify_double("针对对不同劳动者", 1, 1)
    Verdict(action='drop', reason='suffix echo 针对|对')
    >>> classify_double("他常常加班", 1, 1).action
    'keep'
    >>> classify_double("电视台台长讲话", 2, 1).action
    'keep'
    """
    unit = text[i:i + size]
    j = i + size
    end = j + size
    freq = _lexicon.freq
    # 1. a dictionary word spans the junction: longer than the pair, or frequent (常常, 天天)
    for a in range(max(0, j - 4), j):
        for b in range(min(len(text), j + 4), j, -1):
            w = text[a:b]
            f = freq(w)
            if f and (len(w) > 2 * size or f >= 50) and (size == 1 or a <= i or b >= end):
                return Verdict("keep", f"lexicon: {w}({f})")
    lo = max(0, i - 6)
    window = text[lo:min(len(text), end + 6)]
    toks = _tokens_with_offsets(window)
    ci, cj, ce = i - lo, j - lo, end - lo
    tok_at = {s: (s, e, t) for s, e, t in toks}
    tok_end = {e: (s, e, t) for s, e, t in toks}
    for s, e, t in toks:
        if s < cj < e:  # one token covers both copies
            if freq(t) >= 10:
                return Verdict("keep", f"token spans both copies: {t}")
            return Verdict("flag", f"rare token spans both copies: {t}")
    first = tok_at.get(ci)
    second = tok_at.get(cj)
    before = tok_end.get(cj)
    cuts = {s for s, _, _ in toks} | {e for _, e, _ in toks}
    second_alone = cj in cuts and ce in cuts
    if size == 1 and i > 0 and text[i - 1] == "一":
        return Verdict("keep", f"一{unit}{unit} reduplication")
    starts_word = next((text[j:j + k] for k in range(size + 3, size, -1) if freq(text[j:j + k]) >= 20), None)
    if first and second and first[2] == unit and second[2] == unit:
        if starts_word:
            return Verdict("flag", f"second copy may start the word {starts_word}")
        if size == 1 and unit in _FUNCTION:
            return Verdict("drop", f"identical adjacent tokens {unit}|{unit}")
        if size == 1:
            return Verdict("flag", f"identical adjacent tokens {unit}|{unit} (reduplication?)")
        return Verdict("flag", f"ABAB tokens {unit}|{unit} (verb reduplication?)")
    if before and second_alone and before[2].endswith(unit) and len(before[2]) > size:
        if unit in _PARTICLES:
            return Verdict("flag", f"echo of particle {before[2]}|{unit}")
        if starts_word:
            return Verdict("flag", f"suffix echo {before[2]}|{unit}, but {starts_word} is a word")
        if size == 1 and unit in _CLASSIFIERS:
            ends = next((text[a:i] for a in range(max(0, i - 4), i - 1) if freq(text[a:i]) >= 100), None)
            if ends:
                return Verdict("flag", f"suffix echo {before[2]}|{unit}, or {ends}|{unit}{unit} (classifier reduplication?)")
        return Verdict("drop", f"suffix echo {before[2]}|{unit}")
    if before and len(before[2]) > size and second is not None and len(second[2]) > size:
        return Verdict("keep", f"both copies inside words {before[2]}|{second[2]}")
    if not second_alone:
        nxt = [t for s, e, t in toks if s <= cj < e]
        return Verdict("flag", f"second copy absorbed into {nxt[0] if nxt else '?'}")
    return Verdict("flag", "doubled unit, lexicon undecided")


def find_stutters(text: str):
    """Edits (drops) and flags for :func:`remove_stutters`."""
    edits, flags = [], []
    for m in _DOUBLE.finditer(text):
        i = m.start()
        size = len(m.group(1))
        v = classify_double(text, i, size)
        if v.action == "keep":
            continue
        j = i + size
        if v.action == "drop":
            edits.append(Edit(j, j + size, "", "stutter", v.reason))
        else:
            ls = text.rfind("\n", 0, i) + 1
            le = text.find("\n", j + size)
            le = len(text) if le == -1 else le
            a, b = max(ls, i - 3), min(le, j + size + 3)
            flags.append(Flag(a, b, "stutter", f"possible stutter {text[i:j + size]}: {v.reason}"))
    return edits, flags


def remove_stutters(text: str) -> str:
    """Drop a doubled word or character (的的, 针对对, 坚定不移不移) when the jieba lexicon
    says the second copy is an echo: two identical one-character tokens (的|的), or a word
    followed by a lone copy of its own last character(s) (针对|对, 电视台|台).

    Legitimate reduplication stays: words in the lexicon that span both copies (常常,
    依依不舍, 的的确确, 一组组, 齐齐哈尔), copies that each belong to a word (工作|作风,
    人事|事项, 学习|习近平), and anything undecided, which is only flagged (研究研究, 落落地).

    >>> remove_stutters("发展的的工作，针对对不同群体，坚定不移不移在党的领导下")
    '发展的工作，针对不同群体，坚定不移在党的领导下'
    >>> remove_stutters("转变工作作风，有关人事事项，依依不舍，常常加班，的的确确")
    '转变工作作风，有关人事事项，依依不舍，常常加班，的的确确'
    """
    edits, _ = find_stutters(text)
    return splice(text, edits)
