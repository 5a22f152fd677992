"""The lines of the dedupe record files: one definition for every writer of them.

Two writers produce the same record files: the local run directory
(``pipeline/rundir.py``: ``clusters.jsonl``, ``spans.jsonl``,
``manifest.jsonl``) and the Dask dataset mode (``dask_engine/dataset.py``:
``clusters/``, ``spans/``, ``manifest/part-*.jsonl.gz``, written by the
workers). The Dask room may not import the pipeline, so the rows and their
encoding live here, in the base every room may import: a field added to a
record, or a change of encoding, reaches both writers at once and their files
cannot drift apart. The records themselves (``dedupe.Span``,
``reports.dedup_output.ManifestEntry``) come from the libraries that build them;
reading the files back is ``pipeline/rundir.py``'s.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # record types only: `seedsift clean` does not load the dedupe library
    from seedsift.dedupe.records import Span
    from seedsift.reports.dedup_output import ManifestEntry

#: The record files' names, without the ``.jsonl`` of the run directory (the Dask parts' folders).
CLUSTERS = "clusters"
SPANS = "spans"
MANIFEST = "manifest"


def jsonl_line(record: Mapping) -> str:
    """One JSON object and its line break, UTF-8 text as it is (not ``\\uXXXX``): every JSONL file seedsift writes.

    >>> jsonl_line({"id": "甲", "n": 1})
    '{"id": "甲", "n": 1}\\n'
    """
    return json.dumps(record, ensure_ascii=False) + "\n"


def cluster_row(doc_id: str, clusters: Mapping[str, str]) -> dict:
    """The clusters line of document ``doc_id``: the id of its cluster's kept document (itself when unique).

    >>> cluster_row("b", {"b": "a"}), cluster_row("c", {"b": "a"})
    ({'id': 'b', 'cluster': 'a'}, {'id': 'c', 'cluster': 'c'})
    """
    return {"id": doc_id, "cluster": clusters.get(doc_id, doc_id)}


def span_row(span: Span) -> dict:
    """The spans line for one copy of a repeated passage: every field of the :class:`dedupe.Span`."""
    return span._asdict()


def manifest_row(entry: ManifestEntry) -> dict:
    """The manifest line of one removed document or passage (``ManifestEntry.row()``: a document's has no
    ``src_start``/``src_end``)."""
    return entry.row()


def cluster_lines(ids: Iterable[str], clusters: Mapping[str, str]) -> Iterator[str]:
    """The clusters file: one :func:`cluster_row` per document id, in the order given (input order)."""
    return (jsonl_line(cluster_row(doc_id, clusters)) for doc_id in ids)


def span_lines(spans: Iterable[Span]) -> Iterator[str]:
    """The spans file: one :func:`span_row` per copy of a repeated passage, in the order given."""
    return (jsonl_line(span_row(s)) for s in spans)


def manifest_lines(manifest: Iterable[ManifestEntry]) -> Iterator[str]:
    """The manifest file: one :func:`manifest_row` per removed document or passage, in the order given."""
    return (jsonl_line(manifest_row(m)) for m in manifest)
