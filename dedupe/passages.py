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
from .keys import KeyedDoc, fmix64, kgram_hashes, shingle_hashes
from .minhash import band_keys, window_signatures_many
from .order import stable_argsort
from .records import Span

__all__ = ["Match", "PassageUnits", "passage_units", "passage_units_many", "align_passages", "align_indexed", "align_many", "kgram_index",
           "kgram_lookup", "plan_spans", "winnow", "winnow_many", "common_fingerprints", "fingerprint_pairs",
           "FingerprintTable", "fingerprint_table"]

_MAX_OCC = 8  # k-grams occurring more often than this in a document are not used as seeds


_NONE = np.zeros(0, dtype=np.int64)


class PassageUnits(NamedTuple):
    """Windows of one document: key ranges ``[start, end)`` and their band keys
    ``(n, bands)``; optionally its winnowed fingerprints (:func:`winnow`),
    computed with the windows in the worker that keyed the document."""

    start: np.ndarray
    end: np.ndarray
    bands: np.ndarray
    fp_hash: np.ndarray | None = None
    fp_pos: np.ndarray = _NONE


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


_NO_TABLE = np.zeros(0, dtype=bool)


def kgram_index(h: np.ndarray) -> _Index:
    """The sorted index (with membership table) of a key's k-gram hashes ``h``
    (:func:`dedupe.keys.kgram_hashes`): the side of a pair that is searched."""
    order = np.argsort(h, kind="stable")
    size = 1 << max(12, (8 * h.size).bit_length())  # about 1/8 of the slots filled
    mask = np.uint64(size - 1)
    table = np.zeros(size, dtype=bool)
    table[h & mask] = True
    return _Index(h, order, h[order], table, mask)


def kgram_lookup(h: np.ndarray) -> _Index:
    """A key's k-gram hashes ``h`` as the side of a pair that is only looked up
    in the other side's :func:`kgram_index` (never sorted)."""
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


def align_passages(a: str, b: str | None, cfg: DedupeConfig) -> list[Match]:
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
    ia = kgram_index(kgram_hashes(a, k))
    ib = None if same else kgram_lookup(kgram_hashes(bb, k))
    return align_indexed(a, b, ia, ib, cfg)


def align_indexed(a: str, b: str | None, ia: _Index, ib: _Index | None, cfg: DedupeConfig) -> list[Match]:
    """:func:`align_passages` from k-gram indexes already built: ``ia`` =
    ``kgram_index(kgram_hashes(a, k))``, ``ib`` = ``kgram_lookup(kgram_hashes(b, k))``
    (``None`` with ``b=None``), so a batch hashes its keys once
    (:func:`dedupe.core.align_task`). Same results as :func:`align_passages`."""
    k = cfg.align_k
    same = b is None
    bb: str = a if b is None else b
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
    return _chain(run_is[ro].tolist(), run_ie[ro].tolist(), run_d[ro].tolist(), a, bb, same, cfg)


