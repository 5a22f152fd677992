"""Reviewer decisions: ``seedsift apply`` rebuilds the dedupe outputs of a run directory honouring them.

Decisions file (exported by the report, read by ``seedsift apply``)::

    {"seedsift_decisions": 1,
     "decisions": {"passage:003.txt:5210:6890:003.txt:2190:3870": "keep",
                   "document:004.txt": "remove"}}

Keys are :func:`reports.dedup_output.span_key` (one copy of a repeated passage,
as in spans.jsonl) or :func:`reports.dedup_output.document_key` (a document
dedupe dropped as a near-duplicate); values are ``"remove"`` (cut the copy /
drop the document) or ``"keep"``. Copies without a decision keep dedupe's
automatic verdict. A "keep" for a copy inside another removal (a dropped
document, another copy's cut) cannot be honoured and is refused, naming the
removal to decide instead. Decisions accumulate: each ``apply`` starts from
dedupe's automatic verdicts plus every decision applied before (stored in
``run.json["apply"]["decisions"]``), the new file winning, so a second export
only needs the copies reviewed since.
"""

from __future__ import annotations

import os
from pathlib import Path

from seedsift.dedupe import DedupeResult
from seedsift.errors import InputError
from seedsift.pipeline import atomic
from seedsift.pipeline.rundir import Run, load_run, read_phrase, read_text, write_run_summary
from seedsift.reports.dedup_output import KEEP, REMOVE, document_key, span_key
from seedsift.reports.review import enclosing_removal, removals
from seedsift.review.model import write_report
from seedsift.review.restore import safe_rel

DECISIONS_FORMAT = 1


def read_decisions(path: Path) -> dict[str, str]:
    """Parse and check a decisions file's shape (keys are checked against the run later)."""
    from seedsift.pipeline.corpus import MAX_DOC_BYTES, parse_json

    path = Path(path)
    try:
        if path.stat().st_size > MAX_DOC_BYTES:
            raise InputError(str(path), f"is over {MAX_DOC_BYTES // 2**20} MiB; not a decisions file")
        data = parse_json(read_text(path), str(path))
    except FileNotFoundError:
        raise InputError(str(path), "no such file") from None
    if not isinstance(data, dict) or data.get("seedsift_decisions") != DECISIONS_FORMAT:
        raise InputError(str(path), f'not a seedsift decisions file (expected {{"seedsift_decisions": {DECISIONS_FORMAT}, "decisions": {{...}}}})')
    decisions = data.get("decisions")
    if not isinstance(decisions, dict):
        raise InputError(str(path), '"decisions" must be an object mapping pair keys to "remove" or "keep"')
    for key, value in decisions.items():
        if value not in (REMOVE, KEEP):
            raise InputError(str(path), f'decision for {key!r} is {value!r}; expected "remove" or "keep"')
    return decisions


def decision_keys(run: Run) -> set[str]:
    """Keys a decision may name: every passage pair and every document dedupe judged a duplicate."""
    keys = {span_key(s) for s in run.spans}
    keys |= {document_key(d) for d, k in run.clusters.items() if k != d}
    return keys


def _doc_matches(run: Run) -> dict[str, tuple[str, float]]:
    """What each dropped document duplicates: from the manifest, and from earlier applies for kept ones."""
    matches = run.summary.doc_matches
    for m in run.manifest:
        if m.type == "document":
            matches[m.doc_id] = (m.src_doc_id or run.clusters.get(m.doc_id, m.doc_id), float(1.0 if m.similarity is None else m.similarity))
    return matches


def _corpus_docs(run: Run, texts: dict[str, str]) -> list:
    """Doc objects as the reader made them, so pipeline.dedupe_stage writes the same paths and records."""
    from seedsift.pipeline.corpus import Doc

    return [Doc(id=d.id, text=texts[d.id], source=d.source or d.id, encoding=d.encoding or "utf-8", rel=d.rel,
                record={**d.fields, "text": texts[d.id]} if d.fields is not None else None) for d in run.docs]


def _check_honoured(path: Path, run: Run, texts: dict[str, str], decisions: dict[str, str]) -> None:
    """Refuse a "keep" that another removal would overrule (the copy lies inside a dropped document
    or inside the cut of another copy): the reviewer must decide the enclosing removal instead."""
    by_key = {span_key(s): s for s in run.spans}
    removal = removals(run.clusters, run.spans, texts, decisions)
    for key in sorted(k for k, v in decisions.items() if v == KEEP and k in by_key):
        other = enclosing_removal(by_key[key], *removal)
        if other:
            raise InputError(str(path), f'"keep" for {key!r} cannot be honoured: the copy lies inside the removal of '
                                        f'{other!r}; decide that one instead')


def apply_decisions(decisions_path: Path, d: Path) -> dict:
    """Rebuild dedup/, dedup.jsonl, manifest.jsonl and diffs/dedup/ honouring reviewer decisions.

    Everything is checked before anything is written (unknown keys or values:
    InputError, directory untouched); the new outputs replace the old ones in
    one swap. Returns the "apply" summary also stored in run.json.
    """
    from seedsift.pipeline import stages as pipeline
    d = Path(d)
    new = read_decisions(decisions_path)
    run = load_run(d)
    if not run.has_dedupe:
        raise InputError(str(d), "has no dedupe outputs (manifest.jsonl, dedup/); run `seedsift dedupe` or `seedsift run` first")
    unknown = sorted(set(new) - decision_keys(run))
    if unknown:
        raise InputError(str(decisions_path), f"unknown pair key {unknown[0]!r} ({len(unknown)} unknown; not in {d}/spans.jsonl or clusters.jsonl)")
    for doc in run.docs:  # as restore does: a tampered docs.jsonl must not make apply write elsewhere
        if doc.rel:
            safe_rel(d, doc.rel)
    texts = run.dedupe_input()
    missing = [doc.id for doc in run.docs if doc.id not in texts]
    if missing:
        raise InputError(str(d), f"text of document {missing[0]!r} is neither in dedup/ nor in manifest.jsonl")
    merged = {**run.summary.decisions, **new}
    _check_honoured(decisions_path, run, texts, merged)
    matches = _doc_matches(run)
    # the shared phrases do not depend on decisions: carried over as they are (else apply emptied phrases.jsonl)
    phrases = [read_phrase(p, f"{d}/phrases.jsonl:{i}") for i, p in enumerate(run.phrases, 1)]
    result = DedupeResult(clusters=run.clusters, doc_matches=matches, spans=run.spans, phrases=phrases)
    docs = _corpus_docs(run, texts)
    with atomic.staged_directory(d) as stage:
        _, dedupe_summary = pipeline.dedupe_stage(stage, docs, result, merged)
        summary = {
            "decisions_file": os.fspath(decisions_path), "decisions_new": len(new), "decisions": merged,
            "doc_matches": {k: list(v) for k, v in matches.items()},
            "documents_removed": dedupe_summary["documents_removed"],
            "passages_removed": dedupe_summary["passages_removed"],
            "characters_removed": dedupe_summary["characters_removed"],
        }
        run_summary = {**run.summary.data, "dedupe": {**run.summary.stage("dedupe"), **dedupe_summary}, "apply": summary}
        write_run_summary(stage, run_summary)
        if (d / "report.html").exists():
            write_report(stage)
    return summary
