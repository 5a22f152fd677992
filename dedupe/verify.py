"""Stage 3: verification of candidate document pairs, and clustering."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

import numpy as np
from rapidfuzz.distance import Indel
from rapidfuzz.process import cpdist

from .keys import KeyedDoc

__all__ = ["body_keys", "common_lines", "LineCounter", "line_contexts", "line_hash", "line_hashes", "verify_pair", "verify_pairs", "cluster"]


def _lines(doc: KeyedDoc) -> list[str]:
    bounds = doc.line_starts.tolist() + [len(doc.key)]
    return [doc.key[s:e] for s, e in zip(bounds[:-1], bounds[1:]) if e > s]


def line_hash(line: str) -> int:
    """Stable 64-bit hash of a key line (the same in every process and engine)."""
    return int.from_bytes(hashlib.blake2b(line.encode("utf-8"), digest_size=8).digest(), "little")


def common_lines(docs: Iterable[KeyedDoc], short: int, min_docs: int) -> frozenset[int]:
    """:func:`line_hash` es of the key lines of at least ``short`` key chars that
    occur in more than ``min_docs`` *different contexts*: text shared by many
    documents (a page template's long footer, a licence paragraph), which
    :func:`body_keys` discounts like a short template line.

    A line's context in a document (:func:`line_contexts`) is the nearest line
    (of any length) before and after it that is not itself in more than
    ``min_docs`` documents (so the fixed short lines of a multi-line footer
    are skipped). A template line sits next to each page's own text (the footer
    after the body's last paragraph, the editor's note before its first), so
    its pages give different contexts; the lines of a document that has been
    copied twice or more sit in the same context in every copy and count
    once. Counting documents instead made every line of an article with two
    copies "common" in the third: a copy that differs only by an added
    masthead line then lost its whole body to the discount and scored 0
    (People's Daily benchmark: 9 % of the traditional-script copies missed).

    >>> from seedsift.dedupe.keys import keyed
    >>> foot = "本栏目所有文章均可自由转载但请注明出处和作者姓名谢谢合作祝大家阅读愉快"
    >>> docs = [keyed(f"第{i}期\\n正文{i}\\n" + foot) for i in range(4)]
    >>> common_lines(docs, 20, 3) == {line_hash(foot)}, common_lines(docs, 20, 4)
    (True, frozenset())
    >>> copies = [keyed(foot + "\\n" + foot[::-1])] * 4
    >>> common_lines(copies, 20, 2)
    frozenset()
    """
    counter = LineCounter()
    counter.add(docs)
    return counter.common(short, min_docs)


class LineCounter:
    """:func:`common_lines` in two steps: :meth:`add` documents as they come
    (the local engine adds each batch while the workers key the next ones, so
    hashing every line is not a serial step after them), then :meth:`common`;
    the lines' hashes are kept from one step to the next (hashed once)."""

    def __init__(self) -> None:
        self.counts: Counter[int] = Counter()
        self.lines: list[tuple[list[int], list[int]]] = []  # per document: line hashes, line lengths

    def add(self, docs: Iterable[KeyedDoc]) -> None:
        """Hash and count the lines of more documents."""
        for doc in docs:
            lines = _lines(doc)
            hashes = [line_hash(line) for line in lines]
            self.lines.append((hashes, [len(line) for line in lines]))
            self.counts.update(set(hashes))

    def common(self, short: int, min_docs: int) -> frozenset[int]:
        """:func:`common_lines` of all documents added (``short``, ``min_docs`` as there)."""
        many = frozenset(h for h, c in self.counts.items() if c > min_docs)
        if not many:
            return many
        seen: set[tuple[int, int]] = set()
        for hashes, lengths in self.lines:
            if not many.isdisjoint(hashes):
                seen.update(_contexts(hashes, lengths, short, many))
        contexts = Counter(h for h, _ in seen)
        return frozenset(h for h, c in contexts.items() if c > min_docs)


def line_contexts(doc: KeyedDoc, short: int, many: Collection[int]) -> set[tuple[int, int]]:
    """``(line hash, context hash)`` of the lines of at least ``short`` key chars of
    ``doc`` whose hash is in ``many`` (lines of any length in more than
    ``min_docs`` documents, see :func:`common_lines`): the context is the
    nearest line before and the nearest after that is not in ``many`` (an absent one counts as the document edge), so the distinct pairs
    over a corpus count each line's distinct contexts."""
    lines = _lines(doc)
    return _contexts([line_hash(line) for line in lines], [len(line) for line in lines], short, many)


def _contexts(hashes: list[int], lengths: list[int], short: int, many: Collection[int]) -> set[tuple[int, int]]:
    """:func:`line_contexts` of a document given its lines' hashes and lengths."""
    shared = [h in many for h in hashes]
    inner = [n >= short and m for n, m in zip(lengths, shared)]
    out: set[tuple[int, int]] = set()
    prev = 0
    before = []
    for h, m in zip(hashes, shared):
        before.append(prev)
        if not m:
            prev = h
    nxt = 0
    after = [0] * len(hashes)
    for x in range(len(hashes) - 1, -1, -1):
        after[x] = nxt
        if not shared[x]:
            nxt = hashes[x]
    for x, m in enumerate(inner):
        if m:
            ctx = int.from_bytes(hashlib.blake2b(f"{before[x]}:{after[x]}".encode(), digest_size=8).digest(), "little")
            out.add((hashes[x], ctx))
    return out


def line_hashes(doc: KeyedDoc, short: int) -> set[int]:
    """The distinct :func:`line_hash` es of the lines of ``doc`` of at least ``short`` key chars."""
    return {line_hash(line) for line in _lines(doc) if len(line) >= short}


def body_keys(a: KeyedDoc, b: KeyedDoc, short: int, common: Collection[int] = frozenset()) -> tuple[str, str]:
    """The two keys without the lines that both documents share at their start
    and at their end when those lines are short (fewer than ``short`` key
    chars: page template, dateline, byline, continuation markers) or shared by
    many documents (``common``, from :func:`common_lines`: a template's long
    footer). Symmetric in ``a`` and ``b``."""
    la, lb = _lines(a), _lines(b)

    def template(line: str) -> bool:
        return len(line) < short or (bool(common) and line_hash(line) in common)

    i = 0
    while i < min(len(la), len(lb)) and la[i] == lb[i] and template(la[i]):
        i += 1
    j = 0
    while (
        j < min(len(la), len(lb)) - i
        and la[-1 - j] == lb[-1 - j]
        and template(la[-1 - j])
    ):
        j += 1
    return "".join(la[i : len(la) - j]), "".join(lb[i : len(lb) - j])


def verify_pair(a: KeyedDoc, b: KeyedDoc, boilerplate_line_chars: int = 40, score_cutoff: float = 0.0,
                common: Collection[int] = frozenset(), length_ratio: float = 0.0) -> float:
    """Similarity of two documents in [0, 1], symmetric.

    The smaller of the rapidfuzz Indel normalised similarity of the whole match
    keys and of the bodies (:func:`body_keys`), so documents that share only a
    template (header, dateline, byline, footer; ``common``: lines shared by
    many documents, :func:`common_lines`) score low. When nothing is left of
    one body, that document is contained in the other and the whole keys
    decide. Equal keys (exact
    duplicates after normalisation, including two empty keys) score 1. As in
    rapidfuzz, a score below ``score_cutoff`` is returned as 0.0, and so is
    the score of two keys whose lengths differ more than ``length_ratio``
    allows (shorter / longer below it: ``DedupeConfig.doc_length_ratio``).
    """
    known = _decided_by_keys(a, b, length_ratio)
    if known is not None:
        return known
    full = Indel.normalized_similarity(a.key, b.key, score_cutoff=score_cutoff)
    if full == 0.0:
        return 0.0
    bodies = _distinct_bodies(a, b, boilerplate_line_chars, common)
    if bodies is None:
        return full
    body = Indel.normalized_similarity(*bodies, score_cutoff=score_cutoff)
    return min(full, body)


def _decided_by_keys(a: KeyedDoc, b: KeyedDoc, length_ratio: float) -> float | None:
    """The score when the keys alone decide it: 1.0 for equal keys, 0.0 when their
    lengths differ more than ``length_ratio`` allows; else None."""
    if a.key == b.key:
        return 1.0
    if length_ratio and min(len(a.key), len(b.key)) < length_ratio * max(len(a.key), len(b.key)):
        return 0.0
    return None


def _distinct_bodies(a: KeyedDoc, b: KeyedDoc, short: int, common: Collection[int]) -> tuple[str, str] | None:
    """The two bodies (:func:`body_keys`) when they are to be compared too; None when
    the whole keys decide: nothing was stripped, or nothing is left of one body (that
    document is nothing but lines it shares with the other's start and end: it is
    contained in the other, a copy with an added masthead, not a template page, which
    has a text of its own)."""
    ba, bb = body_keys(a, b, short, common)
    if (ba, bb) == (a.key, b.key) or not ba or not bb:
        return None
    return ba, bb


def verify_pairs(docs: Sequence[KeyedDoc], pairs: Sequence[tuple[int, int]], boilerplate_line_chars: int = 40,
                 score_cutoff: float = 0.0, common: Collection[int] = frozenset(), length_ratio: float = 0.0,
                 workers: int = 1) -> np.ndarray:
    """:func:`verify_pair` of ``docs[i], docs[j]`` for every ``(i, j)`` of ``pairs``
    (the same scores, float64): the Indel similarities of all pairs are computed
    by rapidfuzz's ``cpdist`` in one call, on ``workers`` threads (it releases
    the GIL), instead of one Python call per pair on one core. Verification is
    a step that nothing else overlaps: at 100 MB it was 2-3 s on one core while
    the worker processes idled."""
    out = np.zeros(len(pairs), dtype=np.float64)
    todo = []
    for n, (i, j) in enumerate(pairs):
        known = _decided_by_keys(docs[i], docs[j], length_ratio)
        if known is None:
            todo.append(n)
        else:
            out[n] = known
    full = _similarities([docs[pairs[n][0]].key for n in todo], [docs[pairs[n][1]].key for n in todo],
                         score_cutoff, workers)
    bodies: list[tuple[int, str, str]] = []
    for n, sim in zip(todo, full.tolist()):
        out[n] = sim
        found = _distinct_bodies(docs[pairs[n][0]], docs[pairs[n][1]], boilerplate_line_chars, common) if sim else None
        if found is not None:
            bodies.append((n, *found))
    body = _similarities([x[1] for x in bodies], [x[2] for x in bodies], score_cutoff, workers)
    for (n, _, _), sim in zip(bodies, body.tolist()):
        out[n] = min(out[n], sim)
    return out


def _similarities(a: list[str], b: list[str], score_cutoff: float, workers: int) -> np.ndarray:
    """``Indel.normalized_similarity(a[n], b[n], score_cutoff=score_cutoff)`` for every ``n``."""
    if not a:
        return np.zeros(0, dtype=np.float64)
    got = cpdist(a, b, scorer=Indel.normalized_similarity, score_cutoff=score_cutoff, dtype=np.float64, workers=workers)
    return np.asarray(got, dtype=np.float64).reshape(len(a))


def cluster(
    n: int, edges: Iterable[tuple[int, int]], rank: Sequence[tuple]
) -> list[int]:
    """Union-find over ``edges`` of documents ``0..n-1``; returns, for each
    document, the index of its cluster's kept document: the member with the
    smallest ``rank`` (e.g. ``(index,)`` for keep="first", ``(-len, index)``
    for keep="longest"). Independent of edge order."""
    parent = list(range(n))

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for i, j in edges:
        ri, rj = find(i), find(j)
        if ri != rj:
            if rank[ri] <= rank[rj]:
                parent[rj] = ri
            else:
                parent[ri] = rj
    return [find(i) for i in range(n)]
