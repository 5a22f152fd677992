"""One output directory, one generation: what `clean`, `dedupe` and `run` keep of what was there.

``clean`` and ``dedupe`` write into an existing output directory beside the
other stage's files (``clean IN --out D`` then ``dedupe IN --out D``). That is
only sound when both stages saw the same documents. Each stage therefore
records in run.json (``stage_inputs``) a fingerprint of the texts it was
given; when a stage writes, the other stage's outputs stay only if they were
made from the same documents, and are removed otherwise — a directory never
holds one new ``cleaned/`` beside stale ``dedup/`` files of another input.

A re-run over reviewed output keeps the reviewer's decisions that still name
a duplicate pair of the new result (:func:`carry_decisions`), and says so.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

from seedsift.pipeline.corpus import Doc
from seedsift.pipeline.rundir import RunSummary, read_run_summary

#: What each stage writes (top-level names in the output directory).
STAGE_OUTPUTS = {
    "clean": ("cleaned", "cleaned.jsonl", "cleaned.jsonl.gz", "repairs.jsonl", "diffs/clean"),
    "dedupe": ("dedup", "dedup.jsonl", "dedup.jsonl.gz", "clusters.jsonl", "spans.jsonl", "manifest.jsonl", "diffs/dedup",
               "clusters", "spans", "manifest"),
}


def fingerprint(docs: Sequence[Doc]) -> str:
    """sha256 over the documents (id and text, in order) a stage was given."""
    h = hashlib.sha256()
    for doc in docs:
        h.update(hashlib.sha256(doc.id.encode("utf-8", "surrogatepass")).digest())
        h.update(hashlib.sha256(doc.text.encode("utf-8", "surrogatepass")).digest())
    return h.hexdigest()


def previous_summary(d: Path) -> dict:
    """run.json of an output directory (empty when absent or unreadable: then nothing is carried over)."""
    return read_run_summary(d, strict=False).data


def _present(d: Path, stage: str) -> list[str]:
    return [name for name in STAGE_OUTPUTS[stage] if (d / name).exists()]


#: run.json entries that describe each stage's outputs (carried over while those outputs stay).
SUMMARY_KEYS = {"clean": ("clean",), "dedupe": ("dedupe", "apply")}


def settle_generations(stage_dir: Path, stage: str, given: str, made: str | None = None) -> tuple[dict, list[str]]:
    """Keep or remove the other stage's outputs in ``stage_dir`` (a staging copy of the old directory).

    ``given`` is the fingerprint of what ``stage`` was given (the input
    documents), ``made`` that of what it produced for the next stage (the
    cleaned texts). The other stage's outputs stay when they were made from
    the same documents: ``dedupe``'s input was ``given`` (``dedupe IN`` beside
    ``clean IN``) or ``made`` (``run``'s dedupe of identical cleaned texts);
    ``clean``'s input was ``given``. Directories that recorded nothing are
    not trusted. Returns the run.json entries to write (``stage_inputs`` and,
    when the other stage's outputs stay, its summary) and the names removed.
    """
    other = "dedupe" if stage == "clean" else "clean"
    previous = previous_summary(stage_dir)
    old = previous.get("stage_inputs")
    old = old if isinstance(old, dict) else {}
    present = _present(stage_dir, other)
    matches = {given, made} if other == "dedupe" else {given}
    mine = {"stage_inputs": {stage: given}}
    if not present:
        return mine, []
    if old.get(other) in matches:
        carried = {k: previous[k] for k in SUMMARY_KEYS[other] if k in previous}
        return {**carried, "stage_inputs": {stage: given, other: old[other]}}, []
    for name in present:
        path = stage_dir / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return mine, present


def describe_removed(out: Path, stage: str, removed: list[str]) -> str:
    """The line saying what was removed, and why."""
    other = "dedupe" if stage == "clean" else "clean"
    return (f"{out}: removed the {other} outputs of another input ({', '.join(removed)}) "
            f"so that {stage} does not leave them mixed with its own")


def carry_decisions(previous: dict, result) -> tuple[dict[str, str], int]:
    """The reviewer decisions of a previous run.json that still name a duplicate pair of ``result``.

    Returns ``(kept, dropped)``: the decisions to apply to the new result, and
    how many no longer apply (their passage moved or is gone, their document
    is no longer a duplicate).
    """
    from seedsift.reports.dedup_output import document_key, span_key

    decisions = RunSummary(previous).decisions
    if not decisions:
        return {}, 0
    keys = {span_key(s) for s in result.spans}
    keys |= {document_key(d) for d, k in result.clusters.items() if k != d}
    kept = {k: v for k, v in decisions.items() if k in keys and v in ("remove", "keep")}
    return kept, len(decisions) - len(kept)


def decisions_summary(kept: dict[str, str], dropped: int, result, dedupe_summary: dict, source: str) -> dict:
    """The run.json "apply" record of carried-over decisions (the shape `seedsift apply` writes)."""
    return {
        "decisions_file": source, "decisions_new": 0, "decisions": kept, "decisions_dropped": dropped,
        "doc_matches": {k: list(v) for k, v in result.doc_matches.items()},
        "documents_removed": dedupe_summary["documents_removed"],
        "passages_removed": dedupe_summary["passages_removed"],
        "characters_removed": dedupe_summary["characters_removed"],
    }


def decisions_line(out: Path, kept: dict, dropped: int) -> str:
    return (f"kept {len(kept)} reviewer decision(s) from the previous {out}/run.json"
            + (f"; {dropped} no longer match a duplicate pair and were dropped" if dropped else ""))
