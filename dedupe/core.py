"""``find_duplicates``: composes the stages (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from .config import DedupeConfig
from .findings import MatchCopies, plan_findings, removal_range
from .keys import KeyedDoc, keyed_many, kgram_hashes, shingle_hashes_many
from .minhash import CandidateIndex, signatures, window_pairs
from .passages import (
    FingerprintTable,
    Match,
    PassageUnits,
    align_indexed,
    align_many,
    common_fingerprints,
    fingerprint_pairs,
    fingerprint_table,
    kgram_index,
    passage_units_many,
    winnow_many,
)
from .records import SharedPhrase, Span
from .verify import LineCounter, cluster, verify_pair, verify_pairs

__all__ = ["DedupeResult", "find_duplicates", "apply_removals", "cut_range", "cut_ranges", "with_fingerprint_pairs", "with_rare_shared_fingerprint", "doc_task", "doc_task_packed", "DocBatch", "pack_docs", "unpack_docs", "align_task", "align_tasks", "keep_rank"]

Progress = Callable[[str, int, int], None]
MapFn = Callable[..., Iterable]


@dataclass(frozen=True)
class DedupeResult:
    """What :func:`find_duplicates` found.

    ``clusters``: every document id -> id of the kept document of its cluster
    (itself when unique or kept). ``doc_matches``: each dropped document ->
    ``(kept document id, similarity)``. ``spans``: the copies of repeated
    passages in every document, including documents dropped whole (offsets
    into the given texts, end exclusive), sorted by (input position of the
    document, start); the copies of one passage share ``Span.passage`` and
    point at its kept copy. ``phrases``: shorter shared text, one record per
    phrase with all its locations (never removed).
    """

    clusters: dict[str, str] = field(default_factory=dict)
    doc_matches: dict[str, tuple[str, float]] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    phrases: list[SharedPhrase] = field(default_factory=list)

    def removed(self, doc_id: str) -> list[Span]:
        """The removed spans of one document, sorted by start."""
        return [s for s in self.spans if s.doc_id == doc_id and s.action == "removed"]


def doc_task(args: tuple[Sequence[str], DedupeConfig]) -> tuple[list[KeyedDoc], np.ndarray, list[PassageUnits]]:
    """Stages 1-2 for a batch of texts (top-level, picklable, for ``map_fn``):
    keyed documents, document signatures and (when ``cfg.passages``) window
    units. Without passages the keyed documents carry no offsets."""
    texts, cfg = args
    kd = keyed_many(list(texts))
    sh = shingle_hashes_many([d.key for d in kd], cfg.ngram)
    sigs = signatures(sh, cfg.num_perm, cfg.seed)
    if not cfg.passages:
        # offsets are only needed to place passages: do not ship them back
        empty = np.zeros(0, dtype=np.int32)
        return [KeyedDoc(d.key, empty, d.line_starts) for d in kd], sigs, []
    keys = [d.key for d in kd]
    units = [u._replace(fp_hash=fh, fp_pos=fp) for u, (fh, fp) in zip(passage_units_many(keys, sh, cfg), winnow_many(keys, cfg))]
    return kd, sigs, units


class DocBatch(NamedTuple):
    """:func:`doc_task`'s result for a batch as a few flat arrays (:func:`pack_docs`):
    what a worker process sends back. Pickling costs per object, and a batch's
    per-document arrays (offsets, line starts, windows, band keys, fingerprints:
    about ten per document) made 1.6 s of pickling and unpickling per 10,000
    documents of the devkit's 100 MB corpus; a dozen flat arrays pickle as a few
    large buffers (workers' CPU at 100 MB about 10 % less). :func:`unpack_docs`
    gives back the same documents and units (views of the flat arrays)."""

    keys: list[str]
    n_offsets: np.ndarray  # per document: offsets (len(key) or 0), line starts, windows, fingerprints
    n_lines: np.ndarray
    n_windows: np.ndarray
    n_fingerprints: np.ndarray
    offsets: np.ndarray
    line_starts: np.ndarray
    signatures: np.ndarray
    start: np.ndarray
    end: np.ndarray
    bands: np.ndarray
    fp_hash: np.ndarray
    fp_pos: np.ndarray
    passages: bool  # units were computed (else doc_task returned none)


def pack_docs(kd: Sequence[KeyedDoc], sigs: np.ndarray, units: Sequence[PassageUnits]) -> DocBatch:
    """:func:`doc_task`'s result as one :class:`DocBatch` (inverse: :func:`unpack_docs`)."""

    def counts(arrays: Iterable[np.ndarray]) -> np.ndarray:
        return np.fromiter((a.shape[0] for a in arrays), dtype=np.int64)

    def flat(arrays: list[np.ndarray], dtype, width: tuple[int, ...] = ()) -> np.ndarray:
        return np.concatenate(arrays).astype(dtype, copy=False) if arrays else np.zeros((0, *width), dtype=dtype)

    fh = [u.fp_hash if u.fp_hash is not None else np.zeros(0, dtype=np.uint64) for u in units]
    bands_width = tuple(units[0].bands.shape[1:]) if units else ()
    return DocBatch(
        [d.key for d in kd], counts(d.offsets for d in kd), counts(d.line_starts for d in kd),
        counts(u.start for u in units), counts(fh),
        flat([d.offsets for d in kd], np.int32), flat([d.line_starts for d in kd], np.int32), sigs,
        flat([u.start for u in units], np.int64), flat([u.end for u in units], np.int64),
        flat([u.bands for u in units], np.uint64, bands_width), flat(fh, np.uint64), flat([u.fp_pos for u in units], np.int32),
        bool(units),
    )


def _cuts(counts: np.ndarray) -> list[int]:
    return np.concatenate([[0], np.cumsum(counts)]).tolist()


def unpack_docs(b: DocBatch) -> tuple[list[KeyedDoc], np.ndarray, list[PassageUnits]]:
    """The keyed documents, signatures and units of a :class:`DocBatch`, as
    :func:`doc_task` returned them (arrays are views of the batch's flat arrays;
    a document without fingerprints gets them empty in :func:`winnow_many`'s dtypes)."""
    oc, lc = _cuts(b.n_offsets), _cuts(b.n_lines)
    kd = [KeyedDoc(key, b.offsets[oc[d] : oc[d + 1]], b.line_starts[lc[d] : lc[d + 1]]) for d, key in enumerate(b.keys)]
    if not b.passages:
        return kd, b.signatures, []
    wc, fc = _cuts(b.n_windows), _cuts(b.n_fingerprints)
    no_fp = (np.zeros(0, dtype=np.uint64), _NO_FP_POS)
    units = [
        PassageUnits(b.start[wc[d] : wc[d + 1]], b.end[wc[d] : wc[d + 1]], b.bands[wc[d] : wc[d + 1]],
                     *((b.fp_hash[fc[d] : fc[d + 1]], b.fp_pos[fc[d] : fc[d + 1]]) if fc[d + 1] > fc[d] else no_fp))
        for d in range(len(b.keys))
    ]
    return kd, b.signatures, units


_NO_FP_POS = np.zeros(0, dtype=np.int64)  # winnow_many's positions of a key too short for a fingerprint


def doc_task_packed(args: tuple[Sequence[str], DedupeConfig]) -> DocBatch:
    """:func:`doc_task` whose result crosses the process boundary as a :class:`DocBatch`."""
    return pack_docs(*doc_task(args))


def align_task(args: tuple[list[tuple], DedupeConfig]) -> list[tuple[int, int, Match]]:
    """Stage 4 alignment for a batch of document pairs (top-level, picklable).

    Each task is ``(i, j, key_i, key_j_or_None)`` (align the whole documents)
    or ``(i, j, key_i, key_j_or_None, (a0, a1, b0, b1))``: align only
    ``key_i[a0:a1]`` with ``key_j[b0:b1]`` (the neighbourhood of the one window
    pair that collided); when a match reaches the border of that region
    (and the border is not the document's end) the whole documents are aligned.
    """
    pairs, cfg = args
    k = cfg.align_k
    hashes = _batch_hashes(pairs, k)
    found: list = [None] * len(pairs)  # matches per task, in task order
    regions = [t for t, task in enumerate(pairs) if len(task) > 4]
    whole = [t for t, task in enumerate(pairs) if len(task) == 4]
    sub = []
    for t in regions:
        i, j, a, b, (a0, a1, b0, b1) = pairs[t]
        bb = a if b is None else b
        # the k-gram hashes of a slice are the slice of the key's hashes
        sub.append((a[a0:a1], bb[b0:b1], hashes[i][a0 : max(a0, a1 - k + 1)], hashes[j][b0 : max(b0, b1 - k + 1)]))
    edge = cfg.align_k
    for t, ms in zip(regions, align_many(sub, cfg)):
        i, j, a, b, (a0, a1, b0, b1) = pairs[t]
        lb = len(a if b is None else b)
        inner = all(
            (m.a_start >= edge or a0 == 0) and (m.a_end <= a1 - a0 - edge or a1 == len(a))
            and (m.b_start >= edge or b0 == 0) and (m.b_end <= b1 - b0 - edge or b1 == lb)
            for m in ms
        )
        if inner:
            found[t] = [Match(m.a_start + a0, m.a_end + a0, m.b_start + b0, m.b_end + b0, m.similarity) for m in ms]
        else:
            whole.append(t)
    cross = []  # whole documents, two of them: all at once
    for t in whole:
        i, j, a, b = pairs[t][:4]
        if b is None:
            found[t] = align_indexed(a, None, kgram_index(hashes[i]), None, cfg)
        else:
            cross.append(t)
    for t, ms in zip(cross, align_many([(pairs[t][2], pairs[t][3], hashes[pairs[t][0]], hashes[pairs[t][1]])
                                        for t in cross], cfg)):
        found[t] = ms
    return [(task[0], task[1], m) for task, ms in zip(pairs, found) for m in ms]


def _batch_hashes(pairs: Sequence[tuple], k: int) -> dict[int, np.ndarray]:
    """``kgram_hashes(key, k)`` of every document of a batch of alignment tasks,
    from one pass over the joined keys (the hash of a k-gram depends on its
    characters only, so the slices equal the per-key hashes)."""
    keys: dict[int, str] = {}
    for task in pairs:
        keys.setdefault(task[0], task[2])
        keys.setdefault(task[1], task[2] if task[3] is None else task[3])
    allh = kgram_hashes("".join(keys.values()), k)
    out: dict[int, np.ndarray] = {}
    pos = 0
    for d, key in keys.items():
        out[d] = allh[pos : pos + len(key) - k + 1] if len(key) >= k else allh[:0]
        pos += len(key)
    return out


def align_tasks(
    kd: Sequence[KeyedDoc], units: Sequence[PassageUnits], pairs: tuple[np.ndarray, ...], cfg: DedupeConfig
) -> list[tuple]:
    """Alignment tasks for :func:`align_task` from :func:`dedupe.minhash.window_pairs`
    output: pairs colliding in at least ``passage_min_bands`` bands are aligned
    whole; the others only around their colliding windows (``passage_margin``
    key chars on each side), as long as the two regions of one document do not
    overlap."""
    tasks: list[tuple] = []
    m = cfg.passage_margin
    for i, j, wa, wb, hits in zip(*(x.tolist() for x in pairs)):
        ka = kd[i].key
        kb = None if i == j else kd[j].key
        if hits >= cfg.passage_min_bands:
            tasks.append((i, j, ka, kb))
            continue
        ua, ub = units[i], units[j]
        a0, a1 = max(0, int(ua.start[wa]) - m), min(len(ka), int(ua.end[wa]) + m)
        lb = len(ka) if kb is None else len(kb)
        b0, b1 = max(0, int(ub.start[wb]) - m), min(lb, int(ub.end[wb]) + m)
        if i == j and (min(a1, b1) > max(a0, b0)):
            tasks.append((i, j, ka, kb))
            continue
        if i == j and a0 > b0:
            a0, a1, b0, b1 = b0, b1, a0, a1
        tasks.append((i, j, ka, kb, (a0, a1, b0, b1)))
    return tasks


def keep_rank(texts: Sequence[str], keep: str) -> list[tuple]:
    """Rank of each document under the keep policy (smaller stays)."""
    if keep == "longest":
        return [(-len(t), n) for n, t in enumerate(texts)]
    return [(n,) for n in range(len(texts))]


_VERIFY_STEP = 10_000  # candidate pairs verified per call (and per progress report)
_BLOCK = 64  # documents per block of the alignment batches
_WINDOW = 32  # alignment batches made and queued at a time


def _batches(items: Sequence, size: int) -> list:
    return [items[s : s + size] for s in range(0, len(items), size)]


def find_duplicates(
    docs: Sequence[tuple[str, str]],
    config: DedupeConfig = DedupeConfig(),
    *,
    map_fn: MapFn = map,
    progress: Progress | None = None,
    threads: int = 1,
) -> DedupeResult:
    """Find duplicated documents and passages in ``docs`` (``(doc_id, text)`` in input order).

    ``map_fn`` (like ``Executor.map``) runs the per-batch stage functions, so the
    caller can use several processes; results do not depend on it, nor on
    ``threads``, the threads that verify candidate pairs (rapidfuzz in C++, in
    this process: give it the number of cores). ``progress``
    is called as ``progress(stage, done, total)`` for the stages ``"signatures"``,
    ``"verify"``, ``"align"``.

    Raises:
        ValueError: when document ids are not unique.
    """
    cfg = config
    ids = [d for d, _ in docs]
    texts = [t for _, t in docs]
    if len(set(ids)) != len(ids):
        msg = "document ids must be unique"
        raise ValueError(msg)
    n = len(ids)
    if n == 0:
        return DedupeResult()

    def report(stage: str, done: int, total: int) -> None:
        if progress is not None:
            progress(stage, done, total)

    # stages 1-2: keys, signatures, window units
    kd: list[KeyedDoc] = []
    units: list[PassageUnits] = []
    batches = _batches(texts, cfg.batch_size)
    bands, rows = cfg.doc_bands
    # the LSH index is filled while the workers compute the next batches
    index = CandidateIndex(cfg.num_perm, bands, rows, cfg.seed, cfg.lsh_backend)
    # and the lines are hashed and counted for common_lines
    lines = LineCounter()
    report("signatures", 0, n)
    for packed in map_fn(doc_task_packed, [(b, cfg) for b in batches]):
        part_kd, part_sigs, part_units = unpack_docs(packed)
        index.add(len(kd), part_sigs)
        lines.add(part_kd)
        kd.extend(part_kd)
        units.extend(part_units)
        report("signatures", len(kd), n)

    # stage 3: candidates, verification, clusters
    pairs = sorted(index.pairs())
    common = lines.common(cfg.boilerplate_line_chars, cfg.common_line_docs) if pairs else frozenset()
    del lines
    scores: dict[tuple[int, int], float] = {}
    report("verify", 0, len(pairs))
    for s in range(0, len(pairs), _VERIFY_STEP):
        part = pairs[s : s + _VERIFY_STEP]
        got = verify_pairs(kd, part, cfg.boilerplate_line_chars, cfg.doc_similarity, common, cfg.doc_length_ratio, threads)
        scores.update((pair, score) for pair, score in zip(part, got.tolist()) if score >= cfg.doc_similarity)
        if s + len(part) < len(pairs):
            report("verify", s + len(part), len(pairs))
    edges = list(scores)
    report("verify", len(pairs), len(pairs))
    rank = keep_rank(texts, cfg.keep)
    roots = cluster(n, edges, rank)
    clusters = {ids[i]: ids[roots[i]] for i in range(n)}
    doc_matches = {}
    for i in range(n):
        k = roots[i]
        if k != i:
            known = scores.get((min(i, k), max(i, k)))
            # joined through another member: score against the kept one
            score = known if known is not None else verify_pair(kd[i], kd[k], cfg.boilerplate_line_chars, 0.0, common)
            doc_matches[ids[i]] = (ids[k], round(score, 4))
    if not cfg.passages:
        return DedupeResult(clusters, doc_matches, [])

    # stage 4: passages in kept documents, carried over to their dropped members
    live = np.array([i for i in range(n) if roots[i] == i and units[i].start.size], dtype=np.int64)
    spans: list[Span] = []
    phrases: list[SharedPhrase] = []
    if live.size:
        wp, common_fp = _passage_candidates(kd, units, live.tolist(), cfg)
        # batches of pairs among few documents: each key is shipped to a worker and
        # indexed once per batch rather than once per pair (results do not depend on the order);
        # lexsort is stable, so this is the order of sorting the tasks by block
        order = np.lexsort((wp[1] // _BLOCK, wp[0] // _BLOCK))
        wp = tuple(x[order] for x in wp)
        total = int(order.size)
        step = max(1, cfg.batch_size)
        window = step * _WINDOW

        def submit(s: int) -> tuple[list, Iterable]:
            # the tasks of one window of batches, made when it is sent: never all pairs' tuples at once
            tasks = align_tasks(kd, units, tuple(x[s : s + window] for x in wp), cfg)
            batches = _batches(tasks, step)
            return batches, map_fn(align_task, [(b, cfg) for b in batches])

        matches: list[tuple] = []
        report("align", 0, total)
        done = 0
        # the per-match part of the planning runs here while the workers align the next batches
        ev = MatchCopies(texts, kd, cfg, common_fp=common_fp,
                         fingerprints=lambda d: (units[d].fp_hash, units[d].fp_pos))
        pending = submit(0) if total else None
        start = 0
        while pending is not None:
            batches, results = pending
            start += window
            pending = submit(start) if start < total else None  # queued before this window is consumed
            for part, batch in zip(results, batches):
                matches.extend((i, j, m, ev(i, j, m) or ()) for i, j, m in part)
                done += len(batch)
                report("align", done, total)
        dropped = [roots[i] != i for i in range(n)]
        members: dict[int, list[int]] = {}
        for i in range(n):
            if roots[i] != i:
                members.setdefault(roots[i], []).append(i)
        spans, phrases = plan_findings(ids, texts, kd, matches, rank, cfg, dropped, members=members, match_copies=ev)
    return DedupeResult(clusters, doc_matches, spans, phrases)


def _passage_candidates(kd: Sequence[KeyedDoc], units: Sequence[PassageUnits], live: list[int],
                        cfg: DedupeConfig) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """The document pairs to align among the ``live`` (kept) documents, as
    :func:`dedupe.minhash.window_pairs` rows (window pairs with the rare-fingerprint
    filter, plus the fingerprint pairs), and the common fingerprints.

    The window scan runs in a thread beside the fingerprint stages: both are
    mostly numpy sorts, which release the GIL, and the worker processes are
    idle during this step, so it uses a second core (same results)."""
    with ThreadPoolExecutor(1) as pool:
        windows = pool.submit(_live_window_pairs, units, live, cfg)
        # the live documents' fingerprints sorted once for the three stages that group them
        fps = [(units[i].fp_hash, units[i].fp_pos) for i in live]
        table = fingerprint_table(live, fps)
        fp_pairs = fingerprint_pairs([kd[i].key for i in live], live, cfg, fps, table)
        common_fp = common_fingerprints(fps, cfg, table)
        wp = windows.result()
    wp = with_fingerprint_pairs(with_rare_shared_fingerprint(wp, {i: units[i] for i in live}, cfg, table), fp_pairs, cfg)
    return wp, common_fp


def _live_window_pairs(units: Sequence[PassageUnits], live: list[int], cfg: DedupeConfig) -> tuple[np.ndarray, ...]:
    """:func:`dedupe.minhash.window_pairs` of the windows of the ``live`` documents."""
    win_doc = np.concatenate([np.full(units[i].start.size, i, dtype=np.int64) for i in live])
    win_idx = np.concatenate([np.arange(units[i].start.size, dtype=np.int64) for i in live])
    bkeys = np.concatenate([units[i].bands for i in live])
    return window_pairs(win_doc, win_idx, bkeys, cfg.boilerplate_docs)


def cut_range(text: str, span: Span) -> tuple[int, int]:
    """What removing ``span`` cuts from ``text``: its extent, and for a
    complete passage also the line breaks after it (:func:`dedupe.findings.removal_range`)."""
    return removal_range(text, span.start, span.end) if span.kind == "complete" else (span.start, span.end)


def with_fingerprint_pairs(pairs: tuple[np.ndarray, ...], fp: np.ndarray, cfg: DedupeConfig) -> tuple[np.ndarray, ...]:
    """The window pairs plus the fingerprint pairs (:func:`dedupe.passages.fingerprint_pairs`)
    that no window found, as pairs to align whole (``passage_min_bands`` hits);
    sorted by ``(doc_a, doc_b)``."""
    i, j, wa, wb, hits = pairs
    known = i * (1 << 32) + j
    new = np.setdiff1d(fp, known)
    if new.size == 0:
        return pairs
    z = np.zeros(new.size, dtype=np.int64)
    code = np.concatenate([known, new])
    order = np.argsort(code, kind="stable")
    return (code[order] >> 32, code[order] & 0xFFFFFFFF, np.concatenate([wa, z])[order], np.concatenate([wb, z])[order],
            np.concatenate([hits, z + cfg.passage_min_bands])[order])


def with_rare_shared_fingerprint(
    pairs: tuple[np.ndarray, ...], units: Mapping[int, PassageUnits], cfg: DedupeConfig,
    table: FingerprintTable | None = None,
) -> tuple[np.ndarray, ...]:
    """The :func:`dedupe.minhash.window_pairs` pairs without the one-band pairs
    (fewer than ``passage_min_bands`` hits) whose two colliding windows share no
    winnowed fingerprint (:func:`dedupe.passages.winnow`) held by at most
    ``one_band_docs`` documents (see :class:`DedupeConfig`); ``one_band_docs = 0``
    keeps all. ``units[d]`` holds document ``d``'s windows and fingerprints
    (``fp_hash`` computed) for every document of a pair; order kept. ``table``:
    :func:`dedupe.passages.fingerprint_table` of all of ``units`` (ascending), when already built."""
    i, j, wa, wb, hits = pairs
    weak = np.flatnonzero(hits < cfg.passage_min_bands)
    if cfg.one_band_docs == 0 or weak.size == 0:
        return pairs
    k = cfg.fingerprint_k
    docs = sorted(units)
    hs = [units[d].fp_hash for d in docs]
    if any(h is None for h in hs):
        msg = "with_rare_shared_fingerprint needs the documents' fingerprints (PassageUnits.fp_hash)"
        raise ValueError(msg)
    # all documents' fingerprints in (document, position) order, and how many documents hold each
    t = table if table is not None else fingerprint_table(docs, [(units[d].fp_hash, units[d].fp_pos) for d in docs])
    fh = t.hash
    g = t.doc * (1 << 32) + t.pos
    rare = t.held <= cfg.one_band_docs
    nwin = np.array([units[d].start.size for d in docs], dtype=np.int64)
    woff = np.zeros(max(docs) + 1, dtype=np.int64)
    woff[docs] = np.cumsum(nwin) - nwin
    wstart = np.concatenate([units[d].start for d in docs]).astype(np.int64)
    wend = np.concatenate([units[d].end for d in docs]).astype(np.int64)

    def rare_in(dd: np.ndarray, ww: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # (pair, fingerprint) for the rare fingerprints whose k-gram lies inside the window
        s, e = wstart[woff[dd] + ww], wend[woff[dd] + ww]
        lo = np.searchsorted(g, dd * (1 << 32) + s)
        hi = np.searchsorted(g, dd * (1 << 32) + np.maximum(s, e - k + 1))
        c = hi - lo
        pid = np.repeat(np.arange(dd.size), c)
        at = np.repeat(lo - (np.cumsum(c) - c), c) + np.arange(int(c.sum()))
        r = rare[at]
        return pid[r], fh[at][r]

    pa, ha = rare_in(i[weak], wa[weak])
    pb, hb = rare_in(j[weak], wb[weak])
    p, h = np.concatenate([pa, pb]), np.concatenate([ha, hb])
    side = np.concatenate([np.zeros(pa.size, dtype=np.int8), np.ones(pb.size, dtype=np.int8)])
    order = np.lexsort((side, h, p))
    p, h, side = p[order], h[order], side[order]
    # a (pair, fingerprint) on both sides: side 0 directly followed by side 1
    both = (p[1:] == p[:-1]) & (h[1:] == h[:-1]) & (side[1:] != side[:-1])
    ok = np.zeros(weak.size, dtype=bool)
    ok[p[1:][both]] = True
    keep = np.ones(hits.size, dtype=bool)
    keep[weak[~ok]] = False
    return tuple(x[keep] for x in pairs)


def cut_ranges(text: str, spans: Iterable[Span]) -> list[tuple[int, int]]:
    """The sorted ranges that removing the ``"removed"`` spans cuts (:func:`cut_range`);
    where the line breaks one cut takes were also taken by the next one, the next starts after them."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(cut_range(text, sp) for sp in spans if sp.action == "removed"):
        if out and s < out[-1][1] and not text[s : out[-1][1]].strip():
            s = out[-1][1]
        out.append((s, e))
    return out


def apply_removals(text: str, spans: Iterable[Span]) -> str:
    """``text`` with its ``"removed"`` spans cut out (other spans are ignored);
    a complete passage takes the line breaks after it (:func:`removal_range`).

    Raises:
        ValueError: when removed spans overlap or fall outside the text.
    """
    cuts = cut_ranges(text, spans)
    out = []
    pos = 0
    for start, end in cuts:
        if start < pos or end < start or end > len(text):
            msg = f"removed span [{start}, {end}) overlaps another or lies outside the text"
            raise ValueError(msg)
        out.append(text[pos:start])
        pos = end
    out.append(text[pos:])
    return "".join(out)
