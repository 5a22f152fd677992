"""Per-partition stage functions of the Dask engine: pandas in, pandas out, no Dask inside.

Each function runs on a worker over one partition and only wraps the
top-level stage functions of :mod:`dedupe` (``doc_task``, ``band_keys``,
``verify_pair``, the scan of ``window_pairs``, ``align_tasks``, ``align_task``,
``plan_spans``), so
signatures are bit-identical and verification identical to the local engine.
What Dask adds is only *where* rows are: the shuffles between these functions.

Documents are numbered by their input position ``idx``. Arrays ride in
dataframes as ``bytes`` (int64 / uint32 / uint64 little-endian) so that every
frame can cross Dask's P2P (Arrow) shuffle.
"""

from __future__ import annotations

from itertools import combinations
from typing import NamedTuple

import numpy as np
import pandas as pd

from seedsift.dedupe import DedupeConfig, Span
from seedsift.dedupe.core import _BLOCK as ALIGN_BLOCK
from seedsift.dedupe.core import align_task, align_tasks, doc_task, with_fingerprint_pairs, with_rare_shared_fingerprint
from seedsift.dedupe.findings import MatchCopies, plan_findings
from seedsift.dedupe.keys import KeyedDoc, keyed, keyed_many
from seedsift.dedupe.minhash import EMPTY, band_collisions, band_keys
from seedsift.dedupe.passages import Match, PassageUnits, common_fingerprints, fingerprint_pairs, fingerprint_table
from seedsift.dedupe.verify import LineCounter, line_contexts, line_hashes, verify_pair

#: Bits of the document position inside a rank code (2**36 = 68 billion documents).
IDX_BITS = 36
IDX_MASK = (1 << IDX_BITS) - 1
#: Texts up to this many characters can be ranked by length (the corpus reader refuses documents over MAX_DOC_BYTES).
LEN_CAP = 1 << 27


def frame(**dtypes: str) -> pd.DataFrame:
    """An empty frame with these column dtypes: the ``meta`` Dask needs for every map_partitions."""
    return pd.DataFrame({k: pd.Series([], dtype=v) for k, v in dtypes.items()})


#: The per-document state a worker keeps. No offset map (4 bytes per character): only the span
#: planning needs it, and it recomputes it from the texts it plans (``keyed_many``). ``fph``/``fpp``:
#: the winnowed fingerprints ``doc_task`` computed (uint64 hashes, int32 positions).
STATE_META = frame(idx="int64", id="object", text="object", key="object",
                   line_starts="object", code="int64", sig="object", windows="object", wbands="object",
                   fph="object", fpp="object")
BAND_META = frame(band="int64", bkey="int64", doc="int64")
PAIR_META = frame(i="int64", j="int64")
EDGE_META = frame(i="int64", j="int64", u="int64", v="int64", score="float64")
#: A window band row packed into 16 bytes: the band key and ``loc = doc << 32 | window << 8 | band``.
WIN_META = frame(key="int64", loc="int64")
WIN_BITS, BAND_BITS = 24, 8
#: 40 bytes a match, all of which come to the client: character offsets fit int32 (a document
#: is far below 2**31 characters).
MATCH_META = frame(i="int64", j="int64", a_start="int32", a_end="int32", b_start="int32", b_end="int32",
                   similarity="float64")
MEMBER_META = frame(i="int64", k="int64", score="float64")
SPAN_META = frame(tgt="int64", src="int64", order="int64", doc_id="object", start="int64", end="int64", src_doc_id="object",
                  src_start="int64", src_end="int64", similarity="float64", action="object", kind="object",
                  key_chars="int64", paragraphs="int64", script="object", reason="object", passage="int64")


def rank_code(idx: int, length: int, keep: str) -> int:
    """One int64 that orders documents like ``dedupe.core.keep_rank``: smaller stays.

    Connected components label a component with its smallest node, so running
    them on rank codes makes the label the kept document directly, as the
    local union-find (which keeps the smallest rank) does.
    """
    if keep == "longest":
        if length >= LEN_CAP:
            raise ValueError(f"document {idx} has {length:,} characters; keep=longest ranks at most {LEN_CAP - 1:,}")
        return ((LEN_CAP - 1 - length) << IDX_BITS) | idx
    return idx


def code_to_idx(code: np.ndarray) -> np.ndarray:
    """Document positions back from rank codes."""
    return np.asarray(code, dtype=np.int64) & IDX_MASK


def _arr(b: bytes, dtype) -> np.ndarray:
    return np.frombuffer(b, dtype=dtype)