def align_many(tasks: Sequence[tuple[str, str, np.ndarray, np.ndarray]], cfg: DedupeConfig) -> list[list[Match]]:
    """:func:`align_indexed` of many pairs of different keys at once:
    ``tasks[p] = (a, b, kgram_hashes(a, k), kgram_hashes(b, k))`` (pass the
    same array object for every pair with the same ``a``: it is indexed once).
    The seeds and runs of all pairs come from one lookup and one sort (the
    per-pair numpy calls are what a pair of short keys costs); same results
    as :func:`align_passages` of each pair."""
    k = cfg.align_k
    n = len(tasks)
    out: list[list[Match]] = [[] for _ in range(n)]
    # every distinct "a" once, its hashes tagged per key so that one sorted
    # array serves all pairs (equal tagged values <=> equal hashes of one key)
    slot: dict[int, int] = {}
    ha: list[np.ndarray] = []
    for _, _, h, _ in tasks:
        if id(h) not in slot:
            slot[id(h)] = len(ha)
            ha.append(h)
    tags = fmix64(np.arange(1, len(ha) + 1, dtype=np.uint64))
    la = np.array([h.size for h in ha], dtype=np.int64)
    if la.sum() == 0:
        return out
    adoc = np.repeat(np.arange(len(ha)), la)
    apos = np.concatenate([np.arange(m, dtype=np.int64) for m in la.tolist()])
    ck = np.concatenate(ha) ^ tags[adoc]
    order = np.argsort(ck)  # the order inside a group of equal values does not matter: seeds are sorted below
    sck, sdoc, spos = ck[order], adoc[order], apos[order]
    size = 1 << max(12, (8 * sck.size).bit_length())
    mask = np.uint64(size - 1)
    table = np.zeros(size, dtype=bool)
    table[sck & mask] = True
    tslot = np.array([slot[id(t[2])] for t in tasks], dtype=np.int64)
    lb = np.array([t[3].size for t in tasks], dtype=np.int64)
    if lb.sum() == 0:
        return out
    pair = np.repeat(np.arange(n), lb)
    q = np.concatenate([t[3] for t in tasks]) ^ tags[tslot[pair]]
    jb = np.flatnonzero(table[q & mask])
    lo = _search(sck, q[jb], "left")
    found = sck[np.minimum(lo, sck.size - 1)] == q[jb]
    jb, lo = jb[found], lo[found]
    if jb.size == 0:
        return out
    # occurrences in b of each shared k-gram, per pair (as _cross_seeds)
    code = pair[jb] * sck.size + lo
    _, inv, cnt = np.unique(code, return_inverse=True, return_counts=True)
    ok = cnt[inv] <= _MAX_OCC
    jb, lo = jb[ok], lo[ok]
    ca = _search(sck, q[jb], "right") - lo
    total = int(ca.sum())
    if total == 0:
        return out
    first = np.repeat(np.cumsum(ca) - ca, ca)
    at = np.repeat(lo, ca) + (np.arange(total) - first)
    sp = np.repeat(pair[jb], ca)
    keep = sdoc[at] == tslot[sp]  # a tagged value shared by two documents (a 64-bit accident) is no seed
    ii = spos[at][keep]
    sp = sp[keep]
    starts_b = np.concatenate([[0], np.cumsum(lb)])
    jj = (np.repeat(jb, ca)[keep] - starts_b[sp]).astype(np.int64)
    d = jj - ii
    order = np.lexsort((ii, d, sp))
    ii, d, sp = ii[order], d[order], sp[order]
    brk = np.flatnonzero((sp[1:] != sp[:-1]) | (d[1:] != d[:-1]) | (ii[1:] - ii[:-1] > cfg.max_gap)) + 1
    starts = np.concatenate([[0], brk]).astype(np.int64)
    ends = np.append(brk, ii.size)
    run_p, run_is, run_ie, run_d = sp[starts], ii[starts], ii[ends - 1] + k, d[starts]
    ro = np.lexsort((run_d, run_is, run_p))
    run_p, run_is, run_ie, run_d = run_p[ro], run_is[ro].tolist(), run_ie[ro].tolist(), run_d[ro].tolist()
    bounds = np.searchsorted(run_p, np.arange(n + 1))
    for p_, (s0, s1) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist())):
        if s1 > s0:
            a, b = tasks[p_][0], tasks[p_][1]
            out[p_] = _chain(run_is[s0:s1], run_ie[s0:s1], run_d[s0:s1], a, b, False, cfg)
    return out


def _search(sorted_values: np.ndarray, queries: np.ndarray, side: str) -> np.ndarray:
    """``np.searchsorted(sorted_values, queries, side)``, with the queries searched
    in ascending order when there are many: NumPy then narrows each binary search
    from the previous one (the hashes of a batch of pairs: three times faster,
    sorting included)."""
    if queries.size < 4096:
        return np.searchsorted(sorted_values, queries, side)  # type: ignore[call-overload]
    order = np.argsort(queries)
    out = np.empty(queries.size, dtype=np.int64)
    out[order] = np.searchsorted(sorted_values, queries[order], side)  # type: ignore[call-overload]
    return out


def _chain(run_is: list[int], run_ie: list[int], run_d: list[int], a: str, bb: str, same: bool,
           cfg: DedupeConfig) -> list[Match]:
    """Runs of seeds on one diagonal (``[start, end)`` in ``a``, diagonal ``d``),
    ordered by (start, diagonal), chained into aligned regions and scored
    (see :func:`align_passages`)."""
    k = cfg.align_k
    chains: list[list[int]] = []  # [a_start, a_end, b_start, b_end, last_d]
    active: list[list[int]] = []
    for s, e, dd in zip(run_is, run_ie, run_d):
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


