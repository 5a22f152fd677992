"""Rejoin sentences split across column/page breaks (research §5: 12 ordered rules)."""

from __future__ import annotations

import re

from . import _lexicon
from ._edits import Edit, Flag, splice
from .blocks import MARKER, split_blocks
from .stutter import Verdict, classify_double

_TERMINAL = set("。！？!?…")
_CLOSERS = "”’）)】》」』\"'"
_NON_INITIAL = set("，、。；：！？）”’》】」』,;:!?)")
_IN_SENTENCE = set("，,、；;：:")
_DANGLING = set("的地得和与及或在对把被将向从以为于之其并而且但跟同给让由按据经")
_PARTICLE = set("的了着地得们")
_NUMBERED = re.compile(r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|第[一二三四五六七八九十百\d]+[章节部分篇编条]|\d+[、.．]\D)")
_BULLET = re.compile(r"[ \t\u3000]*(?:[-*+•●▪◆■□◇][ \t\u3000])")
_ALL_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")
_PUNCT = re.compile("[，,、；;：:。！？!?]")
_LIST_OPENER = re.compile(
    r"(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十百\d]+[，,、是条章节项部分]|[（(][一二三四五六七八九十\d]+[)）]"
    r"|[一二三四五六七八九十]+、|\d+[、．]|\d+\.(?!\d)|——|【|〔|▲|●|■|◆|◇|□|★|☆|•|·|-\s|\*\s|※|#)")
_DATELINE = re.compile(
    r"(?:本报讯|本报[^，,。\n]{0,16}?电|新华社[^，,。\n]{0,16}?电|中新社[^，,。\n]{0,16}?电|据新华社|[（(]记者"
    r"|(?:本报|特约)?记者[ \u3000]|通讯员[ \u3000]|[^\s，,。]{2,8}[0-9一二三四五六七八九十]{1,2}月[0-9一二三四五六七八九十]{1,3}日电)")
_HAN_END = re.compile("[\u3400-\u4dbf\u4e00-\u9fff0-9A-Za-z０-９“‘（(《〈「『·.—%％‰℃∶/]")
_SPACED_TITLE = re.compile(r"[^\x00-\x7f][ \u3000]+[^\x00-\x7f]")
_QUOTED = re.compile(r"“[^“”]*”|（[^（）]*）|\([^()]*\)|《[^《》]*》")


def _core_end(a: str) -> str:
    return a.rstrip(_CLOSERS)


def unterminated(a: str) -> bool:
    """True when the block does not end a sentence (closing quotes/brackets ignored).

    >>> unterminated("据不完全统计"), unterminated("他说：“好。”"), unterminated("2020年。")
    (True, False, False)
    """
    core = _core_end(a)
    return bool(core) and core[-1] not in _TERMINAL


def _open_depth(a: str) -> int:
    depth = 0
    for ch in a:
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth = max(0, depth - 1)
    return depth


def _unmatched_close(b: str) -> bool:
    depth = 0
    for ch in b:
        if ch == "“":
            depth += 1
        elif ch == "”":
            if depth == 0:
                return True
            depth -= 1
    return False


def _spanning_word(a: str, b: str, min_freq: int = 10):
    """A dictionary word that jieba puts across the break (or a frequent word inside the
    token that crosses it: 中|学语文 -> 中学)."""
    tail, head = a[-4:], b[:4]
    window = tail + head
    j = len(tail)
    pos = 0
    for tok in _lexicon.cut(window):
        s, e = pos, pos + len(tok)
        pos = e
        if s < j < e:
            if _lexicon.freq(tok) >= min_freq:
                return tok
            best = None
            for x in range(max(s, j - 3), j):
                for y in range(j + 1, min(e, x + 4) + 1):
                    w = window[x:y]
                    f = _lexicon.freq(w)
                    if f >= max(min_freq, 50) and (best is None or f > best[0]):
                        best = (f, w)
            return best[1] if best else None
    return None


#: openers of running text (attribution, time and purpose adverbials) that headlines do not use
_RUNNING_OPENER = re.compile(r"(?:据|记者从|记者在|随着|近日|日前|截至|经过|根据|为了|由于|通过|今年以来|近年来|目前)")


#: a number, or a number and a measure word, waiting for its noun (只有86名|学生)
_COUNT_END = re.compile(r"(?:[0-9０-９][0-9０-９.]*[万亿千百]?|[一二三四五六七八九十两几百千万]+(?=[名个位项件家台座条种次人元米岁户所批只头辆艘架栋间]$))[名个位项件家台座条种次人元米岁户所批只头辆艘架栋间]?$")


def _running_text(a: str) -> bool:
    """Cues that a short unpunctuated block is the start of a sentence, not a title."""
    if _RUNNING_OPENER.match(a) or _COUNT_END.search(a):
        return True
    return any(tok == "了" for tok in _lexicon.cut(a))