def keyed_doc(key: str, line_starts: bytes) -> KeyedDoc:
    """Rebuild a KeyedDoc (without offsets: verification needs none) from its dataframe columns."""
    return KeyedDoc(key, np.zeros(0, dtype=np.int32), _arr(line_starts, np.int32))


# ---------------------------------------------------------------- stages 1-2

def doc_state(part: pd.DataFrame, cfg: DedupeConfig) -> pd.DataFrame:
    """Stages 1-2 for one partition of ``(idx, id, text)``: keys, signature, window units, rank code.

    Calls ``dedupe.core.doc_task`` on the partition's texts, ``batch_size`` at a
    time as the local engine does (signatures depend only on each document, so
    batching cannot change them; a whole partition at once was 16 % more CPU,
    its joined arrays outgrow the caches). The frame stays on the worker
    (persisted) and feeds every later stage.
    """
    texts = part.text.tolist()
    if not texts:
        return STATE_META.copy()
    step = max(1, cfg.batch_size)
    batches = [doc_task((texts[s : s + step], cfg)) for s in range(0, len(texts), step)]
    kd = [d for b in batches for d in b[0]]
    sigs = np.concatenate([b[1] for b in batches])
    units = [u for b in batches for u in b[2]]
    idx = part.idx.to_numpy(dtype=np.int64)
    out = pd.DataFrame({
        "idx": idx,
        "id": pd.Series(part.id.tolist(), dtype="object"),
        "text": pd.Series(texts, dtype="object"),
        "key": pd.Series([d.key for d in kd], dtype="object"),
        "line_starts": pd.Series([d.line_starts.astype(np.int32).tobytes() for d in kd], dtype="object"),
        "code": np.array([rank_code(int(i), len(t), cfg.keep) for i, t in zip(idx, texts)], dtype=np.int64),
        "sig": pd.Series([s.tobytes() for s in sigs], dtype="object"),
        "windows": pd.Series([np.stack([u.start, u.end]).astype(np.int64).tobytes() if units else b""
                              for u in (units or [None] * len(texts))], dtype="object"),
        "wbands": pd.Series([u.bands.astype(np.uint64).tobytes() if units else b""
                             for u in (units or [None] * len(texts))], dtype="object"),
        "fph": pd.Series([u.fp_hash.astype(np.uint64).tobytes() if units else b""
                          for u in (units or [None] * len(texts))], dtype="object"),
        "fpp": pd.Series([u.fp_pos.astype(np.int32).tobytes() if units else b""
                          for u in (units or [None] * len(texts))], dtype="object"),
    })
    out.index = part.index  # keep the partitions' divisions: results are routed back by input position
    return out


def signature_matrix(state: pd.DataFrame, num_perm: int) -> np.ndarray:
    """The uint32 ``(n, num_perm)`` signatures of a state partition (tests compare them with the local engine)."""
    if state.empty:
        return np.zeros((0, num_perm), dtype=np.uint32)
    return np.stack([_arr(b, np.uint32) for b in state.sig])


