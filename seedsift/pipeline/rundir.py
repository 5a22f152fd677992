"""The run directory's records, written and read back in one place.

Every file of the run-directory schema (ARCHITECTURE.md, "Output directory")
that is read back is read here, and its records are written here too:
``docs.jsonl`` (:class:`DocEntry`, :func:`write_doc_index` / :func:`read_doc_index`),
``run.json`` (:class:`RunSummary`, :func:`write_run_summary` / :func:`read_run_summary`),
the record files of the stages (:func:`write_repairs`, :func:`write_clusters`,
:func:`write_spans`, :func:`write_phrases`, :func:`write_manifest`; each written
atomically, :func:`seedsift.pipeline.atomic.write_jsonl`), and the whole
directory as a :class:`Run` (:func:`load_run`, what ``report``, ``apply`` and
``restore`` start from). The stages decide what to write, this module where
and in which format.

A line of ``repairs.jsonl`` is a :class:`cleaners.Repair` plus the document
id, a line of ``spans.jsonl`` a :class:`dedupe.Span`, a line of
``manifest.jsonl`` a :class:`reports.dedup_output.ManifestEntry`: each is
written from the record (``_asdict()``, ``ManifestEntry.row()``) and read
back into the same record type. The lines of the dedupe record files
(clusters, spans, manifest) come from :mod:`seedsift.records`, which the Dask
dataset writer uses too, so its part files cannot drift from these. So a
field added to a record is written and read without a second list of names
to keep in step. A line that lacks a field without a default is an
``InputError`` naming the file and line.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from seedsift import records
from seedsift.cleaners import Repair
from seedsift.errors import InputError
from seedsift.pipeline import atomic
from seedsift.pipeline.corpus import Doc, parse_json
from seedsift.records import cluster_lines, manifest_lines, span_lines

if TYPE_CHECKING:  # the dedupe library is loaded by the stages that use it, not by `seedsift clean`
    from seedsift.dedupe.records import SharedPhrase, Span
    from seedsift.reports.dedup_output import ManifestEntry

#: The document index and the run summary (the marker of a seedsift output directory).
DOCS = "docs.jsonl"
SUMMARY = atomic.MARKER
#: The record files: the clean stage's repairs and flags, the dedupe stage's findings.
REPAIRS = "repairs.jsonl"
CLUSTERS = f"{records.CLUSTERS}.jsonl"
SPANS = f"{records.SPANS}.jsonl"
PHRASES = "phrases.jsonl"
MANIFEST = f"{records.MANIFEST}.jsonl"

R = TypeVar("R")


def repair_row(doc_id: str, repair: Repair) -> dict:
    """The repairs.jsonl line for one repair or flag of document ``doc_id``.

    >>> repair_row("a.txt", Repair("punctuation", 3, 4, ",", "，", True, "full width", 1))["doc"]
    'a.txt'
    """
    return {"doc": doc_id, **repair._asdict()}


def phrase_row(phrase: SharedPhrase) -> dict:
    """The phrases.jsonl line for one shared phrase (its locations as ``[doc_id, start, end]`` lists)."""
    return {"kind": phrase.kind, "text": phrase.text, "key_chars": phrase.key_chars,
            "locations": [list(loc) for loc in phrase.locations]}


def read_phrase(rec: dict, where: str) -> SharedPhrase:
    """A :class:`SharedPhrase` from a phrases.jsonl line (``kind`` "phrase" when absent)."""
    from seedsift.dedupe.records import SharedPhrase

    p = _record(SharedPhrase, rec, where, "phrase")
    return p._replace(locations=tuple(tuple(loc) for loc in p.locations))


def _record(cls: type[R], rec: dict, where: str, what: str) -> R:
    """``cls`` (a NamedTuple) from a JSON object: every field without a default must be there."""
    fields: Any = cls
    try:
        return cls(**{k: rec[k] for k in fields._fields if k in rec or k not in fields._field_defaults})
    except KeyError as err:
        raise InputError(where, f"{what} has no {err.args[0]!r} field") from None


def read_repair(rec: dict, where: str) -> tuple[str, Repair]:
    """``(document id, Repair)`` from a repairs.jsonl line (``where`` names it in errors).

    >>> read_repair(repair_row("a.txt", Repair("punctuation", 3, 4, ",", "，", True, "full width", 1)), "x:1")
    ('a.txt', Repair(kind='punctuation', start=3, end=4, before=',', after='，', applied=True, reason='full width', line=1))
    """
    if "doc" not in rec:
        raise InputError(where, "repair has no 'doc' field")
    return str(rec["doc"]), _record(Repair, rec, where, "repair")


def read_manifest_entry(rec: dict, where: str) -> ManifestEntry:
    """A :class:`ManifestEntry` from a manifest.jsonl line: ``type``, ``doc_id``, ``start``, ``end`` and
    ``text`` are required (restore relies on them), the rest take the record's defaults."""
    from seedsift.reports.dedup_output import MANIFEST_REQUIRED, ManifestEntry

    missing = [k for k in MANIFEST_REQUIRED if k not in rec]
    if missing:
        raise InputError(where, f"manifest record has no {missing[0]!r} field")
    return _record(ManifestEntry, rec, where, "manifest record")


