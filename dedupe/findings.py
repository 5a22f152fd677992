"""Stage 4b: aligned matches -> repeated passages a reviewer can act on.

An aligned match (:func:`dedupe.passages.align_passages`) starts and ends at
exact k-gram seeds, which rarely coincide with where the copied text starts.
Here the paragraph is the unit:

1. :func:`paragraph_units`: the paragraphs of a text (blocks of lines between
   blank lines; in a text without blank lines, its lines) with their extents
   in the original text and in the match key.
2. :func:`match_segments`: the two keys of a match are aligned character by
   character (rapidfuzz Indel opcodes); a paragraph is part of the copy when
   most of its characters are matched, and consecutive such paragraphs form a
   segment, so a paragraph that differs splits the match. The other side is
   mapped through the alignment and snapped to its own paragraphs (the key
   ignores line breaks, so a copy with different paragraph breaks still
   snaps). A segment is ``complete`` when both sides are whole paragraphs and
   ``ragged`` otherwise; ragged segments are kept only when long and near
   exact (a block cut out of a damaged page), the rest are shared phrases.
3. :func:`plan_findings`: the copies of all segments are grouped into one
   finding per repeated passage (copies at the same place are one copy), the
   kept copy chosen by the keep policy, every other copy a :class:`Span`
   (``removed``, ``kept`` with a reason, or ``in_dropped_doc``); removed spans
   of a document are made disjoint. Short shared phrases are aggregated into
   :class:`SharedPhrase` records, one per phrase with all its locations.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import Indel

from .config import DedupeConfig
from .keys import KeyedDoc, match_key
from .records import SharedPhrase, Span

__all__ = ["Units", "paragraph_units", "match_segments", "MatchCopies", "plan_findings", "removal_range", "Segment"]

_SPACE = np.array([9, 10, 11, 12, 13, 32, 0xA0, 0x3000, 0x2028, 0x2029], dtype=np.uint32)
# _SPACE as a table over the code points below 0x3001: one lookup per character instead of np.isin's sort
_IS_SPACE = np.zeros(int(_SPACE.max()) + 2, dtype=bool)
_IS_SPACE[_SPACE] = True
_SPACE_CHARS = "".join(map(chr, _SPACE.tolist()))


class Units(NamedTuple):
    """Paragraphs of one text: key extents ``[kstart, kend)`` and original
    extents ``[ostart, oend)`` (``oend`` without trailing whitespace)."""

    kstart: np.ndarray
    kend: np.ndarray
    ostart: np.ndarray
    oend: np.ndarray
    #: key positions where a line starts (sorted, distinct): rows inside paragraphs
    lstart: np.ndarray = np.zeros(0, dtype=np.int64)


class Segment(NamedTuple):
    """One copied segment of a match, in key coordinates of documents ``i`` and ``j``."""

    i: int
    sa: int
    ea: int
    j: int
    sb: int
    eb: int
    similarity: float
    complete: bool


def _codepoints(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")


def paragraph_units(text: str, offsets: np.ndarray) -> Units:
    """The paragraphs of ``text`` (``offsets`` from :func:`dedupe.match_key`).

    A paragraph is a block of non-blank lines between blank lines; a text that
    has no blank line between two non-blank lines uses its lines. Paragraphs
    without a key character (punctuation only) are left out.

    >>> u = paragraph_units("甲乙。\\n丙\\n\\n丁戊\\n", match_key("甲乙。\\n丙\\n\\n丁戊\\n")[1])
    >>> u.kstart.tolist(), u.kend.tolist(), u.ostart.tolist(), u.oend.tolist()
    ([0, 3], [3, 5], [0, 7], [5, 9])
    """
    # lines by str.split and the trailing blanks by rstrip (a document has a few dozen lines: per-line
    # Python is cheaper than numpy's per-call cost over every character); one searchsorted for all
    ls: list[int] = []  # starts of the non-blank lines
    ink_end: list[int] = []  # after their last non-space character
    gap: list[bool] = []  # a blank line before it (and after the previous non-blank one)
    pos = 0
    blank = False
    for line in text.split("\n"):
        ink = len(line.rstrip(_SPACE_CHARS))
        if ink:
            gap.append(blank and bool(ls))
            ls.append(pos)
            ink_end.append(pos + ink)
            blank = False
        else:
            blank = True
        pos += len(line) + 1
    if not ls:
        z = np.zeros(0, dtype=np.int64)
        return Units(z, z, z, z)
    if any(gap):
        first = [x for x, g in enumerate(gap) if x == 0 or g]
        last = [x - 1 for x in first[1:]] + [len(ls) - 1]
        ostart_l = [ls[x] for x in first]
        oend_l = [ink_end[x] for x in last]
    else:
        ostart_l, oend_l = ls, ink_end
    n = len(ostart_l)
    found = np.searchsorted(offsets, np.array(ostart_l + oend_l + ls, dtype=np.int64))
    ks, ke, lines = found[:n], found[n : 2 * n], found[2 * n :]
    keep = ke > ks
    lines = lines[np.concatenate([[True], lines[1:] != lines[:-1]])]  # ascending: unique = changed
    ostart = np.array(ostart_l, dtype=np.int64)
    oend = np.array(oend_l, dtype=np.int64)
    return Units(ks[keep], ke[keep], ostart[keep], oend[keep], lines)


def _alignment(a: str, b: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(amap, acum, bcum)``: ``amap[p]`` is the position in ``b`` aligned with
    position ``p`` of ``a`` (``len(a) + 1`` values, monotone); ``acum`` / ``bcum``
    are cumulative counts of matched characters (``len + 1`` values)."""
    la, lb = len(a), len(b)
    amap = np.empty(la + 1, dtype=np.int64)
    am = np.zeros(la, dtype=np.int64)
    bm = np.zeros(lb, dtype=np.int64)
    for tag, s1, e1, s2, e2 in Indel.opcodes(a, b):
        if tag == "equal":
            amap[s1:e1] = np.arange(s2, e2)
            am[s1:e1] = 1
            bm[s2:e2] = 1
        elif tag == "delete":
            amap[s1:e1] = s2
    amap[la] = lb
    return amap, np.concatenate([[0], np.cumsum(am)]), np.concatenate([[0], np.cumsum(bm)])


