"""Plain-data records the deduplicator returns."""

from __future__ import annotations

from typing import NamedTuple


class Span(NamedTuple):
    """A duplicated passage: ``doc_id[start:end]`` repeats ``src_doc_id[src_start:src_end]``.

    Offsets index the texts handed to :func:`dedupe.find_duplicates` (end
    exclusive). ``action`` is ``"removed"`` (cut out of the later copy) or
    ``"kept"`` (reported only, e.g. shorter than the minimum removal length).
    """

    doc_id: str
    start: int
    end: int
    src_doc_id: str
    src_start: int
    src_end: int
    similarity: float
    action: str
