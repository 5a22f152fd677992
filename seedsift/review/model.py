"""The review page's model: what ``seedsift report`` shows, built from a run directory.

``report`` only reads what ``clean`` and ``dedupe`` wrote into a run directory
(see ARCHITECTURE.md; read by :func:`seedsift.pipeline.rundir.load_run`);
nothing is recomputed from the inputs, so a directory mailed to a reviewer is
all they need. Missing pieces are tolerated: a directory with only ``clean``
outputs gets a report with repairs and no passages, one with only ``dedupe``
outputs the other way round.

The report shows one card per repeated passage (the kept copy and every other
copy, diffed against it), not one per pair; decisions made on the page are
applied by :mod:`seedsift.review.apply`.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from seedsift import __version__
from seedsift.cleaners import Repair
from seedsift.dedupe.records import Span
from seedsift.pipeline import atomic
from seedsift.pipeline.rundir import Run, load_run
from seedsift.reports.dedup_output import document_key, span_key
from seedsift.reports.review import (
    ELIDE_KEEP,
    Lines,
    diff_segments,
    enclosing_removal,
    histogram,
    reconstruct_original,
    removals,
    union_len,
)

#: Characters of surrounding text shown on each side of a passage or a repair
#: (small: at 10,000 pairs every character counts against the 20 MB budget).
CONTEXT_CHARS = 20
#: Document pairs: identical runs longer than ELIDE_OVER characters keep only
#: ELIDE_KEEP at each end (the full texts are in dedup/ and manifest.jsonl).
ELIDE_OVER = 600
#: Shared phrases / boilerplate rows shown (the most widespread; phrases.jsonl has them all).
PHRASE_ROWS = 200


class _CardBuilder:
    """Turns spans and dropped documents into the report's cards: one per repeated passage, all its copies."""

    def __init__(self, run: Run, texts: dict[str, str], doc_index: dict[str, int]) -> None:
        self.texts = texts
        self.idx = doc_index
        self.lines: dict[str, Lines] = {}
        self.dropped = {m.doc_id: m for m in run.manifest if m.type == "document"}
        self.cut: dict[str, list[tuple[int, int]]] = {}
        for m in run.manifest:
            if m.type == "passage":
                self.cut.setdefault(m.doc_id, []).append((m.start, m.end))
        self.decided = run.summary.decisions
        self.removal = removals(run.clusters, run.spans, texts, self.decided)

    def _line(self, doc_id: str, offset: int) -> int:
        if doc_id not in self.lines:
            self.lines[doc_id] = Lines(self.texts.get(doc_id, ""))
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
            dup = union_len(intervals.get(doc_id, []))
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
        "sim_hist": histogram([c["sim"] for card in cards for c in card["copies"]], [0.0] + edges[1:]),
        "share_hist": histogram([r["share"] for r in shares], [round(0.1 * i, 1) for i in range(11)]),
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
