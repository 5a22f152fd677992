"""Stage 3: verification of candidate document pairs, and clustering."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rapidfuzz.distance import Indel

from .keys import KeyedDoc

__all__ = ["body_keys", "verify_pair", "cluster"]


def _lines(doc: KeyedDoc) -> list[str]:
    bounds = doc.line_starts.tolist() + [len(doc.key)]
    return [doc.key[s:e] for s, e in zip(bounds[:-1], bounds[1:]) if e > s]


def body_keys(a: KeyedDoc, b: KeyedDoc, short: int) -> tuple[str, str]:
    """The two keys without the short lines (fewer than ``short`` key chars)
    that both documents share at their start and at their end: page template,
    dateline, byline, continuation markers. Symmetric in ``a`` and ``b``."""
    la, lb = _lines(a), _lines(b)
    i = 0
    while i < min(len(la), len(lb)) and la[i] == lb[i] and len(la[i]) < short:
        i += 1
    j = 0
    while (
        j < min(len(la), len(lb)) - i
        and la[-1 - j] == lb[-1 - j]
        and len(la[-1 - j]) < short
    ):
        j += 1
    return "".join(la[i : len(la) - j]), "".join(lb[i : len(lb) - j])


def verify_pair(a: KeyedDoc, b: KeyedDoc, boilerplate_line_chars: int = 40, score_cutoff: float = 0.0) -> float:
    """Similarity of two documents in [0, 1], symmetric.

    The smaller of the rapidfuzz Indel normalised similarity of the whole match
    keys and of the bodies (:func:`body_keys`), so documents that share only a
    template (header, dateline, byline, footer) score low. Equal keys (exact
    duplicates after normalisation, including two empty keys) score 1. As in
    rapidfuzz, a score below ``score_cutoff`` is returned as 0.0.
    """
    if a.key == b.key:
        return 1.0
    full = Indel.normalized_similarity(a.key, b.key, score_cutoff=score_cutoff)
    if full == 0.0:
        return 0.0
    ba, bb = body_keys(a, b, boilerplate_line_chars)
    if (ba, bb) == (a.key, b.key):
        return full
    body = Indel.normalized_similarity(ba, bb, score_cutoff=score_cutoff) if (ba or bb) else 1.0
    return min(full, body)


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