def read_span(rec: dict, where: str) -> Span:
    """A :class:`Span` from a spans.jsonl line (fields written before a default existed take it)."""
    from seedsift.dedupe.records import Span

    return _record(Span, rec, where, "span")


# ---------------------------------------------------------------- the record files


def write_repairs(out: Path, repairs: Iterable[tuple[str, Repair]]) -> None:
    """repairs.jsonl: one :func:`repair_row` per ``(document id, repair or flag)``, in the order given."""
    atomic.write_jsonl(Path(out) / REPAIRS, (repair_row(doc_id, r) for doc_id, r in repairs))


def write_clusters(out: Path, ids: Iterable[str], clusters: dict[str, str]) -> None:
    """clusters.jsonl: one :func:`seedsift.records.cluster_row` per document id, in the order given (input order)."""
    atomic.write_lines(Path(out) / CLUSTERS, cluster_lines(ids, clusters))


def write_spans(out: Path, spans: Iterable[Span]) -> None:
    """spans.jsonl: one :func:`seedsift.records.span_row` per copy of a repeated passage."""
    atomic.write_lines(Path(out) / SPANS, span_lines(spans))


def write_phrases(out: Path, phrases: Iterable[SharedPhrase]) -> None:
    """phrases.jsonl: one :func:`phrase_row` per shared phrase."""
    atomic.write_jsonl(Path(out) / PHRASES, (phrase_row(p) for p in phrases))


def write_manifest(out: Path, manifest: Iterable[ManifestEntry]) -> None:
    """manifest.jsonl: one :func:`seedsift.records.manifest_row` per removed document or passage."""
    atomic.write_lines(Path(out) / MANIFEST, manifest_lines(manifest))


# ---------------------------------------------------------------- docs.jsonl


class DocEntry(NamedTuple):
    """A docs.jsonl line: a document's id, its output path (``rel``, None for a JSONL record), where it was
    read from, its encoding and its JSONL fields other than ``text`` (None for a file)."""

    id: str
    rel: str | None = None
    source: str | None = None
    encoding: str | None = None
    fields: dict | None = None


def doc_entry(doc: Doc) -> DocEntry:
    """The docs.jsonl record of a document as the reader made it.

    >>> doc_entry(Doc(id="7", text="甲", source="p.jsonl:1", record={"id": 7, "text": "甲", "page": "A3"}))
    DocEntry(id='7', rel=None, source='p.jsonl:1', encoding='utf-8', fields={'id': 7, 'page': 'A3'})
    """
    fields = {k: v for k, v in doc.record.items() if k != "text"} if doc.record is not None else None
    return DocEntry(doc.id, doc.rel, doc.source, doc.encoding, fields)


def write_doc_index(out: Path, docs: Sequence[Doc]) -> None:
    """docs.jsonl: id, output path and JSONL fields of every document, in input order.

    ``apply`` and ``report`` need it to rebuild outputs for documents that were
    dropped (their text is in the manifest, their other fields here).
    """
    atomic.write_jsonl(out / DOCS, (doc_entry(d)._asdict() for d in docs))


