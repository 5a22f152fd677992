"""Stage 2: vectorised MinHash signatures, LSH bands and candidate pairs.

Signatures follow datasketch 2.0's ``"affine32"`` scheme bit for bit: the
permutation parameters come from ``numpy.random.RandomState(seed)`` exactly as
``datasketch.MinHash._init_permutations`` draws them, each 32-bit shingle hash
is pre-mixed with the MurmurHash3 finaliser and permuted as ``a*h+b mod 2**32``.
So ``signatures([h])[0]`` equals the ``hashvalues`` of
``MinHash(num_perm, seed, hashfunc=int, scheme="affine32")`` updated with ``h``,
and ``LeanMinHash(seed=, hashvalues=, scheme="affine32")`` rebuilds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from .keys import fmix32, fmix64
from .order import stable_argsort

__all__ = [
    "SCHEME",
    "EMPTY",
    "permutations",
    "signatures",
    "content_blocks",
    "window_signatures",
    "window_signatures_many",
    "band_keys",
    "candidate_pairs",
    "CandidateIndex",
    "window_candidates",
    "window_pairs",
]

SCHEME = "affine32"
EMPTY = np.uint32(0xFFFFFFFF)
#: default of :func:`band_collisions`' ``max_docs``: ``DedupeConfig.boilerplate_docs``' default
CROWDED_DOCS = 5
_CHUNK = 1 << 13  # shingles per (num_perm x shingles) block: 4 MB at 128 permutations, cache-friendly


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)`` uint32 permutation parameters, drawn as datasketch 2.0 draws them for affine32."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def _segment_min(hashes: np.ndarray, starts: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """Min over permuted hashes for consecutive non-empty segments ``hashes[starts[i]:starts[i+1]]``."""
    a, b = permutations(num_perm, seed)
    out = np.empty((starts.size, num_perm), dtype=np.uint32)
    if starts.size == 0:
        return out
    mixed = fmix32(hashes.astype(np.uint32, copy=False))
    n = mixed.size
    bounds = np.append(starts, n)
    col_a, col_b = a[:, None], b[:, None]
    buf = np.empty((num_perm, _CHUNK), dtype=np.uint32)
    seg = 0
    while seg < starts.size:
        # as many whole segments as fit in one chunk (at least one); the
        # (num_perm, rows) layout keeps the min-reduction on contiguous memory
        lo = int(bounds[seg])
        last = int(np.searchsorted(bounds, lo + _CHUNK, side="right")) - 1
        last = min(max(last, seg + 1), starts.size)
        hi = int(bounds[last])
        block = buf[:, : hi - lo] if hi - lo <= _CHUNK else np.empty((num_perm, hi - lo), dtype=np.uint32)
        np.multiply(col_a, mixed[None, lo:hi], out=block)
        block += col_b
        out[seg:last] = np.minimum.reduceat(block, bounds[seg:last] - lo, axis=1).T
        seg = last
    return out


def signatures(hash_lists: Sequence[np.ndarray], num_perm: int = 128, seed: int = 1) -> np.ndarray:
    """MinHash signatures, ``uint32`` array of shape ``(len(hash_lists), num_perm)``.

    ``hash_lists[i]`` are the shingle hashes of document ``i`` (see
    :func:`dedupe.keys.shingle_hashes`). A document without shingles gets the
    all-``EMPTY`` signature; callers must keep such documents out of LSH (they
    would all collide). Deterministic: depends only on each document's hashes
    (as a set), ``num_perm`` and ``seed``.
    """
    n = len(hash_lists)
    out = np.full((n, num_perm), EMPTY, dtype=np.uint32)
    nonempty = [i for i, h in enumerate(hash_lists) if len(h)]
    if not nonempty:
        return out
    lengths = np.array([len(hash_lists[i]) for i in nonempty], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    flat = np.concatenate([np.asarray(hash_lists[i], dtype=np.uint32) for i in nonempty])
    out[nonempty] = _segment_min(flat, starts, num_perm, seed)
    return out


def content_blocks(shingles: np.ndarray, block: int) -> np.ndarray:
    """Content-defined block starts (indices into ``shingles``, first is 0).

    A block ends before shingle ``p`` when ``fmix32(shingles[p]) % block == 0``
    and the block has at least ``block // 2`` shingles; a block is cut after
    ``2 * block`` shingles at the latest. Copies of a passage therefore get the
    same blocks wherever they sit in their documents.
    """
    m = shingles.size
    if m == 0:
        return np.zeros(0, dtype=np.int64)
    cand = np.flatnonzero(fmix32(shingles.astype(np.uint32)) % np.uint32(block) == 0).tolist()
    lo, hi = block // 2, 2 * block
    starts = [0]
    last = 0
    for p in cand:
        while p - last > hi:
            last += hi
            starts.append(last)
        if p - last >= lo:
            starts.append(p)
            last = p
    while m - last > hi:
        last += hi
        starts.append(last)
    return np.asarray(starts, dtype=np.int64)


def window_signatures(
    shingles: np.ndarray, num_perm: int, seed: int, block: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Window MinHash of one document's shingle hashes.

    Windows are two consecutive content-defined blocks (one window when the
    document has a single block). Returns ``(sigs, win_start, win_end)`` where
    ``sigs`` is ``(n_windows, num_perm)`` uint32 and ``[win_start, win_end)``
    the shingle index range of each window.
    """
    return window_signatures_many([shingles], num_perm, seed, block)[0]