def winnow(key: str, cfg: DedupeConfig) -> tuple[np.ndarray, np.ndarray]:
    """The winnowed fingerprints of a key (see :func:`fingerprint_pairs`):
    ``(hashes, positions)``, the minimum ``fingerprint_k``-gram hash of every
    ``fingerprint_window`` consecutive ones, each position once, sorted."""
    from numpy.lib.stride_tricks import sliding_window_view

    k, w = cfg.fingerprint_k, cfg.fingerprint_window
    h = kgram_hashes(key, k)
    if h.size == 0:
        return h, _NONE
    if h.size >= w:
        # the first minimum of a sliding window never moves left: distinct = changed
        pos = sliding_window_view(h, w).argmin(axis=1) + np.arange(h.size - w + 1)
        pos = pos[np.concatenate([[True], pos[1:] != pos[:-1]])]
    else:
        pos = np.array([int(h.argmin())])
    return h[pos], pos.astype(np.int32)


def winnow_many(keys: Sequence[str], cfg: DedupeConfig) -> list[tuple[np.ndarray, np.ndarray]]:
    """:func:`winnow` of many keys at once (same results): the k-gram hashes of
    the joined keys in one pass (a k-gram's hash depends on its characters
    only) and the sliding minimum of every window of the batch by doubling,
    instead of a few numpy calls per key, which is what a batch of short keys
    cost (the document workers winnow every document)."""
    k, w = cfg.fingerprint_k, cfg.fingerprint_window
    lens = np.fromiter((len(key) for key in keys), dtype=np.int64, count=len(keys))
    base = np.concatenate([[0], np.cumsum(lens)])
    allh = kgram_hashes("".join(keys), k)
    m = np.maximum(lens - k + 1, 0)  # k-grams of each key
    out: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0, dtype=np.uint64), _NONE)] * len(keys)
    for d in np.flatnonzero((m > 0) & (m < w)).tolist():  # shorter than one window: its first minimum
        h = allh[base[d] : base[d] + m[d]]
        at = int(h.argmin())
        out[d] = (h[[at]], np.array([at], dtype=np.int32))
    full = np.flatnonzero(m >= w)
    if full.size == 0:
        return out
    first = _window_argmin(allh, w)  # leftmost minimum of every window of w hashes of the joined keys
    nwin = m[full] - w + 1
    off = np.repeat(base[full] - (np.cumsum(nwin) - nwin), nwin)
    pos = first[np.arange(int(nwin.sum())) + off]  # the windows inside each key only
    # a key's positions never move left and the next key's lie further right: distinct = changed
    pos = pos[np.concatenate([[True], pos[1:] != pos[:-1]])]
    bounds = np.searchsorted(pos, base[full]).tolist() + [pos.size]
    for n, d in enumerate(full.tolist()):
        p = pos[bounds[n] : bounds[n + 1]]
        out[d] = (allh[p], (p - base[d]).astype(np.int32))
    return out


def _window_argmin(h: np.ndarray, w: int) -> np.ndarray:
    """Index of the first minimum of each ``h[s:s + w]`` (``len(h) - w + 1``
    values, as ``sliding_window_view(h, w).argmin(axis=1) + s``), by doubling:
    the first minimum of a window is that of its left half unless the right
    half holds a smaller value."""
    best, low = np.arange(h.size, dtype=np.int64), h
    span = 1
    while span * 2 <= w:
        best, low = _left_first_min(best, low, span, best.size - span)
        span *= 2
    if span < w:  # two overlapping power-of-two windows cover w
        best, low = _left_first_min(best, low, w - span, h.size - w + 1)
    return best