def read_doc_entry(rec: dict, where: str) -> DocEntry:
    """A :class:`DocEntry` from a docs.jsonl line (only ``id`` is required).

    >>> read_doc_entry(doc_entry(Doc(id="a.txt", text="甲", source="a.txt", rel="a.txt"))._asdict(), "x:1")
    DocEntry(id='a.txt', rel='a.txt', source='a.txt', encoding='utf-8', fields=None)
    """
    return _record(DocEntry, rec, where, "document")


def read_doc_index(d: Path) -> list[DocEntry]:
    """The documents of run directory ``d`` in input order: docs.jsonl, or for a directory written before
    docs.jsonl existed, what its text directories and manifest hold."""
    path = Path(d) / DOCS
    return [read_doc_entry(rec, f"{path}:{i}") for i, rec in enumerate(read_optional_jsonl(path), 1)] or _infer_docs(Path(d))


def _infer_docs(d: Path) -> list[DocEntry]:
    """Document index for directories written before docs.jsonl existed: walk the text dirs."""
    seen: dict[str, DocEntry] = {}
    for sub in ("cleaned", "dedup"):
        root = d / sub
        if root.is_dir():
            for p in sorted(root.rglob("*")):
                if p.is_file() and not p.name.startswith("."):
                    rel = p.relative_to(root).as_posix()
                    seen.setdefault(rel, DocEntry(rel, rel))
        for rec in read_optional_jsonl(d / f"{sub}.jsonl"):
            rid = str(rec.get("id"))
            seen.setdefault(rid, DocEntry(rid, None, fields={k: v for k, v in rec.items() if k != "text"}))
    for rec in read_optional_jsonl(d / MANIFEST):
        if rec.get("type") == "document":
            seen.setdefault(rec["doc_id"], DocEntry(rec["doc_id"], rec["doc_id"]))
    return list(seen.values())


# ---------------------------------------------------------------- run.json


@dataclass(frozen=True)
class RunSummary:
    """run.json: what produced the directory (inputs, counts, options, version, ``stage_inputs``) and the
    reviewer decisions applied (``apply``). The JSON object is kept as it is (``data``, written back
    unchanged); the properties read the parts that are read back, tolerating a missing or malformed part.

    >>> RunSummary({"apply": {"decisions": {"document:b": "keep"}, "doc_matches": {"b": ["a", 1]}}}).doc_matches
    {'b': ('a', 1.0)}
    """

    data: dict = field(default_factory=dict)

    @property
    def applied(self) -> dict:
        """The "apply" record (reviewer decisions, written by ``apply`` or carried over by a re-run), or {}."""
        applied = self.data.get("apply")
        return applied if isinstance(applied, dict) else {}

    @property
    def decisions(self) -> dict[str, str]:
        """Every reviewer decision applied so far (decision key -> "remove" / "keep")."""
        decisions = self.applied.get("decisions")
        return decisions if isinstance(decisions, dict) else {}

    @property
    def doc_matches(self) -> dict[str, tuple[str, float]]:
        """What each document judged a near-duplicate duplicates, as recorded by the last apply."""
        return {k: (v[0], float(v[1])) for k, v in self.applied.get("doc_matches", {}).items()}

    def stage(self, name: str) -> dict:
        """The summary of one stage ("clean", "dedupe"), or {}."""
        got = self.data.get(name)
        return got if isinstance(got, dict) else {}


def write_run_summary(out: Path, summary: dict) -> None:
    """run.json marks the directory as seedsift output and records what produced it."""
    atomic.write_text(Path(out) / SUMMARY, json.dumps(summary, ensure_ascii=False, indent=2) + "\n")


def read_run_summary(d: Path, strict: bool = True) -> RunSummary:
    """run.json of directory ``d`` (empty when absent; a JSON value that is not an object reads as empty).

    ``strict``: a damaged run.json is an InputError naming it; otherwise (carrying decisions
    over to a new run) it reads as empty, so that nothing is carried over.
    """
    path = Path(d) / SUMMARY
    if not strict:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return RunSummary()
    elif not path.is_file():
        return RunSummary()
    else:
        try:
            data = json.loads(read_text(path))
        except json.JSONDecodeError as err:
            raise InputError(str(path), f"not valid JSON ({err.msg})") from None
    return RunSummary(data if isinstance(data, dict) else {})


# ---------------------------------------------------------------- reading a run directory


