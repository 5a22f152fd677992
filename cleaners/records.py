"""Plain-data records the cleaner returns.

Kept free of behaviour so that the app layer, the reports and the tests can
all read them without importing any fixer.
"""

from __future__ import annotations

from typing import NamedTuple


class Repair(NamedTuple):
    """One repair (``applied=True``) or one flag (``applied=False``).

    ``start``/``end`` index the *original* text handed to :func:`cleaners.clean`
    (end exclusive), so replaying every applied repair on the original gives the
    cleaned text exactly (:func:`cleaners.apply_repairs`). ``line`` is the
    1-based line of ``start`` in the original. ``kind`` names the fixer
    (a key of ``FIXERS``); ``reason`` says in words why this repair was made.
    """

    kind: str
    start: int
    end: int
    before: str
    after: str
    applied: bool
    reason: str
    line: int = 0


class Cleaned(NamedTuple):
    """Cleaned text and every repair and flag that produced it (ftfy's ExplainedText)."""

    text: str
    repairs: tuple[Repair, ...]


class Decoded(NamedTuple):
    """Text decoded from bytes and the encoding that decoded it."""

    text: str
    encoding: str
