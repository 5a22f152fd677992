"""Stage 4: duplicated passages within and across documents.

``passage_units`` cuts a match key into content-defined windows and hashes
them (MinHash + band keys); documents sharing a window band key are candidate
pairs (:func:`dedupe.minhash.window_candidates`); ``align_passages`` finds the
maximal aligned regions of a candidate pair by chaining exact k-gram seeds and
verifies each with rapidfuzz; ``plan_spans`` maps them to original offsets,
decides which copy stays and which is removed, and makes the removed spans of
a document disjoint.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from rapidfuzz.distance import Indel

from .config import DedupeConfig
from .findings import plan_findings
from .keys import KeyedDoc, kgram_hashes, shingle_hashes
from .minhash import band_keys, window_signatures_many
from .records import Span

__all__ = ["Match", "PassageUnits", "passage_units", "passage_units_many", "align_passages", "plan_spans"]

_MAX_OCC = 8  # k-grams occurring more often than this in a document are not used as seeds


class PassageUnits(NamedTuple):
    """Windows of one document: key ranges ``[start, end)`` and their band keys ``(n, bands)``."""

    start: np.ndarray
    end: np.ndarray
    bands: np.ndarray


class Match(NamedTuple):
    """An aligned region pair in key coordinates: ``a[a_start:a_end] ~ b[b_start:b_end]``."""

    a_start: int
    a_end: int
    b_start: int
    b_end: int
    similarity: float


def passage_units(key: str, cfg: DedupeConfig) -> PassageUnits:
    """Content-defined windows of a match key with their LSH band keys.

    Keys shorter than ``min_report_chars`` give no window.
    """
    return passage_units_many([key], [shingle_hashes(key, cfg.ngram)], cfg)[0]


def passage_units_many(keys: Sequence[str], shingle_lists: Sequence[np.ndarray], cfg: DedupeConfig) -> list[PassageUnits]:
    """:func:`passage_units` of many keys at once (``shingle_lists[i]`` =
    ``shingle_hashes(keys[i], cfg.ngram)``); same results, vectorised."""
    z = np.zeros(0, dtype=np.int64)
    none = PassageUnits(z, z, np.zeros((0, cfg.passage_bands), dtype=np.uint64))
    use = [i for i, k in enumerate(keys) if len(k) >= cfg.min_report_chars]
    wins = window_signatures_many([shingle_lists[i] for i in use], cfg.passage_num_perm, cfg.seed, cfg.passage_block)
    out = [none] * len(keys)
    if not use:
        return out
    allsigs = np.concatenate([w[0] for w in wins])
    bk = band_keys(allsigs, cfg.passage_bands, cfg.passage_rows)
    pos = 0
    for i, (sigs, ws, we) in zip(use, wins):
        k = min(cfg.ngram, len(keys[i]))
        n = sigs.shape[0]
        out[i] = PassageUnits(ws, we + k - 1, bk[pos : pos + n])
        pos += n
    return out


class _Index(NamedTuple):
    """k-gram hashes of one key, their stable sort order, the sorted hashes,
    and a membership table (``table[h & mask]`` is True for every hash ``h``
    of the key): a cheap prefilter, so only the few positions of another key
    that may share a k-gram are binary-searched."""

    hashes: np.ndarray
    order: np.ndarray
    sorted: np.ndarray
    table: np.ndarray
    mask: np.uint64


_NONE = np.zeros(0, dtype=np.int64)


def _index(key: str, k: int) -> _Index:
    h = kgram_hashes(key, k)
    order = np.argsort(h, kind="stable")
    size = 1 << max(12, (8 * h.size).bit_length())  # about 1/8 of the slots filled
    mask = np.uint64(size - 1)
    table = np.zeros(size, dtype=bool)
    table[h & mask] = True
    return _Index(h, order, h[order], table, mask)


_NO_TABLE = np.zeros(0, dtype=bool)
_HASHES: dict[tuple[int, str], np.ndarray] = {}  # (k, key) -> k-gram hashes, oldest first
_HASHES_MAX_CHARS = 2_000_000  # bound of the cache: 16 MB of hashes per process
_hashes_chars = 0


def _hashes(key: str, k: int) -> _Index:
    """The k-gram hashes of a key that is only looked up in other indexes.

    A document is the ``b`` side of many pairs spread over many batches;
    its hashes are kept in a per-process cache keyed by the key text itself
    (so it is right across calls), bounded by ``_HASHES_MAX_CHARS`` key chars
    (the oldest entries leave first)."""
    global _hashes_chars
    h = _HASHES.get((k, key))
    if h is None:
        h = kgram_hashes(key, k)
        if len(key) <= _HASHES_MAX_CHARS:
            while _HASHES and _hashes_chars + len(key) > _HASHES_MAX_CHARS:
                oldest = next(iter(_HASHES))
                del _HASHES[oldest]
                _hashes_chars -= len(oldest[1])
            _HASHES[(k, key)] = h
            _hashes_chars += len(key)
    return _Index(h, _NONE, _NONE, _NO_TABLE, np.uint64(0))


def _seeds(ia: _Index, ib: _Index | None, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Seed pairs ``(ii, jj)``: positions where ``a`` and ``b`` share a
    ``k``-gram, for k-grams that occur at most ``_MAX_OCC`` times in ``b``
    (``ib=None``: repeats inside ``a``, the second at least ``k`` after the first)."""
    if ib is None:
        return _self_seeds(ia, k)
    return _cross_seeds(ia, ib.hashes)