def read_jsonl(path: Path) -> list[dict]:
    """Read a JSONL(.gz) file; a broken line is an InputError naming ``path:line``."""
    out = []
    try:
        with (gzip.open(path, "rt", encoding="utf-8") if path.name.endswith(".gz") else open(path, encoding="utf-8")) as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                rec = parse_json(line, f"{path}:{lineno}")
                if not isinstance(rec, dict):
                    raise InputError(f"{path}:{lineno}", "line is not a JSON object")
                out.append(rec)
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8") from None
    return out


def read_optional_jsonl(path: Path) -> list[dict]:
    """A stage that did not run left no file: that is an empty list, not an error (``path.gz`` is read too)."""
    if not path.is_file() and path.with_name(path.name + ".gz").is_file():
        path = path.with_name(path.name + ".gz")
    return read_jsonl(path) if path.is_file() else []


def read_text(path: Path) -> str:
    """Read bytes and decode: no newline translation, offsets must match what was written."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8") from None


@dataclass
class Run:
    """Everything a run directory holds, as read from disk (absent pieces empty)."""

    path: Path
    docs: list[DocEntry]
    cleaned: dict[str, str] = field(default_factory=dict)
    dedup: dict[str, str] = field(default_factory=dict)
    repairs: list[tuple[str, Repair]] = field(default_factory=list)
    clusters: dict[str, str] = field(default_factory=dict)
    spans: list[Span] = field(default_factory=list)
    manifest: list[ManifestEntry] = field(default_factory=list)
    phrases: list[dict] = field(default_factory=list)
    summary: RunSummary = field(default_factory=RunSummary)
    has_dedupe: bool = False

    def dedupe_input(self) -> dict[str, str]:
        """The texts dedupe was given (its offsets index these): deduplicated corpus + manifest."""
        from seedsift.reports.dedup_output import restore

        return restore(self.dedup, self.manifest) if self.has_dedupe else dict(self.cleaned)


def _read_texts(d: Path, sub: str, docs: list[DocEntry]) -> dict[str, str]:
    """Texts of one stage: ``d/sub/<rel>`` for files, ``d/sub.jsonl`` records for JSONL docs."""
    texts: dict[str, str] = {}
    by_id = {str(r.get("id")): r.get("text") for r in read_optional_jsonl(d / f"{sub}.jsonl")}
    for doc in docs:
        if doc.rel:
            p = d / sub / doc.rel
            if p.is_file():
                texts[doc.id] = read_text(p)
        elif isinstance(text := by_id.get(doc.id), str):
            texts[doc.id] = text
    return texts


def _read_records(path: Path, read: Any) -> list:
    """Every line of an optional JSONL file as a record (``read(rec, "path:line")``)."""
    return [read(rec, f"{path}:{i}") for i, rec in enumerate(read_optional_jsonl(path), 1)]


def load_run(d: Path) -> Run:
    """Read a run directory; raise InputError (naming the file) when it is not one or is damaged.

    spans.jsonl comes back as Span records (the type dedupe returned, so span_key matches exactly),
    repairs.jsonl as (document id, Repair), manifest.jsonl as ManifestEntry records (restore() trusts
    them, so a damaged line fails here, naming it).
    """
    d = Path(d)
    if not d.is_dir():
        raise InputError(str(d), "not a directory")
    summary = read_run_summary(d)
    docs = read_doc_index(d)
    if not docs:
        raise InputError(str(d), f"not a seedsift output directory (no {DOCS}, cleaned/ or dedup/)")
    run = Run(d, docs, summary=summary)
    run.cleaned = _read_texts(d, "cleaned", docs)
    run.dedup = _read_texts(d, "dedup", docs)
    run.repairs = _read_records(d / REPAIRS, read_repair)
    run.clusters = {str(r["id"]): str(r["cluster"]) for r in read_optional_jsonl(d / CLUSTERS) if "id" in r and "cluster" in r}
    run.spans = _read_records(d / SPANS, read_span)
    run.manifest = _read_records(d / MANIFEST, read_manifest_entry)
    run.phrases = read_optional_jsonl(d / PHRASES)
    run.has_dedupe = (d / MANIFEST).is_file() and ((d / "dedup").is_dir() or (d / "dedup.jsonl").is_file() or (d / "dedup.jsonl.gz").is_file() or bool(run.manifest))
    return run