def _left_first_min(best: np.ndarray, low: np.ndarray, shift: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Combine the windows at ``s`` and ``s + shift`` (``n`` of them): the
    position and value of the minimum, the left one on ties."""
    right = low[shift : shift + n] < low[:n]
    return np.where(right, best[shift : shift + n], best[:n]), np.minimum(low[:n], low[shift : shift + n])


class FingerprintTable(NamedTuple):
    """The winnowed fingerprints of many documents, sorted once for every stage
    that groups them (:func:`fingerprint_pairs`, :func:`common_fingerprints`,
    :func:`dedupe.core.with_rare_shared_fingerprint`): ``hash``, ``doc``, ``pos``
    in (document, position) order, ``order`` the stable sort by hash (so
    ``(hash, doc, pos)`` order), ``held`` the number of documents holding each
    fingerprint's hash; ``sorted_hash`` and ``sorted_doc`` are ``hash[order]``
    and ``doc[order]``, kept because two of those stages need them."""

    hash: np.ndarray
    doc: np.ndarray
    pos: np.ndarray
    order: np.ndarray
    held: np.ndarray
    sorted_hash: np.ndarray | None = None
    sorted_doc: np.ndarray | None = None


def fingerprint_table(doc_ids: Sequence[int], winnowed: Sequence[tuple[np.ndarray | None, np.ndarray]]) -> FingerprintTable:
    """:class:`FingerprintTable` of documents ``doc_ids`` (ascending) whose
    :func:`winnow` output is ``winnowed``."""
    use = [(doc, fh, fp) for doc, (fh, fp) in zip(doc_ids, winnowed) if fh is not None and fh.size]
    h = np.concatenate([np.zeros(0, dtype=np.uint64)] + [fh for _, fh, _ in use]).astype(np.uint64, copy=False)
    d = np.repeat(np.array([doc for doc, _, _ in use], dtype=np.int64), [fp.size for _, _, fp in use])
    p = np.concatenate([np.zeros(0, dtype=np.int64)] + [fp for _, _, fp in use]).astype(np.int64, copy=False)
    order = stable_argsort(h)
    sh, sd = h[order], d[order]
    newh = np.ones(sh.size, dtype=bool)
    newh[1:] = sh[1:] != sh[:-1]
    newd = newh.copy()
    newd[1:] |= sd[1:] != sd[:-1]
    gid = np.cumsum(newh) - 1
    ndocs = np.bincount(gid, weights=newd).astype(np.int64) if gid.size else np.zeros(0, dtype=np.int64)
    held = np.empty(h.size, dtype=np.int64)
    held[order] = ndocs[gid]
    return FingerprintTable(h, d, p, order, held, sh, sd)


def common_fingerprints(winnowed: Sequence[tuple[np.ndarray | None, np.ndarray]], cfg: DedupeConfig,
                        table: FingerprintTable | None = None) -> np.ndarray:
    """The fingerprints (sorted, unique) held by more than ``boilerplate_docs``
    of the documents whose :func:`winnow` output is ``winnowed`` (the kept
    documents of a corpus): recurring text (:meth:`dedupe.findings.MatchCopies.common_only`).
    ``table``: their :func:`fingerprint_table`, when already built."""
    t = table if table is not None else fingerprint_table(range(len(winnowed)), winnowed)
    sh = t.sorted_hash if t.sorted_hash is not None else t.hash[t.order]
    if sh.size == 0:
        return sh.copy()
    # sorted by hash: the first row of each hash held often enough, in ascending order
    first = np.ones(sh.size, dtype=bool)
    first[1:] = sh[1:] != sh[:-1]
    return sh[first & (t.held[t.order] > cfg.boilerplate_docs)]


def fingerprint_pairs(keys: Sequence[str], doc_ids: Sequence[int], cfg: DedupeConfig,
                      winnowed: Sequence[tuple[np.ndarray | None, np.ndarray]] | None = None,
                      table: FingerprintTable | None = None) -> np.ndarray:
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
    one shared sentence of 20 one or two. ``winnowed[n]``: ``winnow(keys[n], cfg)``
    computed ahead (``(None, ...)``: compute it here). ``table``: the
    :func:`fingerprint_table` of ``doc_ids`` (ascending) and ``winnowed``, when already built.
    """
    k = cfg.fingerprint_k
    z = np.zeros(0, dtype=np.int64)
    if table is None:
        table = fingerprint_table(doc_ids, [
            winnow(key, cfg) if winnowed is None or winnowed[n][0] is None else winnowed[n]
            for n, key in enumerate(keys)])
    # the table's stable sort by hash of (document, position) order is the (hash, doc, pos) order
    order = table.order
    if table.hash.size == 0:
        return z
    h = table.sorted_hash if table.sorted_hash is not None else table.hash[order]
    d = table.sorted_doc if table.sorted_doc is not None else table.doc[order]
    p = table.pos[order]
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
