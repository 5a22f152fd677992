"""Deduplicate a corpus that no single machine holds: read, dedupe and write partition by partition.

``dedupe_dataset(inputs, out)`` reads JSONL(.gz) or Parquet ``{"id", "text", ...}``
records from any path Dask/fsspec can open (local, ``s3://``, ``gs://``,
``hdfs://``...), runs the engine's stages on the workers, and writes the
results from the workers, one part file per input partition:

    OUT/dedup/part-NNNNN.jsonl.gz     kept records, removed passages cut out
                                      (part-NNNNN.parquet for Parquet input)
    OUT/clusters/part-NNNNN.jsonl.gz  {"id", "cluster"} per document
    OUT/spans/part-NNNNN.jsonl.gz     duplicated passages (as spans.jsonl)
    OUT/manifest/part-NNNNN.jsonl.gz  every removed document/passage (as manifest.jsonl)

Concatenated in part order the files equal the single-file outputs of
``seedsift dedupe`` (same records, same order). The documents never move for
the write: the (small) per-document results are range-partitioned onto the
documents' partitions (``set_index`` with the documents' divisions).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np
import pandas as pd

from seedsift.records import CLUSTERS, MANIFEST, SPANS, cluster_lines, jsonl_line, manifest_lines, span_lines

from . import stages
from .cluster import Progress, no_progress, persist_with_progress
from .engine import common_lines, compute_state, dropped_members, join_docs, passage_spans, route, verified_edges

PARQUET_SUFFIXES = (".parquet", ".pq")


def read_records(inputs: Sequence[str], blocksize: str | None = "64MB"):
    """A Dask dataframe of the input records, one or more partitions per file, with a global ``idx``.

    gzip files cannot be split, so each is one partition; plain JSONL is cut
    into ``blocksize`` pieces. ``idx`` (input position) is a distributed
    cumulative count, so no machine reads the whole corpus to number it.
    """
    import dask.dataframe as dd

    inputs = [str(p) for p in inputs]
    if all(p.endswith(PARQUET_SUFFIXES) or "." not in p.rsplit("/", 1)[-1] for p in inputs):
        ddf = dd.read_parquet(inputs)
    else:
        compressed = any(p.endswith(".gz") for p in inputs)
        ddf = dd.read_json(inputs, lines=True, orient="records", compression="infer",
                           blocksize=None if compressed else blocksize, dtype=False)
    for col in ("id", "text"):
        if col not in ddf.columns:
            raise ValueError(f'the input records have no "{col}" field')
    ddf = ddf.assign(id=ddf.id.astype(str))
    one = ddf.text.map_partitions(lambda s: pd.Series(np.ones(len(s), dtype=np.int64), index=s.index), meta=("one", "int64"))
    return ddf.assign(idx=one.cumsum() - 1)


def _divisions(client, records) -> tuple[list[int], list[int]]:
    """First idx of every partition (and the partition sizes): the ranges results are routed to."""
    sizes = records.map_partitions(len, meta=("n", "int64")).compute().tolist()
    starts = np.concatenate([[0], np.cumsum(sizes)]).astype(int).tolist()
    return starts, sizes


def dedupe_dataset(client, inputs: Sequence[str], out: str, cfg, progress: Progress = no_progress,
                   blocksize: str | None = "64MB") -> dict:
    """Deduplicate ``inputs`` into ``out`` on ``client``'s cluster; return summary counts.

    Raises ValueError when document ids are not unique (as the local engine).
    """
    import dask.dataframe as dd

    records = client.persist(read_records(inputs, blocksize))
    n_docs, n_ids = client.compute([records.shape[0], records.id.nunique()], sync=True)
    if n_docs != n_ids:
        raise ValueError("document ids must be unique")
    starts, _ = _divisions(client, records)
    records = client.persist(records.assign(pos=records.idx).set_index("pos", sorted=True,
                                                                     divisions=_index_divisions(starts)))
    nparts = records.npartitions
    state = compute_state(client, records, cfg, progress)
    common = functools.cache(lambda: common_lines(state, cfg))
    edges = verified_edges(client, state, cfg, nparts, progress, common)
    raw_members = dropped_members(client, state, edges, cfg, nparts, progress, common())
    members = join_docs(client, raw_members, state, "k", "k", {"id": "kept"})[["i", "kept_k", "score"]]
    members = members.rename(columns={"kept_k": "kept"})
    if cfg.passages:
        spans, _phrases = passage_spans(client, state, raw_members, cfg, nparts, progress)
    else:
        spans = dd.from_pandas(stages.SPAN_META.copy(), npartitions=1)
    fmt = "parquet" if all(str(p).endswith(PARQUET_SUFFIXES) for p in inputs) else "jsonl"
    written = dd.map_partitions(write_partition, records, route(members, "i", state), route(spans, "tgt", state),
                                out, fmt, align_dataframes=False,
                                meta=stages.frame(documents="int64", dropped="int64", passages="int64", chars_removed="int64"))
    counts = persist_with_progress(client, written, "write", progress).compute()
    return {k: int(v) for k, v in counts.sum().items()}


def _index_divisions(starts: list[int]) -> tuple[int, ...]:
    """Dask divisions for partitions starting at ``starts[:-1]`` (the last division is inclusive)."""
    return tuple(starts[:-1]) + (max(starts[-1] - 1, starts[-2]),)


def write_partition(docs: pd.DataFrame, members: pd.DataFrame, spans: pd.DataFrame, out: str, fmt: str) -> pd.DataFrame:
    """Apply drops and cuts to one partition and write its four part files (runs on the worker that holds it).

    Uses ``reports.dedup_output.build_dedup_output`` -- the function the
    local ``seedsift dedupe`` writes with -- on the partition's documents and
    their results, so records and manifest entries are the same, and writes
    their lines with :mod:`seedsift.records`, as the local run directory does.
    """
    import fsspec

    from seedsift.reports.dedup_output import build_dedup_output

    if docs.empty:
        return stages.frame(documents="int64", dropped="int64", passages="int64", chars_removed="int64")
    docs = docs.sort_values("idx")
    ids = docs.id.tolist()
    texts = docs.text.tolist()
    clusters = {d: d for d in ids}
    matches = {}
    pos = dict(zip(docs.idx.tolist(), ids))
    for i, kept, score in zip(members.i.tolist(), members.kept.tolist(), members.score.tolist()):
        clusters[pos[i]] = kept
        matches[pos[i]] = (kept, float(score))
    # the local engine's order: (document, start, end, source, source start), ties as planned
    spans = spans.sort_values(["tgt", "order"], kind="stable")
    spans = spans.sort_values(["tgt", "start", "end", "src", "src_start"], kind="stable")
    span_list = stages.span_records(spans)
    built = build_dedup_output(list(zip(ids, texts)), clusters, matches, span_list)
    part = f"part-{int(docs.idx.iloc[0]):012d}"
    fields = [c for c in docs.columns if c != "idx"]  # the records' own fields, in their order
    kept_rows = [{c: built.texts[r["id"]] if c == "text" else _plain(r[c]) for c in fields}
                 for r in docs.to_dict("records") if r["id"] in built.texts]
    if fmt == "parquet":
        with fsspec.open(f"{out}/dedup/{part}.parquet", "wb", auto_mkdir=True) as f:
            pd.DataFrame(kept_rows, columns=fields).to_parquet(f, index=False)
    else:
        _write_lines(f"{out}/dedup/{part}.jsonl.gz", (jsonl_line(r) for r in kept_rows))
    _write_lines(f"{out}/{CLUSTERS}/{part}.jsonl.gz", cluster_lines(ids, clusters))
    _write_lines(f"{out}/{SPANS}/{part}.jsonl.gz", span_lines(span_list))
    _write_lines(f"{out}/{MANIFEST}/{part}.jsonl.gz", manifest_lines(built.manifest))
    return pd.DataFrame({"documents": [len(ids)],
                         "dropped": [sum(1 for m in built.manifest if m.type == "document")],
                         "passages": [sum(1 for m in built.manifest if m.type == "passage")],
                         "chars_removed": [built.removed_chars]})


def _plain(v):
    """numpy scalars -> Python, so records serialise as the input had them."""
    return v.item() if isinstance(v, np.generic) else v


def _write_lines(path: str, lines) -> None:
    """Write ``lines`` (:mod:`seedsift.records`: the local run directory's rows and encoding) via fsspec, so
    any filesystem; ``.gz`` is compressed."""
    import fsspec

    with fsspec.open(path, "wt", encoding="utf-8", compression="infer", auto_mkdir=True) as f:
        f.writelines(lines)