def _snap_start(u: Units, pos: int, slack_frac: float, slack_max: int) -> tuple[int, bool]:
    """Snap a start position to a paragraph start of ``u``: ``(position, snapped)``."""
    n = u.kstart.size
    q = int(np.searchsorted(u.kend, pos, "right"))
    if q >= n:
        return pos, False
    s, e = int(u.kstart[q]), int(u.kend[q])
    if s >= pos:
        return s, True
    slack = max(2, min(slack_max, int((e - s) * slack_frac)))
    if pos - s <= slack:
        return s, True
    if e - pos <= slack:
        return (int(u.kstart[q + 1]), True) if q + 1 < n else (e, True)
    return pos, False


def _snap_end(u: Units, pos: int, slack_frac: float, slack_max: int) -> tuple[int, bool]:
    """Snap an end position to a paragraph end of ``u``: ``(position, snapped)``."""
    q = int(np.searchsorted(u.kstart, pos, "left")) - 1
    if q < 0:
        return pos, False
    s, e = int(u.kstart[q]), int(u.kend[q])
    if e <= pos:
        return e, True
    slack = max(2, min(slack_max, int((e - s) * slack_frac)))
    if e - pos <= slack:
        return e, True
    if pos - s <= slack:
        return (int(u.kend[q - 1]), True) if q > 0 else (s, True)
    return pos, False


_NAME = re.compile(r"[0-9a-z]+")


def _names(key: str) -> list[str]:
    """The letter/digit tokens of a match key (names, numbers, dates, versions).

    >>> _names("vfprintf按照格式输出2001830")
    ['vfprintf', '2001830']
    """
    return _NAME.findall(key)


def _row_differs(a: str, b: str, amap: np.ndarray, lstart: np.ndarray, s: int, e: int, base: int,
                 cfg: DedupeConfig) -> bool:
    """True when a short line (fewer than ``name_row_chars`` key chars: a table
    row, list item, date, attribution) of ``a[s:e]`` differs from the text of
    ``b`` it is aligned with: other letter/digit tokens (:func:`_names`), or a
    length that differs by more than ``row_slack`` (an added or missing word).
    ``lstart`` are line starts in key coordinates of the whole key (``base``
    is where ``a`` starts in it)."""
    lo = int(np.searchsorted(lstart, base + s, "right"))
    hi = int(np.searchsorted(lstart, base + e, "left"))
    cuts = [s, *(int(x) - base for x in lstart[lo:hi]), e]
    for x, y in zip(cuts[:-1], cuts[1:]):
        if y <= x or y - x >= cfg.name_row_chars:
            continue
        bx, by = int(amap[x]), int(amap[y])
        if abs((by - bx) - (y - x)) > cfg.row_slack or _names(a[x:y]) != _names(b[bx:by]):
            return True
    return False