def window_signatures_many(
    shingle_lists: Sequence[np.ndarray], num_perm: int, seed: int, block: int
) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """:func:`window_signatures` of many documents in one vectorised pass (same results)."""
    starts_list = [content_blocks(np.asarray(h), block) for h in shingle_lists]
    counts = np.array([s.size for s in starts_list], dtype=np.int64)
    out = []
    if counts.sum() == 0:
        for _ in shingle_lists:
            empty = np.zeros(0, dtype=np.int64)
            out.append((np.zeros((0, num_perm), dtype=np.uint32), empty, empty))
        return out
    lengths = np.array([len(h) for h in shingle_lists], dtype=np.int64)
    base = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    flat = np.concatenate([np.asarray(h, dtype=np.uint32) for h in shingle_lists])
    gstarts = np.concatenate([s + b for s, b in zip(starts_list, base.tolist())])
    bsig = _segment_min(flat, gstarts, num_perm, seed)
    pos = 0
    for h, starts, c in zip(shingle_lists, starts_list, counts.tolist()):
        if c == 0:
            empty = np.zeros(0, dtype=np.int64)
            out.append((np.zeros((0, num_perm), dtype=np.uint32), empty, empty))
            continue
        b = bsig[pos : pos + c]
        pos += c
        ends = np.append(starts[1:], len(h))
        if c == 1:
            out.append((b, starts, ends))
        else:
            out.append((np.minimum(b[:-1], b[1:]), starts[:-1], ends[1:]))
    return out


