"""Human review of a run directory: the HTML report, reviewer decisions, restore.

``report``, ``apply`` and ``restore`` only read what ``clean`` and ``dedupe``
wrote into a run directory (see ARCHITECTURE.md); nothing is recomputed from
the inputs, so a directory mailed to a reviewer is all they need. Missing
pieces are tolerated: a directory with only ``clean`` outputs gets a report
with repairs and no passages, one with only ``dedupe`` outputs the other way round.

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

The report shows one card per repeated passage (the kept copy and every other
copy, diffed against it), not one per pair.
"""

from __future__ import annotations

import bisect
import os
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from seedsift import __version__
from seedsift.cleaners import Repair
from seedsift.dedupe import DedupeResult
from seedsift.dedupe.core import cut_range
from seedsift.dedupe.records import Span
from seedsift.errors import InputError, UsageProblem
from seedsift.pipeline import atomic
from seedsift.pipeline.rundir import Run, load_run, read_phrase, read_text, write_run_summary
from seedsift.reports.dedup_output import KEEP, REMOVE, document_key, span_key

__all__ = ["Run", "load_run"]  # read by pipeline.rundir, re-exported for the review commands' callers

DECISIONS_FORMAT = 1
#: Characters of surrounding text shown on each side of a passage or a repair
#: (small: at 10,000 pairs every character counts against the 20 MB budget).
CONTEXT_CHARS = 20
#: Document pairs: identical runs longer than ELIDE_OVER characters keep only
#: ELIDE_KEEP at each end (the full texts are in dedup/ and manifest.jsonl).
ELIDE_OVER = 600
ELIDE_KEEP = 120
#: Shared phrases / boilerplate rows shown (the most widespread; phrases.jsonl has them all).
PHRASE_ROWS = 200


# ---------------------------------------------------------------- report data


def reconstruct_original(cleaned: str, applied: list[Repair]) -> str | None:
    """Undo applied repairs on the cleaned text; None when they do not fit (then no context is shown).

    >>> reconstruct_original("甲，乙", [Repair("punctuation", 1, 2, ",", "，", True, "")])
    '甲,乙'
    """
    out, pos_c, pos_o = [], 0, 0
    for r in sorted(applied, key=lambda r: r.start):
        n = r.start - pos_o
        if n < 0 or len(r.before) != r.end - r.start or cleaned[pos_c + n: pos_c + n + len(r.after)] != r.after:
            return None
        out.append(cleaned[pos_c: pos_c + n])
        out.append(r.before)
        pos_c += n + len(r.after)
        pos_o = r.end
    out.append(cleaned[pos_c:])
    return "".join(out)


class _Lines:
    """1-based line number of an offset, by bisecting the newline positions once per text."""

    def __init__(self, text: str) -> None:
        self.nl = [i for i, c in enumerate(text) if c == "\n"]

    def at(self, offset: int) -> int:
        return bisect.bisect_left(self.nl, offset) + 1


def diff_segments(a: str, b: str, elide_over: int | None = None) -> list[list]:
    """Both texts as one run of segments: ``["=", t]`` shared, ``["-", t]`` only in A, ``["+", t]`` only in B.

    Shared text is stored once (near-duplicates are mostly shared), and with
    ``elide_over`` a shared run longer than that becomes ``["~", n, head, tail]``
    so that whole reprinted documents do not blow the file size; the page
    shows "n identical characters" between head and tail.

    >>> diff_segments("甲乙丙", "甲丁丙")
    [['=', '甲'], ['-', '乙'], ['+', '丁'], ['=', '丙']]
    """
    from rapidfuzz.distance import Levenshtein

    segs: list[list] = []
    for op in Levenshtein.opcodes(a, b):
        if op.tag == "equal":
            t = a[op.src_start:op.src_end]
            if elide_over and len(t) > elide_over:
                segs.append(["~", len(t), t[:ELIDE_KEEP], t[-ELIDE_KEEP:]])
            else:
                segs.append(["=", t])
            continue
        if op.src_end > op.src_start:
            segs.append(["-", a[op.src_start:op.src_end]])
        if op.dest_end > op.dest_start:
            segs.append(["+", b[op.dest_start:op.dest_end]])
    return segs


