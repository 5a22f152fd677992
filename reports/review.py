"""Pure helpers of the review page and of reviewer decisions (no I/O): the app's ``review`` room
reads the run directory and writes the page; what it computes from the records is here.

- :func:`reconstruct_original` undoes applied repairs (the context shown around a repair);
- :func:`diff_segments` / :func:`segment_texts`: a copy against the kept copy, shared text stored once;
- :func:`removals` / :func:`enclosing_removal`: what a set of decisions cuts, and which removal
  overrules a "keep";
- :class:`Lines`, :func:`union_len`, :func:`histogram`: line numbers, covered characters, bins.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence

from seedsift.cleaners import Repair
from seedsift.dedupe.core import cut_range
from seedsift.dedupe.records import Span
from seedsift.reports.dedup_output import KEEP, REMOVE, document_key, span_key

#: Document pairs: identical runs longer than the ``elide_over`` of :func:`diff_segments` keep only
#: ELIDE_KEEP characters at each end (the full texts are in dedup/ and manifest.jsonl).
ELIDE_KEEP = 120


def reconstruct_original(cleaned: str, applied: list[Repair]) -> str | None:
    """Undo applied repairs on the cleaned text; None when they do not fit (then no context is shown).

    >>> reconstruct_original("甲，乙", [Repair("punctuation", 1, 2, ",", "，", True, "")])
    '甲,乙'
    """
    out, pos_c, pos_o = [], 0, 0
    for r in sorted(applied, key=lambda r: r.start):
        n = r.start - pos_o
        if n < 0 or len(r.before) != r.end - r.start or cleaned[pos_c + n: pos_c + n + len(r.after)] != r.after:
            return None
        out.append(cleaned[pos_c: pos_c + n])
        out.append(r.before)
        pos_c += n + len(r.after)
        pos_o = r.end
    out.append(cleaned[pos_c:])
    return "".join(out)


class Lines:
    """1-based line number of an offset, by bisecting the newline positions once per text."""

    def __init__(self, text: str) -> None:
        self.nl = [i for i, c in enumerate(text) if c == "\n"]

    def at(self, offset: int) -> int:
        return bisect.bisect_left(self.nl, offset) + 1


def diff_segments(a: str, b: str, elide_over: int | None = None) -> list[list]:
    """Both texts as one run of segments: ``["=", t]`` shared, ``["-", t]`` only in A, ``["+", t]`` only in B.

    Shared text is stored once (near-duplicates are mostly shared), and with
    ``elide_over`` a shared run longer than that becomes ``["~", n, head, tail]``
    so that whole reprinted documents do not blow the file size; the page
    shows "n identical characters" between head and tail.

    >>> diff_segments("甲乙丙", "甲丁丙")
    [['=', '甲'], ['-', '乙'], ['+', '丁'], ['=', '丙']]
    """
    from rapidfuzz.distance import Levenshtein

    segs: list[list] = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            t = a[op.src_start:op.src_end]
            if elide_over and len(t) > elide_over:
                segs.append(["~", len(t), t[:ELIDE_KEEP], t[-ELIDE_KEEP:]])
            else:
                segs.append(["=", t])
            continue
        if op.src_end > op.src_start:
            segs.append(["-", a[op.src_start:op.src_end]])
        if op.dest_end > op.dest_start:
            segs.append(["+", b[op.dest_start:op.dest_end]])
    return segs


def segment_texts(segs: list[list]) -> tuple[str, str]:
    """The A and B texts back from unelided segments (the page's JavaScript does the same).

    >>> segment_texts(diff_segments("甲乙丙", "乙丙丁"))
    ('甲乙丙', '乙丙丁')
    """
    a = "".join(s[1] for s in segs if s[0] in "=-")
    b = "".join(s[1] for s in segs if s[0] in "=+")
    return a, b


def union_len(intervals: list[tuple[int, int]]) -> int:
    """Characters covered by overlapping intervals, each counted once (passages overlap often)."""
    total = 0
    current: tuple[int, int] | None = None
    for s, e in sorted(intervals):
        if current is None or s > current[1]:
            total += (current[1] - current[0]) if current is not None else 0
            current = (s, e)
        else:
            current = (current[0], max(current[1], e))
    return total + ((current[1] - current[0]) if current is not None else 0)


def histogram(values: list[float], edges: list[float]) -> list[dict]:
    """Counts per bin [edges[i], edges[i+1]); the last bin includes its upper edge."""
    counts = [0] * (len(edges) - 1)
    for v in values:
        i = min(max(bisect.bisect_right(edges, v) - 1, 0), len(counts) - 1)
        counts[i] += 1
    return [{"label": f"{edges[i]:.2f}–{edges[i + 1]:.2f}", "n": n} for i, n in enumerate(counts)]


def removals(clusters: Mapping[str, str], spans: Sequence[Span], texts: Mapping[str, str],
             decisions: Mapping[str, str]) -> tuple[set[str], dict[str, list[tuple[int, int, Span]]]]:
    """What ``build_dedup_output`` cuts under ``decisions``: the dropped documents, and per kept
    document the ranges (:func:`seedsift.dedupe.core.cut_range`) of the copies it removes.

    >>> s = Span("b", 0, 2, "a", 0, 2, 1.0, "removed")
    >>> removals({"a": "a", "b": "a"}, [s], {"a": "甲乙", "b": "甲乙"}, {"document:b": "keep"})
    (set(), {'b': [(0, 2, Span(doc_id='b', start=0, end=2, src_doc_id='a', src_start=0, src_end=2, similarity=1.0, action='removed', kind='complete', key_chars=0, paragraphs=0, script='same', reason='', passage=0))]})
    """
    dropped = {d for d, k in clusters.items() if k != d and decisions.get(document_key(d), REMOVE) == REMOVE}
    cuts: dict[str, list[tuple[int, int, Span]]] = {}
    for s in spans:
        if s.doc_id in dropped or s.doc_id not in texts:
            continue
        if decisions.get(span_key(s), REMOVE if s.action == "removed" else KEEP) == REMOVE:
            cuts.setdefault(s.doc_id, []).append((*cut_range(texts[s.doc_id], s), s))
    return dropped, cuts


def enclosing_removal(span: Span, dropped: set[str], cuts: dict[str, list[tuple[int, int, Span]]]) -> str | None:
    """The decision key whose removal takes (part of) ``span`` although ``span`` itself is not the one cut.

    A "keep" decision on such a copy cannot be honoured (the other removal
    cuts it anyway): the report offers no decision for it and ``apply``
    refuses one, naming the key to decide instead.
    """
    if span.doc_id in dropped:
        return document_key(span.doc_id)
    for s, e, other in cuts.get(span.doc_id, []):
        if other != span and s < span.end and span.start < e:
            return span_key(other)
    return None