def _title_like(a: str) -> bool:
    if len(a) <= 25 and not _PUNCT.search(a) and _open_depth(a) == 0:
        return not _running_text(a)
    if len(a) <= 60:
        stripped = _QUOTED.sub("", a)
        if _SPACED_TITLE.search(stripped) and not re.search("[，,；;。！？]", stripped):
            return True
    return False


def decide(a: str, b: str):
    """Decide whether body block ``b`` continues unterminated body block ``a``.

    Returns ``(action, reason)`` with action ``join``, ``refuse`` or ``gap``.

    >>> decide("发挥科技创新的关键和中坚作", "用。他勉励广大科技工作者")
    ('join', 'word across break: 作用')
    >>> decide("工会搭鹊桥", "2月12日，“会聚良缘”活动举行。")
    ('refuse', 'A looks like a title (short, no punctuation)')
    >>> decide("开展职工演讲、劳模宣讲、党史知识", "维护职工权益杰出律师”表彰，深化")[0]
    'gap'
    """
    b = b.lstrip(" \t\u3000")
    if not b:
        return "refuse", "empty B"
    if _BULLET.match(a):
        return "refuse", "A is a bullet item"
    if len(a) <= 25 and _NUMBERED.match(a) and not re.search("[，,；;：:。！？!?]", a):
        return "refuse", "A is a numbered section heading"
    if _LIST_OPENER.match(b):
        return "refuse", "B opens a list item/section"
    if MARKER.match(b):
        return "refuse", "B starts with a continuation marker"
    if _DATELINE.match(b):
        return "refuse", "B starts with a dateline/byline"
    depth = _open_depth(a)
    closes = _unmatched_close(b)
    if closes and depth == 0:
        return "gap", "text missing? B has an unmatched ” and A has no open “"
    if closes and depth > 0:
        return "join", "A has an open “ closed in B"
    core = _core_end(a)
    if core != a and core and core[-1] in ")）":
        if b[0] not in _NON_INITIAL:
            return "refuse", "A ends with a closing bracket"
    if b[0] in _NON_INITIAL:
        return "join", f"B starts with non-initial '{b[0]}'"
    if b[0] in _PARTICLE:
        first = _lexicon.cut(b[:6])[0]
        if len(first) == 1:
            return "join", f"B starts with particle '{b[0]}'"
    if a[-1] in _IN_SENTENCE:
        return "join", f"A ends with in-sentence punctuation '{a[-1]}'"
    if a.endswith("——"):
        return "refuse", "A ends with a dash (kicker)"
    title = _title_like(a)
    word = _spanning_word(a, b, 100 if title else 10)
    if word:
        return "join", f"word across break: {word}"
    dbl = _boundary_double(a, b)
    if dbl is not None and dbl[1].action == "drop":
        return "join", "unit doubled at the break"
    if a[-1] in _DANGLING:
        return "join", f"A ends with dangling '{a[-1]}'"
    if title:
        return "refuse", "A looks like a title (short, no punctuation)"
    if _HAN_END.match(a[-1]):
        return "join", "A is body text ending mid-sentence"
    return "refuse", f"A ends with '{a[-1]}'"


def _strong(a: str, c: str):
    """Continuation strong enough to join across an interrupting heading/credit/marker."""
    c = c.lstrip(" \t\u3000")
    if not c or _LIST_OPENER.match(c) or _DATELINE.match(c) or MARKER.match(c):
        return None
    if _open_depth(a) > 0 and _unmatched_close(c):
        return "open “ closed after the interruption"
    if c[0] in _NON_INITIAL and c[0] != "”":
        return f"C starts with non-initial '{c[0]}'"
    word = _spanning_word(a, c)
    if word and len(word) >= 2 and _lexicon.freq(word) >= 10 and not _title_like(a):
        return f"word across break: {word}"
    return None


_FREE_FUNCTION = set("在对是有和与的了把被将从向给为也都就还又")


def _boundary_double(a: str, b: str):
    """Size and verdict for a unit doubled across the break (``统计|计``), or None.

    At a break the prior favours an artifact (research §5.5, policy P3): besides the in-text
    drops, the second copy is dropped when the first copy is a whole token, or when the lexicon
    only could not decide, unless both copies sit inside different words (两国|国歌), a word
    spans both copies (常|常), or the unit is a free function character (在, 对).
    """
    for size in (3, 2, 1):
        if len(a) >= size and len(b) >= size and a[-size:] == b[:size] and _ALL_HAN.fullmatch(b[:size]):
            tail = a[-8:]
            joined = tail + b[:8]
            i = len(tail) - size
            v = classify_double(joined, i, size)
            if v.action == "flag" and not (size == 1 and b[0] in _FREE_FUNCTION) and not v.reason.startswith(("echo of particle", "rare token")):
                v = Verdict("drop", f"at a break: {v.reason}")
            elif v.action == "keep" and v.reason.startswith("both copies") and size >= 2:
                if _lexicon.cut(tail)[-1] == a[-size:]:
                    v = Verdict("drop", f"at a break, whole word repeated: {v.reason}")
            return size, v
    return None


