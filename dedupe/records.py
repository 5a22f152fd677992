"""Plain-data records the deduplicator returns."""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """One copy of a repeated passage: ``doc_id[start:end]`` repeats the kept
    copy ``src_doc_id[src_start:src_end]``.

    Offsets index the texts handed to :func:`dedupe.find_duplicates` (end
    exclusive). Every copy of one repeated passage except the kept one is a
    span with the same ``passage`` number and the kept copy as source, so a
    passage copied onto k pages gives k - 1 spans, not k(k-1)/2 pairs.

    ``action``: ``"removed"`` (cut out of this copy), ``"kept"`` (reported
    only; ``reason`` says why) or ``"in_dropped_doc"`` (the copy lies in a
    document dropped whole as a near-duplicate; it matters to a reviewer who
    keeps that document). ``kind``: ``"complete"`` (both copies are whole
    paragraphs) or ``"ragged"`` (a copy starts or ends inside a paragraph).
    ``key_chars``: letters and digits of this copy; ``paragraphs``: how many
    paragraphs it spans; ``script``: ``"same"`` or ``"converted"`` (the copies
    differ in script, e.g. simplified vs traditional).
    """

    doc_id: str
    start: int
    end: int
    src_doc_id: str
    src_start: int
    src_end: int
    similarity: float
    action: str
    kind: str = "complete"
    key_chars: int = 0
    paragraphs: int = 0
    script: str = "same"
    reason: str = ""
    passage: int = 0


class SharedPhrase(NamedTuple):
    """Text found in several places that is not a passage to remove: reported
    once, with all its locations ``((doc_id, start, end), ...)``.

    ``kind`` ``"phrase"``: shorter than a passage, or inside paragraphs that
    otherwise differ (never removed). ``"boilerplate"``: a passage whose
    copies lie in more than ``DedupeConfig.boilerplate_docs`` document
    clusters (a footer, licence block or template), kept under the default
    ``boilerplate="keep"`` policy (with ``"remove"`` it is a passage)."""

    text: str
    key_chars: int
    locations: tuple
    kind: str = "phrase"