def segment_texts(segs: list[list]) -> tuple[str, str]:
    """The A and B texts back from unelided segments (the page's JavaScript does the same).

    >>> segment_texts(diff_segments("甲乙丙", "乙丙丁"))
    ('甲乙丙', '乙丙丁')
    """
    a = "".join(s[1] for s in segs if s[0] in "=-")
    b = "".join(s[1] for s in segs if s[0] in "=+")
    return a, b


def _union_len(intervals: list[tuple[int, int]]) -> int:
    """Characters covered by overlapping intervals, each counted once (passages overlap often)."""
    total = 0
    current: tuple[int, int] | None = None
    for s, e in sorted(intervals):
        if current is None or s > current[1]:
            total += (current[1] - current[0]) if current is not None else 0
            current = (s, e)
        else:
            current = (current[0], max(current[1], e))
    return total + ((current[1] - current[0]) if current is not None else 0)


def _histogram(values: list[float], edges: list[float]) -> list[dict]:
    """Counts per bin [edges[i], edges[i+1]); the last bin includes its upper edge."""
    counts = [0] * (len(edges) - 1)
    for v in values:
        i = min(max(bisect.bisect_right(edges, v) - 1, 0), len(counts) - 1)
        counts[i] += 1
    return [{"label": f"{edges[i]:.2f}–{edges[i + 1]:.2f}", "n": n} for i, n in enumerate(counts)]


def _removals(run: Run, texts: dict[str, str], decisions: dict[str, str]) -> tuple[set[str], dict[str, list[tuple[int, int, Span]]]]:
    """What ``build_dedup_output`` cuts under ``decisions``: the dropped documents, and per kept
    document the ranges (:func:`seedsift.dedupe.core.cut_range`) of the copies it removes."""
    dropped = {d for d, k in run.clusters.items() if k != d and decisions.get(document_key(d), REMOVE) == REMOVE}
    cuts: dict[str, list[tuple[int, int, Span]]] = {}
    for s in run.spans:
        if s.doc_id in dropped or s.doc_id not in texts:
            continue
        if decisions.get(span_key(s), REMOVE if s.action == "removed" else KEEP) == REMOVE:
            cuts.setdefault(s.doc_id, []).append((*cut_range(texts[s.doc_id], s), s))
    return dropped, cuts


def enclosing_removal(span: Span, dropped: set[str], cuts: dict[str, list[tuple[int, int, Span]]]) -> str | None:
    """The decision key whose removal takes (part of) ``span`` although ``span`` itself is not the one cut.

    A "keep" decision on such a copy cannot be honoured (the other removal
    cuts it anyway): the report offers no decision for it and ``apply``
    refuses one, naming the key to decide instead.
    """
    if span.doc_id in dropped:
        return document_key(span.doc_id)
    for s, e, other in cuts.get(span.doc_id, []):
        if other != span and s < span.end and span.start < e:
            return span_key(other)
    return None