def _cross_seeds(ia: _Index, hb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_seeds` of two documents from ``a``'s sorted index and ``b``'s raw
    k-gram hashes: ``b`` is never sorted (it changes with every pair, ``a`` is
    cached per batch); only the positions of ``b`` whose k-gram occurs in
    ``a`` (few: shared text) are counted and expanded. Same seed set as
    sorting ``b``."""
    z = np.zeros(0, dtype=np.int64)
    sa = ia.sorted
    if sa.size == 0 or hb.size == 0:
        return z, z
    jb = np.flatnonzero(ia.table[hb & ia.mask])
    lo = np.searchsorted(sa, hb[jb], "left")
    found = sa[np.minimum(lo, sa.size - 1)] == hb[jb]
    jb, lo = jb[found], lo[found]
    if jb.size == 0:
        return z, z
    hv = hb[jb]
    # occurrences in b of each shared k-gram (lo names the k-gram: its first slot in a)
    ok = np.bincount(lo, minlength=sa.size)[lo] <= _MAX_OCC
    jb, hv, lo = jb[ok], hv[ok], lo[ok]
    ca = np.searchsorted(sa, hv, "right") - lo
    total = int(ca.sum())
    if total == 0:
        return z, z
    first = np.repeat(np.cumsum(ca) - ca, ca)
    ii = ia.order[np.repeat(lo, ca) + (np.arange(total) - first)]
    jj = np.repeat(jb, ca)
    return ii.astype(np.int64), jj.astype(np.int64)


def _self_seeds(ia: _Index, k: int) -> tuple[np.ndarray, np.ndarray]:
    ha = ia.hashes
    if ha.size == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    sb = ia.sorted
    lo = np.searchsorted(sb, ha, "left")
    cnt = np.searchsorted(sb, ha, "right") - lo
    ok = (cnt <= _MAX_OCC) & (cnt >= 2)
    idx = np.flatnonzero(ok)
    c = cnt[ok]
    lo = lo[ok]
    total = int(c.sum())
    if total == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    ii = np.repeat(idx, c)
    first = np.repeat(np.cumsum(c) - c, c)
    jj = ia.order[np.repeat(lo, c) + (np.arange(total) - first)]
    keep = jj >= ii + k
    return ii[keep].astype(np.int64), jj[keep].astype(np.int64)


def align_passages(
    a: str, b: str | None, cfg: DedupeConfig, *, _cache: dict | None = None, _ids: tuple = ()
) -> list[Match]:
    """Maximal aligned regions between match keys ``a`` and ``b`` (``b=None``:
    repeats inside ``a``, where the second copy starts after the first ends).

    Exact ``align_k``-gram seeds are grouped into runs along a diagonal
    (gaps up to ``max_gap`` key chars, which bridges substituted characters),
    runs are chained across diagonals that differ by at most ``max_drift``
    (insertions/deletions), and each chain is scored with the rapidfuzz Indel
    normalised similarity of the two regions. Regions shorter than
    ``min_report_chars`` or scoring below ``report_similarity`` are dropped.
    Deterministic; results are sorted by ``(a_start, b_start)``.
    """
    k = cfg.align_k
    same = b is None
    bb: str = a if b is None else b
    if _cache is not None and _ids:
        # align_task passes a per-batch cache of k-gram indexes keyed by document index
        if _ids[0] not in _cache:
            _cache[_ids[0]] = _index(a, k)
        if not same and ("h", _ids[1]) not in _cache:
            _cache[("h", _ids[1])] = _hashes(bb, k)
        ia, ib = _cache[_ids[0]], (None if same else _cache[("h", _ids[1])])
    else:
        ia, ib = _index(a, k), (None if same else _hashes(bb, k))
    ii, jj = _seeds(ia, ib, k)
    if ii.size == 0:
        return []
    d = jj - ii
    order = np.lexsort((ii, d))
    ii, d = ii[order], d[order]
    brk = np.flatnonzero((d[1:] != d[:-1]) | (ii[1:] - ii[:-1] > cfg.max_gap)) + 1
    starts = np.concatenate([[0], brk])
    ends = np.append(brk, ii.size)
    run_is = ii[starts]
    run_ie = ii[ends - 1] + k
    run_d = d[starts]
    ro = np.lexsort((run_d, run_is))
    chains: list[list[int]] = []  # [a_start, a_end, b_start, b_end, last_d]
    active: list[list[int]] = []
    for r in ro.tolist():
        s, e, dd = int(run_is[r]), int(run_ie[r]), int(run_d[r])
        active = [c for c in active if c[1] >= s - cfg.max_gap]
        for c in active:
            if abs(c[4] - dd) <= cfg.max_drift and s >= c[0] and s + dd >= c[2]:
                c[1] = max(c[1], e)
                c[3] = max(c[3], e + dd)
                c[4] = dd
                break
        else:
            c = [s, e, s + dd, e + dd, dd]
            chains.append(c)
            active.append(c)
    out: list[Match] = []
    for a_s, a_e, b_s, b_e, _ in chains:
        if same and a_e > b_s:
            # overlapping self-match (periodic text): keep the non-overlapping part
            shift = b_s - a_s
            a_e = b_s
            b_e = min(b_e, b_s + shift)
            if shift < k:
                continue
        if min(a_e - a_s, b_e - b_s) < cfg.min_report_chars:
            continue
        sim = Indel.normalized_similarity(a[a_s:a_e], bb[b_s:b_e])
        if sim >= cfg.report_similarity:
            out.append(Match(a_s, a_e, b_s, b_e, round(sim, 4)))
    out.sort()
    return out


def plan_spans(
    ids: Sequence[str],
    texts: Sequence[str],
    docs: Sequence[KeyedDoc],
    matches: Sequence[tuple[int, int, Match]],
    rank: Sequence[tuple],
    cfg: DedupeConfig,
    dropped: Sequence[bool] | None = None,
) -> list[Span]:
    """The passage spans of aligned matches ``(i, j, match)`` (``a`` is document
    ``i``, ``b`` document ``j``; ``i == j`` for repeats inside one document):
    :func:`dedupe.findings.plan_findings` without the shared phrases."""
    return plan_findings(ids, texts, docs, matches, rank, cfg, dropped)[0]


def fingerprint_pairs(keys: Sequence[str], doc_ids: Sequence[int], cfg: DedupeConfig) -> np.ndarray:
    """Document pairs that share an exact run of the match key, in the spirit of
    suffix-array substring dedup: ``packed = a << 32 | b`` (``a <= b``, ``a == b``
    for a run repeated inside one document), sorted and unique.

    Fingerprints are winnowed ``fingerprint_k``-gram hashes (the minimum of
    every ``fingerprint_window`` consecutive ones), so every exact run of at
    least ``fingerprint_k + fingerprint_window - 1`` key chars shares one,
    however short the copy: candidate windows of two content-defined blocks
    find copies under ~100 key chars only by chance. A fingerprint held by
    more than ``boilerplate_docs`` documents is boilerplate (a recurring
    sentence, a footer) and gives no pair, so the number of pairs is bounded
    by the documents' length, not by how often a sentence recurs. A pair must
    share at least ``fingerprint_min`` fingerprints: a copied paragraph of 32
    key chars holds about 7 (winnowing keeps 2 / (window + 1) of the k-grams),
    one shared sentence of 20 one or two.
    """
    from numpy.lib.stride_tricks import sliding_window_view

    k, w = cfg.fingerprint_k, cfg.fingerprint_window
    hs, ds, ps = [], [], []
    for doc, key in zip(doc_ids, keys):
        h = kgram_hashes(key, k)
        if h.size == 0:
            continue
        if h.size >= w:
            pos = np.unique(sliding_window_view(h, w).argmin(axis=1) + np.arange(h.size - w + 1))
        else:
            pos = np.array([int(h.argmin())])
        hs.append(h[pos])
        ds.append(np.full(pos.size, doc, dtype=np.int64))
        ps.append(pos.astype(np.int64))
    z = np.zeros(0, dtype=np.int64)
    if not hs:
        return z
    h, d, p = np.concatenate(hs), np.concatenate(ds), np.concatenate(ps)
    order = np.lexsort((p, d, h))
    h, d, p = h[order], d[order], p[order]
    codes = []
    # a run repeated inside one document: the same fingerprint at least k apart
    same = (h[1:] == h[:-1]) & (d[1:] == d[:-1]) & (p[1:] - p[:-1] >= k)
    codes.append(d[1:][same] * (1 << 32) + d[1:][same])
    # one row per (fingerprint, document); fingerprints of 2..cap documents
    first = np.concatenate([[True], (h[1:] != h[:-1]) | (d[1:] != d[:-1])])
    h, d = h[first], d[first]
    starts = np.flatnonzero(np.concatenate([[True], h[1:] != h[:-1]]))
    counts = np.diff(np.append(starts, h.size))
    for n in range(2, cfg.boilerplate_docs + 1):
        at = starts[counts == n]
        if at.size == 0:
            continue
        grp = d[at[:, None] + np.arange(n)]
        for x in range(n):
            for y in range(x + 1, n):
                codes.append(grp[:, x] * (1 << 32) + grp[:, y])
    if not codes:
        return z
    code, count = np.unique(np.concatenate(codes), return_counts=True)
    return code[count >= cfg.fingerprint_min]
