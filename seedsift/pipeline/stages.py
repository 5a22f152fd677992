"""The pipeline stages above the pure libraries: read -> clean -> dedupe -> report.

Each ``*_stage`` function takes documents, calls one library and writes that
stage's outputs into a directory (normally a staging directory that
:func:`seedsift.pipeline.atomic.staged_directory` swaps into place), returning a
summary dict. Stages never call each other; :mod:`seedsift.cli.app` composes them.
The record files (repairs, clusters, spans, phrases, manifest) are written
through :mod:`seedsift.pipeline.rundir`, which owns their names and formats.
"""

from __future__ import annotations

import gzip
import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from seedsift import cleaners
from seedsift.cleaners import CleanConfig, Cleaned
from seedsift.pipeline import atomic, rundir
from seedsift.pipeline.corpus import Doc
from seedsift.pipeline.lexicon_cache import warm_lexicon
from seedsift.records import jsonl_line
from seedsift.reports.dedup_output import DedupOutput, ManifestEntry, build_dedup_output
from seedsift.reports.diff import unified_diff

if TYPE_CHECKING:  # the dedupe library is imported by whoever found the result
    from seedsift.dedupe import DedupeResult

#: ``progress(iterable, desc=..., total=...)`` yields the items, drawing a bar (the CLI's) or nothing.
Progress = Callable[..., Iterable]


def _no_progress(it: Iterable, **_: object) -> Iterable:
    return it


def clean_docs(docs: Sequence[Doc], config: CleanConfig, progress: Progress = _no_progress) -> list[Cleaned]:
    """Clean every document (in order)."""
    as_value = config._replace(final_newline=False)
    return [cleaners.clean(doc.text, as_value if doc.record is not None else config) for doc in progress(docs, desc="clean", total=len(docs))]


def gzipped(docs: Sequence[Doc]) -> bool:
    """Whether the JSONL records came from ``.jsonl.gz`` files: their outputs are then gzipped too."""
    return any((d.jsonl or d.source.rsplit(":", 1)[0]).endswith(".gz") for d in docs if d.record is not None)


def _write_texts(out: Path, subdir: str, jsonl_name: str, docs: Sequence[Doc], progress: Progress = _no_progress) -> None:
    """Write file docs under ``out/subdir/<rel>`` and JSONL records to ``out/jsonl_name`` (``.gz`` for gzipped input)."""
    records = []
    for doc in progress(docs, desc=f"write {subdir}", total=len(docs)):
        if doc.record is not None:
            records.append({**doc.record, "text": doc.text})
        else:
            atomic.write_text(out / subdir / doc.rel, doc.text)
    for stale in (out / jsonl_name, out / f"{jsonl_name}.gz"):
        stale.unlink(missing_ok=True)
    if records:
        if gzipped(docs):
            body = "".join(jsonl_line(r) for r in records).encode("utf-8")
            atomic.write_bytes(out / f"{jsonl_name}.gz", gzip.compress(body, mtime=0))
        else:
            atomic.write_jsonl(out / jsonl_name, records)


def _write_diffs(out: Path, subdir: str, befores: Sequence[Doc], afters: Sequence[Doc],
                 progress: Progress = _no_progress) -> int:
    """A unified diff per document whose text changed from ``befores[i]`` to ``afters[i]`` (the same documents)."""
    n = 0
    for before, after in progress(zip(befores, afters), desc=f"write {subdir}", total=len(befores)):
        name = before.rel or diff_name(before.id)
        diff = unified_diff(before.text, after.text, name)
        if diff:
            atomic.write_text(out / subdir / f"{name}.diff", diff)
            n += 1
    return n