class _CardBuilder:
    """Turns spans and dropped documents into the report's cards: one per repeated passage, all its copies."""

    def __init__(self, run: Run, texts: dict[str, str], doc_index: dict[str, int]) -> None:
        self.texts = texts
        self.idx = doc_index
        self.lines: dict[str, _Lines] = {}
        self.dropped = {m.doc_id: m for m in run.manifest if m.type == "document"}
        self.cut: dict[str, list[tuple[int, int]]] = {}
        for m in run.manifest:
            if m.type == "passage":
                self.cut.setdefault(m.doc_id, []).append((m.start, m.end))
        self.decided = run.summary.decisions
        self.removal = _removals(run, texts, self.decided)

    def _line(self, doc_id: str, offset: int) -> int:
        if doc_id not in self.lines:
            self.lines[doc_id] = _Lines(self.texts.get(doc_id, ""))
        return self.lines[doc_id].at(offset)

    def _side(self, doc_id: str, start: int, end: int) -> dict:
        text = self.texts.get(doc_id, "")
        return {"doc": self.idx.get(doc_id, -1), "line": self._line(doc_id, start), "start": start, "end": end,
                "pre": text[max(0, start - CONTEXT_CHARS):start], "post": text[end:end + CONTEXT_CHARS]}

    def status(self, span: Span) -> str:
        if span.doc_id in self.dropped:
            return "doc-removed"
        cuts = self.cut.get(span.doc_id, [])
        return "removed" if any(s <= span.start and span.end <= e for s, e in cuts) else "kept"

    def removed_chars(self, span: Span) -> int:
        """Characters this copy's own cut removed (its manifest record; 0 when kept or inside another removal)."""
        cuts = self.cut.get(span.doc_id, [])
        return next((e - s for s, e in cuts if s <= span.start and span.end <= e), 0)

    def _copy(self, key: str, a: tuple, kept: tuple, sim: float, status: str, auto: str, reason: str,
              elide: int | None, removed: int, within: str | None) -> dict:
        """One copy: where it is, what happened to it, and its text as diff segments against the kept copy."""
        a_text = self.texts.get(a[0], "")[a[1]:a[2]]
        k_text = self.texts.get(kept[0], "")[kept[1]:kept[2]]
        return {"key": key, "a": self._side(*a), "sim": round(float(sim), 4), "status": status, "auto": auto,
                "reason": reason, "decided": self.decided.get(key), "removed": removed, "within": within,
                "seg": diff_segments(a_text, k_text, elide)}

    def passage(self, spans: list[Span]) -> dict:
        """The card of one repeated passage: the kept copy once, every other copy against it."""
        first = spans[0]
        kept = (first.src_doc_id, first.src_start, first.src_end)
        copies = []
        for s in sorted(spans, key=lambda s: (self.idx.get(s.doc_id, -1), s.start)):
            status = self.status(s)
            within = None if status == "removed" else enclosing_removal(s, *self.removal)
            copies.append(self._copy(span_key(s), (s.doc_id, s.start, s.end), kept, s.similarity, status,
                                     s.action, s.reason, None, self.removed_chars(s) if status == "removed" else 0,
                                     within))
        return {"key": f"card:{first.passage}:{first.src_doc_id}:{first.src_start}:{first.src_end}", "kind": "passage",
                "passage": first.passage, "ckind": first.kind, "script": first.script,
                "key_chars": max(s.key_chars for s in spans), "paragraphs": max(s.paragraphs for s in spans),
                "kept": self._side(*kept),  # its text: the "=" and "+" segments of any copy (stored once)
                "copies": copies, "removed": sum(c["removed"] for c in copies)}

    def document(self, doc_id: str, keeper: str, sim: float | None) -> dict:
        """A document dedupe judged a near-duplicate: a card whose one copy is the whole document."""
        a_text, b_text = self.texts.get(doc_id, ""), self.texts.get(keeper, "")
        if sim is None:
            from rapidfuzz import fuzz

            sim = fuzz.ratio(a_text, b_text) / 100
        dropped = doc_id in self.dropped
        copy = self._copy(document_key(doc_id), (doc_id, 0, len(a_text)), (keeper, 0, len(b_text)), sim,
                          "removed" if dropped else "kept", "removed", f"near-duplicate of {keeper}",
                          ELIDE_OVER, len(a_text) if dropped else 0, None)
        head = b_text[:ELIDE_KEEP] + ("…" if len(b_text) > ELIDE_KEEP else "")
        return {"key": document_key(doc_id), "kind": "document", "passage": None, "ckind": "document",
                "script": "", "key_chars": 0, "paragraphs": 0,
                "kept": {**self._side(keeper, 0, len(b_text)), "pre": "", "post": "", "text": head},
                "copies": [copy], "removed": copy["removed"]}


