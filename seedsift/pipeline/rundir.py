"""The run directory's records, written and read back in one place.

A line of ``repairs.jsonl`` is a :class:`cleaners.Repair` plus the document
id, a line of ``spans.jsonl`` a :class:`dedupe.Span`, a line of
``manifest.jsonl`` a :class:`reports.dedup_output.ManifestEntry`: each is
written from the record (``_asdict()``, ``ManifestEntry.row()``) and read
back into the same record type, so a
field added to a record is written and read without a second list of names
to keep in step. A line that lacks a field without a default is an
``InputError`` naming the file and line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from seedsift.cleaners import Repair
from seedsift.errors import InputError

if TYPE_CHECKING:  # the dedupe library is loaded by the stages that use it, not by `seedsift clean`
    from seedsift.dedupe.records import SharedPhrase, Span
    from seedsift.reports.dedup_output import ManifestEntry

R = TypeVar("R")


def repair_row(doc_id: str, repair: Repair) -> dict:
    """The repairs.jsonl line for one repair or flag of document ``doc_id``.

    >>> repair_row("a.txt", Repair("punctuation", 3, 4, ",", "，", True, "full width", 1))["doc"]
    'a.txt'
    """
    return {"doc": doc_id, **repair._asdict()}


def span_row(span: Span) -> dict:
    """The spans.jsonl line for one copy of a repeated passage."""
    return span._asdict()


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