def match_segments(
    ka: str, kb: str, ua: Units, ub: Units, m, cfg: DedupeConfig, same: bool
) -> list[tuple[int, int, int, int, bool]]:
    """Split one aligned match ``m`` (key coordinates) into copied segments
    ``(sa, ea, sb, eb, complete)`` snapped to paragraphs (see the module docstring).

    A paragraph of ``a`` belongs to the copy when at least
    ``cfg.paragraph_match`` of its key characters are aligned with equal
    characters of ``b`` (paragraphs shorter than ``align_k`` inside the match
    count as matched: one substitution must not split a passage at a
    two-character attribution line). When the whole match is long
    (``ragged_min_chars``) and near exact (``remove_similarity``), the partly
    covered paragraphs at its two ends are kept as ragged edges.
    """
    as_, ae = m.a_start, m.a_end
    if min(ae - as_, m.b_end - m.b_start) < cfg.paragraph_match * cfg.min_passage_chars:
        return []  # too short to hold a passage
    n = ua.kstart.size
    p0 = int(np.searchsorted(ua.kend, as_, "right"))
    p1 = int(np.searchsorted(ua.kstart, ae, "left"))
    if p0 >= p1:
        return []
    long_exact = (ae - as_) >= cfg.ragged_min_chars and m.similarity >= cfg.ragged_similarity
    if not long_exact:
        starts, ends = ua.kstart[p0:p1], ua.kend[p0:p1]
        cover = np.minimum(ends, ae) - np.maximum(starts, as_)
        if not np.any(cover >= cfg.paragraph_match * (ends - starts)):
            return []  # no paragraph can be matched: a phrase inside paragraphs
    a = ka[as_:ae]
    b = kb[m.b_start : m.b_end]
    amap, acum, _ = _alignment(a, b)
    cells = []  # (paragraph, start, end, whole) of the paragraphs that belong to the copy
    for par in range(p0, min(p1, n)):
        ps, pe = int(ua.kstart[par]), int(ua.kend[par])
        cs, ce = max(ps, as_), min(pe, ae)
        matched = int(acum[ce - as_] - acum[cs - as_])
        inner = ps >= as_ and pe <= ae
        if _row_differs(a, b, amap, ua.lstart, cs - as_, ce - as_, as_, cfg):
            continue  # a short row whose name, number or wording differs: another row
        if matched >= cfg.paragraph_match * (pe - ps) or (inner and pe - ps < cfg.align_k):
            cells.append((par, ps, pe, True))
        elif long_exact and par in (p0, p1 - 1) and ce - cs >= cfg.align_k and matched >= cfg.paragraph_match * (ce - cs):
            cells.append((par, cs, ce, False))
    # runs of consecutive paragraphs: (start, end, all whole, last paragraph)
    spans: list[tuple[int, int, bool, int]] = []
    for p, s, e, whole in cells:
        if spans and spans[-1][3] == p - 1:
            s0, _, w0, _ = spans[-1]
            spans[-1] = (s0, e, w0 and whole, p)
        else:
            spans.append((s, e, whole, p))
    out = []
    frac, smax = cfg.snap_slack, cfg.align_k
    for sa, ea, whole_a, _ in spans:
        sb = m.b_start - (as_ - sa) if sa < as_ else m.b_start + int(amap[sa - as_])
        eb = m.b_end + (ea - ae) if ea > ae else m.b_start + int(amap[ea - as_])
        sb, eb = max(0, sb), min(len(kb), eb)
        if eb <= sb:
            continue
        sb2, ok_s = _snap_start(ub, sb, frac, smax)
        if not ok_s and sa < as_:
            # a's paragraph reaches before the match but b's copy does not: start both at the match
            sa, whole_a = as_, False
            sb2, ok_s = _snap_start(ub, m.b_start, frac, smax)
            if not ok_s:
                sb2 = m.b_start
        elif not ok_s:
            sb2 = sb
        eb2, ok_e = _snap_end(ub, eb, frac, smax)
        if not ok_e and ea > ae:
            ea, whole_a = ae, False
            eb2, ok_e = _snap_end(ub, m.b_end, frac, smax)
            if not ok_e:
                eb2 = m.b_end
        elif not ok_e:
            eb2 = eb
        if eb2 <= sb2 or ea <= sa or (same and not ea <= sb2):
            continue
        out.append((sa, ea, sb2, eb2, bool(whole_a and ok_s and ok_e)))
    return out


@lru_cache(maxsize=1)
def _phrase_converter():
    import opencc

    return opencc.OpenCC("tw2sp")


