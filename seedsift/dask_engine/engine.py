"""The Dask engine: ``dedupe.find_duplicates`` with every stage spread over a cluster.

What runs where (see the README section "Scaling out" for the picture and the 1 TB estimate):

1. documents are split into partitions of consecutive input positions; each
   worker computes keys, MinHash signatures and passage windows of its
   partitions (``stages.doc_state``) and keeps them in memory;
2. band rows ``(band, bkey, doc)`` are **shuffled on the bucket**; each
   partition turns whole buckets into candidate pairs, de-duplicated by a
   second shuffle;
3. each pair is **routed to the documents** (range-partitioned on the
   document position, :func:`join_docs`): to ``j``'s partition to pick up its
   key, then to ``i``'s, where it is verified -- texts never move; verified
   edges go through distributed connected components
   (``graph.connected_components``, large-star / small-star) on rank codes,
   so each component's label is its kept document;
4. window band rows of kept documents (16 bytes each) are shuffled on the
   bucket, candidate document pairs routed like in 3 -- carrying the range of
   their one colliding window, and each key only once per partition it goes
   to -- and aligned; the client plans the spans from the matches and the
   texts of the matched documents -- its own input when it holds it (``run``),
   else gathered once each (no offset map moves: the planning recomputes them
   from the texts).

Every task that reads the state runs on the worker holding that partition
(:func:`beside_state`), so only routed rows travel, never a state partition.

Only the results the caller asked for -- cluster membership of dropped
documents, their scores, and the spans -- come back to the client.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import NamedTuple, TypeVar

import pandas as pd

from . import stages
from .cluster import Progress, dask_client, no_progress, persist_with_progress
from .graph import connected_components

T = TypeVar("T")

#: Documents per partition. 2,000 articles of ~2,000 characters are ~12 MB of
#: UTF-8 text and a few times that of worker state (keys, line starts,
#: signatures, windows, fingerprints), a few seconds of work per task.
DOCS_PER_PARTITION = 2000


def _npartitions(n_docs: int, n_workers: int, per_partition: int) -> int:
    """At least one partition per worker (all cores busy), at most ``per_partition`` documents each."""
    return max(1, min(n_docs, max(n_workers, math.ceil(n_docs / per_partition))))


#: State columns a pair needs to be verified or aligned, and a match to be planned (-> short names).
KEY_COLS = {"key": "key", "line_starts": "ls", "code": "code"}


class Scattered(NamedTuple):
    """Partitions already on the workers: their futures in partition order and their divisions."""

    futures: list
    divisions: tuple


def load_partitions(client, docs: Sequence[tuple[str, str]], npartitions: int) -> Scattered:
    """In-memory documents as ``(idx, id, text)`` frames indexed by idx, in contiguous partitions.

    The partitions are scattered to the workers (not embedded in the task
    graph), and their known divisions let later stages route rows to the
    partition that holds a document. They stay futures: wrapping them in a
    dataframe adds a task per partition that the scheduler may run on the
    other worker (measured: 1.5 KB a document copied for nothing).
    """
    frame = pd.DataFrame({"idx": pd.Series(range(len(docs)), dtype="int64"),
                          "id": pd.Series([d for d, _ in docs], dtype="object"),
                          "text": pd.Series([t for _, t in docs], dtype="object")})
    frame.index = pd.RangeIndex(len(docs), name="pos")
    bounds = [round(k * len(docs) / npartitions) for k in range(npartitions + 1)]
    chunks = [frame.iloc[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])]
    return Scattered(client.scatter(chunks), tuple(bounds[:-1]) + (len(docs) - 1,))


def route(rows, col: str, state):
    """Range-partition ``rows`` onto the partitions of ``state`` by the document position in ``col``."""
    return rows.assign(pos=rows[col]).set_index("pos", divisions=state.divisions)


def partition_futures(persisted) -> list:
    """The futures of a persisted collection's partitions, in partition order (persisting it
    again would make new futures whose holders the scheduler has not reported yet)."""
    from distributed import futures_of

    futures = sorted(futures_of(persisted), key=lambda f: f.key[-1])
    if len(futures) != persisted.npartitions:
        raise RuntimeError(f"expected {persisted.npartitions} partition futures, got {len(futures)}")
    return futures


def gather_frame(client, collection) -> pd.DataFrame:
    """``collection.compute()``, but each partition goes straight to the client: ``compute``
    first concatenates them on one worker (measured: a second copy of every byte on the wire)."""
    parts = [p for p in client.gather(partition_futures(client.persist(collection))) if len(p)]
    if not parts:
        return collection._meta.copy()
    return pd.concat(parts, ignore_index=True)


def beside_state(client, func, state, *inputs, args: tuple = (), meta, divisions: tuple | None = None):
    """``func(part_0, part_1, ..., *args)`` for each partition of ``inputs`` (``state`` among them,
    all with its partitions; ``state`` persisted), run on the worker that holds that partition
    of ``state``.

    Why not ``map_partitions``: the scheduler places such a task next to the
    P2P shuffle's output partition (pinned to a worker chosen by the shuffle),
    and then copies the whole ~26 MB state partition over for a few hundred
    KB of routed rows -- measured, two thirds of all bytes the engine moved.
    Here the rows travel to the state instead (``allow_other_workers`` keeps a
    lost worker from stalling the run). ``divisions``: those of the result, when known.
    """
    import dask
    import dask.dataframe as dd
    from distributed import wait

    futures = [partition_futures(client.persist(x)) if x is not state else None for x in inputs]
    held = state.futures if isinstance(state, Scattered) else partition_futures(state)
    wait(held)  # every partition has a holder to report
    holders = client.who_has(held)
    out = []
    for k, home in enumerate(held):
        parts = [home if f is None else f[k] for f in futures]
        where = list(holders.get(home.key, ()))
        out.append(client.submit(func, *parts, *args, pure=False, workers=where or None,
                                 allow_other_workers=bool(where)))
    with dask.config.set({"dataframe.convert-string": False}):  # bytes columns (keys' line starts) stay bytes
        return dd.from_delayed(out, meta=meta, divisions=divisions, verify_meta=False)


def join_docs(client, rows, state, col: str, suffix: str, columns: dict[str, str]):
    """Send ``rows`` to the documents in ``col`` and add their ``columns`` (suffixed): the texts stay put."""
    cols = {src: f"{dst}_{suffix}" for src, dst in columns.items()}
    meta = rows._meta.reset_index(drop=True).assign(**{d: pd.Series([], dtype=stages.STATE_META[s].dtype) for s, d in cols.items()})
    return beside_state(client, stages.attach, state, route(rows, col, state), state, args=(cols,), meta=meta)


def compute_state(client, docs, cfg, progress: Progress = no_progress):
    """Stage 1-2 on the workers; the persisted per-document state (same partitions and divisions)
    of ``docs`` (:class:`Scattered`, or a persisted dataframe of ``(idx, id, text)``), each
    partition computed where its texts are (:func:`beside_state`)."""
    meta = stages.STATE_META.set_axis(pd.Index([], dtype="int64", name="pos"))
    state = beside_state(client, stages.doc_state, docs, docs, args=(cfg,), meta=meta, divisions=docs.divisions)
    return persist_with_progress(client, state, "signatures", progress)


def common_lines(state, cfg) -> frozenset:
    """``dedupe.verify.common_lines`` over all documents: hashes of the long lines in more than
    ``common_line_docs`` documents and in more than that many distinct contexts (the
    verification discounts them at both ends)."""
    hs = state.map_partitions(stages.line_hash_rows, cfg, meta=stages.frame(h="uint64")).h
    counts = hs.value_counts().compute()
    many = frozenset(int(h) for h in counts.index[counts.to_numpy() > cfg.common_line_docs])
    if not many:
        return many
    rows = state.map_partitions(stages.line_context_rows, cfg, many, meta=stages.frame(h="uint64", ctx="uint64"))
    ctx = rows.drop_duplicates().h.value_counts().compute()
    return frozenset(int(h) for h in ctx.index[ctx.to_numpy() > cfg.common_line_docs])


def verified_edges(client, state, cfg, n: int, progress: Progress = no_progress,
                   common: frozenset | Callable[[], frozenset] | None = None):
    """Candidate pairs from the document LSH buckets, verified next to both keys.

    The pairs and their keys are already on their way (:func:`join_docs`
    submits them) when ``common`` is resolved -- a callable is called only
    then -- so counting the common lines on the workers overlaps with the
    shuffles instead of preceding them (same edges)."""
    bands = state.map_partitions(stages.doc_band_rows, cfg, meta=stages.BAND_META)
    pairs = bands.shuffle(on=["band", "bkey"], npartitions=n).map_partitions(stages.bucket_pairs, meta=stages.PAIR_META)
    pairs = pairs.drop_duplicates(split_out=n)
    joined = join_docs(client, join_docs(client, pairs, state, "j", "j", KEY_COLS), state, "i", "i", KEY_COLS)
    common = common_lines(state, cfg) if common is None else common() if callable(common) else common
    edges = joined.map_partitions(stages.verify_edges, cfg, common, meta=stages.EDGE_META)
    return persist_with_progress(client, edges, "verify", progress)


def dropped_members(client, state, edges, cfg, n: int, progress: Progress = no_progress,
                    common: frozenset | None = None):
    """``(i, k, score)`` for each document ``i`` whose cluster keeps another document ``k``."""
    common = common_lines(state, cfg) if common is None else common
    comps = connected_components(client, edges[["u", "v"]], npartitions=n, progress=progress)
    members = comps.map_partitions(_members_of, meta=stages.frame(i="int64", k="int64"))
    # the verified score when (i, k) was an edge, else verify the pair again
    lo = members.i.where(members.i < members.k, members.k)
    hi = members.i.where(members.i > members.k, members.k)
    members = members.assign(lo=lo, hi=hi)
    known = edges[["i", "j", "score"]].rename(columns={"i": "lo", "j": "hi"})
    members = members.merge(known, on=["lo", "hi"], how="left")
    members = join_docs(client, join_docs(client, members, state, "k", "k", KEY_COLS), state, "i", "i", KEY_COLS)
    scored = members.map_partitions(stages.member_scores, cfg, common, meta=stages.MEMBER_META)
    return persist_with_progress(client, scored, "clusters", progress)


def join_windows(client, rows, state, side: str, divisions: tuple | None = None):
    """Send pairs to the partition of their ``side`` document and add its key (with ``divisions``:
    once per partition of ``i`` it goes on to), rank code and the range of the one window they
    collided in (:func:`stages.attach_windows`)."""
    meta = rows._meta.reset_index(drop=True).assign(**{f"key_{side}": pd.Series([], dtype="object"),
                                                        **{f"{c}_{side}": pd.Series([], dtype="int64")
                                                           for c in ("code", "ws", "we")}})
    return beside_state(client, stages.attach_windows, state, route(rows, side, state), state, args=(side, divisions),
                        meta=meta)


def passage_spans(client, state, members, cfg, n: int, progress: Progress = no_progress,
                  docs: Sequence[tuple[str, str]] | None = None):
    """Spans of repeated passages in kept documents, carried over to their
    dropped members, one finding per passage: the matches are aligned on the
    workers, then planned together on the client (a passage groups copies
    across documents), which receives the matches and the texts of the matched
    documents and of their dropped members -- from ``docs`` when the client
    already holds the input (:func:`run`), else gathered once each."""
    import dask.dataframe as dd

    got = members[["i", "k"]].compute()
    roots = dict(zip(got.i.tolist(), got.k.tolist()))
    dropped = client.persist(route(members[["i"]], "i", state))
    wins = beside_state(client, stages.window_rows, state, state, dropped, args=(cfg,), meta=stages.WIN_META)
    hits = wins.shuffle(on="key", npartitions=n).map_partitions(stages.window_collisions, cfg, meta=stages.COLLISION_META)
    pairs = hits.shuffle(on="code", npartitions=n).map_partitions(stages.window_pairs_part, meta=stages.WPAIR_META)
    # exact fingerprint candidates (short copies) and the one-band filter, computed on the client
    # from the kept documents' windows and fingerprints (their keys stay on the workers)
    kept = beside_state(client, stages.fingerprint_rows, state, state, dropped,
                        meta=stages.STATE_META[["idx", "windows", "fph", "fpp"]])
    # the window pairs are on their way while the client groups the kept documents' fingerprints
    pairs = client.persist(pairs)
    prepared = stages.kept_windows(gather_frame(client, kept), cfg)
    pairs = dd.from_pandas(stages.add_fingerprint_pairs(gather_frame(client, pairs), prepared, cfg), npartitions=n)
    common_fp, fingerprints = prepared.common, prepared.fingerprints if docs is not None else {}
    del prepared
    joined = join_windows(client, join_windows(client, pairs, state, "j", state.divisions), state, "i")
    aligned = joined.map_partitions(stages.align_rows, cfg, meta=stages.MATCH_META)
    if docs is not None:
        planned, phrases = stages.plan_streamed(_as_aligned(client, aligned, progress), [d for d, _ in docs],
                                                [t for _, t in docs], cfg, roots, common_fp, fingerprints)
    else:
        found = gather_frame(client, persist_with_progress(client, aligned, "align", progress))
        matched = set(found.i.tolist()) | set(found.j.tolist())
        need = sorted(matched | {d for d, k in roots.items() if k in matched})
        texts = gather_frame(client, state[state.idx.isin(need)][["idx", "id", "text", "code"]])
        planned, phrases = stages.plan_all(found, cfg, roots, texts, common_fp)
    return persist_with_progress(client, dd.from_pandas(planned, npartitions=1), "spans", progress), phrases


def _as_aligned(client, aligned, progress: Progress):
    """Each partition of ``aligned`` as soon as it is done (errors re-raised here), reporting progress."""
    from distributed import as_completed

    futures = partition_futures(client.persist(aligned))
    progress("align", 0, len(futures))
    for done, fut in enumerate(as_completed(futures), 1):
        part = fut.result()
        progress("align", done, len(futures))
        yield part


def in_background(func: Callable[..., T], *args) -> Callable[[], T]:
    """Start ``func(*args)`` in a daemon thread (it does not hold up the exit of an
    interrupted run); the callable returned waits for the result, re-raising its error."""
    import threading

    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["result"] = func(*args)
        except BaseException as err:  # noqa: BLE001 - handed to the caller as it is
            box["error"] = err

    thread = threading.Thread(target=work, name=f"seedsift-{getattr(func, '__name__', 'task')}", daemon=True)
    thread.start()

    def result() -> T:
        thread.join()
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        return box["result"]  # type: ignore[return-value]

    return result


def run(client, docs: Sequence[tuple[str, str]], cfg, progress: Progress = no_progress,
        per_partition: int = DOCS_PER_PARTITION):
    """Run all stages on ``client``; return a ``dedupe.DedupeResult`` equal to the local engine's."""
    from seedsift.dedupe import DedupeResult

    ids = [d for d, _ in docs]
    if len(set(ids)) != len(ids):
        raise ValueError("document ids must be unique")
    if not docs:
        return DedupeResult()
    n_workers = max(1, len(client.scheduler_info().get("workers", {})))
    nparts = _npartitions(len(docs), n_workers, per_partition)
    loaded = load_partitions(client, docs, nparts)
    # the client holds every text: it counts the common lines itself while the workers key
    # them, as the local engine does (the workers' count is three rounds of tasks and
    # reductions between the keys and the verification: measured, most of that stage)
    common = in_background(stages.common_lines_of, [t for _, t in docs], cfg)
    state = compute_state(client, loaded, cfg, progress)
    edges = verified_edges(client, state, cfg, nparts, progress, common)
    members = dropped_members(client, state, edges, cfg, nparts, progress, common())
    got = members.compute()
    clusters = {d: d for d in ids}
    doc_matches: dict[str, tuple[str, float]] = {}
    for i, k, s in sorted(zip(got.i.tolist(), got.k.tolist(), got.score.tolist())):
        clusters[ids[i]] = ids[k]
        doc_matches[ids[i]] = (ids[k], float(s))
    spans, phrases = [], []
    if cfg.passages:
        planned, phrases = passage_spans(client, state, members, cfg, nparts, progress, docs)
        spans = _ordered_spans(planned.compute(), ids)
    return DedupeResult(clusters, doc_matches, spans, phrases)