def find_joins(text: str):
    """Edits and flags for :func:`join_broken_paragraphs` (text with blank-line separated blocks)."""
    blocks = split_blocks(text)
    edits, flags = [], []
    acc = None  # (merged text, last block)
    pending: list[str] = []
    history: dict[str, tuple] = {}  # block text -> (start of first copy, text of the block after it)

    def close(acc):
        if acc is not None and pending:
            end = acc[1].end
            edits.append(Edit(end, end, "\n\n" + "\n\n".join(pending), "heading_move",
                              "heading that interrupted the sentence moved after the paragraph"))
            pending.clear()

    def do_join(acc, sep_start, b, reason, over=None):
        a_text = acc[0]
        b_lead = len(b.text) - len(b.text.lstrip(" \t\u3000"))
        b_text = b.text[b_lead:]
        end = b.start + b_lead
        kind = "join"
        dbl = _boundary_double(a_text, b_text)
        if dbl is not None:
            size, v = dbl
            if v.action == "drop":
                end += size
                kind = "boundary_double"
                reason = (f"{reason}; dropped {b_text[:size]} doubled at the break ({v.reason})"
                          if reason != "unit doubled at the break" else f"{b_text[:size]} doubled at the break: {v.reason}")
                b_text = b_text[size:]
            elif v.action == "flag":
                flags.append(Flag(acc[1].end - size, b.start + b_lead + size, "boundary_double",
                                  f"unit doubled at a break kept: {v.reason}"))
        if over is not None:
            reason = f"join over {over.kind}: {reason}; {over.kind} moved after the paragraph"
        edits.append(Edit(sep_start, end, "", kind, reason))
        return (a_text + b_text, b)

    n = len(blocks)
    k = 0
    while k < n:
        b = blocks[k]
        if acc is None or not unterminated(acc[0]):
            close(acc)
            acc = (b.text, b) if b.kind == "body" else None
            _remember(history, blocks, k)
            k += 1
            continue
        last = acc[1]
        if b.kind == "body":
            h = history.get(last.text)
            if h is not None and h[0] != last.start and len(last.text) >= 10 and h[1] != b.text:
                action, reason = "gap", "repeated block: its first copy was followed by other text"
            else:
                action, reason = decide(acc[0], b.text)
            _remember(history, blocks, k)
            if action == "join":
                acc = do_join(acc, last.end, b, reason)
                k += 1
                continue
            if action == "gap":
                flags.append(Flag(max(last.start, last.end - 8), min(b.end, b.start + 8), "gap", reason))
            close(acc)
            acc = (b.text, b)
            k += 1
            continue
        if b.kind in ("heading", "credit", "marker", "caption") and k + 1 < n and blocks[k + 1].kind == "body":
            c = blocks[k + 1]
            why = _strong(acc[0], c.text)
            if why:
                pending.append(b.text)
                acc = do_join(acc, last.end, c, why, over=b)
                _remember(history, blocks, k + 1)
                k += 2
                continue
        close(acc)
        acc = None
    close(acc)
    edits.sort(key=lambda e: (e.start, e.end))
    return edits, flags


def _remember(history, blocks, k):
    """Note where a block text first occurs and which block followed it (repeated-block trap)."""
    b = blocks[k]
    history.setdefault(b.text, (b.start, blocks[k + 1].text if k + 1 < len(blocks) else None))


def join_broken_paragraphs(text: str) -> str:
    """Rejoin a sentence that a column or page break split into two blank-line separated
    blocks, using only the text: punctuation, quote balance, block types and the jieba
    lexicon. Titles, bylines, datelines, captions, credits, tables and list openers are never
    joined; a block that opens with an unmatched ``”`` is a suspected gap (flag only). A unit
    doubled at the break is dropped when the lexicon is sure (统计|计); a heading that
    interrupted the sentence is moved after the repaired paragraph.

    >>> join_broken_paragraphs("据不完全统计\\n\\n计，协同政府追回工资。\\n")
    '据不完全统计，协同政府追回工资。\\n'
    >>> join_broken_paragraphs("推行“三网融\\n\\n## 新春祝福\\n\\n合”，提升了能力。\\n")
    '推行“三网融合”，提升了能力。\\n\\n## 新春祝福\\n'
    >>> join_broken_paragraphs("工会搭鹊桥\\n\\n2月12日，活动举行。\\n")
    '工会搭鹊桥\\n\\n2月12日，活动举行。\\n'
    """
    edits, _ = find_joins(text)
    return splice(text, edits)
