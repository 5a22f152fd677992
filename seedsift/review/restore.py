"""``seedsift restore``: the texts dedupe was given, back as a corpus, from a run directory alone."""

from __future__ import annotations

import os
from pathlib import Path

from seedsift import __version__
from seedsift.errors import InputError, UsageProblem
from seedsift.pipeline import atomic
from seedsift.pipeline.rundir import load_run, write_run_summary


def safe_rel(d: Path, rel: str) -> str:
    """A docs.jsonl path must stay inside the output (a tampered index must not write elsewhere)."""
    parts = Path(rel).parts
    if not parts or Path(rel).is_absolute() or ".." in parts:
        raise InputError(str(Path(d) / "docs.jsonl"), f"document path {rel!r} leaves the directory")
    return rel


def restore_dir(d: Path, out: Path) -> dict:
    """Write the texts dedupe was given (deduplicated corpus + manifest) as a corpus in ``out``.

    File documents go to ``out/<rel>``; JSONL documents to ``out/restored.jsonl``
    with their other fields. ``out`` gets a run.json so that it can be
    replaced by a later restore, and nothing else is ever overwritten.
    """
    if atomic.is_within(Path(out), Path(d)) or atomic.is_within(Path(d), Path(out)):
        # restoring into the run directory (or around it) would replace what it restores from
        raise UsageProblem(f"--out {out} is, contains or lies in the directory restored from ({d}); choose another --out")
    run = load_run(Path(d))
    if not run.has_dedupe:
        raise InputError(str(d), "has no dedupe outputs (manifest.jsonl, dedup/) to restore from")
    texts = run.dedupe_input()
    records = []
    with atomic.staged_directory(Path(out), keep_existing=False) as stage:
        for doc in run.docs:
            if doc.id not in texts:
                raise InputError(str(d), f"text of document {doc.id!r} is neither in dedup/ nor in manifest.jsonl")
            if doc.rel:
                atomic.write_text(stage / safe_rel(d, doc.rel), texts[doc.id])
            else:
                records.append({**(doc.fields or {"id": doc.id}), "text": texts[doc.id]})
        if records:
            atomic.write_jsonl(stage / "restored.jsonl", records)
        summary = {"seedsift": __version__, "command": "restore", "from": os.fspath(d), "documents": len(run.docs),
                   "characters": sum(len(texts[x.id]) for x in run.docs)}
        write_run_summary(stage, summary)
    return summary