def script_counts(text: str, key: str, off: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative counts over the key of ideographs, and of ideographs whose
    original differs from the folded key character (traditional / Taiwan /
    Hong Kong script): ``len(key) + 1`` values each."""
    raw = _codepoints(text)[off] if len(off) else np.zeros(0, dtype=np.uint32)
    kk = _codepoints(key)
    cjk = raw >= 0x3400
    # int32 counts (a key is far shorter than 2**31): half the memory of a cache over every copy's document
    z = np.zeros(1, dtype=np.int32)
    return (np.concatenate([z, np.cumsum(cjk, dtype=np.int32)]), np.concatenate([z, np.cumsum(cjk & (raw != kk), dtype=np.int32)]))


def _converted(counts: tuple[np.ndarray, np.ndarray], start: int, end: int) -> bool:
    """True when more than 2 % of the ideographs of key range ``[start, end)``
    are in another script than the key (see :func:`script_counts`)."""
    total = int(counts[0][end] - counts[0][start])
    return total > 0 and int(counts[1][end] - counts[1][start]) > 0.02 * total


def _similarity(ta: str, tb: str, ka: str, kb: str, conv: bool, cutoff: float) -> float:
    """Indel similarity of two keys; when the copies differ in script and the
    character-folded keys fall short of ``cutoff``, compare the texts converted
    phrase by phrase (OpenCC tw2sp: 軟體 -> 软件) instead. Offsets are untouched."""
    sim = Indel.normalized_similarity(ka, kb)
    if conv and sim < cutoff:
        cv = _phrase_converter()
        alt = Indel.normalized_similarity(match_key(cv.convert(ta))[0], match_key(cv.convert(tb))[0])
        sim = max(sim, alt)
    return sim


def removal_range(text: str, start: int, end: int) -> tuple[int, int]:
    """The range actually cut for a removed span ``text[start:end]``: a span
    that ends a paragraph also takes the line breaks and blank lines after it
    (up to the next paragraph's first line), so no empty paragraph stays; a
    span that ends the text takes the whitespace before it instead.

    >>> removal_range("甲。\\n\\n乙。\\n\\n丙。", 4, 6)
    (4, 8)
    >>> removal_range("甲。\\n\\n乙。", 4, 6)
    (2, 6)
    """
    n = len(text)
    e = end
    while e < n and text[e].isspace():
        e += 1
    if e == n:
        s = start
        while s > 0 and text[s - 1].isspace():
            s -= 1
        return (s if start == 0 or text[start - 1] == "\n" or s < start else start), n
    if "\n" not in text[end:e]:
        return start, end
    last_nl = text.rfind("\n", end, e)
    return start, last_nl + 1


class _Copies:
    """Copies (document, key range) of all segments, merged when they are the
    same place (both ends within ``tol`` of each other), with union-find over
    the segments that link them."""

    def __init__(self) -> None:
        self.nodes: list[list] = []  # [doc, ks, ke, complete]
        self.by_doc: dict[int, list[tuple[int, int]]] = {}
        self.parent: list[int] = []

    def node(self, doc: int, ks: int, ke: int, complete: bool) -> int:
        tol = max(2, (ke - ks) // 10)
        starts = self.by_doc.setdefault(doc, [])  # sorted (first key char, node)
        lo = bisect.bisect_left(starts, (ks - tol, -1))
        for s0, n in starts[lo:]:
            if s0 > ks + tol:
                break
            d, s, e, c = self.nodes[n]
            if abs(s - ks) + abs(e - ke) <= tol:
                if complete and not c:
                    self.nodes[n] = [doc, ks, ke, True]
                return n
        n = len(self.nodes)
        self.nodes.append([doc, ks, ke, complete])
        bisect.insort(starts, (ks, n))
        self.parent.append(n)
        return n

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self) -> list[list[int]]:
        out: dict[int, list[int]] = {}
        for n in range(len(self.nodes)):
            out.setdefault(self.find(n), []).append(n)
        return list(out.values())


class MatchCopies:
    """The part of :func:`plan_findings` that depends on one aligned match only:
    ``ev(i, j, m)`` is the list of its segments that are passages,
    ``(sa, ea, sb, eb, complete, similarity)`` in key coordinates. Paragraph
    units and script counts are cached per document. A caller may compute it
    for matches as they arrive (:func:`dedupe.core.find_duplicates` does, while
    the workers align other pairs) and pass ``(i, j, m, ev(i, j, m))`` to
    :func:`plan_findings`; the results are the same."""

    def __init__(self, texts: Sequence[str], docs: Sequence[KeyedDoc], cfg: DedupeConfig,
                 keys: Sequence[str] | None = None, common_fp: np.ndarray | None = None,
                 fingerprints: Callable[[int], tuple[np.ndarray | None, np.ndarray]] | None = None) -> None:
        self.texts, self.docs, self.cfg, self.keys = texts, docs, cfg, keys
        self.units: dict[int, Units] = {}
        self.scripts: dict[int, tuple] = {}
        self.common_fp, self.fingerprints = common_fp, fingerprints
        self.rare: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.bounds: dict[int, tuple[list[int], list[int]]] = {}  # paragraph key starts, ends

    def key_of(self, d: int) -> str:
        return self.keys[d] if self.keys is not None else self.docs[d].key

    def unit(self, d: int) -> Units:
        if d not in self.units:
            self.units[d] = paragraph_units(self.texts[d], self.docs[d].offsets)
        return self.units[d]

    def script(self, d: int) -> tuple:
        if d not in self.scripts:
            self.scripts[d] = script_counts(self.texts[d], self.key_of(d), self.docs[d].offsets)
        return self.scripts[d]

    def common_only(self, d: int, s: int, e: int) -> bool:
        """True when key range ``[s, e)`` of document ``d`` holds winnowed
        fingerprints (:func:`dedupe.passages.winnow`) and every one of them is
        common (in ``common_fp``: held by more than ``boilerplate_docs``
        documents of the corpus): text that recurs all over the corpus, such as
        a footer, whatever copies of it were aligned. Always False without
        ``common_fp``."""
        if self.common_fp is None:
            return False
        if d not in self.rare:
            got = self.fingerprints(d) if self.fingerprints is not None else None
            if got is not None and got[0] is not None:
                fh, fpos = got[0], got[1]
            else:
                from .passages import winnow  # passages imports this module

                fh, fpos = winnow(self.key_of(d), self.cfg)
            cf = self.common_fp  # sorted: a binary search per fingerprint (np.isin would sort it per document)
            at = np.minimum(np.searchsorted(cf, fh), max(cf.size - 1, 0))
            rare = cf[at] != fh if cf.size else np.ones(fh.size, dtype=bool)
            self.rare[d] = (np.asarray(fpos, dtype=np.int64), np.concatenate([[0], np.cumsum(rare)]))
        pos, cum = self.rare[d]
        lo = int(np.searchsorted(pos, s, "left"))
        hi = int(np.searchsorted(pos, e - self.cfg.fingerprint_k + 1, "left"))
        return hi > lo and int(cum[hi] - cum[lo]) == 0

    def may_hold_passage(self, i: int, m) -> bool:
        """False when :func:`match_segments` returns nothing for ``m`` before
        aligning it: the match is too short, covers no paragraph of document
        ``i``, or (not long and near exact) no paragraph enough. The same tests
        in plain Python on the paragraph bounds as lists: most matches end here
        (nine in ten on the devkit corpora), and numpy's per-call cost on a few
        paragraphs was most of their planning; the other side's paragraphs are
        not cut for them."""
        cfg = self.cfg
        if min(m.a_end - m.a_start, m.b_end - m.b_start) < cfg.paragraph_match * cfg.min_passage_chars:
            return False
        if i not in self.bounds:
            u = self.unit(i)
            self.bounds[i] = (u.kstart.tolist(), u.kend.tolist())
        starts, ends = self.bounds[i]
        p0, p1 = bisect.bisect_right(ends, m.a_start), bisect.bisect_left(starts, m.a_end)
        if p0 >= p1:
            return False
        if m.a_end - m.a_start >= cfg.ragged_min_chars and m.similarity >= cfg.ragged_similarity:
            return True
        return any(min(e, m.a_end) - max(s, m.a_start) >= cfg.paragraph_match * (e - s)
                   for s, e in zip(starts[p0:p1], ends[p0:p1]))

    def __call__(self, i: int, j: int, m) -> list[tuple[int, int, int, int, bool, float]]:
        if not self.may_hold_passage(i, m):
            return []
        cfg, texts, docs, unit, script = self.cfg, self.texts, self.docs, self.unit, self.script
        ka, kb = self.key_of(i), self.key_of(j)
        out = []
        for sa, ea, sb, eb, complete in match_segments(ka, kb, unit(i), unit(j), m, cfg, i == j):
            ln = min(ea - sa, eb - sb)
            conv = _converted(script(i), sa, ea) != _converted(script(j), sb, eb)
            sim = _similarity(_orig(texts[i], docs[i], sa, ea), _orig(texts[j], docs[j], sb, eb),
                              ka[sa:ea], kb[sb:eb], conv, cfg.remove_similarity)
            template = _template(unit(i), sa, ea, cfg) and _template(unit(j), sb, eb, cfg)
            # a passage is a verified copy (passage_similarity, or remove_similarity when
            # lower): below it the paragraphs differ (rewritten, or a table row / list
            # item with another name), and what they share is a phrase
            is_passage = not template and sim >= min(cfg.passage_similarity, cfg.remove_similarity) and (
                (complete and ln >= cfg.min_passage_chars)
                or (ln >= cfg.ragged_min_chars and sim >= cfg.ragged_similarity
                    and (i == j or (_beyond_sentence(_orig(texts[i], docs[i], sa, ea), cfg.ragged_min_sentences)
                                    and _beyond_sentence(_orig(texts[j], docs[j], sb, eb), cfg.ragged_min_sentences)))))
            if is_passage:
                out.append((sa, ea, sb, eb, complete, sim))
        return out


def plan_findings(
    ids: Sequence[str],
    texts: Sequence[str],
    docs: Sequence[KeyedDoc],
    matches: Sequence[tuple],
    rank: Sequence[tuple],
    cfg: DedupeConfig,
    dropped: Sequence[bool] | None = None,
    keys: Sequence[str] | None = None,
    members: dict[int, list[int]] | None = None,
    match_copies: MatchCopies | None = None,
    common_fp: np.ndarray | None = None,
) -> tuple[list[Span], list[SharedPhrase]]:
    """Aligned matches ``(i, j, Match)`` -> (passage spans, shared phrases).

    A match may come as ``(i, j, Match, match_copies(i, j, Match))``, its
    passage segments computed ahead by the caller's ``match_copies``
    (:class:`MatchCopies` of the same texts, documents and config, whose
    caches are reused here).

    ``dropped[i]``: document ``i`` is dropped whole (its copies become
    ``in_dropped_doc``). ``members``: kept document -> its dropped members;
    each copy in a kept document is carried over to its dropped members
    through the alignment of the two (:func:`_project_to_members`), so
    dropped documents need no candidate search of their own. ``keys``: match
    keys when ``docs`` carry offsets only (the Dask engine). ``common_fp``:
    the sorted winnowed fingerprints held by more than ``boilerplate_docs``
    kept documents of the whole corpus (:func:`dedupe.passages.common_fingerprints`);
    a passage with a copy in a kept document made only of them is boilerplate
    (:meth:`MatchCopies.common_only`; ``match_copies`` brings its own).
    Deterministic: independent of the order of ``matches``.
    """
    dropped = dropped if dropped is not None else [False] * len(ids)
    ev = match_copies if match_copies is not None else MatchCopies(texts, docs, cfg, keys, common_fp)
    key_of, unit, script = ev.key_of, ev.unit, ev.script
    passages = _Copies()
    phrases = _Copies()
    sims: dict[tuple[int, int], float] = {}
    for i, j, m, *pre in sorted(matches, key=lambda t: (t[0], t[1], t[2].a_start, t[2].b_start)):
        found = False
        # ``pre``: the copies of this match computed ahead (MatchCopies, while other pairs were aligned)
        for sa, ea, sb, eb, complete, sim in (pre[0] if pre else ev(i, j, m)):
            na = passages.node(i, sa, ea, complete)
            nb = passages.node(j, sb, eb, complete)
            if na != nb:
                found = True
                passages.union(na, nb)
                sims[(min(na, nb), max(na, nb))] = max(sim, sims.get((min(na, nb), max(na, nb)), 0.0))
        if not found and min(m.a_end - m.a_start, m.b_end - m.b_start) >= cfg.min_report_chars:
            # no passage in this match: the text the two places share is a phrase
            na = phrases.node(i, m.a_start, m.a_end, False)
            nb = phrases.node(j, m.b_start, m.b_end, False)
            if na != nb:
                phrases.union(na, nb)
    if members:
        _project_to_members(passages, members, key_of, unit, cfg)
    roots = list(range(len(ids)))
    for k, ms in (members or {}).items():
        for m_ in ms:
            roots[m_] = k
    boiler: list = []
    spans = _passage_spans(ids, texts, docs, passages, sims, rank, cfg, dropped, key_of, unit, script, roots, boiler,
                           ev.common_only)
    shared = _shared_phrases(ids, texts, docs, phrases, rank)
    shared += _shared_phrases(ids, texts, docs, passages, rank, boiler, "boilerplate")
    return spans, shared


def _project_to_members(copies: _Copies, members: dict[int, list[int]], key_of, unit, cfg: DedupeConfig) -> None:
    """Add, for every copy in a kept document, the same place in each of its
    dropped members (mapped through the Indel alignment of the two keys and
    snapped to the member's paragraphs), to the same passage."""
    for n in range(len(copies.nodes)):
        d, ks, ke, c = copies.nodes[n]
        for m in members.get(d, ()):
            amap = _member_map(copies, d, m, key_of)
            sb, eb = int(amap[ks]), int(amap[ke])
            if eb - sb < cfg.min_report_chars:
                continue
            u = unit(m)
            sb2, ok_s = _snap_start(u, sb, cfg.snap_slack, cfg.align_k)
            eb2, ok_e = _snap_end(u, eb, cfg.snap_slack, cfg.align_k)
            if not (ok_s and ok_e and eb2 > sb2):
                sb2, eb2, ok_s = sb, eb, False
            copies.union(n, copies.node(m, sb2, eb2, bool(c and ok_s and ok_e)))


def _member_map(copies: _Copies, kept: int, member: int, key_of) -> np.ndarray:
    cache = copies.__dict__.setdefault("maps", {})
    if (kept, member) not in cache:
        cache[(kept, member)] = _alignment(key_of(kept), key_of(member))[0]
    return cache[(kept, member)]


def _template(u: Units, s: int, e: int, cfg: DedupeConfig) -> bool:
    """True when key range ``[s, e)`` is a run of short paragraphs (each under
    ``boilerplate_line_chars``) that opens or closes its document: a page
    template (masthead, page, dateline, byline, footer), as in
    :func:`dedupe.verify.body_keys`, not a copied passage."""
    if u.kstart.size == 0 or not (s <= u.kstart[0] or e >= u.kend[-1]):
        return False
    p = int(np.searchsorted(u.kend, s, "right"))
    q = int(np.searchsorted(u.kstart, e, "left"))
    return bool(np.all(u.kend[p:q] - u.kstart[p:q] < cfg.boilerplate_line_chars))


def _at_edge(u: Units, s: int, e: int) -> bool:
    """True when key range ``[s, e)`` holds its document's first or last paragraph
    (where a page template's header and footer sit)."""
    return bool(u.kstart.size) and (s <= u.kstart[0] or e >= u.kend[-1])


_SENTENCE_END = re.compile(r"[。！？!?…]+|\.(?=\s)")


def _beyond_sentence(text: str, min_sentences: int) -> bool:
    """True when ``text`` (a ragged copy) is more than a quoted sentence: it
    crosses a line break, or it holds at least ``min_sentences`` sentences
    (the last one may lack its full stop: a copy ends at a letter).

    >>> _beyond_sentence("甲乙丙。丁戊己。", 3), _beyond_sentence("甲。乙。丙", 3)
    (False, True)
    >>> _beyond_sentence("甲乙。\\n丙丁。", 3)
    True
    """
    body = text.strip()
    if "\n" in body:
        return True
    return sum(1 for piece in _SENTENCE_END.split(body) if piece.strip()) >= min_sentences


def _orig(text: str, doc: KeyedDoc, s: int, e: int) -> str:
    return text[int(doc.offsets[s]) : int(doc.offsets[e - 1]) + 1] if e > s else ""


def _orig_range(text: str, doc: KeyedDoc, u: Units, s: int, e: int, complete: bool) -> tuple[int, int]:
    """Original extent of key range ``[s, e)``: whole paragraphs for a complete
    copy; else from the first to the last key character, plus the punctuation
    that closes it (up to the next key character) and an opening bracket or
    quote directly before it."""
    if complete:
        p = int(np.searchsorted(u.kstart, s, "left"))
        q = int(np.searchsorted(u.kend, e, "left"))
        if p < u.kstart.size and q < u.kend.size and u.kstart[p] == s and u.kend[q] == e:
            return int(u.ostart[p]), int(u.oend[q])
    off = doc.offsets
    start = int(off[s])
    end = int(off[e - 1]) + 1
    nxt = int(off[e]) if e < len(off) else len(text)
    while end < nxt and not text[end].isspace() and unicodedata.category(text[end]) not in ("Ps", "Pi"):
        end += 1
    prev = int(off[s - 1]) + 1 if s > 0 else 0
    while start > prev and unicodedata.category(text[start - 1]) in ("Ps", "Pi"):
        start -= 1
    return start, end


def _passage_spans(ids, texts, docs, copies: _Copies, sims, rank, cfg, dropped, key_of, unit, script,
                   roots, boiler: list, common_only) -> list[Span]:
    groups = []
    for members in copies.groups():
        if len(members) < 2:
            continue
        clusters = len({roots[copies.nodes[n][0]] for n in members})
        # made only of common text: the crowded windows of such text pair no documents
        # (dedupe.minhash.band_collisions), so the copies aligned may be a few of its many;
        # a repeat inside one page is a repetition whatever the rest of the corpus holds
        docs_in = {copies.nodes[n][0] for n in members}
        if cfg.boilerplate == "keep" and (
            clusters > cfg.boilerplate_docs
            or (clusters > cfg.template_docs and all(_at_edge(unit(copies.nodes[n][0]), *copies.nodes[n][1:3])
                                                     for n in members))
            or (len(docs_in) > 1 and any(not dropped[copies.nodes[n][0]] and common_only(*copies.nodes[n][:3])
                                         for n in members))
        ):
            boiler.append(members)
            continue
        kept = min(members, key=lambda n: (dropped[copies.nodes[n][0]], rank[copies.nodes[n][0]], copies.nodes[n][1]))
        groups.append((kept, members))
    pos = {d: n for n, d in enumerate(ids)}
    groups.sort(key=lambda g: (pos[ids[copies.nodes[g[0]][0]]], copies.nodes[g[0]][1]))
    rows: list[list] = []
    for number, (kept, members) in enumerate(groups, 1):
        kd, ks, ke, kc = copies.nodes[kept]
        src_range = _orig_range(texts[kd], docs[kd], unit(kd), ks, ke, kc)
        kconv = _converted(script(kd), ks, ke)
        for n in members:
            if n == kept:
                continue
            d, s, e, c = copies.nodes[n]
            conv = _converted(script(d), s, e) != kconv
            sim = sims.get((min(n, kept), max(n, kept)))
            if sim is None:
                sim = _similarity(_orig(texts[d], docs[d], s, e), _orig(texts[kd], docs[kd], ks, ke),
                                  key_of(d)[s:e], key_of(kd)[ks:ke], conv, cfg.remove_similarity)
            start, end = _orig_range(texts[d], docs[d], unit(d), s, e, c)
            u = unit(d)
            paras = int(np.searchsorted(u.kstart, e, "left") - np.searchsorted(u.kend, s, "right"))
            if dropped[d]:
                action, reason = "in_dropped_doc", "the document is dropped whole as a near-duplicate"
            elif sim < cfg.remove_similarity:
                action, reason = "kept", f"similarity {sim:.3f} below remove_similarity {cfg.remove_similarity}"
            elif not c and e - s < cfg.ragged_min_chars:
                action, reason = "kept", "starts or ends inside a paragraph and is short"
            else:
                action, reason = "removed", f"repeats {ids[kd]}[{src_range[0]}:{src_range[1]}]"
            rows.append([d, start, end, kd, src_range[0], src_range[1], round(float(sim), 4), action,
                         "complete" if c else "ragged", e - s, max(1, paras), "converted" if conv else "same",
                         reason, number, s, e])
    _disjoint(rows, docs, cfg)
    spans = [Span(ids[r[0]], r[1], r[2], ids[r[3]], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13])
             for r in rows]
    spans.sort(key=lambda sp: (pos[sp.doc_id], sp.start, sp.end, pos[sp.src_doc_id], sp.src_start, sp.passage))
    return spans


def _disjoint(rows: list[list], docs, cfg: DedupeConfig) -> None:
    """Removed copies of one document never overlap: taken by start (longest
    first), a copy that overlaps an earlier removal is trimmed to start where
    it ends (at a paragraph start, so it stays complete), or kept when what
    is left is shorter than a passage."""
    by_doc: dict[int, list[list]] = {}
    for r in rows:
        if r[7] == "removed":
            by_doc.setdefault(r[0], []).append(r)
    for items in by_doc.values():
        items.sort(key=lambda r: (r[1], -r[2]))
        last = -1
        for r in items:
            if r[1] < last:
                if r[2] <= last:
                    r[7], r[12] = "kept", "inside a removed passage"
                    continue
                off = docs[r[0]].offsets
                k0 = int(np.searchsorted(off, last))
                left = r[15] - k0
                if left >= cfg.min_passage_chars:
                    r[1] = int(off[k0]) if k0 < len(off) else last
                    r[9] = left
                else:
                    r[7], r[12] = "kept", "overlaps a removed passage"
                    continue
            last = r[2]


def _shared_phrases(ids, texts, docs, copies: _Copies, rank, groups=None, kind: str = "phrase") -> list[SharedPhrase]:
    out = []
    for members in (copies.groups() if groups is None else groups):
        if len(members) < 2:
            continue
        locs = []
        for n in members:
            d, s, e, _ = copies.nodes[n]
            off = docs[d].offsets
            locs.append((rank[d], ids[d], int(off[s]), int(off[e - 1]) + 1, e - s))
        locs.sort()
        _, d0, s0, e0, k0 = locs[0]
        out.append((locs[0][0], s0, [(d, s, e) for _, d, s, e, _ in locs], k0, d0))
    out.sort(key=lambda t: (t[0], t[1]))
    id_pos = {d: n for n, d in enumerate(ids)}
    return [SharedPhrase(texts[id_pos[d0]][locs[0][1]:locs[0][2]], k0, tuple(locs), kind) for _, _, locs, k0, d0 in out]