def _members_of(p: pd.DataFrame) -> pd.DataFrame:
    """Components (node, root) in rank codes -> (i, k) document positions."""
    return pd.DataFrame({"i": stages.code_to_idx(p.node.to_numpy()), "k": stages.code_to_idx(p.root.to_numpy())})


def _ordered_spans(planned: pd.DataFrame, ids: Sequence[str]):
    """The spans in the local engine's order: (document, start, end, source, source start), ties as planned."""
    planned = planned.sort_values(["tgt", "order"], kind="stable")
    planned = planned.sort_values(["tgt", "start", "end", "src", "src_start"], kind="stable")
    return stages.span_records(planned)


def find_duplicates_dask(docs: Sequence[tuple[str, str]], config=None, *, scheduler: str | None = None,
                         progress: Progress | None = None, n_workers: int | None = None,
                         per_partition: int = DOCS_PER_PARTITION):
    """``dedupe.find_duplicates`` on a Dask cluster: same clusters, scores and spans.

    ``scheduler``: address of a running scheduler (``tcp://host:8786``);
    without it a LocalCluster of one process per core is started on
    127.0.0.1 and closed afterwards (also on error or Ctrl-C).
    """
    from seedsift.dedupe import DedupeConfig

    cfg = config or DedupeConfig()
    with dask_client(scheduler, n_workers=n_workers) as client:
        return run(client, docs, cfg, progress or no_progress, per_partition)