def _document_cards(run: Run, builder: _CardBuilder) -> list[dict]:
    """One card per document dedupe judged a near-duplicate (dropped, or kept by a reviewer)."""
    known = run.summary.doc_matches
    cards = []
    for doc in run.docs:
        doc_id = doc.id
        keeper = run.clusters.get(doc_id, doc_id)
        if doc_id in builder.dropped:
            m = builder.dropped[doc_id]
            cards.append(builder.document(doc_id, m.src_doc_id or keeper, m.similarity))
        elif keeper != doc_id:
            src, sim = known.get(doc_id, (keeper, None))
            cards.append(builder.document(doc_id, src, sim))
    return cards


def _passage_cards(run: Run, builder: _CardBuilder) -> list[dict]:
    """One card per repeated passage, most characters removed first (the page's default order)."""
    from seedsift.pipeline.stages import passage_groups

    cards = [builder.passage(spans) for spans in passage_groups(run.spans).values()]
    return sorted(cards, key=lambda c: -c["removed"])


def _phrase_rows(phrases: list[dict], doc_index: dict[str, int], limit: int = PHRASE_ROWS) -> list[dict]:
    """Shared phrases and boilerplate, one row each (text, where, how often), most widespread first."""
    rows: list[dict] = []
    for p in phrases:
        locs = [loc for loc in p.get("locations", []) if isinstance(loc, list) and len(loc) == 3]
        docs = sorted({str(loc[0]) for loc in locs})
        rows.append({"kind": str(p.get("kind", "phrase")), "text": str(p.get("text", "")),
                     "key_chars": int(p.get("key_chars", 0)), "locations": len(locs), "documents": len(docs),
                     "docs": docs[:5]})
    rows.sort(key=lambda r: (r["kind"] != "boilerplate", -r["locations"], -r["key_chars"]))
    return rows[:limit]


def _repair_records(run: Run, doc_index: dict[str, int]) -> list[dict]:
    """Repairs and flags with surrounding original text, so a reviewer can judge each one."""
    by_doc: dict[str, list[Repair]] = {}
    for doc_id, r in run.repairs:
        by_doc.setdefault(doc_id, []).append(r)
    out = []
    for doc_id, recs in by_doc.items():
        applied = [r for r in recs if r.applied]
        original = reconstruct_original(run.cleaned[doc_id], applied) if doc_id in run.cleaned else None
        for r in recs:
            s, e = int(r.start), int(r.end)
            pre = original[max(0, s - CONTEXT_CHARS):s] if original is not None else ""
            post = original[e:e + CONTEXT_CHARS] if original is not None else ""
            out.append({"doc": doc_index.get(doc_id, -1), "kind": str(r.kind), "line": r.line,
                        "before": str(r.before), "after": str(r.after), "applied": bool(r.applied),
                        "reason": str(r.reason), "pre": pre, "post": post})
    return out


def _doc_shares(run: Run, texts: dict[str, str], builder: _CardBuilder) -> list[dict]:
    """Per document: characters covered by duplicated passages (all of it when dropped) and removed."""
    intervals: dict[str, list[tuple[int, int]]] = {}
    for s in run.spans:
        intervals.setdefault(s.doc_id, []).append((s.start, s.end))
    rows = []
    for doc in run.docs:
        doc_id = doc.id
        n = len(texts.get(doc_id, ""))
        if doc_id in builder.dropped:
            dup = removed = n
        else:
            dup = _union_len(intervals.get(doc_id, []))
            removed = sum(e - s for s, e in builder.cut.get(doc_id, []))
        rows.append({"id": doc_id, "chars": n, "dup": dup, "removed": removed, "share": dup / n if n else 0.0})
    return rows