def attach(rows: pd.DataFrame, state: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """Add columns of the documents ``rows`` point at; both frames cover the same input positions.

    ``rows`` was range-partitioned onto ``state``'s partition by its index (a
    document position), so the lookup is local: only the rows travelled.
    """
    out = rows.reset_index(drop=True)
    if out.empty:
        for src, dst in columns.items():
            out[dst] = pd.Series([], dtype=STATE_META[src].dtype)
        return out
    got = state.loc[rows.index.to_numpy(), list(columns)]
    for src, dst in columns.items():
        out[dst] = got[src].to_numpy()
    return out


# ---------------------------------------------------------------- stage 3

def doc_band_rows(state: pd.DataFrame, cfg: DedupeConfig) -> pd.DataFrame:
    """``(band, bkey, doc)`` per band of every document with shingles (all-EMPTY signatures stay out of LSH)."""
    bands, rows = cfg.doc_bands
    sigs = signature_matrix(state, cfg.num_perm)
    live = ~np.all(sigs == EMPTY, axis=1) if len(sigs) else np.zeros(0, dtype=bool)
    if not live.any():
        return BAND_META.copy()
    bk = band_keys(sigs[live], bands, rows)
    docs = state.idx.to_numpy()[live]
    return pd.DataFrame({
        "band": np.tile(np.arange(bands, dtype=np.int64), len(docs)),
        "bkey": bk.reshape(-1).view(np.int64),
        "doc": np.repeat(docs, bands),
    })


def bucket_pairs(part: pd.DataFrame) -> pd.DataFrame:
    """All pairs ``(i, j)``, ``i < j``, of documents sharing a bucket ``(band, bkey)``.

    The partition holds whole buckets (it was shuffled on them). This is what
    ``minhash.CandidateIndex.pairs`` derives from each LSH bucket. Vectorised
    down to the buckets with several documents: nearly all buckets hold one.
    """
    if part.empty:
        return PAIR_META.copy()
    band = part.band.to_numpy(np.int64)
    key = part.bkey.to_numpy(np.int64)
    doc = part.doc.to_numpy(np.int64)
    order = np.lexsort((doc, key, band))
    band, key, doc = band[order], key[order], doc[order]
    same = (band[1:] == band[:-1]) & (key[1:] == key[:-1])
    if not same.any():
        return PAIR_META.copy()
    starts = np.flatnonzero(np.concatenate([[True], ~same]))
    ends = np.append(starts[1:], doc.size)
    multi = np.flatnonzero(ends - starts > 1)
    out_i: list[int] = []
    out_j: list[int] = []
    for s, e in zip(starts[multi].tolist(), ends[multi].tolist()):
        for a, b in combinations(sorted(set(doc[s:e].tolist())), 2):
            out_i.append(a)
            out_j.append(b)
    return pd.DataFrame({"i": np.array(out_i, dtype=np.int64), "j": np.array(out_j, dtype=np.int64)})


def common_lines_of(texts: list[str], cfg: DedupeConfig, batch: int = 2000) -> frozenset:
    """``dedupe.verify.common_lines`` of the keys of ``texts`` (the same keys as the state's:
    ``keyed_many`` is independent of the batching), for a client that holds every text;
    keyed ``batch`` texts at a time, so no offset map of the whole corpus is held."""
    counter = LineCounter()
    for s in range(0, len(texts), batch):
        counter.add(keyed_many(texts[s : s + batch]))
    return counter.common(cfg.boilerplate_line_chars, cfg.common_line_docs)


def line_hash_rows(part: pd.DataFrame, cfg: DedupeConfig) -> pd.DataFrame:
    """One row ``h`` per distinct line of each document (``dedupe.verify.line_hashes``, any length):
    their counts give the lines shared by many documents (``dedupe.verify.common_lines``)."""
    hs = [h for k, ls in zip(part.key, part.line_starts)
          for h in line_hashes(keyed_doc(k, ls), 1)]
    return pd.DataFrame({"h": np.array(hs, dtype=np.uint64)})


def line_context_rows(part: pd.DataFrame, cfg: DedupeConfig, many: frozenset) -> pd.DataFrame:
    """One row ``(h, ctx)`` per distinct context of each line in ``many`` (``dedupe.verify.line_contexts``):
    the number of distinct rows per ``h`` gives ``dedupe.verify.common_lines``."""
    rows = [hc for k, ls in zip(part.key, part.line_starts)
            for hc in line_contexts(keyed_doc(k, ls), cfg.boilerplate_line_chars, many)]
    return pd.DataFrame({"h": np.array([h for h, _ in rows], dtype=np.uint64),
                         "ctx": np.array([c for _, c in rows], dtype=np.uint64)})


def verify_edges(part: pd.DataFrame, cfg: DedupeConfig, common: frozenset = frozenset()) -> pd.DataFrame:
    """Verify candidate pairs joined with both documents' keys; keep those scoring >= doc_similarity.

    Same call as the local engine: ``verify_pair(a, b, boilerplate_line_chars, doc_similarity, common,
    doc_length_ratio)``.
    ``u``/``v`` are the rank codes (the graph the components run on).
    """
    if part.empty:
        return EDGE_META.copy()
    scores = [
        verify_pair(keyed_doc(ka, la), keyed_doc(kb, lb), cfg.boilerplate_line_chars, cfg.doc_similarity,
                    common, cfg.doc_length_ratio)
        for ka, la, kb, lb in zip(part.key_i, part.ls_i, part.key_j, part.ls_j)
    ]
    out = pd.DataFrame({"i": part.i.to_numpy(np.int64), "j": part.j.to_numpy(np.int64),
                        "u": part.code_i.to_numpy(np.int64), "v": part.code_j.to_numpy(np.int64),
                        "score": np.array(scores, dtype=np.float64)})
    return out[out.score >= cfg.doc_similarity]


def member_scores(part: pd.DataFrame, cfg: DedupeConfig, common: frozenset = frozenset()) -> pd.DataFrame:
    """Similarity of each dropped document to its kept one, as ``find_duplicates`` reports it.

    The verified edge score when the two were a candidate pair, else (joined
    through another member) ``verify_pair`` without cutoff; rounded to 4 places.
    """
    if part.empty:
        return MEMBER_META.copy()
    scores = []
    for s, ka, la, kb, lb in zip(part.score, part.key_i, part.ls_i, part.key_k, part.ls_k):
        if pd.isna(s):
            s = verify_pair(keyed_doc(ka, la), keyed_doc(kb, lb), cfg.boilerplate_line_chars, 0.0, common)
        scores.append(round(float(s), 4))
    return pd.DataFrame({"i": part.i.to_numpy(np.int64), "k": part.k.to_numpy(np.int64),
                         "score": np.array(scores, dtype=np.float64)})


# ---------------------------------------------------------------- stage 4

def window_rows(state: pd.DataFrame, dropped: pd.DataFrame, cfg: DedupeConfig) -> pd.DataFrame:
    """``(key, loc)`` for every window band key of every kept document of a partition (:func:`pack_windows`).

    ``dropped`` holds the partition's dropped documents (routed here by input
    position), so their windows never enter the shuffle (their passages are
    carried over from their kept document when the passages are planned).
    """
    nb = cfg.passage_bands
    docs, keys = [], []
    gone = set(dropped.i.tolist())
    for idx, wb in zip(state.idx.tolist(), state.wbands.tolist()):
        if idx in gone:
            continue
        bk = _arr(wb, np.uint64).reshape(-1, nb)
        if bk.shape[0]:
            docs.append(np.full(bk.shape[0], idx, dtype=np.int64))
            keys.append(bk)
    if not docs:
        return WIN_META.copy()
    return pack_windows(np.concatenate(docs), np.concatenate([np.arange(d.size) for d in docs]), np.concatenate(keys))


def pack_windows(win_doc: np.ndarray, win_idx: np.ndarray, keys: np.ndarray) -> pd.DataFrame:
    """Window band rows as 16 bytes each: ``key`` (the uint64 band key, as int64) and
    ``loc = doc << 32 | window << 8 | band``; one row per window and band, window-major
    (``keys`` is ``(windows, bands)`` as in ``dedupe.minhash.window_pairs``).

    Half the 32 bytes of four int64 columns, in the largest shuffle of the
    engine (12 rows per window). A band key is a hash of the band's values,
    so the shuffle goes on ``key`` alone: rows of one bucket (band, key)
    still meet in one partition.
    """
    n, nb = keys.shape
    win_doc, win_idx = np.asarray(win_doc, dtype=np.int64), np.asarray(win_idx, dtype=np.int64)
    if n and (int(win_doc.max()) >= 1 << 31 or int(win_idx.max()) >= 1 << WIN_BITS or nb > 1 << BAND_BITS):
        raise ValueError(f"window rows hold at most 2**31 documents, 2**{WIN_BITS} windows per document "
                         f"and 2**{BAND_BITS} bands")
    loc = (win_doc[:, None] << 32) | (win_idx[:, None] << BAND_BITS) | np.arange(nb, dtype=np.int64)[None, :]
    return pd.DataFrame({"key": np.ascontiguousarray(keys, dtype=np.uint64).reshape(-1).view(np.int64),
                         "loc": loc.reshape(-1)})


def unpack_windows(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(band, key, doc, window)`` arrays of packed window rows (:func:`pack_windows`)."""
    loc = rows["loc"].to_numpy(np.int64)
    return (loc & ((1 << BAND_BITS) - 1), rows.key.to_numpy(np.int64), loc >> 32,
            (loc >> BAND_BITS) & ((1 << WIN_BITS) - 1))


#: One candidate window collision: the document pair (packed ``a << 32 | b``), the band, and where it
#: sits in the scan of ``minhash.window_pairs`` over that band (list, bucket key, right window), so the
#: same representative window pair can be chosen after the shuffle.
COLLISION_META = frame(code="int64", band="int64", lst="int64", ukey="int64", rdoc="int64", rwin="int64",
                       wa="int64", wb="int64")
WPAIR_META = frame(i="int64", j="int64", wa="int64", wb="int64", hits="int64")
_SIGN = np.int64(-(1 << 63))
_SCAN_ORDER = ["code", "band", "lst", "ukey", "rdoc", "rwin"]


def window_collisions(part: pd.DataFrame, cfg: DedupeConfig | None = None) -> pd.DataFrame:
    """The per-band scan of ``minhash.window_pairs`` over the whole buckets of one partition.

    For each band, ``minhash.band_collisions`` (the local engine's own scan)
    pairs each window with its predecessor (list 0) and with its bucket's
    first window (list 1); buckets are whole in a partition after the shuffle.
    Every candidate keeps its position in that scan (list, unsigned bucket
    key, right window), so the global first occurrence -- the local
    function's representative -- can be chosen after the shuffle on the pair.
    Per (pair, band) only the earliest candidate is kept here. With ``cfg``, a
    bucket held by more than ``cfg.boilerplate_docs`` documents pairs none of
    them, as in the local scan (recurring text is never aligned pairwise).
    """
    outs = []
    bands, bkeys, docs, wins = unpack_windows(part)
    order = np.argsort(bands, kind="stable")
    cuts = np.flatnonzero(np.diff(bands[order])) + 1
    for at in np.split(order, cuts) if order.size else []:
        band = int(bands[at[0]])
        col = bkeys[at].view(np.uint64)
        doc = docs[at]
        win = wins[at]
        c, d, w, lists = band_collisions(col, doc, win, *(() if cfg is None else (cfg.boilerplate_docs,)))
        for lst, (left, right) in enumerate(lists):
            di, dj, wi, wj = d[left], d[right], w[left], w[right]
            swap = di > dj
            outs.append(pd.DataFrame({
                "code": np.where(swap, dj, di) * (1 << 32) + np.where(swap, di, dj),
                "band": np.full(di.size, band, dtype=np.int64),
                "lst": np.full(di.size, lst, dtype=np.int64),
                "ukey": c[right].view(np.int64) ^ _SIGN,  # signed order of this == unsigned order of the key
                "rdoc": d[right], "rwin": w[right],
                "wa": np.where(swap, wj, wi), "wb": np.where(swap, wi, wj),
            }))
    if not outs:
        return COLLISION_META.copy()
    return _earliest(pd.concat(outs, ignore_index=True))


def _earliest(rows: pd.DataFrame) -> pd.DataFrame:
    """Per (pair, band), the candidate that comes first in the local scan order."""
    rows = rows.sort_values(_SCAN_ORDER, kind="stable")
    return rows.drop_duplicates(["code", "band"], keep="first")


def window_pairs_part(part: pd.DataFrame) -> pd.DataFrame:
    """``minhash.window_pairs`` rows for the pairs of one partition (shuffled on the pair):
    ``(i, j, wa, wb, hits)``, the representative window pair taken from the
    first colliding band, ``hits`` the number of colliding bands."""
    if part.empty:
        return WPAIR_META.copy()
    per_band = _earliest(part)
    hits = per_band.groupby("code").band.size()
    rep = per_band.drop_duplicates("code", keep="first")
    code = rep.code.to_numpy(np.int64)
    return pd.DataFrame({"i": code >> 32, "j": code & 0xFFFFFFFF, "wa": rep.wa.to_numpy(np.int64),
                         "wb": rep.wb.to_numpy(np.int64), "hits": hits.loc[code].to_numpy(np.int64)})


def attach_windows(rows: pd.DataFrame, state: pd.DataFrame, side: str, divisions: tuple | None = None) -> pd.DataFrame:
    """Add ``key_<side>``, ``code_<side>`` and the range ``ws_<side>, we_<side>`` of the one window of
    that document the pair collided in (``wa`` for side ``i``, ``wb`` for side ``j``; 0, 0 when
    it has none) to pairs routed onto the partition that holds the ``side`` documents.

    Alignment (``dedupe.core.align_tasks``) looks at no other window of a
    pair, so the pair carries two numbers instead of its document's whole
    window list. With ``divisions`` (side ``j``, before the pairs go on to
    their ``i`` partitions of those divisions) a key rides only on the first
    pair of each (destination partition, document): every key travels once to
    each partition that needs it, not once per pair; the other rows carry None.
    """
    out = rows.reset_index(drop=True)
    cols = {f"key_{side}": "object", f"code_{side}": "int64", f"ws_{side}": "int64", f"we_{side}": "int64"}
    if out.empty:
        for c, t in cols.items():
            out[c] = pd.Series([], dtype=t)
        return out
    got = state.loc[rows.index.to_numpy(), ["key", "code", "windows"]]
    w = out["wa" if side == "i" else "wb"].to_numpy(np.int64)
    ws, we = np.zeros(len(out), dtype=np.int64), np.zeros(len(out), dtype=np.int64)
    for n, (wins, at) in enumerate(zip(got.windows.tolist(), w.tolist())):
        se = _arr(wins, np.int64).reshape(2, -1)
        if at < se.shape[1]:
            ws[n], we[n] = se[0, at], se[1, at]
    keys = got.key.to_numpy().copy()
    if divisions is not None:
        from dask.dataframe.shuffle import set_partitions_pre

        dest = np.asarray(set_partitions_pre(out.i, pd.Index(divisions)), dtype=np.int64)
        keys[pd.DataFrame({"d": dest, "g": out[side].to_numpy()}).duplicated().to_numpy()] = None
    out[f"key_{side}"] = keys
    out[f"code_{side}"] = got.code.to_numpy(np.int64)
    out[f"ws_{side}"], out[f"we_{side}"] = ws, we
    return out


def align_rows(part: pd.DataFrame, cfg: DedupeConfig) -> pd.DataFrame:
    """Align candidate document pairs joined with both keys and their colliding windows
    (:func:`attach_windows`): ``dedupe.core.align_tasks`` (whole documents, or the
    neighbourhood of the colliding windows), then ``align_task``.

    Each document gets the windows its pairs here refer to, renumbered, so
    ``align_tasks`` sees the same window ranges as with the whole list.
    """
    if part.empty:
        return MATCH_META.copy()
    part = part.sort_values(["i", "j"])
    # pairs in blocks of few documents on both sides, as the local engine orders them: a batch
    # indexes each key it holds once, so (i, j) order alone -- every j anywhere -- made each
    # batch index many more keys (measured: twice the local engine's alignment CPU)
    part = part.iloc[np.lexsort((part.j.to_numpy() // ALIGN_BLOCK, part.i.to_numpy() // ALIGN_BLOCK))]
    docs: dict[int, tuple] = {}
    wins: dict[int, dict[int, tuple[int, int]]] = {}
    for side, w in (("i", "wa"), ("j", "wb")):
        for g, key, code, at, s0, e0 in zip(part[side].tolist(), part[f"key_{side}"], part[f"code_{side}"].tolist(),
                                            part[w].tolist(), part[f"ws_{side}"].tolist(), part[f"we_{side}"].tolist()):
            key = key if isinstance(key, str) else None  # a key left behind arrives as None or NaN
            if key is not None or int(g) not in docs:
                docs[int(g)] = (key, int(code))
            wins.setdefault(int(g), {})[int(at)] = (int(s0), int(e0))
    if any(k is None for k, _ in docs.values()):
        raise RuntimeError("a document's key did not reach the partition of its pairs")
    order = sorted(docs)
    local = {g: n for n, g in enumerate(order)}
    kd = [KeyedDoc(docs[g][0], np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)) for g in order]
    units, renum = [], {}
    for g in order:
        at = sorted(wins[g])
        renum[g] = {a: n for n, a in enumerate(at)}
        units.append(PassageUnits(np.array([wins[g][a][0] for a in at], dtype=np.int64),
                                  np.array([wins[g][a][1] for a in at], dtype=np.int64),
                                  np.zeros((len(at), 0), dtype=np.uint64)))
    gi, gj = part.i.astype(np.int64).tolist(), part.j.astype(np.int64).tolist()
    pairs = tuple(np.asarray(x, dtype=np.int64) for x in (
        [local[i] for i in gi], [local[j] for j in gj],
        [renum[i][int(a)] for i, a in zip(gi, part.wa.tolist())],
        [renum[j][int(b)] for j, b in zip(gj, part.wb.tolist())], part.hits))
    tasks = [(order[t[0]], order[t[1]], *t[2:]) for t in align_tasks(kd, units, pairs, cfg)]
    # in batches of batch_size pairs, as the local engine hands them out: one call over a whole
    # partition's pairs is ~2.7x slower (the joined seed arrays of align_many outgrow the caches)
    step = max(1, cfg.batch_size)
    found = [m for s in range(0, len(tasks), step) for m in align_task((tasks[s:s + step], cfg))]
    if not found:
        return MATCH_META.copy()
    return pd.DataFrame({
        "i": np.array([i for i, _, _ in found], dtype=np.int64),
        "j": np.array([j for _, j, _ in found], dtype=np.int64),
        **{f: np.array([getattr(m, f) for _, _, m in found], dtype=np.int32)
           for f in ("a_start", "a_end", "b_start", "b_end")},
        "similarity": np.array([m.similarity for _, _, m in found], dtype=np.float64),
    })


def fingerprint_rows(state: pd.DataFrame, dropped: pd.DataFrame) -> pd.DataFrame:
    """``(idx, windows, fph, fpp)`` of the kept documents of a partition that have windows: what
    :func:`add_fingerprint_pairs` needs of them (their keys stay on the worker)."""
    gone = set(dropped.i.tolist())
    keep = np.array([i not in gone and len(w) > 0 for i, w in zip(state.idx.tolist(), state.windows.tolist())],
                    dtype=bool)
    return state.loc[keep, ["idx", "windows", "fph", "fpp"]].reset_index(drop=True)


def kept_fingerprints(kept: pd.DataFrame) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Position -> the winnowed ``(hashes, positions)`` of each row of :func:`fingerprint_rows`, in row order."""
    return {int(d): (_arr(h, np.uint64), _arr(p, np.int32))
            for d, h, p in zip(kept.idx.tolist(), kept.fph.tolist(), kept.fpp.tolist())}


class KeptWindows(NamedTuple):
    """What the passage candidates need of the kept documents with windows, decoded once
    from :func:`fingerprint_rows` (:func:`kept_windows`): it does not depend on the window
    pairs, so the client builds it while the workers still shuffle the window bands."""

    fingerprints: dict[int, tuple[np.ndarray, np.ndarray]]  # position -> winnowed (hashes, positions)
    units: dict[int, PassageUnits]  # position -> windows and fingerprints (no band keys)
    table: tuple  # dedupe.passages.fingerprint_table of all of them
    pairs: tuple[np.ndarray, ...]  # dedupe.passages.fingerprint_pairs
    common: np.ndarray  # dedupe.passages.common_fingerprints


def kept_windows(kept: pd.DataFrame, cfg: DedupeConfig) -> KeptWindows:
    """:class:`KeptWindows` of the rows of :func:`fingerprint_rows`: their windows and the
    fingerprints ``doc_task`` winnowed, grouped (``fingerprint_table``) for the fingerprint pairs,
    the common fingerprints and the one-band filter (:func:`add_fingerprint_pairs`)."""
    kept = kept.sort_values("idx")
    idx = kept.idx.astype(np.int64).tolist()
    fingerprints = kept_fingerprints(kept)
    fps = list(fingerprints.values())
    units = {}
    for g, wins, (fh, fpos) in zip(idx, kept.windows.tolist(), fps):
        se = _arr(wins, np.int64).reshape(2, -1)
        units[g] = PassageUnits(se[0], se[1], np.zeros((se.shape[1], 0), dtype=np.uint64), fh, fpos)
    table = fingerprint_table(idx, fps)  # kept is sorted by idx
    return KeptWindows(fingerprints, units, table, fingerprint_pairs([""] * len(idx), idx, cfg, fps, table),
                       common_fingerprints(fps, cfg, table))


def add_fingerprint_pairs(pairs: pd.DataFrame, kept: KeptWindows, cfg: DedupeConfig) -> pd.DataFrame:
    """The window pairs, less the one-band pairs ``dedupe.core.with_rare_shared_fingerprint``
    drops, plus the fingerprint pairs of the kept documents (:func:`kept_windows`),
    merged as ``dedupe.core.with_fingerprint_pairs``."""
    pairs = pairs.sort_values(["i", "j"], kind="stable")
    cols = tuple(pairs[c].to_numpy(np.int64) for c in ("i", "j", "wa", "wb", "hits"))
    i, j, wa, wb, hits = with_fingerprint_pairs(with_rare_shared_fingerprint(cols, kept.units, cfg, kept.table),
                                                kept.pairs, cfg)
    return pd.DataFrame({"i": i, "j": j, "wa": wa, "wb": wb, "hits": hits})


def plan_all(matches: pd.DataFrame, cfg: DedupeConfig, roots: dict, texts: pd.DataFrame,
             common_fp: np.ndarray | None = None) -> tuple[pd.DataFrame, list]:
    """Plan the passages of all matches (one frame: a passage groups copies across
    documents) with ``dedupe.findings.plan_findings`` on the sub-corpus of the
    matched documents and the dropped members of their clusters (``texts``:
    ``idx, id, text, code`` rows, each document once), in global input order,
    exactly as the local engine. The offset maps are computed here
    (``keyed_many``), from the texts: they never travel."""
    if matches.empty:
        return SPAN_META.copy(), []
    docs = {int(idx): (did, text, int(code)) for idx, did, text, code in
            zip(texts.idx.tolist(), texts.id.tolist(), texts.text.tolist(), texts.code.tolist())}
    order = sorted(docs)
    local = {g: n for n, g in enumerate(order)}
    ids = [docs[g][0] for g in order]
    text_list = [docs[g][1] for g in order]
    kds = keyed_many(text_list)
    rank = [(docs[g][2],) for g in order]
    dropped = [g in roots for g in order]
    members: dict[int, list[int]] = {}
    for g in order:
        if g in roots and roots[g] in local:
            members.setdefault(local[roots[g]], []).append(local[g])
    found = [(local[int(i)], local[int(j)], Match(int(a0), int(a1), int(b0), int(b1), float(s)))
             for i, j, a0, a1, b0, b1, s in zip(matches.i, matches.j, matches.a_start, matches.a_end, matches.b_start,
                                                matches.b_end, matches.similarity)]
    spans, phrases = plan_findings(ids, text_list, kds, found, rank, cfg, dropped, members=members, common_fp=common_fp)
    return span_frame(spans, {docs[g][0]: g for g in order}), phrases


class LazyKeyed:
    """``keyed(texts[d])`` computed the first time document ``d`` is asked for: the planning
    reads the keys of the matched documents only, so the client computes no others."""

    def __init__(self, texts: list[str]) -> None:
        self.texts = texts
        self.done: dict[int, KeyedDoc] = {}

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, d: int) -> KeyedDoc:
        if d not in self.done:
            self.done[d] = keyed(self.texts[d])
        return self.done[d]


def plan_streamed(batches, ids: list[str], texts: list[str], cfg: DedupeConfig, roots: dict,
                  common_fp: np.ndarray | None, fingerprints: dict) -> tuple[pd.DataFrame, list]:
    """:func:`plan_all` for a client that holds every text: the matches arrive in ``batches``
    (frames of :data:`MATCH_META`, e.g. each alignment partition as it finishes) and the
    per-match part of the planning (``MatchCopies``) runs on each batch while the workers
    still align the others, as the local engine does between its batches. Documents keep
    their input positions (the local engine's numbering); ``fingerprints``: position ->
    the winnowed ``(hashes, positions)`` of kept documents (:attr:`KeptWindows.fingerprints`)."""
    n = len(texts)
    kds = LazyKeyed(texts)
    ev = MatchCopies(texts, kds, cfg, common_fp=common_fp, fingerprints=lambda d: fingerprints.get(d, (None, None)))
    found = []
    for part in batches:
        for i, j, a0, a1, b0, b1, sim in zip(*(part[c].tolist() for c in ("i", "j", "a_start", "a_end", "b_start",
                                                                              "b_end", "similarity"))):
            m = Match(a0, a1, b0, b1, sim)
            found.append((i, j, m, ev(i, j, m) or ()))
    if not found:
        return SPAN_META.copy(), []
    rank = [(rank_code(d, len(texts[d]), cfg.keep),) for d in range(n)]
    members: dict[int, list[int]] = {}
    for d in sorted(roots):
        members.setdefault(roots[d], []).append(d)
    dropped = [d in roots for d in range(n)]
    spans, phrases = plan_findings(ids, texts, kds, found, rank, cfg, dropped, members=members, match_copies=ev)
    return span_frame(spans, {d: g for g, d in enumerate(ids)}), phrases


def span_frame(spans: list[Span], idx_of: dict[str, int]) -> pd.DataFrame:
    """Planned spans as a :data:`SPAN_META` frame; ``idx_of``: document id -> input position."""
    out = {f: [getattr(s, f) for s in spans] for f in Span._fields}
    frame_ = pd.DataFrame({
        "tgt": np.array([idx_of[d] for d in out["doc_id"]], dtype=np.int64),
        "src": np.array([idx_of[d] for d in out["src_doc_id"]], dtype=np.int64),
        "order": np.arange(len(spans), dtype=np.int64),
        **{f: pd.Series(v, dtype=SPAN_META[f].dtype) for f, v in out.items()},
    })
    return frame_[list(SPAN_META.columns)]


def span_records(frame_: pd.DataFrame) -> list[Span]:
    """Span records from planned rows (plain Python ints/floats, as the local engine returns)."""
    return [Span(d, int(s), int(e), sd, int(ss), int(se), float(sim), a, k, int(kc), int(pg), sc, r, int(ps))
            for d, s, e, sd, ss, se, sim, a, k, kc, pg, sc, r, ps in zip(
                frame_.doc_id, frame_.start, frame_.end, frame_.src_doc_id, frame_.src_start, frame_.src_end,
                frame_.similarity, frame_.action, frame_.kind, frame_.key_chars, frame_.paragraphs, frame_.script,
                frame_.reason, frame_.passage)]
