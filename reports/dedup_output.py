"""Turn dedupe findings (plus a reviewer's decisions) into the deduplicated corpus and its manifest.

The manifest accounts for every removed character: a dropped document is
stored whole, a cut passage with its offsets, so :func:`restore` rebuilds the
texts dedupe was given exactly. Reviewer decisions exported from the HTML
report (``seedsift apply``) override the automatic ones pair by pair.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from seedsift.dedupe.core import cut_range
from seedsift.dedupe.records import Span

REMOVE = "remove"
KEEP = "keep"


def span_key(span: Span) -> str:
    """Stable identifier of a passage pair, used by the report's decisions."""
    return f"passage:{span.doc_id}:{span.start}:{span.end}:{span.src_doc_id}:{span.src_start}:{span.src_end}"


def document_key(doc_id: str) -> str:
    return f"document:{doc_id}"


class ManifestEntry(NamedTuple):
    """One removed document (``type`` "document", ``src_start``/``src_end`` None) or passage of manifest.jsonl.

    ``text`` is what was removed, ``doc_id[start:end]`` of the text dedupe was
    given; ``src_*`` the copy that stays; ``decided_by`` "auto" or "reviewer".
    """

    type: str
    doc_id: str
    start: int
    end: int
    text: str
    src_doc_id: str | None = None
    src_start: int | None = None
    src_end: int | None = None
    similarity: float | None = None
    reason: str = ""
    decided_by: str = "auto"

    def row(self) -> dict:
        """The manifest.jsonl line: a document's entry has no ``src_start``/``src_end``.

        >>> ManifestEntry("document", "b", 0, 2, "甲乙", "a", similarity=1.0, reason="copy").row()
        {'type': 'document', 'doc_id': 'b', 'start': 0, 'end': 2, 'text': '甲乙', 'src_doc_id': 'a', 'similarity': 1.0, 'reason': 'copy', 'decided_by': 'auto'}
        """
        return {k: v for k, v in self._asdict().items() if v is not None or k not in ("src_start", "src_end")}


#: Fields a manifest.jsonl line must have (restore relies on them); the others have defaults.
MANIFEST_REQUIRED = ("type", "doc_id", "start", "end", "text")


@dataclass
class DedupOutput:
    """Texts of the deduplicated corpus (dropped documents absent) and the manifest records."""

    texts: dict[str, str]
    manifest: list[ManifestEntry]
    removed_chars: int


def _merge(intervals: list[tuple[int, int, Span]]) -> list[tuple[int, int, list[Span]]]:
    merged: list[tuple[int, int, list[Span]]] = []
    for start, end, span in sorted(intervals, key=lambda t: (t[0], t[1])):
        if merged and start <= merged[-1][1]:
            s, e, spans = merged[-1]
            merged[-1] = (s, max(e, end), spans + [span])
        else:
            merged.append((start, end, [span]))
    return merged


def build_dedup_output(
    docs: Sequence[tuple[str, str]],
    clusters: Mapping[str, str],
    doc_matches: Mapping[str, tuple[str, float]],
    spans: Sequence[Span],
    decisions: Mapping[str, str] | None = None,
) -> DedupOutput:
    """Apply document drops and passage cuts, honouring ``decisions`` (key -> remove|keep).

    Without a decision, a document is dropped when its cluster keeps another
    document, and a passage is cut when dedupe marked it ``removed``.
    """
    decisions = decisions or {}
    texts: dict[str, str] = {}
    manifest: list[ManifestEntry] = []
    removed_chars = 0
    by_doc: dict[str, list[Span]] = {}
    for span in spans:
        by_doc.setdefault(span.doc_id, []).append(span)
    for doc_id, text in docs:
        keeper = clusters.get(doc_id, doc_id)
        auto_drop = keeper != doc_id
        decision = decisions.get(document_key(doc_id))
        if (decision or (REMOVE if auto_drop else KEEP)) == REMOVE and auto_drop:
            src, sim = doc_matches.get(doc_id, (keeper, 1.0))
            manifest.append(ManifestEntry(
                "document", doc_id, 0, len(text), text, src_doc_id=src, similarity=round(float(sim), 4),
                reason=f"near-duplicate of {src} (similarity {sim:.3f})",
                decided_by="reviewer" if decision else "auto",
            ))
            removed_chars += len(text)
            continue
        chosen = []
        for span in by_doc.get(doc_id, []):
            d = decisions.get(span_key(span))
            if (d or (REMOVE if span.action == "removed" else KEEP)) == REMOVE:
                chosen.append((*cut_range(text, span), span))
        pieces, pos = [], 0
        for start, end, covered in _merge(chosen):
            first = covered[0]
            pieces.append(text[pos:start])
            manifest.append(ManifestEntry(
                "passage", doc_id, start, end, text[start:end], src_doc_id=first.src_doc_id,
                src_start=first.src_start, src_end=first.src_end, similarity=round(float(first.similarity), 4),
                reason=(
                    f"repeats {first.src_doc_id}[{first.src_start}:{first.src_end}] "
                    f"(similarity {first.similarity:.3f})"
                ),
                decided_by="reviewer" if any(span_key(s) in decisions for s in covered) else "auto",
            ))
            removed_chars += end - start
            pos = end
        pieces.append(text[pos:])
        texts[doc_id] = "".join(pieces)
    return DedupOutput(texts, manifest, removed_chars)


def restore(texts: Mapping[str, str], manifest: Sequence[ManifestEntry]) -> dict[str, str]:
    """Rebuild the texts dedupe was given from the deduplicated corpus and the manifest.

    >>> out = build_dedup_output([("a", "甲乙丙甲乙丙")], {"a": "a"}, {},
    ...     [Span("a", 3, 6, "a", 0, 3, 1.0, "removed")])
    >>> out.texts["a"], restore(out.texts, out.manifest)["a"]
    ('甲乙丙', '甲乙丙甲乙丙')
    """
    restored = dict(texts)
    passages: dict[str, list[ManifestEntry]] = {}
    for rec in manifest:
        if rec.type == "document":
            restored[rec.doc_id] = rec.text
        else:
            passages.setdefault(rec.doc_id, []).append(rec)
    for doc_id, recs in passages.items():
        text = restored[doc_id]
        for rec in sorted(recs, key=lambda r: r.start):
            text = text[: rec.start] + rec.text + text[rec.start:]
        restored[doc_id] = text
    return restored