def _counts(run: Run, shares: list[dict]) -> dict:
    """The overview numbers, from the current state of the directory (after any apply).

    The dedupe numbers are :func:`seedsift.pipeline.stages.finding_counts` of spans.jsonl
    and manifest.jsonl, the same function the CLI's summary line is made from.
    """
    from seedsift.pipeline.stages import finding_counts

    members = Counter(run.clusters.values())
    found = finding_counts(run.spans, run.manifest)
    return {
        "documents": len(run.docs),
        "clusters": sum(1 for n in members.values() if n > 1),
        "documents_removed": found["documents_removed"],
        "passages": found["passages_found"],
        "copies": found["passage_copies"],
        "passages_removed": found["passages_removed"],
        "characters_in": sum(r["chars"] for r in shares),
        "characters_removed": found["characters_removed"],
        "repairs": sum(1 for _, r in run.repairs if r.applied),
        "flags": sum(1 for _, r in run.repairs if not r.applied),
    }


def display_name(path: Path) -> str:
    """The directory's name as the user sees it, also while it is still a staging directory.

    >>> display_name(Path("/tmp/.out.staging-x1y2"))
    'out'
    """
    name = path.resolve().name
    m = re.fullmatch(r"\.(.+)\.staging-[^/]+", name)
    return m.group(1) if m else name


def build_report_data(run: Run) -> dict:
    """Everything :func:`reports.html.render_report` shows, as plain JSON-able data."""
    texts = run.dedupe_input()
    for doc_id, text in run.cleaned.items():
        texts.setdefault(doc_id, text)
    doc_ids = [d.id for d in run.docs]
    doc_index = {d: i for i, d in enumerate(doc_ids)}
    builder = _CardBuilder(run, texts, doc_index)
    cards = _document_cards(run, builder) + _passage_cards(run, builder)
    shares = _doc_shares(run, texts, builder)
    kinds = Counter((str(r.kind), bool(r.applied)) for _, r in run.repairs)
    edges = [round(0.5 + 0.05 * i, 2) for i in range(11)]
    return {
        "title": display_name(run.path),
        "generated": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "version": __version__,
        "stages": {"clean": bool(run.cleaned or run.repairs), "dedupe": run.has_dedupe},
        "counts": _counts(run, shares),
        "repair_kinds": [{"kind": k, "applied": kinds[(k, True)], "flags": kinds[(k, False)]}
                         for k in sorted({k for k, _ in kinds})],
        "sim_hist": _histogram([c["sim"] for card in cards for c in card["copies"]], [0.0] + edges[1:]),
        "share_hist": _histogram([r["share"] for r in shares], [round(0.1 * i, 1) for i in range(11)]),
        "top_docs": sorted((r for r in shares if r["dup"]), key=lambda r: -r["share"])[:15],
        "phrases": _phrase_rows(run.phrases, doc_index),
        "phrase_counts": {k: sum(1 for p in run.phrases if p.get("kind", "phrase") == k) for k in ("phrase", "boilerplate")},
        "docs": doc_ids,
        "cards": cards,
        "repairs": _repair_records(run, doc_index),
    }


def write_report(d: Path) -> Path:
    """Render ``d/report.html`` from what the stages wrote in ``d`` (atomic single-file write)."""
    from seedsift.reports.html import render_report

    d = Path(d)
    html = render_report(build_report_data(load_run(d)))
    atomic.write_text(d / "report.html", html)
    return d / "report.html"


# ---------------------------------------------------------------- decisions


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
    removal = _removals(run, texts, decisions)
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
            _safe_rel(d, doc.rel)
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
        _, dedupe_summary = pipeline.dedupe_stage(stage, docs, [texts[x.id] for x in docs], result, merged)
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


# ---------------------------------------------------------------- restore


def _safe_rel(d: Path, rel: str) -> str:
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
                atomic.write_text(stage / _safe_rel(d, doc.rel), texts[doc.id])
            else:
                records.append({**(doc.fields or {"id": doc.id}), "text": texts[doc.id]})
        if records:
            atomic.write_jsonl(stage / "restored.jsonl", records)
        summary = {"seedsift": __version__, "command": "restore", "from": os.fspath(d), "documents": len(run.docs),
                   "characters": sum(len(texts[x.id]) for x in run.docs)}
        write_run_summary(stage, summary)
    return summary