@lru_cache(maxsize=16)
def _band_multipliers(rows: int) -> np.ndarray:
    gen = np.random.RandomState(0x5EED + rows)
    m = gen.randint(0, 1 << 62, size=rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
    m.setflags(write=False)
    return m


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(n, bands)`` uint64 keys of the bands (rows ``[k*rows, (k+1)*rows)``) of
    each signature: ``fmix64(sum(row_r * m_r) + k)`` with fixed odd 64-bit
    multipliers ``m_r``; equal bands give equal keys, different bands collide
    with probability about 2**-64."""
    n = sigs.shape[0]
    if n == 0:
        return np.zeros((0, bands), dtype=np.uint64)
    m = _band_multipliers(rows)
    with np.errstate(over="ignore"):
        x = sigs[:, : bands * rows].reshape(n, bands, rows).astype(np.uint64)
        x *= m
        h = x.sum(axis=2, dtype=np.uint64) + np.arange(bands, dtype=np.uint64)
        return fmix64(h)


class CandidateIndex:
    """Incremental document LSH: :meth:`add` signatures batch by batch (e.g. as
    worker results arrive, so insertion overlaps the signature computation),
    then :meth:`pairs`. Same semantics as :func:`candidate_pairs`."""

    def __init__(self, num_perm: int, bands: int, rows: int, seed: int, backend: str = "datasketch") -> None:
        if backend not in ("datasketch", "numpy"):
            msg = f'backend must be "datasketch" or "numpy", got {backend!r}'
            raise ValueError(msg)
        self.num_perm, self.bands, self.rows, self.seed, self.backend = num_perm, bands, rows, seed, backend
        self._lsh = None
        if backend == "datasketch":
            # datasketch pulls in scipy (~0.4 s): imported only when its LSH is used.
            from datasketch import MinHashLSH

            self._lsh = MinHashLSH(num_perm=num_perm, params=(bands, rows))
        self._keys: list[np.ndarray] = []
        self._ids: list[np.ndarray] = []

    def add(self, first: int, sigs: np.ndarray) -> None:
        """Add signatures of documents ``first, first+1, ...`` (all-``EMPTY`` ones are skipped)."""
        live = np.flatnonzero(~np.all(sigs == EMPTY, axis=1))
        if self._lsh is not None:
            from datasketch import LeanMinHash

            with self._lsh.insertion_session() as session:
                for i in live.tolist():
                    mh = LeanMinHash(seed=self.seed, hashvalues=sigs[i], scheme=SCHEME)
                    session.insert(first + i, mh, check_duplication=False)
        else:
            self._keys.append(band_keys(sigs[live], self.bands, self.rows))
            self._ids.append(live + first)

    def _groups(self) -> set[tuple[int, ...]]:
        groups: set[tuple[int, ...]] = set()
        if self._lsh is not None:
            for table in self._lsh.hashtables:
                for bucket in table.keys():
                    members = table.get(bucket)
                    if len(members) > 1:
                        groups.add(tuple(sorted(members)))
            return groups
        if not self._keys:
            return groups
        bk = np.concatenate(self._keys)
        ids = np.concatenate(self._ids)
        for k in range(self.bands):
            col = bk[:, k]
            order = np.argsort(col, kind="stable")
            c = col[order]
            if not np.any(c[1:] == c[:-1]):
                continue
            starts = np.flatnonzero(np.concatenate([[True], c[1:] != c[:-1]]))
            ends = np.append(starts[1:], c.size)
            multi = np.flatnonzero(ends - starts > 1)
            for s, e in zip(starts[multi].tolist(), ends[multi].tolist()):
                groups.add(tuple(sorted(ids[order[s:e]].tolist())))
        return groups

    def pairs(self) -> set[tuple[int, int]]:
        """All ``(i, j)``, ``i < j``, that share a bucket in at least one band."""
        pairs: set[tuple[int, int]] = set()
        for g in self._groups():
            for x in range(len(g)):
                for y in range(x + 1, len(g)):
                    pairs.add((g[x], g[y]))
        return pairs


def candidate_pairs(
    sigs: np.ndarray, bands: int, rows: int, seed: int, backend: str = "datasketch"
) -> set[tuple[int, int]]:
    """Document candidate pairs ``(i, j)``, ``i < j``: the pairs that agree on all
    rows of at least one band. Documents with the all-``EMPTY`` signature are
    left out.

    ``backend="datasketch"``: every signature is inserted as
    ``LeanMinHash(seed=, hashvalues=, scheme="affine32")`` into a datasketch
    ``MinHashLSH(params=(bands, rows))`` (``insertion_session``, in-memory
    storage) and the pairs are read from its band hash tables (the members of
    each bucket), which is what ``query`` would return for every document.
    ``backend="numpy"``: the same pairs from :func:`band_keys` by sorting
    (identical up to 64-bit hash collisions; what a distributed engine computes).
    """
    index = CandidateIndex(sigs.shape[1], bands, rows, seed, backend)
    index.add(0, sigs)
    return index.pairs()


def _ascending(win_doc: np.ndarray, win_idx: np.ndarray) -> bool:
    """True when ``(win_doc, win_idx)`` is sorted (lexicographically, non-decreasing)."""
    dd = np.diff(win_doc)
    return bool(np.all(dd >= 0) and np.all((dd > 0) | (np.diff(win_idx) >= 0)))


def band_collisions(
    col: np.ndarray, win_doc: np.ndarray, win_idx: np.ndarray, max_docs: int = CROWDED_DOCS,
    ascending: bool | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """Scan one band of window band keys for colliding windows.

    Sorts the windows by (key, document, window) and pairs each with its
    predecessor (list 0) and with its bucket's first window (list 1), so the
    work is linear even for huge buckets. Two windows of one document count
    only when they do not overlap (indices at least 2 apart). Returns the
    sorted ``(keys, docs, windows)`` and, per list, the ``(left, right)``
    positions of the colliding windows in that order. The local
    :func:`window_pairs` and the Dask engine's per-bucket scan share it, so
    both see the same collisions in the same order.

    A crowded bucket, held by windows of more than ``max_docs`` documents
    (``DedupeConfig.boilerplate_docs``; 0: no limit), gives no collision: its
    window is recurring text (a stock sentence, a footer), which a passage
    made of it would make boilerplate anyway (more than ``boilerplate_docs``
    clusters), while pairing its windows costs the square of how often it
    recurs (on the devkit's 100 MB corpus 31 % of 1.6 M window pairs). A copy
    that holds such text still collides in the bands where its windows are
    its own. ``ascending``: whether ``(win_doc, win_idx)`` is sorted, when the
    caller knows (it scans every band of the same windows).
    """
    if ascending is None:
        ascending = win_doc.size > 1 and _ascending(win_doc, win_idx)
    if ascending:
        # windows given in (document, window) order (the local engine): a stable sort by key is that lexsort
        order = stable_argsort(np.ascontiguousarray(col))
    else:
        order = np.lexsort((win_idx, win_doc, col))
    c, d, w = col[order], win_doc[order], win_idx[order]
    same = c[1:] == c[:-1]
    if not same.any():
        return c, d, w, []
    # the buckets of two or more windows, compressed (they are a small part of all windows)
    inb = np.zeros(c.size, dtype=bool)
    inb[1:] = same
    inb[:-1] |= same
    at = np.flatnonzero(inb)
    cp, dp = c[at], d[at]
    newgrp = np.ones(at.size, dtype=bool)
    newgrp[1:] = cp[1:] != cp[:-1]
    first = at[np.maximum.accumulate(np.where(newgrp, np.arange(at.size), 0))]
    follows = ~newgrp[1:]  # in the bucket of the window before it
    if max_docs:
        # distinct documents per bucket (sorted by document inside a bucket)
        grp = np.cumsum(newgrp) - 1
        newdoc = newgrp.copy()
        newdoc[1:] |= dp[1:] != dp[:-1]
        follows &= (np.bincount(grp, weights=newdoc) <= max_docs)[grp[1:]]
    idx = at[1:][follows]
    lists = []
    for left in (idx - 1, first[1:][follows]):
        ok = ((d[left] != d[idx]) | (np.abs(w[idx] - w[left]) >= 2)) & (left != idx)
        lists.append((left[ok], idx[ok]))
    return c, d, w, lists


def window_pairs(
    win_doc: np.ndarray, win_idx: np.ndarray, bkeys: np.ndarray, max_docs: int = CROWDED_DOCS
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Document pairs whose windows share a band key, one row per pair:
    ``(doc_a, doc_b, win_a, win_b, bands)`` with ``doc_a <= doc_b``, a
    representative colliding window pair (``win_a`` of ``doc_a``, ``win_b`` of
    ``doc_b``, from the first band where the pair collides) and the number of
    bands in which the pair collides. Sorted by ``(doc_a, doc_b)``.
    Collisions per band come from :func:`band_collisions` (a bucket of more
    than ``max_docs`` documents gives none).
    """
    z = np.zeros(0, dtype=np.int64)
    if win_doc.size < 2:
        return z, z, z, z, z
    codes, was, wbs = [], [], []
    ascending = _ascending(win_doc, win_idx)
    for k in range(bkeys.shape[1]):
        _, d, w, lists = band_collisions(bkeys[:, k], win_doc, win_idx, max_docs, ascending)
        if not lists:
            continue
        bc, ba, bb = [], [], []
        for left, right in lists:
            di, dj, wi, wj = d[left], d[right], w[left], w[right]
            swap = di > dj
            a, b = np.where(swap, dj, di), np.where(swap, di, dj)
            bc.append(a.astype(np.int64) * (1 << 32) + b.astype(np.int64))
            ba.append(np.where(swap, wj, wi))
            bb.append(np.where(swap, wi, wj))
        bcode = np.concatenate(bc)
        ucode, first_at = np.unique(bcode, return_index=True)
        codes.append(ucode)
        was.append(np.concatenate(ba)[first_at])
        wbs.append(np.concatenate(bb)[first_at])
    if not codes:
        return z, z, z, z, z
    allc = np.concatenate(codes)
    packed, first_at, hits = np.unique(allc, return_index=True, return_counts=True)
    wa = np.concatenate(was)[first_at].astype(np.int64)
    wb = np.concatenate(wbs)[first_at].astype(np.int64)
    return packed >> 32, packed & 0xFFFFFFFF, wa, wb, hits.astype(np.int64)


def window_candidates(
    win_doc: np.ndarray, win_idx: np.ndarray, bkeys: np.ndarray, min_bands: int = 2, max_docs: int = CROWDED_DOCS
) -> set[tuple[int, int]]:
    """Document pairs ``(i, j)``, ``i <= j``, whose windows share a band key in
    at least ``min_bands`` bands (see :func:`window_pairs`). Copied passages
    collide in most bands (equal windows in all); windows that merely share
    common phrases mostly in one, so ``min_bands=2`` keeps the number of pairs
    to align close to linear in the corpus size."""
    a, b, _, _, hits = window_pairs(win_doc, win_idx, bkeys, max_docs)
    keep = hits >= min_bands
    return set(zip(a[keep].tolist(), b[keep].tolist()))
