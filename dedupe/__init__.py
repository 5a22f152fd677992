"""Near-duplicate documents and passages in Chinese news text.

A pure library: ``[(doc_id, text), ...] -> DedupeResult``. No file I/O, no
printing; progress goes to an optional callback and parallelism to an optional
``map_fn`` (like ``Executor.map``) supplied by the caller.

Stages (each a top-level function that a distributed engine can reuse to get
bit-identical signatures, the same candidates, verification, clusters and spans):

1. ``keys.match_key(text) -> (key, offsets)``: letters/digits only, NFKC, lower
   case, traditional/Taiwan/Hong Kong variants folded per character (OpenCC), with
   ``offsets[i]`` the original index of key char ``i``. ``keys.keyed(text)`` adds
   line starts (:class:`KeyedDoc`).
2. ``keys.shingle_hashes(key, ngram) -> uint32[]``; ``minhash.signatures(hash_lists,
   num_perm, seed) -> uint32[n, num_perm]`` (datasketch "affine32" bit for bit);
   ``minhash.band_keys(sigs, bands, rows) -> uint64[n, bands]``.
3. ``minhash.candidate_pairs(sigs, bands, rows, seed, backend)`` (datasketch
   ``MinHashLSH`` fed with ``LeanMinHash``, or the same pairs from ``band_keys``)
   -> ``verify.verify_pair(a, b, boilerplate_line_chars, score_cutoff)`` (rapidfuzz
   Indel similarity of keys and of bodies without shared template lines)
   -> ``verify.cluster(n, edges, rank)`` (union-find; the kept document is the
   member of smallest ``core.keep_rank``).
4. ``passages.passage_units(key, cfg)`` (content-defined windows, MinHash, band keys;
   ``passage_units_many`` for a batch) -> ``minhash.window_pairs(win_doc, win_idx,
   band_keys)`` (document pairs, including a document with itself, with a colliding
   window pair and the number of bands) -> ``core.with_rare_shared_fingerprint(pairs,
   units, cfg)`` (one-band pairs kept only when their windows share a fingerprint
   of at most ``one_band_docs`` documents) -> ``core.align_tasks(keyed_docs, units,
   pairs, cfg)`` (whole documents for pairs colliding in >= ``passage_min_bands``
   bands, else the neighbourhood of the colliding windows) -> ``core.align_task``
   / ``passages.align_passages(a, b, cfg)`` (exact k-gram seeds chained into
   aligned regions, verified with rapidfuzz) -> ``passages.plan_spans(ids, texts,
   keyed_docs, matches, rank, cfg)`` (later copy removed or kept, disjoint removals).

``core.doc_task`` (stages 1-2 for a batch of texts, with the winnowed
fingerprints of stage 4) and ``core.align_task`` (stage 4 alignment for a batch
of pairs: one k-gram hashing pass, all pairs' seeds in one lookup,
``passages.align_many``) are what ``find_duplicates`` hands to ``map_fn``;
``minhash.CandidateIndex`` is filled with each batch's signatures as it
arrives, and the per-match part of the planning (``findings.MatchCopies``) runs
on each alignment batch as it arrives, while the workers align the next ones. Signatures are datasketch ``affine32`` values, so they can be
stored as plain arrays (npz, no pickle) and turned back into
``LeanMinHash(seed=, hashvalues=, scheme="affine32")``.

>>> r = find_duplicates([("a", "今天天气很好，我们去公园散步。"), ("b", "今天天氣很好,我們去公園散步.")])
>>> r.clusters
{'a': 'a', 'b': 'a'}
"""

from __future__ import annotations

from .config import DedupeConfig
from .core import DedupeResult, apply_removals, cut_range, cut_ranges, find_duplicates
from .keys import KeyedDoc, keyed, match_key, shingle_hashes
from .minhash import band_keys, candidate_pairs, signatures, window_candidates, window_pairs
from .passages import Match, align_passages, passage_units, plan_spans
from .records import SharedPhrase, Span
from .verify import cluster, verify_pair

__all__ = [
    "DedupeConfig",
    "DedupeResult",
    "KeyedDoc",
    "Match",
    "Span",
    "align_passages",
    "SharedPhrase",
    "apply_removals",
    "cut_range",
    "cut_ranges",
    "band_keys",
    "candidate_pairs",
    "cluster",
    "find_duplicates",
    "keyed",
    "match_key",
    "passage_units",
    "plan_spans",
    "shingle_hashes",
    "signatures",
    "verify_pair",
    "window_candidates",
    "window_pairs",
]

# New documents against an indexed corpus (seedsift check): the same find_duplicates, no second composition.
from .incremental import KEYS_VERSION, find_new_duplicates, lookup_keys  # noqa: E402

__all__ += ["KEYS_VERSION", "find_new_duplicates", "lookup_keys"]