def diff_name(doc_id: str) -> str:
    """A file name for a JSONL record's diff: unique and reversible (``urllib.parse.unquote``).

    Letters (any script), digits, ``-``, ``_`` and ``.`` stay; every other
    character, ``%`` included, becomes ``%XX`` per UTF-8 byte, so ``a b``,
    ``a_b``, ``a/b`` and ``a?b`` get four different names and no id leaves the
    diff directory. ``.`` and ``..`` are encoded too.

    >>> [diff_name(i) for i in ("a b", "a_b", "a/b", "a?b", "新闻1", "50%", "..")]
    ['a%20b', 'a_b', 'a%2Fb', 'a%3Fb', '新闻1', '50%25', '%2E%2E']
    """
    if doc_id in ("", ".", ".."):
        return "".join(f"%{b:02X}" for b in doc_id.encode()) or "%"
    return "".join(c if (c.isalnum() or c in "-_.") and c.isprintable() else
                   "".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass")) for c in doc_id)


def clean_stage(out: Path, docs: Sequence[Doc], config: CleanConfig, progress: Progress = _no_progress) -> tuple[list[Doc], dict]:
    """Clean ``docs`` and write cleaned/, repairs.jsonl and diffs/. Returns (the cleaned documents, summary).

    The cleaned documents are ``docs`` with their cleaned text (:meth:`Doc.with_text`): what
    :func:`dedupe_stage` is given. A caller that drops ``docs`` then holds one text per document.
    """
    shutil.rmtree(out / "cleaned", ignore_errors=True)
    shutil.rmtree(out / "diffs" / "clean", ignore_errors=True)
    warm_lexicon()
    results = clean_docs(docs, config, progress)
    cleaned = [doc.with_text(res.text) for doc, res in zip(docs, results)]
    _write_texts(out, "cleaned", "cleaned.jsonl", cleaned, progress)
    repairs = [(doc.id, r) for doc, res in zip(docs, results) for r in res.repairs]
    del results
    rundir.write_repairs(out, repairs)
    ndiffs = _write_diffs(out, "diffs/clean", docs, cleaned, progress)
    kinds = Counter((r.kind, r.applied) for _, r in repairs)
    per_doc = Counter(doc_id for doc_id, r in repairs if r.applied)
    summary = {
        "documents": len(docs),
        "repairs": sum(1 for _, r in repairs if r.applied),
        "flags": sum(1 for _, r in repairs if not r.applied),
        "repairs_by_kind": {k: n for (k, applied), n in sorted(kinds.items()) if applied},
        "flags_by_kind": {k: n for (k, applied), n in sorted(kinds.items()) if not applied},
        "repairs_by_document": dict(sorted(per_doc.items())),
        "changed_documents": ndiffs,
    }
    return cleaned, summary


def dedupe_stage(
    out: Path,
    docs: Sequence[Doc],
    result: DedupeResult,
    decisions: dict[str, str] | None = None,
    progress: Progress = _no_progress,
) -> tuple[DedupOutput, dict]:
    """Write dedup/, clusters.jsonl, spans.jsonl, manifest.jsonl and dedup diffs for a DedupeResult.

    ``docs`` are the documents dedupe was given, with the texts it was given (the offsets of ``result``).
    """
    shutil.rmtree(out / "dedup", ignore_errors=True)
    shutil.rmtree(out / "diffs" / "dedup", ignore_errors=True)
    built = build_dedup_output([(d.id, d.text) for d in docs], result.clusters, result.doc_matches, result.spans, decisions)
    kept = [d for d in docs if d.id in built.texts]
    deduped = [d.with_text(built.texts[d.id]) for d in kept]
    _write_texts(out, "dedup", "dedup.jsonl", deduped, progress)
    rundir.write_clusters(out, (d.id for d in docs), result.clusters)
    rundir.write_spans(out, result.spans)
    rundir.write_phrases(out, result.phrases)
    rundir.write_manifest(out, built.manifest)
    _write_diffs(out, "diffs/dedup", kept, deduped, progress)
    summary = {
        "documents": len(docs),
        "clusters": len(set(result.clusters.values())),
        **finding_counts(result.spans, built.manifest),
        "shared_phrases": sum(1 for p in result.phrases if p.kind == "phrase"),
        "boilerplate": sum(1 for p in result.phrases if p.kind == "boilerplate"),
        "characters_in": sum(len(d.text) for d in docs),
    }
    return built, summary


def passage_groups(spans: Iterable) -> dict[tuple, list]:
    """The copies of each repeated passage: spans sharing a ``passage`` number and a kept copy.

    Records written before passages were numbered all carry ``passage`` 0; their
    kept copy (``src_*``) still tells the passages apart.
    """
    groups: dict[tuple, list] = {}
    for s in spans:
        groups.setdefault((s.passage, s.src_doc_id, s.src_start, s.src_end), []).append(s)
    return groups


def finding_counts(spans: Sequence, manifest: Sequence[ManifestEntry]) -> dict:
    """The dedupe numbers the CLI prints and the report shows, from spans and the manifest.

    One function for both so that the page and the summary line cannot disagree:
    repeated passages and their copies come from spans.jsonl, what was removed
    (documents, cut copies, characters) from the manifest.
    """
    return {
        "documents_removed": sum(1 for m in manifest if m.type == "document"),
        "passages_found": len(passage_groups(spans)),
        "passage_copies": len(spans),
        "passages_removed": sum(1 for m in manifest if m.type == "passage"),
        "characters_removed": sum(len(m.text) for m in manifest),
    }

