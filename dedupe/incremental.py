"""New documents against a corpus: the one composition that ``seedsift check`` and its index use.

A corpus too large to deduplicate on every commit is indexed once by its
lookup keys (:func:`lookup_keys`); a new page asks the index for the pages
that share a key with it and :func:`find_new_duplicates` runs
:func:`dedupe.find_duplicates` itself on those pages followed by the new
ones. There is no second set of stage calls, window policy or thresholds: a
finding about a new page is exactly what a full run over the same pages finds.

Lookup keys are the tagged document band keys (a page is a document candidate
of another when they share one), the passage window band keys (a passage
candidate when they share one) and the winnowed exact fingerprints (a short
copy's candidate: :func:`dedupe.passages.fingerprint_pairs`), from the same
stage functions and parameters as a full run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from .config import DedupeConfig
from .core import DedupeResult, MapFn, find_duplicates
from .keys import kgram_hashes, match_key, shingle_hashes
from .minhash import band_keys, signatures
from .passages import passage_units

__all__ = ["DOC_TAG", "FINGERPRINT_TAG", "KEYS_VERSION", "WINDOW_TAG", "doc_lookup_keys", "find_new_duplicates",
           "lookup_keys", "winnowed"]

#: The version of what :func:`lookup_keys` returns (the document signature and the lookup keys) for a
#: given text and config. Bump it when lookup keys or fingerprints change: a change to match keys,
#: shingles, MinHash, band keys, passage windows, winnowing or the tags below that changes them for any
#: text. An index stores the keys of a whole corpus and trusts them only while this number is the one it
#: was built with (``seedsift check`` rebuilds it otherwise), so a stale number makes ``check`` miss
#: copies. ``tests/test_index.py`` records a digest of the keys of a fixed sample next to this number and
#: fails when they change without it.
KEYS_VERSION = 1

#: XORed into each kind of key so that the kinds never collide in one key set.
DOC_TAG = np.uint64(0xD0C0D0C0D0C0D0C1)
WINDOW_TAG = np.uint64(0x5A55A6E5A55A6E51)
FINGERPRINT_TAG = np.uint64(0xF1F6E59A1F6E59A3)


def winnowed(key: str, config: DedupeConfig) -> np.ndarray:
    """The winnowed ``fingerprint_k``-gram hashes of a match key (sorted, unique, uint64): the minimum
    of every ``fingerprint_window`` consecutive ones, as :func:`dedupe.passages.fingerprint_pairs` picks them.

    >>> cfg = DedupeConfig()
    >>> a, b = winnowed("abcdefghijklmnopqrstuvwxyz" * 2, cfg), winnowed("abcdefghijklmnopqrstuvwxyz", cfg)
    >>> bool(np.isin(b, a).all()), winnowed("short", cfg).size
    (True, 0)
    """
    from numpy.lib.stride_tricks import sliding_window_view

    h = kgram_hashes(key, config.fingerprint_k)
    w = config.fingerprint_window
    if h.size == 0:
        return h
    if h.size >= w:
        return np.unique(h[sliding_window_view(h, w).argmin(axis=1) + np.arange(h.size - w + 1)])
    return h[[int(h.argmin())]]


def doc_lookup_keys(sig: np.ndarray, config: DedupeConfig) -> np.ndarray:
    """The tagged document band keys of one MinHash signature, as int64."""
    bands, rows = config.doc_bands
    with np.errstate(over="ignore"):
        return (band_keys(np.asarray(sig, dtype=np.uint32)[None, :], bands, rows).ravel() ^ DOC_TAG).view(np.int64)


def lookup_keys(texts: Sequence[str], config: DedupeConfig = DedupeConfig()) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(signature, keys)`` of each text: its document MinHash signature and
    its sorted unique lookup keys (document bands and, with ``passages``,
    window bands and winnowed fingerprints; int64).

    >>> (sig_a, a), (_, b), (_, c) = lookup_keys(["今天天气很好，我们去公园散步。" * 3,
    ...                                           "今天天氣很好,我們去公園散步." * 3, "完全不同的一段文字内容"])
    >>> bool(np.intersect1d(a, b).size), bool(np.intersect1d(a, c).size)
    (True, False)
    """
    bands, rows = config.doc_bands
    keys = [match_key(t)[0] for t in texts]
    shingles = [shingle_hashes(k, config.ngram) for k in keys]
    sigs = signatures(shingles, config.num_perm, config.seed)
    out = []
    with np.errstate(over="ignore"):
        for key, sh, sig in zip(keys, shingles, sigs):
            parts = []
            if sh.size:
                parts.append(band_keys(sig[None, :], bands, rows).ravel() ^ DOC_TAG)
            if config.passages:
                parts.append(passage_units(key, config).bands.ravel() ^ WINDOW_TAG)
                parts.append(winnowed(key, config) ^ FINGERPRINT_TAG)
            found = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint64)
            out.append((sig, found.astype(np.uint64).view(np.int64)))
    return out


def find_new_duplicates(
    corpus: Sequence[tuple[str, str]],
    new: Sequence[tuple[str, str]],
    config: DedupeConfig = DedupeConfig(),
    *,
    map_fn: MapFn = map,
) -> DedupeResult:
    """What :func:`find_duplicates` over ``corpus`` then ``new`` finds about the new documents.

    ``corpus`` and ``new`` are ``(doc_id, text)`` in order (ids unique over
    both). The new documents come last and the first copy is kept
    (``keep="first"``), so a new page is the copy of an older one, never the
    reverse. The result holds the new documents only: their clusters and
    document matches, the copies in them (``spans``) and the shared phrases
    that have a location in one.

    >>> r = find_new_duplicates([("old", "今天天气很好，我们去公园散步。")], [("new", "今天天氣很好,我們去公園散步.")])
    >>> r.clusters, r.doc_matches["new"][0]
    ({'new': 'old'}, 'old')
    """
    # the numpy LSH gives the same pairs as datasketch's (tests/test_dedupe_stages.py) without loading
    # scipy, which would cost a pre-commit check more than the search itself
    cfg = dataclasses.replace(config, keep="first", lsh_backend="numpy")
    result = find_duplicates([*corpus, *new], cfg, map_fn=map_fn)
    mine = {doc_id for doc_id, _ in new}
    return DedupeResult(
        clusters={d: k for d, k in result.clusters.items() if d in mine},
        doc_matches={d: m for d, m in result.doc_matches.items() if d in mine},
        spans=[s for s in result.spans if s.doc_id in mine],
        phrases=[p for p in result.phrases if any(loc[0] in mine for loc in p.locations)],
    )
